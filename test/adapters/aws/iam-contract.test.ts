/**
 * The UsersAccountPort contract, run against the AWS IAM adapter on moto server: the same cases
 * the sandbox passes (test/adapters/sandbox). One moto server for the file, never reset between
 * cases: each case uses its own names. No case reads moto's data.json, which answers 500 once a
 * user has been deleted on the server (moto, http://docs.getmoto.org/en/latest/docs/services/iam.html).
 */
import {
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { beforeAll } from 'vitest';
import { createAwsUsersAccount } from '../../../src/adapters/aws/iam-users-account.ts';
import { describeUsersAccountContract, type UsersAccountUnderTest } from '../../contract/users-account-contract.ts';
import { awsSettings, MOTO_ACCOUNT_ID, motoClient, useMoto } from '../../support/aws.ts';
import { motoEnv } from '../../support/moto.ts';

const settings = awsSettings({ protected_users: ['break-glass-admin'] });
const moto = useMoto();
let underTest: UsersAccountUnderTest;

beforeAll(async () => {
  const iam = motoClient(IAMClient, moto.url);
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
    port: createAwsUsersAccount(settings, motoEnv(moto.url), { sleep: async () => {} }),
    accountId: MOTO_ACCOUNT_ID,
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
      async createAccessKey(UserName) {
        await iam.send(new CreateAccessKeyCommand({ UserName }));
      },
      async accessKeyStatuses(UserName) {
        const listed = await iam.send(new ListAccessKeysCommand({ UserName }));
        return (listed.AccessKeyMetadata ?? []).map((key) => key.Status ?? '?').sort();
      },
    },
  };
});

describeUsersAccountContract('IAM on moto', async () => underTest);
