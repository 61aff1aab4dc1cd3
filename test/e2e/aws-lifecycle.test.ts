/**
 * End to end against moto: the CLI (in-process, env = moto only) on a copy of the repository's data,
 * through the life of the data: everything created (a), a bootstrap user removed (c), an account
 * closed (e), a user deleted (d), a mass deletion refused then allowed (f). One moto server and one
 * copy of the data, in sequence: each step starts from the state the previous one left.
 * Sent mail is read from the recording proxy in front of moto (test/support/moto.ts).
 */
import {
  CreateAccessKeyCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListUserTagsCommand,
  ListVirtualMFADevicesCommand,
} from '@aws-sdk/client-iam';
import { DescribeAccountCommand, ListTagsForResourceCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { motoClient } from '../support/aws.ts';
import { useAwsE2e } from '../support/e2e.ts';
import {
  accountsByName,
  changeList,
  editFile,
  listUserNames,
  memberAccountIam,
  organizationsClient,
  ouPathOf,
  parsePlan,
  passwordIn,
  replaceOnce,
  runCommand,
  SENDER,
  SIGN_IN_URL,
  trustedArns,
  trustPolicyOf,
  userArn,
  usersAccountIam,
  USERS_ACCOUNT,
  type RunResult,
} from './support.ts';

const AMARA = 'amara.okafor@digital.cabinet-office.gov.uk';
const BEN = 'ben.hughes@digital.cabinet-office.gov.uk';
const CHLOE = 'chloe.nguyen@cabinetoffice.gov.uk';
const DEV = 'dev.patel@digital.cabinet-office.gov.uk';
const EILIDH = 'eilidh.campbell@nista.gov.uk';
const FELIX = 'felix.kowalski@softwire.com';
const GRACE = 'grace.adeyemi@pentestpartners.com';
const ALL_USERS = [AMARA, BEN, CHLOE, DEV, EILIDH, FELIX, GRACE].sort();
const FULL_NAMES: Record<string, string> = {
  [AMARA]: 'Amara Okafor',
  [BEN]: 'Ben Hughes',
  [CHLOE]: 'Chloe Nguyen',
  [DEV]: 'Dev Patel',
  [EILIDH]: 'Eilidh Campbell',
  [FELIX]: 'Felix Kowalski',
  [GRACE]: 'Grace Adeyemi',
};
const TEAMS: Record<string, string> = {
  [AMARA]: 'govuk-platform',
  [BEN]: 'govuk-platform',
  [CHLOE]: 'data-services',
  [DEV]: 'notify',
  [EILIDH]: 'data-services',
  [FELIX]: 'notify',
  [GRACE]: 'security',
};
const REQUESTED_BY: Record<string, string> = {
  [AMARA]: AMARA,
  [BEN]: AMARA,
  [CHLOE]: CHLOE,
  [DEV]: AMARA,
  [EILIDH]: CHLOE,
  [FELIX]: DEV,
  [GRACE]: DEV,
};

// Each step runs the CLI against moto, with managed policies loaded in every account: slow on a busy
// machine running other moto servers, so allow it time.
vi.setConfig({ testTimeout: 90_000 });

const e2e = useAwsE2e();
let iam: IAMClient;
let org: OrganizationsClient;
/** Account ids by name, once created. */
const accountIds = new Map<string, string>();

beforeAll(async () => {
  iam = await usersAccountIam(e2e.moto.url);
  org = organizationsClient(e2e.moto.url);
});

afterAll(() => {
  iam?.destroy();
  org?.destroy();
});

const plan = (...args: string[]): Promise<RunResult> => runCommand(e2e.repo, e2e.env, 'plan', '--target', 'aws', ...args);
const apply = (...args: string[]): Promise<RunResult> => runCommand(e2e.repo, e2e.env, 'apply', '--target', 'aws', ...args);

async function planChanges(): Promise<[string, string | undefined][]> {
  const result = await plan('--format', 'json');
  expect(result.code, result.stderr).toBe(0);
  return changeList(parsePlan(result.stdout));
}

async function expectNoChanges(): Promise<void> {
  const result = await plan('--detailed-exitcode');
  expect(result.stderr).toBe('');
  expect(result.stdout).toContain('No changes.');
  expect(result.code).toBe(0);
}

async function tagsOfUser(userName: string): Promise<Record<string, string>> {
  const tags = (await iam.send(new ListUserTagsCommand({ UserName: userName }))).Tags ?? [];
  return Object.fromEntries(tags.map((t) => [t.Key ?? '', t.Value ?? '']));
}

async function errorName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return error instanceof Error ? error.name : String(error);
  }
  return 'no error';
}

function accountId(name: string): string {
  const id = accountIds.get(name);
  if (id === undefined) throw new Error(`account ${name} was not created`);
  return id;
}

describe('a. from nothing: plan, apply, plan', () => {
  it('plans every creation and exits 2 with --detailed-exitcode', async () => {
    const result = await plan('--detailed-exitcode');
    expect(result.code).toBe(2);
    // The ids and principals STS confirmed, not merely the settings.
    expect(result.stdout).toContain(
      `Compared against: AWS (users account ${USERS_ACCOUNT} as arn:aws:sts::${USERS_ACCOUNT}:assumed-role/reconciler/aws-access-as-code, management account 123456789012 as arn:aws:sts::123456789012:user/moto)`,
    );
    for (const user of ALL_USERS) expect(result.stdout).toContain(`+ create user ${user} `);
    expect(result.stdout).toContain('+ create account govuk-platform-production in /Workloads/Production');
    expect(result.stdout).toContain('+ create account notify-staging in /Workloads/Non-production');
    expect(result.stdout).toContain('+ create group CrossAccountAccess');
    // moto's users account has no alias yet: it is set before any email carries the sign-in URL.
    expect(result.stdout).toContain('set the users account alias to gds-users (there is none)');
    // Each new account's roles are listed under it; the people they trust are told (3 notices).
    expect(result.stdout).toContain('      + create team role notify-read-only (read-only) in notify-staging, trusting amara.okafor@digital.cabinet-office.gov.uk with MFA;');
    expect(result.stdout).toContain('Plan: 10 to create, 5 to change, 0 to delete/close.');
    // data-sandbox is closed in its file and was never created: nothing to do.
    expect(result.stdout).not.toContain('create account data-sandbox');
  });

  it('applies (exit 0) and reports every change done', async () => {
    const result = await apply();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('15 done, 0 failed, 0 skipped');
    const accounts = await accountsByName(org);
    for (const name of ['govuk-platform-production', 'notify-staging']) {
      const id = accounts.get(name)?.Id;
      expect(id, name).toMatch(/^\d{12}$/);
      accountIds.set(name, id ?? '');
    }
    expect(accounts.has('data-sandbox')).toBe(false);
  });

  it('then plans no changes (exit 0)', async () => {
    await expectNoChanges();
  });

  it('created the users in the users account (through the assumed role), tagged, in the group, with a login profile', async () => {
    expect(await listUserNames(iam)).toEqual(ALL_USERS);
    for (const user of ALL_USERS) {
      const got = await iam.send(new GetUserCommand({ UserName: user }));
      expect(got.User?.Arn).toBe(userArn(user));
      expect(await tagsOfUser(user)).toMatchObject({
        'managed-by': 'aws-access-as-code',
        team: TEAMS[user],
        'full-name': FULL_NAMES[user],
        'requested-by': REQUESTED_BY[user],
      });
      const groups = (await iam.send(new ListGroupsForUserCommand({ UserName: user }))).Groups ?? [];
      expect(groups.map((g) => g.GroupName)).toEqual(['CrossAccountAccess']);
      const profile = await iam.send(new GetLoginProfileCommand({ UserName: user }));
      expect(profile.LoginProfile?.UserName).toBe(user);
    }
  });

  it('created nothing in the caller’s own account: the role assumption really switched accounts', async () => {
    const own = motoClient(IAMClient, e2e.moto.url);
    try {
      const names = await listUserNames(own);
      for (const user of ALL_USERS) expect(names).not.toContain(user);
    } finally {
      own.destroy();
    }
  });

  it('created the accounts in the right OU, tagged', async () => {
    const production = accountId('govuk-platform-production');
    const staging = accountId('notify-staging');
    expect(await ouPathOf(org, production)).toBe('/Workloads/Production');
    expect(await ouPathOf(org, staging)).toBe('/Workloads/Non-production');
    const tagsOf = async (id: string): Promise<Record<string, string>> => {
      const tags = (await org.send(new ListTagsForResourceCommand({ ResourceId: id }))).Tags ?? [];
      return Object.fromEntries(tags.map((t) => [t.Key ?? '', t.Value ?? '']));
    };
    expect(await tagsOf(production)).toMatchObject({
      'managed-by': 'aws-access-as-code',
      'team-name': 'GOV.UK Platform',
      'team-email-address': 'govuk-platform@digital.cabinet-office.gov.uk',
      'billing-cost-centre': '10023',
      'billing-business-unit': 'GOV.UK',
      'requested-by': AMARA,
      'service-name': 'GOV.UK',
      'security-requested-alert-priority-level': 'P1',
    });
    expect(await tagsOf(staging)).toMatchObject({
      'managed-by': 'aws-access-as-code',
      'team-name': 'Notify',
      'billing-cost-centre': '10041',
      'requested-by': DEV,
    });
    const described = await org.send(new DescribeAccountCommand({ AccountId: production }));
    expect(described.Account?.Email).toBe('aws-root+govuk-platform-production@digital.cabinet-office.gov.uk');
  });

  it('gave each new account a bootstrap role trusting exactly its bootstrap users, with MFA, as administrator', async () => {
    const expected: Record<string, string[]> = {
      'govuk-platform-production': [AMARA, BEN],
      'notify-staging': [DEV, FELIX],
    };
    for (const [name, users] of Object.entries(expected)) {
      const member = await memberAccountIam(e2e.moto.url, accountId(name));
      try {
        const policy = await trustPolicyOf(member, 'bootstrap');
        if (name === 'govuk-platform-production') {
          console.log(`--- trust policy of bootstrap in ${name} (${accountId(name)}), as created:\n${JSON.stringify(policy, null, 2)}`);
        }
        expect(trustedArns(policy)).toEqual(users.map(userArn).sort());
        expect(policy.Statement).toHaveLength(1);
        expect(policy.Statement[0]).toMatchObject({
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        });
        const attached = (await member.send(new ListAttachedRolePoliciesCommand({ RoleName: 'bootstrap' }))).AttachedPolicies ?? [];
        expect(attached.map((p) => p.PolicyArn)).toEqual(['arn:aws:iam::aws:policy/AdministratorAccess']);
      } finally {
        member.destroy();
      }
    }
  });

  it('emailed each user a welcome with the password, each requester a notice without it, and each team its account', async () => {
    const emails = await e2e.moto.sentEmails();
    for (const email of emails) expect(email.source).toBe(SENDER);

    const welcomes = emails.filter((e) => e.subject === 'Your AWS user in gds-users');
    expect(welcomes.map((e) => e.destinations.ToAddresses).sort()).toEqual(ALL_USERS.map((u) => [u]));
    const passwords = new Set<string>();
    for (const welcome of welcomes) {
      const user = welcome.destinations.ToAddresses?.[0] ?? '';
      const password = passwordIn(welcome.body);
      expect(password, user).toMatch(/^\S{20,}$/);
      passwords.add(password ?? '');
      expect(welcome.body).toContain(`Sign-in URL:         ${SIGN_IN_URL}`);
      expect(welcome.body).toContain(`User name:           ${user}`);
      expect(welcome.body).toContain('Multi-factor authentication (MFA)');
      expect(welcome.body).toContain(`Name your first device exactly your user name, ${user}`);
      expect(welcome.body).toContain('up to 8 MFA devices');
    }
    expect(passwords.size).toBe(ALL_USERS.length);

    // Requester notices go to whoever asked for someone else; never with a password.
    const notices = emails.filter((e) => e.subject.startsWith('AWS user created for '));
    const expectedNotices = ALL_USERS.filter((u) => REQUESTED_BY[u] !== u)
      .map((u) => `${REQUESTED_BY[u]} <- ${FULL_NAMES[u]}`)
      .sort();
    expect(notices.map((e) => `${e.destinations.ToAddresses?.join(',')} <- ${e.subject.slice('AWS user created for '.length)}`).sort()).toEqual(expectedNotices);
    for (const notice of notices) {
      expect(notice.body).toContain(SIGN_IN_URL);
      expect(notice.body).not.toMatch(/password:/i);
      for (const password of passwords) expect(notice.body).not.toContain(password);
    }

    const accountEmails = emails.filter((e) => e.subject.startsWith('AWS account '));
    expect(accountEmails).toHaveLength(2);
    for (const [name, recipients] of [
      ['govuk-platform-production', ['govuk-platform@digital.cabinet-office.gov.uk', AMARA, BEN]],
      ['notify-staging', ['notify-team@digital.cabinet-office.gov.uk', DEV, FELIX]],
    ] as const) {
      const id = accountId(name);
      const email = accountEmails.find((e) => e.subject === `AWS account ${name} is ready (${id})`);
      expect(email, name).toBeDefined();
      expect(email?.destinations.ToAddresses).toEqual(recipients);
      expect(email?.body).toContain(`Account ID:    ${id}`);
      expect(email?.body).toContain(`https://signin.aws.amazon.com/switchrole?roleName=bootstrap&account=${id}&displayName=${name}`);
      for (const password of passwords) expect(email?.body).not.toContain(password);
    }
    // Everyone a new role trusts gets their own email, with their ~/.aws/config and the real ids.
    const roleEmails = emails.filter((e) => e.subject.startsWith('You may now use the '));
    expect(roleEmails.map((e) => [e.destinations.ToAddresses, e.subject.replace(/ \(\d{12}\)$/, '')]).sort()).toEqual(
      [
        [[AMARA], 'You may now use the bootstrap role in AWS account govuk-platform-production'],
        [[AMARA], 'You may now use the notify-read-only role in AWS account notify-staging'],
        [[BEN], 'You may now use the bootstrap role in AWS account govuk-platform-production'],
        [[DEV], 'You may now use the bootstrap role in AWS account notify-staging'],
        [[FELIX], 'You may now use the bootstrap role in AWS account notify-staging'],
      ].sort(),
    );
    for (const email of roleEmails.filter((e) => e.destinations.ToAddresses?.[0] === AMARA)) {
      expect(email.body).toContain(`role_arn = arn:aws:iam::${accountId('govuk-platform-production')}:role/bootstrap`);
      expect(email.body).toContain(`role_arn = arn:aws:iam::${accountId('notify-staging')}:role/notify-read-only`);
    }
    for (const email of roleEmails) for (const password of passwords) expect(email.body).not.toContain(password);
    // Nothing else was sent.
    expect(emails).toHaveLength(welcomes.length + notices.length + accountEmails.length + roleEmails.length);
  });
});

describe('c. a user removed from an account’s bootstrap.users', () => {
  it('plans only the trust policy rewrite for that account, applies it, then plans no changes', async () => {
    await editFile(e2e.repo, 'accounts/govuk-platform-production.yaml', (text) => replaceOnce(text, /^    - ben\.hughes@digital\.cabinet-office\.gov\.uk\n/m, ''));

    // The trust change, and the email telling Ben after it.
    expect(await planChanges()).toEqual([
      ['put-role', 'govuk-platform-production'],
      ['notify-bootstrap-users', 'govuk-platform-production'],
    ]);
    const text = await plan('--detailed-exitcode');
    expect(text.code).toBe(2);

    const applied = await apply();
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('2 done, 0 failed, 0 skipped');
    const told = (await e2e.moto.sentEmails()).filter((mail) => mail.subject.startsWith('You may no longer use the bootstrap role in AWS account govuk-platform-production'));
    expect(told.map((mail) => mail.destinations.ToAddresses)).toEqual([[BEN]]);

    const member = await memberAccountIam(e2e.moto.url, accountId('govuk-platform-production'));
    try {
      const policy = await trustPolicyOf(member, 'bootstrap');
      expect(trustedArns(policy)).toEqual([userArn(AMARA)]);
      expect(policy.Statement[0]?.Condition).toEqual({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } });
    } finally {
      member.destroy();
    }
    await expectNoChanges();
  });
});

describe('e. an account set to state: closed', () => {
  it('plans the closure first, closes the account, emails the team, then plans no changes', async () => {
    await editFile(e2e.repo, 'accounts/notify-staging.yaml', (text) => replaceOnce(text, /^state: active$/m, 'state: closed'));
    // A routine change in the same run, to show that the destructive one is listed first.
    await editFile(e2e.repo, 'accounts/govuk-platform-production.yaml', (text) =>
      replaceOnce(text, /^  service-name: GOV\.UK$/m, '  service-name: GOV.UK\n  data-classification: official'),
    );

    const changes = await planChanges();
    expect(changes[0]).toEqual(['close-account', 'notify-staging']);
    expect(changes).toEqual([
      ['close-account', 'notify-staging'],
      ['update-account', 'govuk-platform-production'],
    ]);
    const text = await plan();
    const destructive = text.stdout.indexOf('⚠ Destructive changes');
    expect(destructive).toBeGreaterThan(-1);
    expect(text.stdout.indexOf('- close account notify-staging')).toBeGreaterThan(destructive);
    expect(text.stdout.indexOf('Routine changes')).toBeGreaterThan(text.stdout.indexOf('- close account notify-staging'));

    const applied = await apply();
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('2 done, 0 failed, 0 skipped');

    const id = accountId('notify-staging');
    const described = await org.send(new DescribeAccountCommand({ AccountId: id }));
    expect(['SUSPENDED', 'PENDING_CLOSURE']).toContain(described.Account?.Status);

    const closed = (await e2e.moto.sentEmails()).filter((e) => e.subject === `AWS account notify-staging has been closed (${id})`);
    expect(closed).toHaveLength(1);
    expect(closed[0]?.destinations.ToAddresses).toEqual(['notify-team@digital.cabinet-office.gov.uk', DEV]);

    await expectNoChanges();
  });
});

describe('d. a user file removed', () => {
  it('deletes that user, with an access key and an MFA device, and nothing else', async () => {
    // Ben is no longer named in any bootstrap.users (c), so his file may go.
    await iam.send(new CreateAccessKeyCommand({ UserName: BEN }));
    const device = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: `${BEN}-phone` }));
    const serial = device.VirtualMFADevice?.SerialNumber ?? '';
    await iam.send(new EnableMFADeviceCommand({ UserName: BEN, SerialNumber: serial, AuthenticationCode1: '123456', AuthenticationCode2: '654321' }));
    expect((await iam.send(new ListMFADevicesCommand({ UserName: BEN }))).MFADevices).toHaveLength(1);

    await rm(join(e2e.repo, 'users', `${BEN}.yaml`));
    expect(await planChanges()).toEqual([['delete-user', BEN]]);

    const applied = await apply();
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('1 done, 0 failed, 0 skipped');

    // The SDK names IAM's NoSuchEntity error NoSuchEntityException.
    expect(await errorName(iam.send(new GetUserCommand({ UserName: BEN })))).toMatch(/^NoSuchEntity/);
    expect(await listUserNames(iam)).toEqual(ALL_USERS.filter((u) => u !== BEN));
    const devices = (await iam.send(new ListVirtualMFADevicesCommand({}))).VirtualMFADevices ?? [];
    expect(devices.map((d) => d.SerialNumber)).not.toContain(serial);

    await expectNoChanges();
  });
});

describe('f. more deletions than limits.max_deletions_per_run', () => {
  it('refuses without changing anything, and proceeds with --allow-mass-deletion', async () => {
    await editFile(e2e.repo, 'settings.yaml', (text) => replaceOnce(text, /^  max_deletions_per_run: 5$/m, '  max_deletions_per_run: 2'));
    const leaving = [CHLOE, EILIDH, GRACE];
    for (const user of leaving) await rm(join(e2e.repo, 'users', `${user}.yaml`));
    const before = await listUserNames(iam);

    const refused = await apply();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/This plan deletes 3 users and roles, more than settings\.yaml allows in one run \(limits\.max_deletions_per_run: 2\).*Nothing was changed\./);
    expect(refused.stderr).toContain('--allow-mass-deletion');
    expect(await listUserNames(iam)).toEqual(before);
    for (const user of leaving) expect((await iam.send(new GetUserCommand({ UserName: user }))).User?.UserName).toBe(user);

    const allowed = await apply('--allow-mass-deletion');
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stdout).toContain('3 done, 0 failed, 0 skipped');
    expect(await listUserNames(iam)).toEqual([AMARA, DEV, FELIX].sort());

    await expectNoChanges();
  });
});
