/**
 * IAM throttling as AWS does it (a token bucket per account and API: a burst, then a steady rate,
 * refusing with 400 Throttling), in front of moto: the adapter's retries and its pacer absorb it
 * without a failure, and the pacer brings the refusals down once it has measured the quota.
 */
import pLimit from 'p-limit';
import { describe, expect, it } from 'vitest';
import { createAwsUsersAccount } from '../../../src/adapters/aws/iam-users-account.ts';
import { DEFAULT_CONCURRENCY } from '../../../src/apply/apply-plan.ts';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE } from '../../../src/core/model.ts';
import { startBenchProxy } from '../../support/aws-proxy.ts';
import { awsSettings, useMoto } from '../../support/aws.ts';
import { motoEnv } from '../../support/moto.ts';
import { TokenBuckets } from '../../support/throttling.ts';

const moto = useMoto({ reset: true });

describe('token buckets', () => {
  it('let a burst through, then the steady rate, per account and API', () => {
    let now = 0;
    const buckets = new TokenBuckets({ iam: { burst: 3, perSecond: 2 } }, () => now);
    const iam = { service: 'iam', accessKey: 'AKIA1', action: 'CreateUser' };
    expect([1, 2, 3, 4].map(() => buckets.take(iam))).toEqual([true, true, true, false]);
    // Another operation of the same API and account shares the bucket; another account, another
    // service (without a rule here) do not.
    expect(buckets.take({ ...iam, action: 'TagUser' })).toBe(false);
    expect(buckets.take({ ...iam, accessKey: 'AKIA2' })).toBe(true);
    expect(buckets.take({ ...iam, service: 'ses' })).toBe(true);
    now = 499;
    expect(buckets.take(iam)).toBe(false);
    now = 500;
    expect(buckets.take(iam)).toBe(true);
    expect(buckets.refused).toEqual(new Map([['iam:CreateUser', 2], ['iam:TagUser', 1]]));
  });
});

describe('IAM throttled by a token bucket', () => {
  it('creates every user without a failure; each refused request was retried', async () => {
    const proxy = await startBenchProxy(moto.url, { throttling: { iam: { burst: 5, perSecond: 30 } } });
    try {
      const settings = awsSettings();
      const port = createAwsUsersAccount(settings, motoEnv(proxy.url));
      const names = Array.from({ length: 40 }, (_, i) => `throttled.${i}@example.gov.uk`);
      // As apply sends them: DEFAULT_CONCURRENCY in flight at once.
      const limit = pLimit(DEFAULT_CONCURRENCY);
      const results = await Promise.allSettled(names.map((name) => limit(() => port.createUser(name, { [MANAGED_BY_TAG]: MANAGED_BY_VALUE }))));
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      const created = proxy.counts.get('CreateUser') ?? 0;
      const refused = proxy.buckets.refused.get('iam:CreateUser') ?? 0;
      expect(refused).toBeGreaterThan(0);
      // Every request refused was sent again, and nothing else was.
      expect(created).toBe(names.length + refused);
    } finally {
      await proxy.close();
    }
  });
});
