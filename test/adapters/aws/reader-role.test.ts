/**
 * The reader role through the Organizations adapter against moto: with organization.reader_role_name
 * set, plans read member accounts' roles by assuming the reader role (never the access role), and
 * putRole writes it (through the access role) exactly as its spec says.
 */
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  IAMClient,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClientConfig } from '../../../src/adapters/aws/clients.ts';
import { createAwsOrganization } from '../../../src/adapters/aws/organization.ts';
import { isAppError } from '../../../src/core/errors.ts';
import { type LiveRole, type SettingsFile } from '../../../src/core/model.ts';
import { isSamePolicy } from '../../../src/core/policy-compare.ts';
import { READER_POLICY_NAME, readerPermissions, readerRole, readerTrustPolicy } from '../../../src/core/reader-role.ts';
import type { RoleSpec } from '../../../src/core/roles.ts';
import type { OrganizationPort } from '../../../src/ports/organization.ts';
import { anAccount } from '../../support/builders.ts';
import { createMotoOrganization, motoClient } from '../../support/aws.ts';
import { motoEnv, startMoto, type MotoServer } from '../../support/moto.ts';

const MANAGEMENT = '123456789012';
const USERS_ACCOUNT = '622626885786';
const READER = 'aws-access-as-code-reader';
const ACCESS = 'OrganizationAccountAccessRole';
const ORG_ROLE = `arn:aws:iam::${MANAGEMENT}:role/aws-access-as-code-organization`;

const settings: SettingsFile = {
  users_account: { id: USERS_ACCOUNT, alias: 'test-users', region: 'eu-west-2', group: 'CrossAccountAccess', password_policy: { minimum_length: 16 } },
  organization: {
    management_account_id: MANAGEMENT,
    access_role_name: ACCESS,
    bootstrap_role_name: 'bootstrap',
    reader_role_name: READER,
    reader_trusted_role_arns: [ORG_ROLE],
    root_email_template: 'aws-root+{name}@example.gov.uk',
  },
  email: { sender: 'aws-access@example.gov.uk', region: 'eu-west-2', support_mailbox: 'help@example.gov.uk' },
  email_domains: { staff: ['example.gov.uk'], contractor: [] },
  protected_users: [],
  limits: { max_deletions_per_run: 5, max_closures_per_run: 1 },
};

const bootstrapTrust = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: [`arn:aws:iam::${USERS_ACCOUNT}:user/ada@example.gov.uk`] },
      Action: 'sts:AssumeRole',
      Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
    },
  ],
};

describe('reader role through the AWS adapter (moto)', () => {
  let moto: MotoServer;
  let env: Record<string, string>;
  let port: OrganizationPort;
  let readPort: OrganizationPort;
  let accountId = '';
  /** Every role the adapter assumed in a member account, as `account:role`. */
  const assumed: string[] = [];
  const spec: RoleSpec = readerRole.rolesFor({ settings, account: anAccount('team-a', {}, settings) }).wanted[0]!.spec;
  const bootstrap: RoleSpec = {
    name: 'bootstrap',
    path: '/',
    description: 'Administrator role for the account bootstrap users (aws-access-as-code).',
    trustPolicy: bootstrapTrust,
    inlinePolicies: {},
    attachedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
    tags: { 'managed-by': 'aws-access-as-code' },
  };

  const asAccess = (): IAMClient => motoClient(IAMClient, moto.url, { roleArn: `arn:aws:iam::${accountId}:role/${ACCESS}` });

  const rolesThrough = async (through: OrganizationPort = port): Promise<readonly LiveRole[]> => {
    const roles = await through.readRoles(accountId, READER);
    if (!Array.isArray(roles)) throw new Error(`roles not read: ${String(roles)}`);
    return roles;
  };
  const named = (roles: readonly LiveRole[], name: string): LiveRole | undefined => roles.find((role) => role.name === name);

  beforeAll(async () => {
    moto = await startMoto({ managedPolicies: true });
    env = motoEnv(moto.url);
    await createMotoOrganization(moto.url, []);
    const base = createAwsOrganization(settings, env);
    const requestId = await base.startAccountCreation({ accountName: 'team-a', email: 'aws-root+team-a@example.gov.uk', tags: {}, accessRoleName: ACCESS });
    accountId = (await base.describeAccountCreation(requestId)).accountId ?? '';
    const recordingIam = (id: string, roleName: string) => {
      assumed.push(`${id}:${roleName}`);
      return new IAMClient(awsClientConfig('IAM', { region: 'us-east-1', roleArn: `arn:aws:iam::${id}:role/${roleName}`, env }));
    };
    port = createAwsOrganization(settings, env, { iamForAccount: recordingIam });
    readPort = createAwsOrganization(settings, env, { access: 'read', iamForAccount: recordingIam });
  });

  afterAll(async () => {
    await moto?.stop();
  });

  it('plans (read access) read through the reader role only, never the access role', async () => {
    await port.putRole(accountId, bootstrap);
    assumed.length = 0;
    // moto lets any role be assumed (it does not evaluate trust), so the reader role answers even before it exists.
    const roles = await rolesThrough(readPort);
    expect(named(roles, READER)).toBeUndefined();
    expect(assumed).toEqual([`${accountId}:${READER}`]);
  });

  it('apply (write access) reads through the access role, so a missing reader role never hides the bootstrap role', async () => {
    assumed.length = 0;
    const roles = await rolesThrough(port);
    expect(named(roles, 'bootstrap')?.trustPolicy).toEqual(bootstrapTrust);
    expect(assumed).toEqual([`${accountId}:${ACCESS}`]);
  });

  it('creates the reader role through the access role and reads it back exactly', async () => {
    assumed.length = 0;
    await port.putRole(accountId, spec);
    expect(assumed).toEqual([`${accountId}:${ACCESS}`]);
    const reader = named(await rolesThrough(readPort), READER);
    expect(reader?.tags).toEqual({ 'managed-by': 'aws-access-as-code' });
    expect(isSamePolicy(reader?.trustPolicy ?? {}, readerTrustPolicy([ORG_ROLE]))).toBe(true);
    expect(Object.keys(reader?.inlinePolicies ?? {})).toEqual([READER_POLICY_NAME]);
    expect(isSamePolicy(reader?.inlinePolicies[READER_POLICY_NAME] ?? {}, readerPermissions())).toBe(true);
    expect(reader?.attachedPolicyArns).toEqual([]);
  });

  it('puts a drifted reader role back: trust, extra inline policy, attached policy, changed permissions', async () => {
    const iam = asAccess();
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: READER, PolicyDocument: JSON.stringify(readerTrustPolicy([`arn:aws:iam::${MANAGEMENT}:role/other`])) }));
    const wide = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }] });
    await iam.send(new PutRolePolicyCommand({ RoleName: READER, PolicyName: 'extra', PolicyDocument: wide }));
    await iam.send(new PutRolePolicyCommand({ RoleName: READER, PolicyName: READER_POLICY_NAME, PolicyDocument: wide }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: READER, PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    iam.destroy();

    await port.putRole(accountId, spec);
    const { description: _d, ...expected } = spec;
    expect(named(await rolesThrough(), READER)).toEqual({ ...expected, createdAt: expect.any(String) });
    // Again: nothing left to change, no error.
    await port.putRole(accountId, spec);
  });

  it('refuses a role of that name it does not own, and reads it as it is', async () => {
    const iam = asAccess();
    await iam.send(new CreateRoleCommand({ RoleName: 'hand-made-reader', AssumeRolePolicyDocument: JSON.stringify(readerTrustPolicy([ORG_ROLE])) }));
    iam.destroy();
    const error = await port.putRole(accountId, { ...spec, name: 'hand-made-reader' }).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('not-managed');
    expect(String((error as Error).message)).toContain('hand-made-reader');
    expect(named(await rolesThrough(), 'hand-made-reader')?.tags).toEqual({});
  });
});
