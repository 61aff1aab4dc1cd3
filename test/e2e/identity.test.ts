/**
 * "It knows where it is", against moto: before the first read, STS GetCallerIdentity confirms each
 * principal's account; credentials for another account than settings.yaml names are refused with
 * both accounts and the principal ARN, and nothing is read or changed.
 */
import { describe, expect, it } from 'vitest';
import {
  editFile,
  iamAs,
  listUserNames,
  prepareRepo,
  removeRepo,
  replaceOnce,
  runCommand,
  USERS_ACCOUNT,
  usersAccountIam,
} from './support.ts';
import { useAwsE2e } from '../support/e2e.ts';

const e2e = useAwsE2e();

async function repoWith(edit: (settings: string) => string): Promise<string> {
  const repo = await prepareRepo();
  await editFile(repo, 'settings.yaml', edit);
  return repo;
}

describe('credentials for the wrong account', () => {
  it('refuses a management account other than settings.yaml names, before any read or change', async () => {
    const repo = await repoWith((text) => replaceOnce(text, /management_account_id: "\d{12}"/, 'management_account_id: "999999999999"'));
    try {
      for (const command of ['plan', 'apply'] as const) {
        const result = await runCommand(repo, e2e.env, command, '--target', 'aws');
        expect(result.code).toBe(1);
        expect(result.stderr).toContain(
          'error: The credentials for the management account belong to account 123456789012 (principal arn:aws:sts::123456789012:user/moto), but settings.yaml says organization.management_account_id is 999999999999. Nothing was read or changed.',
        );
        expect(result.stdout).toBe('');
      }
      // apply created nothing in the users account it could have reached.
      expect(await listUserNames(await usersAccountIam(e2e.moto.url))).toEqual([]);
    } finally {
      await removeRepo(repo);
    }
  });

  it('refuses a users-account role that lands in another account, naming the role and the principal', async () => {
    const elsewhere = 'arn:aws:iam::333333333333:role/reconciler';
    const repo = await repoWith((text) => replaceOnce(text, /role_to_assume: arn:aws:iam::\d{12}:role\/reconciler/, `role_to_assume: ${elsewhere}`));
    try {
      const result = await runCommand(repo, e2e.env, 'apply', '--target', 'aws');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `error: The credentials for the users account (assuming ${elsewhere}, users_account.role_to_assume) belong to account 333333333333 (principal arn:aws:sts::333333333333:assumed-role/reconciler/aws-access-as-code), but settings.yaml says users_account.id is ${USERS_ACCOUNT}. Nothing was read or changed.`,
      );
      expect(result.stderr).toContain(`Use credentials for account ${USERS_ACCOUNT} (or fix users_account.role_to_assume)`);
      expect(await listUserNames(await iamAs(e2e.moto.url, elsewhere))).toEqual([]);
      expect(await listUserNames(await usersAccountIam(e2e.moto.url))).toEqual([]);
    } finally {
      await removeRepo(repo);
    }
  });

  it('the right credentials pass, and the plan header names the verified principals', async () => {
    const result = await runCommand(e2e.repo, e2e.env, 'plan', '--target', 'aws');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `Compared against: AWS (users account ${USERS_ACCOUNT} as arn:aws:sts::${USERS_ACCOUNT}:assumed-role/reconciler/aws-access-as-code, management account 123456789012 as arn:aws:sts::123456789012:user/moto)`,
    );
  });
});
