/**
 * Reading the users account must cost a handful of requests, not one or more per user: IAM's
 * account-level rate quota cannot be raised (https://repost.aws/knowledge-center/iam-sts-throttling-error), and a per-user read of 1,000 users would
 * be 5,000+ calls.
 */
import {
  CreateUserCommand,
  GetAccountAuthorizationDetailsCommand,
  GetAccountPasswordPolicyCommand,
  IAMClient,
  ListAccountAliasesCommand,
  type UserDetail,
} from '@aws-sdk/client-iam';
import type { HttpRequest } from '@smithy/types';
import pLimit from 'p-limit';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAwsUsersAccount, createIamClient } from '../../../src/adapters/aws/iam-users-account.ts';
import { createAwsOrganization } from '../../../src/adapters/aws/organization.ts';
import { usersTrustPolicy } from '../../../src/core/trust-policy.ts';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE } from '../../../src/core/model.ts';
import { awsSettings, createMotoOrganization, fakeClient, MOTO_ACCOUNT_ID, motoClient, useMoto } from '../../support/aws.ts';
import { motoEnv } from '../../support/moto.ts';

// More users than requests by far: a read that cost one request per user would show at once. (moto
// never pages, so the count does not grow with more; paging is below, against a fake.)
const USERS = 300;
const userName = (i: number) => `user-${String(i).padStart(4, '0')}@example.gov.uk`;

describe('requests made by readUsersAccount', () => {
  const moto = useMoto();
  const settings = awsSettings();

  beforeAll(async () => {
    const seeding = createIamClient(settings, motoEnv(moto.url));
    const limit = pLimit(10);
    await Promise.all(
      Array.from({ length: USERS }, (_, i) =>
        limit(() =>
          seeding.send(
            new CreateUserCommand({
              UserName: userName(i),
              Tags: [
                { Key: MANAGED_BY_TAG, Value: MANAGED_BY_VALUE },
                { Key: 'team', Value: `team-${i % 7}` },
              ],
            }),
          ),
        ),
      ),
    );
  }, 180_000);

  it(`reads ${USERS} users from moto in a handful of HTTP requests`, async () => {
    const actions: string[] = [];
    const client = createIamClient(settings, motoEnv(moto.url));
    // In the deserialize step, so every attempt (retries included) that goes on the wire is counted.
    client.middlewareStack.add(
      (next) => async (args) => {
        const body = (args.request as HttpRequest).body;
        actions.push(typeof body === 'string' ? (/Action=(\w+)/.exec(body)?.[1] ?? '?') : '?');
        return next(args);
      },
      { step: 'deserialize', name: 'countRequests' },
    );

    const live = await createAwsUsersAccount(settings, motoEnv(moto.url), { client }).readUsersAccount('CrossAccountAccess');

    expect(live.users).toHaveLength(USERS);
    expect(live.users.find((u) => u.userName === userName(USERS - 1))?.tags).toEqual({
      [MANAGED_BY_TAG]: MANAGED_BY_VALUE,
      team: `team-${(USERS - 1) % 7}`,
    });
    console.log(`readUsersAccount: ${USERS} users in ${actions.length} HTTP requests against moto (${actions.sort().join(', ')})`);
    expect(actions.length).toBeLessThanOrEqual(3);
  });
});

describe('pages against AWS (client-level fake, as moto never paginates)', () => {
  it.each([999, 1000, 2500])('%i users take ceil(N/1000) GAAD pages', async (count) => {
    const users: UserDetail[] = Array.from({ length: count }, (_, i) => ({ UserName: userName(i) }));
    const { client, fake: iam } = fakeClient(IAMClient);
    iam.on(GetAccountAuthorizationDetailsCommand).callsFake(async (input: { MaxItems?: number; Marker?: string }) => {
      const start = Number(input.Marker ?? 0);
      const end = start + (input.MaxItems ?? 100);
      return end < users.length
        ? { UserDetailList: users.slice(start, end), IsTruncated: true, Marker: String(end) }
        : { UserDetailList: users.slice(start), IsTruncated: false };
    });
    iam.on(GetAccountPasswordPolicyCommand).resolves({ PasswordPolicy: { MinimumPasswordLength: 16 } });
    iam.on(ListAccountAliasesCommand).resolves({ AccountAliases: ['test-users'] });

    const live = await createAwsUsersAccount(awsSettings(), {}, { client }).readUsersAccount('CrossAccountAccess');

    expect(live.users).toHaveLength(count);
    const pages = iam.commandCalls(GetAccountAuthorizationDetailsCommand).length;
    expect(pages).toBe(Math.ceil(count / 1000));
    console.log(`readUsersAccount: ${count} users in ${pages} GAAD pages + 1 GetAccountPasswordPolicy + 1 ListAccountAliases (fake AWS)`);
    expect(iam.calls()).toHaveLength(pages + 2);
  });
});

describe('requests made reading member accounts\' roles', () => {
  const moto = useMoto({ managedPolicies: true });

  it('costs one GetAccountAuthorizationDetails per member account, however many roles it has', async () => {
    await createMotoOrganization(moto.url, []);
    const settings = awsSettings({ organization: { management_account_id: MOTO_ACCOUNT_ID } });
    const actions: string[] = [];
    const counted = (accountId: string, roleName: string): IAMClient => {
      const client = motoClient(IAMClient, moto.url, { roleArn: `arn:aws:iam::${accountId}:role/${roleName}` });
      client.middlewareStack.add(
        (next) => async (args) => {
          const body = (args.request as HttpRequest).body;
          actions.push(typeof body === 'string' ? (/Action=(\w+)/.exec(body)?.[1] ?? '?') : '?');
          return next(args);
        },
        { step: 'deserialize', name: 'countRequests' },
      );
      return client;
    };
    const org = createAwsOrganization(settings, motoEnv(moto.url), { iamForAccount: counted });
    const accounts: string[] = [];
    for (const name of ['one', 'two', 'three']) {
      const requestId = await org.startAccountCreation({ accountName: name, email: `aws-root+${name}@example.gov.uk`, tags: {}, accessRoleName: 'OrganizationAccountAccessRole' });
      const accountId = (await org.describeAccountCreation(requestId)).accountId ?? '';
      accounts.push(accountId);
      for (const roleName of ['bootstrap', 'reader', 'admin', 'read-only']) {
        await org.putRole(accountId, {
          name: roleName,
          path: '/',
          description: 'A role.',
          trustPolicy: usersTrustPolicy(settings.users_account.id, ['ada@example.gov.uk']),
          inlinePolicies: { own: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'ssm:DescribeParameters', Resource: '*' }] } },
          attachedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
          tags: { [MANAGED_BY_TAG]: MANAGED_BY_VALUE },
        });
      }
    }
    actions.length = 0;
    for (const accountId of accounts) {
      const roles = await org.readRoles(accountId);
      expect(Array.isArray(roles) && roles.length).toBe(5);
    }
    console.log(`readRoles: ${accounts.length} accounts with 5 roles each in ${actions.length} IAM requests (${[...new Set(actions)].join(', ')})`);
    // Before: GetRole + ListAttachedRolePolicies for the bootstrap role alone (2 per account), and
    // 4 more for the reader role; now every role of the account in one paginated call.
    expect(actions).toEqual(accounts.map(() => 'GetAccountAuthorizationDetails'));
  }, 60_000);
});
