/**
 * The IAM adapter against moto server: the real wire protocol, happy paths and the refusals.
 * AWS's strict behaviours moto lacks are in iam-users-account-fakes.test.ts.
 */
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  GetGroupCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  IAMClient,
  IAMServiceException,
  ListAttachedGroupPoliciesCommand,
  ListVirtualMFADevicesCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../../src/apply/apply-plan.ts';
import { desiredGroupPolicies, groupPolicyArn, groupPolicyPath } from '../../../src/core/baseline.ts';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, type PolicyDocument } from '../../../src/core/model.ts';
import { computePlan } from '../../../src/core/plan.ts';
import type { OrganizationPort } from '../../../src/ports/organization.ts';
import { readLiveState } from '../../../src/apply/read-live-state.ts';
import type { Target } from '../../../src/ports/target.ts';
import { aDesiredState, aUser, summaryOf } from '../../support/builders.ts';
import { createAwsUsersAccount } from '../../../src/adapters/aws/iam-users-account.ts';
import type { UsersAccountPort } from '../../../src/ports/users-account.ts';
import { awsSettings, motoClient, useMoto } from '../../support/aws.ts';
import { codeOf } from '../../support/errors.ts';
import { motoEnv } from '../../support/moto.ts';

const MANAGED = { [MANAGED_BY_TAG]: MANAGED_BY_VALUE };
const noSleep = async (): Promise<void> => {};

const settings = awsSettings({ protected_users: ['break-glass-admin'] });
const moto = useMoto({ reset: true });
let iam: IAMClient;
let account: UsersAccountPort;

beforeAll(() => {
  iam = motoClient(IAMClient, moto.url);
  account = createAwsUsersAccount(settings, motoEnv(moto.url), { sleep: noSleep });
});

describe('readUsersAccount', () => {
  it('reads users with tags and groups, and the group, from one snapshot', async () => {
    await account.createGroup('CrossAccountAccess');
    await account.createUser('alice@example.gov.uk', { ...MANAGED, team: 'platform', name: 'Alice Example' });
    await account.createUser('bob@example.gov.uk', { ...MANAGED, team: 'data' });
    await account.addUserToGroup('alice@example.gov.uk', 'CrossAccountAccess');
    await account.setTemporaryPassword('alice@example.gov.uk', 'Correct-Horse-Battery-1');

    const live = await account.readUsersAccount('CrossAccountAccess');

    const byName = new Map(live.users.map((u) => [u.userName, u]));
    expect([...byName.keys()].sort()).toEqual(['alice@example.gov.uk', 'bob@example.gov.uk']);
    expect(byName.get('alice@example.gov.uk')).toMatchObject({
      arn: 'arn:aws:iam::123456789012:user/alice@example.gov.uk',
      tags: { ...MANAGED, team: 'platform', name: 'Alice Example' },
      groups: ['CrossAccountAccess'],
    });
    expect(byName.get('bob@example.gov.uk')?.groups).toEqual([]);
    expect(live.group).toEqual({ name: 'CrossAccountAccess', policies: {}, attachedPolicyArns: [] });
    expect(live.passwordPolicy).toBeUndefined();
    const profile = await iam.send(new GetLoginProfileCommand({ UserName: 'alice@example.gov.uk' }));
    expect(profile.LoginProfile?.UserName).toBe('alice@example.gov.uk');
  });

  it('has no group when the configured group does not exist', async () => {
    const live = await account.readUsersAccount('CrossAccountAccess');
    expect(live).toEqual({ users: [], aliases: [] });
  });
});

describe('users', () => {
  it('refuses a second user with the same name (user-exists)', async () => {
    await account.createUser('carol@example.gov.uk', MANAGED);
    expect(await codeOf(account.createUser('carol@example.gov.uk', MANAGED))).toBe('user-exists');
  });

  it('tags and untags', async () => {
    await account.createUser('dan@example.gov.uk', { ...MANAGED, team: 'a' });
    await account.tagUser('dan@example.gov.uk', { team: 'b', 'credentials-sent': 'initial' });
    await account.untagUser('dan@example.gov.uk', ['team']);
    const live = await account.readUsersAccount('CrossAccountAccess');
    expect(live.users[0]?.tags).toEqual({ ...MANAGED, 'credentials-sent': 'initial' });
  });

  it('creates the login profile, then replaces its password on a second call', async () => {
    await account.createUser('erin@example.gov.uk', MANAGED);
    await account.setTemporaryPassword('erin@example.gov.uk', 'First-Temporary-Password-1');
    await account.setTemporaryPassword('erin@example.gov.uk', 'Second-Temporary-Password-2');
    const profile = await iam.send(new GetLoginProfileCommand({ UserName: 'erin@example.gov.uk' }));
    expect(profile.LoginProfile).toBeDefined();
  });

  it('builds user ARNs from the settings account id', () => {
    expect(account.userArn('a@example.gov.uk')).toBe('arn:aws:iam::123456789012:user/a@example.gov.uk');
  });
});

describe('deleteUser', () => {
  it('removes every dependency, then the user', async () => {
    const UserName = 'frank@example.gov.uk';
    await account.createGroup('CrossAccountAccess');
    await account.createUser(UserName, MANAGED);
    await account.addUserToGroup(UserName, 'CrossAccountAccess');
    await account.setTemporaryPassword(UserName, 'Temporary-Password-123');
    await iam.send(new CreateAccessKeyCommand({ UserName }));
    const mfa = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'frank' }));
    const SerialNumber = mfa.VirtualMFADevice?.SerialNumber ?? '';
    expect(SerialNumber).toMatch(/^arn:aws:iam::\d{12}:mfa\/frank$/);
    await iam.send(
      new EnableMFADeviceCommand({ UserName, SerialNumber, AuthenticationCode1: '123456', AuthenticationCode2: '654321' }),
    );
    await iam.send(
      new PutUserPolicyCommand({
        UserName,
        PolicyName: 'inline',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }] }),
      }),
    );
    const policy = await iam.send(
      new CreatePolicyCommand({
        PolicyName: 'attached',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }] }),
      }),
    );
    await iam.send(new AttachUserPolicyCommand({ UserName, PolicyArn: policy.Policy?.Arn ?? '' }));

    await account.deleteUser(UserName);

    expect(await iam.send(new GetUserCommand({ UserName })).catch((e: Error) => e.name)).toBe('NoSuchEntityException');
    const devices = await iam.send(new ListVirtualMFADevicesCommand({}));
    expect(devices.VirtualMFADevices ?? []).toEqual([]);
    // moto keeps a deleted user in its groups (moto's delete_user): an empty group shows the membership was removed.
    const group = await iam.send(new GetGroupCommand({ GroupName: 'CrossAccountAccess' }));
    expect(group.Users ?? []).toEqual([]);
    // Not checked through moto.data(): moto 5.2.1's data.json answers 500 after ANY user deletion
    // (it serialises the deleted user's group_list), memberships removed or not.
    const live = await account.readUsersAccount('CrossAccountAccess');
    expect(live.users).toEqual([]);
  });

  it('refuses a user without the managed-by tag, and leaves it alone', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'legacy@example.gov.uk', Tags: [{ Key: 'team', Value: 'x' }] }));
    expect(await codeOf(account.deleteUser('legacy@example.gov.uk'))).toBe('not-managed');
    await expect(iam.send(new GetUserCommand({ UserName: 'legacy@example.gov.uk' }))).resolves.toBeDefined();
  });

  it('refuses a protected user even when tagged as managed', async () => {
    await account.createUser('break-glass-admin', MANAGED);
    expect(await codeOf(account.deleteUser('Break-Glass-Admin'))).toBe('protected');
    await expect(iam.send(new GetUserCommand({ UserName: 'break-glass-admin' }))).resolves.toBeDefined();
  });

  it('reports a user that does not exist as not-found', async () => {
    expect(await codeOf(account.deleteUser('nobody@example.gov.uk'))).toBe('not-found');
  });
});

describe('access granted outside the group', () => {
  /** The users account on moto; the organisation is empty and never written to by a users-only plan. */
  function usersOnlyTarget(): Target {
    const refuse = async (): Promise<never> => {
      throw new Error('a users-only plan must not touch the organisation');
    };
    const organization: OrganizationPort = {
      readOrganization: async () => ({ accounts: [], ouPaths: ['/'], creations: [], closedInLast30Days: 0, memberAccountCount: 0 }),
      startAccountCreation: refuse,
      findAccounts: refuse,
      describeAccountCreation: refuse,
      moveAccount: refuse,
      tagAccount: refuse,
      untagAccount: refuse,
      closeAccount: refuse,
      readFacets: refuse,
      putFacet: refuse,
      deleteFacet: refuse,
      readRoles: refuse,
      putRole: refuse,
      deleteRole: refuse,
    };
    return {
      baseline: { kind: 'aws', usersAccountId: settings.users_account.id, managementAccountId: settings.organization.management_account_id },
      usersAccount: account,
      organization,
      mailer: { send: async () => {} },
    };
  }

  async function apply(target: Target, desired: ReturnType<typeof aDesiredState>): Promise<string[]> {
    const plan = computePlan(desired, await readLiveState(target, settings));
    const report = await applyPlan(plan, {
      target,
      settings,
      generatePassword: () => 'Generated-Temporary-Password-1!',
      onSecret: () => {},
      log: () => {},
      sleep: noSleep,
      now: () => new Date('2026-11-28T10:00:00Z'),
      allowMassDeletion: false,
    });
    expect(report.results.filter((result) => result.status !== 'done')).toEqual([]);
    return plan.changes.map((change) => summaryOf(change) ?? '');
  }

  it('shows in the plan, and apply removes it: the group is the only source of access again', async () => {
    const target = usersOnlyTarget();
    const desired = aDesiredState({ settings, users: [aUser('ada@example.gov.uk')] });
    await apply(target, desired);
    expect(computePlan(desired, await readLiveState(target, settings)).changes).toEqual([]);

    // Someone in the console: a managed policy on the group and on Ada, an inline policy, another group.
    const created = await iam.send(
      new CreatePolicyCommand({
        PolicyName: 'hand-made',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
      }),
    );
    const PolicyArn = created.Policy?.Arn ?? '';
    await iam.send(new AttachGroupPolicyCommand({ GroupName: 'CrossAccountAccess', PolicyArn }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'ada@example.gov.uk', PolicyArn }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'ada@example.gov.uk',
        PolicyName: 'own',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }),
      }),
    );
    await iam.send(new CreateGroupCommand({ GroupName: 'Admins' }));
    await iam.send(new AddUserToGroupCommand({ UserName: 'ada@example.gov.uk', GroupName: 'Admins' }));

    const plan = computePlan(desired, await readLiveState(target, settings));
    expect(plan.changes.map(({ impact, change }) => [impact, change])).toEqual([
      ['access', { kind: 'update-group', group: 'CrossAccountAccess', create: false, putPolicies: {}, deletePolicies: [], detachPolicies: [PolicyArn] }],
      [
        'access',
        {
          kind: 'update-user',
          userName: 'ada@example.gov.uk',
          setTags: {},
          removeTags: [],
          addGroups: [],
          removeGroups: ['Admins'],
          detachPolicies: [PolicyArn],
          deletePolicies: ['own'],
        },
      ],
    ]);

    expect(await apply(target, desired)).toEqual([
      `update group CrossAccountAccess: detach managed policies ${PolicyArn}`,
      `update user ada@example.gov.uk: remove from group Admins; detach managed policy ${PolicyArn}; delete inline policy own`,
    ]);
    expect(computePlan(desired, await readLiveState(target, settings)).changes).toEqual([]);
    const admins = await iam.send(new GetGroupCommand({ GroupName: 'Admins' }));
    expect(admins.Users ?? []).toEqual([]);
  });
});

describe('role_to_assume', () => {
  it('assumes the role through STS at the same endpoint, so calls land in that account', async () => {
    const roleSettings = awsSettings({
      users_account: { id: '111122223333', role_to_assume: 'arn:aws:iam::111122223333:role/aws-access-as-code' },
    });
    const assumed = createAwsUsersAccount(roleSettings, motoEnv(moto.url), { sleep: noSleep });

    await assumed.createUser('gina@example.gov.uk', MANAGED);

    const live = await assumed.readUsersAccount('CrossAccountAccess');
    expect(live.users.map((u) => u.arn)).toEqual(['arn:aws:iam::111122223333:user/gina@example.gov.uk']);
    expect(assumed.userArn('gina@example.gov.uk')).toBe(live.users[0]?.arn);
    // Not in the caller's own (moto default) account.
    expect((await account.readUsersAccount('CrossAccountAccess')).users).toEqual([]);
  });
});

describe('password policy and group policies', () => {
  it('round-trips the whole password policy, every field as given (hard expiry too)', async () => {
    const whole = {
      minimumLength: 16,
      requireSymbols: true,
      requireNumbers: false,
      requireUppercase: true,
      requireLowercase: false,
      allowUsersToChangePassword: true,
      maxAgeDays: 90,
      reusePrevention: 5,
      hardExpiry: true,
    };
    await account.putPasswordPolicy({ ...whole });
    expect((await account.readUsersAccount('CrossAccountAccess')).passwordPolicy).toEqual(whole);

    // Not partial: fields left out of the next policy go back to "none".
    await account.putPasswordPolicy({
      minimumLength: 20,
      requireSymbols: false,
      requireNumbers: false,
      requireUppercase: false,
      requireLowercase: false,
      allowUsersToChangePassword: true,
      hardExpiry: false,
    });
    const policy = (await account.readUsersAccount('CrossAccountAccess')).passwordPolicy;
    expect(policy).toMatchObject({ minimumLength: 20, allowUsersToChangePassword: true, hardExpiry: false });
    expect(policy?.maxAgeDays).toBeUndefined();
    expect(policy?.reusePrevention).toBeUndefined();
  });

  it('round-trips group policies through the URL-encoded documents IAM returns', async () => {
    const document = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AssumeRolesWithMfa',
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Resource: 'arn:aws:iam::*:role/*',
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' }, StringLike: { 'aws:userid': '* %&+= é/?#' } },
        },
      ],
    };
    await account.createGroup('CrossAccountAccess');
    await account.createGroup('CrossAccountAccess'); // a re-run: already there is fine
    await account.putGroupPolicy('CrossAccountAccess', 'assume-roles-with-mfa', document);
    await account.putGroupPolicy('CrossAccountAccess', 'to-remove', document);
    await account.deleteGroupPolicy('CrossAccountAccess', 'to-remove');

    const live = await account.readUsersAccount('CrossAccountAccess');
    expect(live.group).toEqual({ name: 'CrossAccountAccess', policies: { 'assume-roles-with-mfa': document }, attachedPolicyArns: [] });
  });

  it('attaches the group policies an administrator created at their fixed ARNs, and replaces inline ones of the same name', async () => {
    const wanted = desiredGroupPolicies(settings);
    const name = 'deny-without-mfa';
    await account.createGroup('CrossAccountAccess');
    // Written by the earlier writer (inline), before an administrator created the managed policy.
    await account.putGroupPolicy('CrossAccountAccess', name, wanted[name] as PolicyDocument);
    expect((await account.readUsersAccount('CrossAccountAccess')).group?.policies).toEqual({ [name]: wanted[name] });

    // The administrator's set-up (npm run policies -- group-policies).
    const arn = groupPolicyArn('123456789012', 'CrossAccountAccess', name);
    await iam.send(new CreatePolicyCommand({ PolicyName: name, Path: groupPolicyPath('CrossAccountAccess'), PolicyDocument: JSON.stringify(wanted[name]) }));
    const migrating = await account.readUsersAccount('CrossAccountAccess');
    expect(migrating.group?.policies).toEqual({ [`inline:${name}`]: wanted[name] });

    // What apply then does: attach the managed one, delete the inline copy.
    await account.putGroupPolicy('CrossAccountAccess', name, wanted[name] as PolicyDocument);
    await account.deleteGroupPolicy('CrossAccountAccess', `inline:${name}`);
    const live = await account.readUsersAccount('CrossAccountAccess');
    expect(live.group).toEqual({ name: 'CrossAccountAccess', policies: { [name]: wanted[name] }, attachedPolicyArns: [] });
    const attached = await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: 'CrossAccountAccess' }));
    expect(attached.AttachedPolicies?.map((p) => p.PolicyArn)).toEqual([arn]);
  });

  it('refuses to attach a managed group policy whose document is not the one wanted (an administrator updates it)', async () => {
    const name = 'assume-roles-with-mfa';
    await account.createGroup('CrossAccountAccess');
    const other = { Version: '2012-10-17', Statement: [{ Sid: 'Wider', Effect: 'Allow', Action: '*', Resource: '*' }] };
    await iam.send(new CreatePolicyCommand({ PolicyName: name, Path: groupPolicyPath('CrossAccountAccess'), PolicyDocument: JSON.stringify(other) }));
    expect(await codeOf(account.putGroupPolicy('CrossAccountAccess', name, desiredGroupPolicies(settings)[name] as PolicyDocument))).toBe('group-policy-outdated');
    expect((await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: 'CrossAccountAccess' }))).AttachedPolicies).toEqual([]);
  });

  it('reads only the configured group', async () => {
    await iam.send(new CreateGroupCommand({ GroupName: 'Other' }));
    expect((await account.readUsersAccount('CrossAccountAccess')).group).toBeUndefined();
  });
});

describe('credentials cannot loop', () => {
  /**
   * moto does not evaluate IAM policies, so the denied iam:TagUser is a client-level fake: a
   * middleware on a real moto client answers TagUser with the AccessDenied error AWS returns; every
   * other call reaches moto.
   */
  function clientDenyingTagUser(): IAMClient {
    const client = motoClient(IAMClient, moto.url);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TagUserCommand') {
          throw new IAMServiceException({
            name: 'AccessDenied',
            $fault: 'client',
            $metadata: { httpStatusCode: 403 },
            message: 'User: arn:aws:sts::123456789012:assumed-role/apply/ci is not authorized to perform: iam:TagUser',
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'denyTagUser' },
    );
    return client;
  }

  it('a denied TagUser stops before any password change or email, on every run', async () => {
    const denied = createAwsUsersAccount(settings, motoEnv(moto.url), { client: clientDenyingTagUser(), sleep: noSleep });
    // A user an earlier run created, whose welcome email never went out.
    await account.createGroup('CrossAccountAccess');
    await account.createUser('ada@example.gov.uk', MANAGED);
    await account.addUserToGroup('ada@example.gov.uk', 'CrossAccountAccess');
    const sent: string[] = [];
    const target: Target = {
      baseline: { kind: 'aws', usersAccountId: settings.users_account.id, managementAccountId: settings.organization.management_account_id },
      usersAccount: denied,
      organization: {
        readOrganization: async () => ({ accounts: [], ouPaths: ['/'], creations: [], closedInLast30Days: 0, memberAccountCount: 0 }),
      } as unknown as OrganizationPort,
      mailer: { send: async (message) => void sent.push(...message.to) },
    };
    const desired = aDesiredState({ settings, users: [aUser('ada@example.gov.uk')] });
    for (let run = 0; run < 2; run += 1) {
      const plan = computePlan(desired, await readLiveState(target, settings));
      expect(plan.changes.map((c) => c.change.kind)).toContain('reset-password');
      const report = await applyPlan(plan, {
        target,
        settings,
        generatePassword: () => 'Generated-Temporary-Password-1!',
        onSecret: () => {},
        log: () => {},
        sleep: noSleep,
        now: () => new Date('2026-11-28T10:00:00Z'),
        allowMassDeletion: false,
      });
      const reset = report.results.find((r) => r.kind === 'reset-password');
      expect(reset).toMatchObject({ status: 'failed', error: { code: 'access-denied' } });
      expect(reset?.error?.message).toContain('TagUser');
    }
    // No password was ever set, and nobody was emailed.
    await expect(iam.send(new GetLoginProfileCommand({ UserName: 'ada@example.gov.uk' }))).rejects.toMatchObject({ name: expect.stringMatching(/NoSuchEntity/) });
    expect(sent).toEqual([]);
  });
});
