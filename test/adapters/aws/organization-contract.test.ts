/**
 * The OrganizationPort contract (test/contract/organization-contract.ts) run against the AWS
 * adapter on moto server, so the sandbox and the adapter are held to the same behaviour.
 */
import { CreateRoleCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { beforeAll } from 'vitest';
import { createAwsOrganization } from '../../../src/adapters/aws/organization.ts';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE } from '../../../src/core/model.ts';
import type { OrganizationPort } from '../../../src/ports/organization.ts';
import { describeOrganizationContract } from '../../contract/organization-contract.ts';
import { awsSettings, createMotoOrganization, MOTO_ACCOUNT_ID, motoClient, useMoto } from '../../support/aws.ts';
import { motoEnv } from '../../support/moto.ts';

const MANAGEMENT = MOTO_ACCOUNT_ID;
const USERS_ACCOUNT = '622626885786';
const OU_PATH = '/Workloads/Production';
const TRUSTED_USER = 'trusted@example.gov.uk';
const OTHER_USER = 'other@example.gov.uk';

const settings = awsSettings({ users_account: { id: USERS_ACCOUNT }, organization: { management_account_id: MANAGEMENT } });
// The bootstrap role gets AdministratorAccess, which moto has only when asked.
const moto = useMoto({ managedPolicies: true });
let port: OrganizationPort | undefined;

beforeAll(async () => {
  await createMotoOrganization(moto.url, [OU_PATH]);
  // The trusted user exists in the users account, as real IAM requires of a trust policy's principal.
  const usersIam = motoClient(IAMClient, moto.url, { roleArn: `arn:aws:iam::${USERS_ACCOUNT}:role/admin` });
  for (const userName of [TRUSTED_USER, OTHER_USER]) {
    await usersIam.send(new CreateUserCommand({ UserName: userName, Tags: [{ Key: MANAGED_BY_TAG, Value: MANAGED_BY_VALUE }] }));
  }
  usersIam.destroy();
  port = createAwsOrganization(settings, motoEnv(moto.url));
});

// One Organization for every case: the contract gives each case its own accounts.
describeOrganizationContract('AWS adapter on moto', async () => {
  if (port === undefined) throw new Error('moto did not start');
  return {
    port,
    usersAccountId: USERS_ACCOUNT,
    managementAccountId: MANAGEMENT,
    ouPath: OU_PATH,
    trustedUserName: TRUSTED_USER,
    accessRoleName: settings.organization.access_role_name,
    bootstrapRoleName: settings.organization.bootstrap_role_name,
    otherUserName: OTHER_USER,
    async createUnmanagedRole(accountId, roleName, trustPolicy) {
      const iam = motoClient(IAMClient, moto.url, { roleArn: `arn:aws:iam::${accountId}:role/${settings.organization.access_role_name}` });
      await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify(trustPolicy) }));
      iam.destroy();
    },
  };
});
