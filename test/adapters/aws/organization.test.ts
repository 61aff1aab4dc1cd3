/**
 * The Organizations adapter against moto server: the real wire protocol, the multi-account hop into
 * member accounts, and the happy paths. The strict AWS behaviours moto lacks (IN_PROGRESS/FAILED
 * creations, quotas, throttling, AccessDenied on a fresh account) are in organization-fakes.test.ts.
 */
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAwsOrganization } from '../../../src/adapters/aws/organization.ts';
import { isAppError } from '../../../src/core/errors.ts';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, type LiveAccount, type LiveRole, type SettingsFile } from '../../../src/core/model.ts';
import type { RoleSpec } from '../../../src/core/roles.ts';
import type { OrganizationPort } from '../../../src/ports/organization.ts';
import { awsSettings, createMotoOrganization, MOTO_ACCOUNT_ID, motoClient, useMoto } from '../../support/aws.ts';
import { codeOf } from '../../support/errors.ts';
import { motoEnv } from '../../support/moto.ts';

const MANAGEMENT = MOTO_ACCOUNT_ID;
const USERS_ACCOUNT = '622626885786';

function aSettings(organization: Partial<SettingsFile['organization']> = {}): SettingsFile {
  return awsSettings({ users_account: { id: USERS_ACCOUNT }, organization: { management_account_id: MANAGEMENT, ...organization } });
}

const userArn = (name: string): string => `arn:aws:iam::${USERS_ACCOUNT}:user/${name}`;

/** The trust policy shape the project writes: named users, MFA required. */
function trustPolicy(users: string[]): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: users.map(userArn) },
        Action: 'sts:AssumeRole',
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      },
    ],
  };
}

describe('AWS Organizations adapter (moto)', () => {
  // The bootstrap role gets AdministratorAccess, which moto has only when asked.
  const moto = useMoto({ managedPolicies: true });
  let env: Record<string, string>;
  let port: OrganizationPort;
  let accountId = '';

  const roleNames = async (): Promise<string[]> => {
    const roles = await port.readRoles(accountId);
    return Array.isArray(roles) ? roles.map((role: LiveRole) => role.name) : [];
  };

  const accountNamed = async (name: string): Promise<LiveAccount> => {
    const org = await port.readOrganization();
    const account = org.accounts.find((a) => a.name === name);
    if (account === undefined) throw new Error(`no account ${name} in ${JSON.stringify(org.accounts)}`);
    return account;
  };

  beforeAll(async () => {
    env = motoEnv(moto.url);
    await createMotoOrganization(moto.url, ['/Workloads/Production', '/Sandbox']);
    port = createAwsOrganization(aSettings(), env);
  });

  it('reads OU paths and the management account at the root', async () => {
    const org = await port.readOrganization();
    expect(org.ouPaths).toEqual(['/', '/Sandbox', '/Workloads', '/Workloads/Production']);
    expect(org.accounts).toHaveLength(1);
    expect(org.accounts[0]).toMatchObject({ id: MANAGEMENT, status: 'ACTIVE', ouPath: '/' });
    expect(org.memberAccountCount).toBe(0);
    expect(org.closedInLast30Days).toBe(0);
  });

  it('creates an account (moto: synchronously SUCCEEDED) and reports the request', async () => {
    const requestId = await port.startAccountCreation({
      accountName: 'team-a',
      email: 'aws-root+team-a@example.gov.uk',
      tags: { team: 'a' },
      accessRoleName: 'OrganizationAccountAccessRole',
    });
    expect(requestId).toMatch(/^car-/);
    const creation = await port.describeAccountCreation(requestId);
    expect(creation).toMatchObject({ requestId, accountName: 'team-a', state: 'SUCCEEDED' });
    expect(creation.accountId).toMatch(/^\d{12}$/);
    accountId = creation.accountId ?? '';

    const org = await port.readOrganization();
    expect(org.creations).toContainEqual({ requestId, accountName: 'team-a', state: 'SUCCEEDED', accountId });
    expect(org.memberAccountCount).toBe(1);
    const account = org.accounts.find((a) => a.id === accountId);
    expect(account).toMatchObject({ name: 'team-a', email: 'aws-root+team-a@example.gov.uk', ouPath: '/' });
    expect(account?.tags).toEqual({ team: 'a', [MANAGED_BY_TAG]: MANAGED_BY_VALUE });
    // Organizations created the access role, not the bootstrap role.
    expect(await roleNames()).toEqual(['OrganizationAccountAccessRole']);
  });

  it('moves the account into a nested OU, and again is a no-op', async () => {
    await port.moveAccount(accountId, '/Workloads/Production');
    expect((await accountNamed('team-a')).ouPath).toBe('/Workloads/Production');
    await port.moveAccount(accountId, '/Workloads/Production');
    expect((await accountNamed('team-a')).ouPath).toBe('/Workloads/Production');
  });

  it('refuses a move to an OU that does not exist, naming the path', async () => {
    const error = await port.moveAccount(accountId, '/Workloads/Staging').catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('ou-not-found');
    expect(String((error as Error).message)).toContain('/Workloads/Staging');
  });

  it('tags and untags the account', async () => {
    await port.tagAccount(accountId, { 'cost-centre': 'CC-1', team: 'a2' });
    expect((await accountNamed('team-a')).tags).toMatchObject({ 'cost-centre': 'CC-1', team: 'a2' });
    await port.untagAccount(accountId, ['cost-centre']);
    expect((await accountNamed('team-a')).tags).not.toHaveProperty('cost-centre');
  });

  const spec = (users: string[]): RoleSpec => ({
    name: 'bootstrap',
    path: '/',
    description: 'Administrator role for the account bootstrap users (aws-access-as-code).',
    trustPolicy: trustPolicy(users),
    inlinePolicies: {},
    attachedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
    tags: { [MANAGED_BY_TAG]: MANAGED_BY_VALUE },
  });
  const roleNamed = async (name: string): Promise<LiveRole | undefined> => {
    const roles = await port.readRoles(accountId);
    return Array.isArray(roles) ? roles.find((role: LiveRole) => role.name === name) : undefined;
  };

  it('creates the bootstrap role in the member account and reads it back', async () => {
    await port.putRole(accountId, spec(['alice@example.gov.uk', 'bob@example.gov.uk']));
    const { description: _d, ...read } = spec(['alice@example.gov.uk', 'bob@example.gov.uk']);
    expect(await roleNamed('bootstrap')).toEqual({ ...read, createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });
  });

  it('updates the trust policy of a managed role', async () => {
    await port.putRole(accountId, spec(['bob@example.gov.uk']));
    expect((await roleNamed('bootstrap'))?.trustPolicy).toEqual(trustPolicy(['bob@example.gov.uk']));
  });

  it('refuses to touch a role it does not own, and reads it as it is', async () => {
    const iam = motoClient(IAMClient, moto.url, { roleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole` });
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'hand-made',
        AssumeRolePolicyDocument: JSON.stringify(trustPolicy(['mallory@example.gov.uk'])),
      }),
    );
    iam.destroy();
    expect(await codeOf(port.putRole(accountId, { ...spec(['bob@example.gov.uk']), name: 'hand-made', tags: {} }))).toBe('not-managed');
    expect(await codeOf(port.deleteRole(accountId, 'hand-made'))).toBe('not-managed');
    expect(await roleNamed('hand-made')).toMatchObject({ tags: {}, trustPolicy: trustPolicy(['mallory@example.gov.uk']), attachedPolicyArns: [] });
  });

  it('deletes the managed role; deleting it again succeeds', async () => {
    await port.deleteRole(accountId, 'bootstrap');
    expect(await roleNamed('bootstrap')).toBeUndefined();
    await port.deleteRole(accountId, 'bootstrap');
  });

  it('works through settings.organization.role_to_assume', async () => {
    const viaRole = createAwsOrganization(
      aSettings({ role_to_assume: `arn:aws:iam::${MANAGEMENT}:role/reconciler` }),
      env,
    );
    const org = await viaRole.readOrganization();
    expect(org.accounts.map((a) => a.name)).toContain('team-a');
  });

  it('closes the account: SUSPENDED, counted against the closure quota, not looked into', async () => {
    await port.closeAccount(accountId);
    const org = await port.readOrganization();
    const account = org.accounts.find((a) => a.id === accountId);
    expect(account?.status).toBe('SUSPENDED');
    // The adapter's own closure-date tag stays out of the planner's view.
    expect(account?.tags).not.toHaveProperty('closure-requested');
    expect(org.closedInLast30Days).toBe(1);
    expect(org.memberAccountCount).toBe(1);
    await port.closeAccount(accountId);
  });
});
