/**
 * End to end against moto: taking over an estate made by hand (here directly with the SDK, the way
 * Terraform or a console would have): 120 people in the users account, some with passwords, access
 * keys, MFA devices, extra groups, inline and attached policies; service users, a user on a
 * domain that is not allowed, a protected user; 10 member accounts in nested OUs, each with an
 * unmanaged bootstrap-like role. The repository starts with no user or account file.
 *
 * import → validate (clean) → plan (only adoptions, with the access they lose) → apply → plan
 * (no changes). A recording proxy in front of moto counts what the product asked AWS to do: no
 * login profile was created, changed or deleted, and no email went to an adopted user. moto has no
 * console sign-in, so "still able to sign in with the same password" is checked as: no login-profile
 * write was requested, and every login profile still has its creation date; the credential report
 * (user creation time, password, MFA, access keys and their dates) is the same before and after.
 */
import {
  AttachUserPolicyCommand,
  AddUserToGroupCommand,
  CreateAccessKeyCommand,
  CreateAccountAliasCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  GetLoginProfileCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListUserPoliciesCommand,
  ListUserTagsCommand,
  PutGroupPolicyCommand,
  PutUserPolicyCommand,
  UpdateAccountPasswordPolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { CreateAccountCommand, CreateOrganizationalUnitCommand, ListOrganizationalUnitsForParentCommand, ListRootsCommand, MoveAccountCommand, TagResourceCommand } from '@aws-sdk/client-organizations';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desiredGroupPolicies, desiredPasswordPolicy } from '../../src/core/baseline.ts';
import { loadDesiredState } from '../../src/config/load.ts';
import { fsSource } from '../../src/config/fs-source.ts';
import { startMoto, type MotoServer } from '../support/moto.ts';
import { recipientsOf, startRecordingProxy, type RecordingProxy } from './recording-proxy.ts';
import {
  cliEnv,
  editFile,
  memberAccountIam,
  organizationsClient,
  parsePlan,
  prepareRepo,
  removeRepo,
  replaceOnce,
  runCommand,
  setUpAws,
  TODAY,
  USERS_ACCOUNT,
  usersAccountIam,
  type RunResult,
} from './support.ts';

const PEOPLE = 120;
const STAFF = 'digital.cabinet-office.gov.uk';
const CONTRACTOR = 'softwire.com';
const SERVICE_USERS = ['ci-deployer', 'terraform-state', 'monitoring-bot'];
const PROTECTED = 'break-glass-admin';
const GROUP = 'CrossAccountAccess';

interface Person {
  name: string;
  password: boolean;
  accessKey: boolean;
  mfa: boolean;
  extraGroup: boolean;
  inlinePolicy: boolean;
  attachedPolicy: boolean;
  inGroup: boolean;
}

/** Person i: a mix of everything people accumulate. Every 40th has nothing to sign in with (listed, not written). */
function person(i: number): Person {
  const domain = i % 25 === 0 ? CONTRACTOR : STAFF;
  const nothing = i % 40 === 7;
  return {
    name: `person.${String(i).padStart(3, '0')}@${domain}`,
    password: !nothing && i % 10 !== 1,
    accessKey: !nothing && (i % 5 === 0 || i % 10 === 1),
    mfa: !nothing && i % 7 === 0,
    extraGroup: i % 4 === 0,
    inlinePolicy: i % 11 === 0,
    attachedPolicy: i % 13 === 0,
    inGroup: i % 3 === 0,
  };
}

const people = Array.from({ length: PEOPLE }, (_, i) => person(i));
const adoptable = people.filter((p) => p.password || p.accessKey);

const ACCOUNTS: { name: string; ou: string; tags?: Record<string, string> }[] = [
  { name: 'payments-production', ou: '/Workloads/Production/Payments', tags: { 'team-name': 'Payments', 'team-email-address': `payments@${STAFF}` } },
  { name: 'payments-staging', ou: '/Workloads/Non-production/Payments' },
  { name: 'GOV.UK Publishing', ou: '/Workloads/Production' },
  { name: 'govuk-integration', ou: '/Workloads/Non-production' },
  { name: 'notify-production', ou: '/Workloads/Production', tags: { 'billing-cost-centre': '10023', 'billing-business-unit': 'GDS' } },
  { name: 'notify-staging', ou: '/Workloads/Non-production' },
  { name: 'data-lake', ou: '/Workloads/Production/Data' },
  { name: 'security-audit', ou: '/Security' },
  { name: 'sandbox-alpha', ou: '/Sandbox' },
  { name: 'sandbox-beta', ou: '/Sandbox' },
];

// moto without AWS managed policies (useAwsE2e loads them): loading them into each of the twelve
// accounts' IAM would dominate this test's time, and nothing here needs them.
const e2e = { moto: undefined as unknown as MotoServer, repo: '' };
let proxy: RecordingProxy;
let iam: IAMClient;
let reportBefore: string;
const profileDates = new Map<string, string>();
const timings: Record<string, number> = {};

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    timings[label] = Math.round(performance.now() - start);
  }
}

async function credentialReport(client: IAMClient): Promise<string> {
  await client.send(new GenerateCredentialReportCommand({}));
  const content = (await client.send(new GetCredentialReportCommand({}))).Content;
  return new TextDecoder().decode(content).split('\n').sort().join('\n');
}

/** The users account as years of hand-made changes left it; the baseline already as settings.yaml says. */
async function buildUsersAccount(settingsText: string): Promise<void> {
  const { desired } = await loadDesiredState(fsSource(e2e.repo), { today: TODAY });
  if (desired === undefined) throw new Error(`settings.yaml does not load:\n${settingsText}`);
  const settings = desired.settings;
  const policy = desiredPasswordPolicy(settings);
  await iam.send(
    new UpdateAccountPasswordPolicyCommand({
      MinimumPasswordLength: policy.minimumLength,
      RequireSymbols: policy.requireSymbols,
      RequireNumbers: policy.requireNumbers,
      RequireUppercaseCharacters: policy.requireUppercase,
      RequireLowercaseCharacters: policy.requireLowercase,
      AllowUsersToChangePassword: policy.allowUsersToChangePassword,
      HardExpiry: policy.hardExpiry,
    }),
  );
  await iam.send(new CreateAccountAliasCommand({ AccountAlias: settings.users_account.alias }));
  for (const group of [GROUP, 'Admins', 'Developers']) await iam.send(new CreateGroupCommand({ GroupName: group }));
  for (const [name, document] of Object.entries(desiredGroupPolicies(settings))) {
    await iam.send(new PutGroupPolicyCommand({ GroupName: GROUP, PolicyName: name, PolicyDocument: JSON.stringify(document) }));
  }
  const legacyPolicy = await iam.send(
    new CreatePolicyCommand({
      PolicyName: 'legacy-power-user',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }),
    }),
  );
  const legacyArn = legacyPolicy.Policy?.Arn ?? '';
  const limit = pLimit(16);
  const everyone = [
    ...people,
    ...[...SERVICE_USERS, PROTECTED, 'someone@gmail.com'].map((name) => ({ ...person(1), name, password: name === PROTECTED, accessKey: name !== PROTECTED })),
  ];
  await Promise.all(
    everyone.map((p, i) =>
      limit(async () => {
        const UserName = p.name;
        const tags = i % 3 === 0 ? [{ Key: 'team', Value: 'GOV.UK Platform' }, { Key: 'Name', Value: `Person ${i}` }] : [];
        await iam.send(new CreateUserCommand({ UserName, Tags: tags }));
        if (p.password) {
          const created = await iam.send(new CreateLoginProfileCommand({ UserName, Password: `Legacy-Password-${i}-abcdefgh`, PasswordResetRequired: false }));
          if (people.includes(p)) profileDates.set(UserName, created.LoginProfile?.CreateDate?.toISOString() ?? '');
        }
        if (p.accessKey) await iam.send(new CreateAccessKeyCommand({ UserName }));
        if (p.mfa) {
          const device = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: `${UserName}-phone` }));
          const SerialNumber = device.VirtualMFADevice?.SerialNumber ?? '';
          await iam.send(new EnableMFADeviceCommand({ UserName, SerialNumber, AuthenticationCode1: '123456', AuthenticationCode2: '654321' }));
        }
        if (p.inGroup) await iam.send(new AddUserToGroupCommand({ UserName, GroupName: GROUP }));
        if (p.extraGroup) await iam.send(new AddUserToGroupCommand({ UserName, GroupName: i % 8 === 0 ? 'Admins' : 'Developers' }));
        if (p.inlinePolicy) {
          await iam.send(
            new PutUserPolicyCommand({
              UserName,
              PolicyName: 'own-bucket',
              PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }),
            }),
          );
        }
        if (p.attachedPolicy) await iam.send(new AttachUserPolicyCommand({ UserName, PolicyArn: legacyArn }));
      }),
    ),
  );
}

/** Ten accounts in nested OUs, each with a hand-made role named like the bootstrap role. */
async function buildOrganization(): Promise<void> {
  const org = organizationsClient(e2e.moto.url);
  const rootId = (await org.send(new ListRootsCommand({}))).Roots?.[0]?.Id ?? '';
  const ouIds = new Map<string, string>([['', rootId]]);
  const ouId = async (path: string): Promise<string> => {
    let parent = '';
    for (const name of path.split('/').filter((s) => s !== '')) {
      const child = `${parent}/${name}`;
      if (!ouIds.has(child)) {
        const existing = (await org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: ouIds.get(parent) ?? '' }))).OrganizationalUnits ?? [];
        const found = existing.find((ou) => ou.Name === name)?.Id;
        const id = found ?? (await org.send(new CreateOrganizationalUnitCommand({ ParentId: ouIds.get(parent) ?? '', Name: name }))).OrganizationalUnit?.Id ?? '';
        ouIds.set(child, id);
      }
      parent = child;
    }
    return ouIds.get(parent) ?? '';
  };
  for (const account of ACCOUNTS) await ouId(account.ou);
  const limit = pLimit(5);
  await Promise.all(
    ACCOUNTS.map((account, i) =>
      limit(async () => {
        const created = await org.send(new CreateAccountCommand({ AccountName: account.name, Email: `legacy-root-${i}@${STAFF}` }));
        const id = created.CreateAccountStatus?.AccountId ?? '';
        await org.send(new MoveAccountCommand({ AccountId: id, SourceParentId: rootId, DestinationParentId: ouIds.get(account.ou) ?? '' }));
        if (account.tags) await org.send(new TagResourceCommand({ ResourceId: id, Tags: Object.entries(account.tags).map(([Key, Value]) => ({ Key, Value })) }));
        const member = await memberAccountIam(e2e.moto.url, id);
        const trusted = [people[i * 3], people[i * 3 + 1]].map((p) => `arn:aws:iam::${USERS_ACCOUNT}:user/${p?.name ?? ''}`);
        await member.send(
          new CreateRoleCommand({
            RoleName: 'bootstrap',
            AssumeRolePolicyDocument: JSON.stringify({
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Principal: { AWS: trusted }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }],
            }),
          }),
        );
        member.destroy();
      }),
    ),
  );
  org.destroy();
}

async function cli(command: string, ...args: string[]): Promise<RunResult> {
  return runCommand(e2e.repo, cliEnv(proxy.url), command, ...args);
}

beforeAll(async () => {
  const start = performance.now();
  e2e.moto = await startMoto();
  await setUpAws(e2e.moto.url);
  e2e.repo = await prepareRepo();
  proxy = await startRecordingProxy(e2e.moto.url);
  // A repository that has just been set up: settings only, no user or account file yet, and the
  // migration's raised adoption limit.
  for (const folder of ['users', 'accounts']) {
    for (const file of await readdir(join(e2e.repo, folder))) await rm(join(e2e.repo, folder, file));
  }
  await editFile(e2e.repo, 'settings.yaml', (text) => replaceOnce(text, /^limits:\n/m, 'limits:\n  max_adoptions_per_run: 400\n'));
  // The organisation's OUs, as the platform team lists them when it sets the repository up.
  const ous = [...new Set(ACCOUNTS.map((account) => account.ou))].map((ou) => `    - ${ou}\n`).join('');
  await editFile(e2e.repo, 'settings.yaml', (text) => replaceOnce(text, /^  organizational_units:\n(?:    - .*\n)+/m, `  organizational_units:\n${ous}`));
  iam = await usersAccountIam(e2e.moto.url);
  const settingsText = await readFile(join(e2e.repo, 'settings.yaml'), 'utf8');
  await Promise.all([timed('users account', () => buildUsersAccount(settingsText)), timed('organization', buildOrganization)]);
  reportBefore = await credentialReport(iam);
  timings['estate'] = Math.round(performance.now() - start);
}, 240_000);

afterAll(async () => {
  iam?.destroy();
  await proxy?.stop();
  await e2e.moto?.stop();
  await removeRepo(e2e.repo);
  if (process.env['SHOW_E2E_TIMINGS']) process.stderr.write(`import-adopt timings (ms): ${JSON.stringify(timings)}\n`);
});

describe('taking over an estate: import, validate, plan, apply, plan', () => {
  let adoptedUsers: string[] = [];

  it('import writes a file for each person and account, lists the rest, and changes nothing in AWS', async () => {
    const before = proxy.requests.length;
    const result = await timed('import', () => cli('import', '--target', 'aws'));
    expect(result.code, result.combined).toBe(0);
    if (process.env['SHOW_E2E_TIMINGS']) process.stderr.write(result.stdout);
    const actions = new Set(proxy.requests.slice(before).map((r) => r.action));
    const writes = [...actions].filter((a) => !/^(Get|List|Describe|AssumeRole$|GenerateCredentialReport$)/.test(a));
    expect(writes).toEqual([]);

    const userFiles = (await readdir(join(e2e.repo, 'users'))).sort();
    adoptedUsers = adoptable.map((p) => p.name).sort();
    expect(userFiles).toEqual(adoptedUsers.map((name) => `${name}.yaml`));
    const accountFiles = (await readdir(join(e2e.repo, 'accounts'))).sort();
    expect(accountFiles).toHaveLength(10);
    expect(accountFiles).toContain('gov-uk-publishing.yaml');

    expect(result.stdout).toContain(`Users:    ${PEOPLE + 5} seen; wrote ${adoptable.length} files (${adoptable.length} to adopt), 0 already have a file, ${PEOPLE + 5 - adoptable.length} not written`);
    expect(result.stdout).toContain('Accounts: 11 seen; wrote 10 files (all to adopt)');
    for (const name of SERVICE_USERS) expect(result.stdout).toMatch(new RegExp(`user ${name}: its name is not an email`));
    expect(result.stdout).toMatch(/user break-glass-admin: a protected user/);
    expect(result.stdout).toMatch(/user someone@gmail.com: gmail.com is not an allowed email domain/);
    expect(result.stdout).toMatch(/user person.007@digital.cabinet-office.gov.uk: no console password and no active access key/);
    expect(result.stdout).toMatch(/account master \(\d{12}\): the management account/);

    const sample = await readFile(join(e2e.repo, 'users', `${people[3]?.name ?? ''}.yaml`), 'utf8');
    expect(sample.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/user.schema.json');
    expect(sample).toMatch(/^adopt: true # imported: take over the existing user as it is/m);
    expect(sample).toMatch(/^team: gov-uk-platform$/m);
    const account = await readFile(join(e2e.repo, 'accounts', 'gov-uk-publishing.yaml'), 'utf8');
    expect(account).toMatch(/^id: "\d{12}"$/m);
    expect(account).toMatch(/^name: gov-uk-publishing # imported: the account is called "GOV.UK Publishing" in AWS$/m);
    expect(account).toMatch(/^organizational_unit: \/Workloads\/Production$/m);
    expect(account).toMatch(/^# A role named bootstrap exists in it without the managed-by tag, trusting /m);
  });

  it('validate is clean', async () => {
    const result = await timed('validate', () => cli('validate'));
    expect(result.code, result.combined).toBe(0);
    expect(result.combined).not.toMatch(/\berror\b|\bwarning\b/i);
  });

  it('plan shows only the adoptions, with the access each adopted user loses, and the account notices', async () => {
    const result = await timed('plan', () => cli('plan', '--target', 'aws', '--json'));
    expect(result.code, result.stderr).toBe(0);
    const plan = parsePlan(result.stdout);
    const kinds = new Map<string, number>();
    for (const { change } of plan.changes) kinds.set(change.kind, (kinds.get(change.kind) ?? 0) + 1);
    expect(Object.fromEntries(kinds)).toEqual({ 'adopt-user': adoptable.length, 'update-account': 10, 'send-account-email': 10 });
    const adoption = plan.changes.find((c) => c.change.userName === people[8]?.name);
    expect(adoption?.summary).toMatch(/remove access outside the group: group Admins; inline policy own-bucket|remove access outside the group: group Admins/);
    const withPolicy = plan.changes.find((c) => c.change.userName === people[13]?.name);
    expect(withPolicy?.summary).toMatch(/managed policy arn:aws:iam::\d{12}:policy\/legacy-power-user/);
    expect(plan.changes.filter((c) => c.change.kind === 'send-account-email').every((c) => c.change['adopted'] === true)).toBe(true);

    const text = await cli('plan', '--target', 'aws');
    if (process.env['SHOW_E2E_TIMINGS']) process.stderr.write(text.stdout.split('\n').filter((l) => /^(Compared|Access|Routine|Destructive|Plan:)/.test(l)).join('\n') + '\n');
    expect(text.stdout).toContain(`Plan: 0 to create, ${adoptable.length + 20} to change, 0 to delete/close.`);
  });

  it('apply adopts everyone with no password change and no email to an adopted user; the next plan has no changes', async () => {
    const before = proxy.requests.length;
    const result = await timed('apply', () => cli('apply', '--target', 'aws'));
    expect(result.code, result.stdout).toBe(0);
    const during = proxy.requests.slice(before);
    for (const action of ['CreateLoginProfile', 'UpdateLoginProfile', 'DeleteLoginProfile', 'DeleteAccessKey', 'DeactivateMFADevice', 'DeleteUser']) {
      expect(during.filter((r) => r.action === action), action).toEqual([]);
    }
    const sent = during.filter((r) => r.action === 'SendEmail' || r.action === 'SendRawEmail');
    expect(sent).toHaveLength(10);
    const adopted = new Set(adoptedUsers);
    expect(sent.flatMap(recipientsOf).filter((to) => adopted.has(to))).toEqual([]);

    const again = await timed('plan again', () => cli('plan', '--target', 'aws', '--json'));
    expect(again.code, again.stderr).toBe(0);
    expect(parsePlan(again.stdout).changes).toEqual([]);
    // Over 300 adoptions and a plan, against one moto process: more than the default 30 s under load.
  }, 120_000);

  it('every adopted user keeps its login profile, keys, MFA devices and creation date', async () => {
    expect(await credentialReport(iam)).toBe(reportBefore);
    const limit = pLimit(16);
    const after = new Map<string, string>();
    await Promise.all(
      [...profileDates.keys()].map((name) =>
        limit(async () => {
          const profile = await iam.send(new GetLoginProfileCommand({ UserName: name }));
          after.set(name, profile.LoginProfile?.CreateDate?.toISOString() ?? '');
        }),
      ),
    );
    expect(after).toEqual(profileDates);
    // Every person with a password (nine in ten, less the few with nothing) was checked.
    expect(profileDates.size).toBe(people.filter((p) => p.password).length);
  });

  it('removed the access adopted users had outside the group, in the adopting run, and tagged them', async () => {
    for (const p of [people[8], people[11], people[13], people[88]]) {
      const UserName = p?.name ?? '';
      expect((await iam.send(new ListGroupsForUserCommand({ UserName }))).Groups?.map((g) => g.GroupName), UserName).toEqual([GROUP]);
      expect((await iam.send(new ListUserPoliciesCommand({ UserName }))).PolicyNames, UserName).toEqual([]);
      expect((await iam.send(new ListAttachedUserPoliciesCommand({ UserName }))).AttachedPolicies, UserName).toEqual([]);
      const tags = Object.fromEntries(((await iam.send(new ListUserTagsCommand({ UserName }))).Tags ?? []).map((t) => [t.Key, t.Value]));
      expect(tags).toMatchObject({ 'managed-by': 'aws-access-as-code', 'credentials-sent': 'adopted' });
    }
    // The users that were listed, not written, are as they were: never tagged.
    for (const UserName of [...SERVICE_USERS, PROTECTED, 'someone@gmail.com', people[7]?.name ?? '']) {
      const tags = (await iam.send(new ListUserTagsCommand({ UserName }))).Tags ?? [];
      expect(tags.map((t) => t.Key), UserName).not.toContain('managed-by');
    }
  });
});
