/**
 * The OrganizationPort contract (test/contract/organization-contract.ts) run against the AWS
 * adapter on moto server, so the sandbox and the adapter are held to the same behaviour.
 */
import { CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateOrganizationCommand,
  CreateOrganizationalUnitCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { afterAll, beforeAll } from 'vitest';
import { assumeRole } from '../../../src/adapters/aws/clients.ts';
import { createAwsOrganization } from '../../../src/adapters/aws/organization.ts';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, type SettingsFile } from '../../../src/core/model.ts';
import type { OrganizationPort } from '../../../src/ports/organization.ts';
import { describeOrganizationContract } from '../../contract/organization-contract.ts';
import { motoEnv, startMoto, type MotoServer } from '../../support/moto.ts';

/** moto's default account, the management account of the Organization it creates. */
const MANAGEMENT = '123456789012';
const USERS_ACCOUNT = '622626885786';
const OU_PATH = '/Workloads/Production';
const TRUSTED_USER = 'trusted@example.gov.uk';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

const settings: SettingsFile = {
  users_account: {
    id: USERS_ACCOUNT,
    alias: 'test-users',
    region: 'eu-west-2',
    group: 'CrossAccountAccess',
    password_policy: { minimum_length: 16 },
  },
  organization: {
    management_account_id: MANAGEMENT,
    access_role_name: 'OrganizationAccountAccessRole',
    bootstrap_role_name: 'bootstrap',
    root_email_template: 'aws-root+{name}@example.gov.uk',
  },
  email: { sender: 'aws-access@example.gov.uk', region: 'eu-west-2', support_mailbox: 'help@example.gov.uk' },
  email_domains: { staff: ['example.gov.uk'], contractor: [] },
  protected_users: ['break-glass-admin'],
  limits: { max_deletions_per_run: 5, max_closures_per_run: 1 },
};

let moto: MotoServer | undefined;
let port: OrganizationPort | undefined;

beforeAll(async () => {
  // moto creates AWS managed policies (AdministratorAccess) in an account's IAM only when asked;
  // each test file runs in its own process, so only the moto server started here sees this.
  process.env['MOTO_IAM_LOAD_MANAGED_POLICIES'] = 'true';
  moto = await startMoto();
  const env = motoEnv(moto.url);
  const setup = new OrganizationsClient({ region: 'us-east-1', endpoint: moto.url, credentials: CREDENTIALS });
  await setup.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const rootId = (await setup.send(new ListRootsCommand({}))).Roots?.[0]?.Id ?? '';
  let parentId = rootId;
  for (const name of OU_PATH.split('/').filter((s) => s !== '')) {
    const created = await setup.send(new CreateOrganizationalUnitCommand({ ParentId: parentId, Name: name }));
    parentId = created.OrganizationalUnit?.Id ?? '';
  }
  setup.destroy();
  // The trusted user exists in the users account, as real IAM requires of a trust policy's principal.
  const usersIam = new IAMClient({
    region: 'us-east-1',
    endpoint: moto.url,
    credentials: assumeRole(`arn:aws:iam::${USERS_ACCOUNT}:role/admin`, 'us-east-1', env, async () => CREDENTIALS),
  });
  await usersIam.send(
    new CreateUserCommand({ UserName: TRUSTED_USER, Tags: [{ Key: MANAGED_BY_TAG, Value: MANAGED_BY_VALUE }] }),
  );
  usersIam.destroy();
  port = createAwsOrganization(settings, env);
}, 60_000);

afterAll(async () => {
  await moto?.stop();
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
  };
});
