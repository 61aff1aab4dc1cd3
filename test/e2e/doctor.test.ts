/**
 * `doctor --target aws` against moto, for what moto answers: a set-up that works (exit 0), and each
 * broken prerequisite moto can show: an unverified SES sender, a missing role_to_assume, credentials
 * of another account. (moto's GetSendQuota always reports the sandbox quota, so the SES sandbox
 * warning is always there.)
 */
import { CreateRoleCommand, DeleteRoleCommand } from '@aws-sdk/client-iam';
import { DeleteIdentityCommand, SESClient, VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motoClient, useMoto } from '../support/aws.ts';
import { cliEnv, EMAIL_REGION, editFile, iamAs, prepareRepo, RECONCILER_ROLE, removeRepo, replaceOnce, runCommand, SENDER, setUpAws } from './support.ts';

const moto = useMoto();
let repo = '';

const doctor = (...args: string[]) => runCommand(repo, cliEnv(moto.url), 'doctor', '--target', 'aws', ...args);

async function createReconcilerRole(): Promise<void> {
  // moto's AssumeRole works whether the role exists or not; IAM calls through it land in its account.
  const iam = await iamAs(moto.url, RECONCILER_ROLE);
  try {
    await iam.send(new CreateRoleCommand({ RoleName: 'reconciler', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }) }));
  } finally {
    iam.destroy();
  }
}

beforeAll(async () => {
  await setUpAws(moto.url);
  repo = await prepareRepo();
  await createReconcilerRole();
});

afterAll(async () => {
  await removeRepo(repo);
});

describe('doctor --target aws', () => {
  it('a working set-up: exit 0, every check named, the SES sandbox a warning with what to do', async () => {
    const result = await doctor();
    console.log(`--- doctor on a working moto set-up:\n${result.stdout}`);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('ok       users account credentials, as arn:aws:iam::111111111111:role/reconciler (users_account.role_to_assume): arn:aws:sts::111111111111:assumed-role/reconciler/');
    expect(result.stdout).toMatch(/ok {7}management account credentials, as the base credentials: .* in account 123456789012/);
    expect(result.stdout).toContain(`ok       SES sender ${SENDER} (${EMAIL_REGION}): verified (as the address).`);
    expect(result.stdout).toMatch(/warning {2}SES quota in eu-west-2: .*sandbox/);
    expect(result.stdout).toContain('-> Request production access for SES in eu-west-2');
    expect(result.stdout).toMatch(/ok {7}Organization: .*all features, managed from 123456789012/);
    expect(result.stdout).toContain('No problem found');
    expect(result.code).toBe(0);
  });

  it('an unverified sender: a problem saying how to verify it, exit 1', async () => {
    const ses = motoClient(SESClient, moto.url, { region: EMAIL_REGION });
    try {
      await ses.send(new DeleteIdentityCommand({ Identity: SENDER }));
      const result = await doctor();
      expect(result.stdout).toContain(`PROBLEM  SES sender ${SENDER} (${EMAIL_REGION}): neither the address nor digital.cabinet-office.gov.uk is verified`);
      expect(result.stdout).toContain(`aws ses verify-email-identity --email-address ${SENDER} --region ${EMAIL_REGION}`);
      expect(result.stdout).toContain('1 problem: apply would fail until they are fixed.');
      expect(result.code).toBe(1);
    } finally {
      await ses.send(new VerifyEmailIdentityCommand({ EmailAddress: SENDER }));
      ses.destroy();
    }
  });

  it('a missing role_to_assume: a problem naming the role and the setting, exit 1', async () => {
    const iam = await iamAs(moto.url, RECONCILER_ROLE);
    try {
      await iam.send(new DeleteRoleCommand({ RoleName: 'reconciler' }));
      const result = await doctor('--json');
      const findings = (JSON.parse(result.stdout) as { findings: { check: string; status: string; detail: string; todo?: string }[] }).findings;
      const users = findings.find((f) => f.check.startsWith('users account credentials'));
      expect(users).toMatchObject({ status: 'problem', detail: 'role reconciler does not exist in account 111111111111.' });
      expect(users?.todo).toContain('users_account.role_to_assume');
      expect(result.code).toBe(1);
    } finally {
      iam.destroy();
      await createReconcilerRole();
    }
  });

  it('credentials of another account than settings.yaml names: a problem, exit 1', async () => {
    await editFile(repo, 'settings.yaml', (text) => replaceOnce(text, /^ {2}management_account_id: "123456789012"$/m, '  management_account_id: "210987654321"'));
    try {
      const result = await doctor();
      expect(result.stdout).toContain(
        'PROBLEM  management account credentials, as the base credentials: they belong to account 123456789012 (arn:aws:sts::123456789012:user/moto), but settings.yaml says organization.management_account_id is 210987654321',
      );
      expect(result.stdout).toContain('-> Use credentials for account 210987654321');
      expect(result.code).toBe(1);
    } finally {
      await editFile(repo, 'settings.yaml', (text) => replaceOnce(text, /^ {2}management_account_id: "210987654321"$/m, '  management_account_id: "123456789012"'));
    }
  });

  it('a missing read_role_to_assume: a warning (plans would fail, apply would not), exit 0', async () => {
    await editFile(repo, 'settings.yaml', (text) =>
      replaceOnce(text, /^ {2}role_to_assume: (.*reconciler)$/m, '  role_to_assume: $1\n  read_role_to_assume: arn:aws:iam::111111111111:role/reconciler-read'),
    );
    try {
      const result = await doctor();
      expect(result.stdout).toContain(
        'warning  users account (plans) credentials, as arn:aws:iam::111111111111:role/reconciler-read (users_account.read_role_to_assume): role reconciler-read does not exist in account 111111111111.',
      );
      expect(result.code).toBe(0);
    } finally {
      await editFile(repo, 'settings.yaml', (text) => replaceOnce(text, /^ {2}read_role_to_assume: .*reconciler-read\n/m, ''));
    }
  });

  it('without --target aws: a usage error, nothing asked of AWS', async () => {
    const refused = await runCommand(repo, cliEnv(moto.url), 'doctor');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('doctor checks AWS only: run it with --target aws');
  });
});
