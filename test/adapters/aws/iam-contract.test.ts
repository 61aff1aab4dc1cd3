/**
 * The UsersAccountPort contract, run against the AWS IAM adapter on moto server: the same cases
 * the sandbox passes (test/adapters/sandbox). One moto server for the file, never reset between
 * cases: each case uses its own names. No case reads moto's data.json, which answers 500 once a
 * user has been deleted on the server (aws-facts §8).
 */
import { AttachGroupPolicyCommand, AttachUserPolicyCommand, CreatePolicyCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll } from 'vitest';
import { awsClientConfig } from '../../../src/adapters/aws/clients.ts';
import { createAwsUsersAccount } from '../../../src/adapters/aws/iam-users-account.ts';
import type { SettingsFile } from '../../../src/core/model.ts';
import { describeUsersAccountContract, type UsersAccountUnderTest } from '../../contract/users-account-contract.ts';
import { motoEnv, startMoto, type MotoServer } from '../../support/moto.ts';

/** moto's default account: calls without a role land there. */
const ACCOUNT_ID = '123456789012';

const settings: SettingsFile = {
  users_account: {
    id: ACCOUNT_ID,
    alias: 'contract-users',
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
  protected_users: ['break-glass-admin'],
  limits: { max_deletions_per_run: 5, max_closures_per_run: 1 },
};

let moto: MotoServer;
let underTest: UsersAccountUnderTest;

beforeAll(async () => {
  moto = await startMoto();
  const env = motoEnv(moto.url);
  const iam = new IAMClient(awsClientConfig('IAM', { region: settings.users_account.region, env }));
  // moto loads no AWS managed policies by default, so the attachable policy is a customer one.
  const created = await iam.send(
    new CreatePolicyCommand({
      PolicyName: 'granted-by-hand',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }] }),
    }),
  );
  const managedPolicyArn = created.Policy?.Arn;
  if (managedPolicyArn === undefined) throw new Error('moto returned no policy ARN');
  underTest = {
    port: createAwsUsersAccount(settings, env, { sleep: async () => {} }),
    accountId: ACCOUNT_ID,
    protectedUserName: 'break-glass-admin',
    grant: {
      managedPolicyArn,
      async attachUserPolicy(UserName, PolicyArn) {
        await iam.send(new AttachUserPolicyCommand({ UserName, PolicyArn }));
      },
      async putUserPolicy(UserName, PolicyName, document) {
        await iam.send(new PutUserPolicyCommand({ UserName, PolicyName, PolicyDocument: JSON.stringify(document) }));
      },
      async attachGroupPolicy(GroupName, PolicyArn) {
        await iam.send(new AttachGroupPolicyCommand({ GroupName, PolicyArn }));
      },
    },
  };
});

afterAll(async () => {
  await moto?.stop();
});

describeUsersAccountContract('IAM on moto', async () => underTest);
