/**
 * Reading the users account must cost a handful of requests, not one or more per user: IAM's
 * account-level rate quota cannot be raised (aws-facts §1), and a per-user read of 1,000 users would
 * be 5,000+ calls.
 */
import { CreateUserCommand, GetAccountAuthorizationDetailsCommand, GetAccountPasswordPolicyCommand, IAMClient, type UserDetail } from '@aws-sdk/client-iam';
import type { HttpRequest } from '@smithy/types';
import { mockClient } from 'aws-sdk-client-mock';
import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsUsersAccount, createIamClient } from '../../../src/adapters/aws/iam-users-account.ts';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, type SettingsFile } from '../../../src/core/model.ts';
import { motoEnv, startMoto, type MotoServer } from '../../support/moto.ts';

function aSettings(): SettingsFile {
  return {
    users_account: {
      id: '123456789012',
      alias: 'test-users',
      region: 'eu-west-2',
      group: 'CrossAccountAccess',
      password_policy: { minimum_length: 16 },
    },
    organization: {
      management_account_id: '210987654321',
      access_role_name: 'OrganizationAccountAccessRole',
      bootstrap_role_name: 'bootstrap',
      root_email_template: 'aws-root+{name}@example.gov.uk',
    },
    email: { sender: 'aws-access@example.gov.uk', region: 'eu-west-2', support_mailbox: 'help@example.gov.uk' },
    email_domains: { staff: ['example.gov.uk'], contractor: [] },
    protected_users: [],
    limits: { max_deletions_per_run: 5, max_closures_per_run: 1 },
  };
}

const USERS = 1000;
const userName = (i: number) => `user-${String(i).padStart(4, '0')}@example.gov.uk`;

describe('requests made by readUsersAccount', () => {
  let moto: MotoServer;
  const settings = aSettings();

  beforeAll(async () => {
    moto = await startMoto();
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
  afterAll(async () => {
    await moto?.stop();
  });

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
    expect(live.users.find((u) => u.userName === userName(999))?.tags).toEqual({
      [MANAGED_BY_TAG]: MANAGED_BY_VALUE,
      team: `team-${999 % 7}`,
    });
    console.log(`readUsersAccount: ${USERS} users in ${actions.length} HTTP requests against moto (${actions.sort().join(', ')})`);
    expect(actions.length).toBeLessThanOrEqual(3);
  });
});

describe('pages against AWS (client-level fake, as moto never paginates)', () => {
  it.each([999, 1000, 2500])('%i users take ceil(N/1000) GAAD pages', async (count) => {
    const users: UserDetail[] = Array.from({ length: count }, (_, i) => ({ UserName: userName(i) }));
    const client = new IAMClient({ region: 'eu-west-2' });
    const iam = mockClient(client);
    iam.on(GetAccountAuthorizationDetailsCommand).callsFake(async (input: { MaxItems?: number; Marker?: string }) => {
      const start = Number(input.Marker ?? 0);
      const end = start + (input.MaxItems ?? 100);
      return end < users.length
        ? { UserDetailList: users.slice(start, end), IsTruncated: true, Marker: String(end) }
        : { UserDetailList: users.slice(start), IsTruncated: false };
    });
    iam.on(GetAccountPasswordPolicyCommand).resolves({ PasswordPolicy: { MinimumPasswordLength: 16 } });

    const live = await createAwsUsersAccount(aSettings(), {}, { client }).readUsersAccount('CrossAccountAccess');

    expect(live.users).toHaveLength(count);
    const pages = iam.commandCalls(GetAccountAuthorizationDetailsCommand).length;
    expect(pages).toBe(Math.ceil(count / 1000));
    console.log(`readUsersAccount: ${count} users in ${pages} GAAD pages + 1 GetAccountPasswordPolicy (fake AWS)`);
    expect(iam.calls()).toHaveLength(pages + 1);
  });
});
