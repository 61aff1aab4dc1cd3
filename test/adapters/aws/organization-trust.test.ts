/** Reading trust policies as IAM returns them (decoding itself: policy-document.test.ts). */
import { describe, expect, it } from 'vitest';
import { readTrustPolicy } from '../../../src/adapters/aws/organization-trust.ts';
import { bootstrapTrustPolicy } from '../../../src/core/trust-policy.ts';

const USERS = '222222222222';

describe('reading a trust policy as IAM returns it', () => {
  const policy = bootstrapTrustPolicy(USERS, ['b@x.gov.uk', 'a@x.gov.uk']);

  it('reads back the users and the MFA requirement the project writes', () => {
    expect(readTrustPolicy(encodeURIComponent(JSON.stringify(policy)), USERS)).toEqual({
      trusted: ['a@x.gov.uk', 'b@x.gov.uk'],
      requiresMfa: true,
    });
  });

  it('keeps an account-root principal verbatim, so it shows as drift', () => {
    const wide = { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${USERS}:root` }, Action: 'sts:AssumeRole' }] };
    expect(readTrustPolicy(encodeURIComponent(JSON.stringify(wide)), USERS)).toEqual({
      trusted: [`arn:aws:iam::${USERS}:root`],
      requiresMfa: false,
    });
  });
});
