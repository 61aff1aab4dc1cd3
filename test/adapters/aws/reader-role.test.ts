/**
 * The reader role through the Organizations adapter against moto: with organization.reader_role_name
 * set, bootstrap roles are read by assuming the reader role (never the access role), and
 * putReaderRole writes it (through the access role) exactly as asked.
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
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, type LiveAccount, type SettingsFile } from '../../../src/core/model.ts';
import { isSamePolicy } from '../../../src/core/plan.ts';
import { READER_POLICY_NAME, readerPermissions, readerTrustPolicy } from '../../../src/core/reader-role.ts';
import type { OrganizationPort, ReaderRoleInput } from '../../../src/ports/organization.ts';
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
  let input: ReaderRoleInput;

  const asAccess = (): IAMClient => motoClient(IAMClient, moto.url, { roleArn: `arn:aws:iam::${accountId}:role/${ACCESS}` });

  const readAccount = async (through: OrganizationPort = port): Promise<LiveAccount> => {
    const org = await through.readOrganization('bootstrap', READER);
    const account = org.accounts.find((a) => a.id === accountId);
    if (account === undefined) throw new Error('account not found');
    return account;
  };

  beforeAll(async () => {
    process.env['MOTO_IAM_LOAD_MANAGED_POLICIES'] = 'true';
    moto = await startMoto();
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
    input = {
      accountId,
      roleName: READER,
      trustPolicy: readerTrustPolicy([ORG_ROLE]),
      policyName: READER_POLICY_NAME,
      policy: readerPermissions(READER, 'bootstrap'),
      tags: { [MANAGED_BY_TAG]: MANAGED_BY_VALUE },
    };
  });

  afterAll(async () => {
    await moto?.stop();
  });

  it('plans (read access) read through the reader role only, never the access role, and report a missing reader role as absent', async () => {
    await port.putBootstrapRole({ accountId, roleName: 'bootstrap', trustPolicy: bootstrapTrust, tags: { [MANAGED_BY_TAG]: MANAGED_BY_VALUE } });
    assumed.length = 0;
    const account = await readAccount(readPort);
    expect(account.reader).toBeUndefined();
    expect(assumed).toEqual([`${accountId}:${READER}`]);
  });

  it('apply (write access) reads through the access role, so a missing reader role never hides the bootstrap role', async () => {
    assumed.length = 0;
    const account = await readAccount(port);
    expect(account.reader).toBeUndefined();
    expect(account.bootstrap).toMatchObject({ managed: true, trustedUsers: ['ada@example.gov.uk'] });
    expect(assumed).toEqual([`${accountId}:${ACCESS}`]);
  });

  it('without a reader role name, reads through the access role as before and reports no reader', async () => {
    assumed.length = 0;
    const org = await port.readOrganization('bootstrap');
    const account = org.accounts.find((a) => a.id === accountId);
    expect(account?.reader).toBeUndefined();
    expect(account?.bootstrap).toMatchObject({ managed: true, trustedUsers: ['ada@example.gov.uk'], hasAdministratorAccess: true });
    expect(assumed).toEqual([`${accountId}:${ACCESS}`]);
  });

  it('creates the reader role through the access role and reads it (and the bootstrap role) back through it', async () => {
    assumed.length = 0;
    await port.putReaderRole?.(input);
    expect(assumed).toEqual([`${accountId}:${ACCESS}`]);
    const account = await readAccount();
    const reader = account.reader;
    if (reader === undefined || reader === 'unknown') throw new Error(`reader not read: ${String(reader)}`);
    expect(reader.managed).toBe(true);
    expect(isSamePolicy(reader.trustPolicy, readerTrustPolicy([ORG_ROLE]))).toBe(true);
    expect(Object.keys(reader.policies)).toEqual([READER_POLICY_NAME]);
    expect(isSamePolicy(reader.policies[READER_POLICY_NAME] ?? {}, readerPermissions(READER, 'bootstrap'))).toBe(true);
    expect(reader.attachedPolicyArns).toEqual([]);
    expect(account.bootstrap).toMatchObject({ managed: true, trustedUsers: ['ada@example.gov.uk'], requiresMfa: true, hasAdministratorAccess: true });
  });

  it('puts a drifted reader role back: trust, extra inline policy, attached policy, changed permissions', async () => {
    const iam = asAccess();
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: READER, PolicyDocument: JSON.stringify(readerTrustPolicy([`arn:aws:iam::${MANAGEMENT}:role/other`])) }));
    const wide = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }] });
    await iam.send(new PutRolePolicyCommand({ RoleName: READER, PolicyName: 'extra', PolicyDocument: wide }));
    await iam.send(new PutRolePolicyCommand({ RoleName: READER, PolicyName: READER_POLICY_NAME, PolicyDocument: wide }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: READER, PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
    iam.destroy();

    await port.putReaderRole?.(input);
    const reader = (await readAccount()).reader;
    if (reader === undefined || reader === 'unknown') throw new Error('reader not read');
    expect(isSamePolicy(reader.trustPolicy, readerTrustPolicy([ORG_ROLE]))).toBe(true);
    expect(Object.keys(reader.policies)).toEqual([READER_POLICY_NAME]);
    expect(isSamePolicy(reader.policies[READER_POLICY_NAME] ?? {}, readerPermissions(READER, 'bootstrap'))).toBe(true);
    expect(reader.attachedPolicyArns).toEqual([]);
    // Again: nothing left to change, no error.
    await port.putReaderRole?.(input);
  });

  it('refuses a role of that name it does not own, and reads it as unmanaged', async () => {
    const iam = asAccess();
    await iam.send(new CreateRoleCommand({ RoleName: 'hand-made-reader', AssumeRolePolicyDocument: JSON.stringify(readerTrustPolicy([ORG_ROLE])) }));
    iam.destroy();
    const error = await port.putReaderRole?.({ ...input, roleName: 'hand-made-reader' }).catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe('not-managed');
    expect(String((error as Error).message)).toContain('hand-made-reader');
    const org = await port.readOrganization('bootstrap', 'hand-made-reader');
    expect(org.accounts.find((a) => a.id === accountId)?.reader).toMatchObject({ managed: false });
  });

  it('does not look into the management account', async () => {
    const org = await port.readOrganization('bootstrap', READER);
    expect(org.accounts.find((a) => a.id === MANAGEMENT)?.reader).toBe('unknown');
  });
});
