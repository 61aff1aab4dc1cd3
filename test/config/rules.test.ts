/** Every cross-file rule has a failing fixture that asserts its message, file and line. */
import { describe, expect, it } from 'vitest';
import { parseYamlFile } from '../../src/config/parse-yaml.ts';
import {
  accountNamesAreUniqueAndWellFormed,
  type LoadedFile,
  type RuleInput,
  userNamesAreAtMost64Characters,
} from '../../src/config/rules.ts';
import type { AccountFile, UserFile } from '../../src/config/schema-types.ts';
import type { Problem } from '../../src/core/problems.ts';
import { accountYaml, CODEOWNERS, load, problemsIn, SETTINGS, userYaml } from './fixture-repo.ts';

const byRule = (problems: Problem[], rule: string): Problem[] => problems.filter((p) => p.rule === rule);

/** A LoadedFile straight from YAML, bypassing the schema, for rules the schema already guards. */
function loaded<T>(file: string, text: string): LoadedFile<T> {
  const { parsed } = parseYamlFile(file, Buffer.from(text));
  if (parsed === undefined) throw new Error(`fixture ${file} does not parse`);
  return { file, data: parsed.value as T, parsed };
}

function ruleInput(parts: Partial<RuleInput>): RuleInput {
  return { today: '2026-06-01', settings: undefined, users: [], accounts: [], files: [], codeowners: undefined, ...parts };
}

describe('users', () => {
  it('fileNameEqualsLowerCaseEmail', async () => {
    const problems = await problemsIn({ 'users/bob@example.gov.uk.yaml': userYaml('rob@example.gov.uk') });
    expect(byRule(problems, 'fileNameEqualsLowerCaseEmail')).toEqual([
      {
        severity: 'error',
        rule: 'fileNameEqualsLowerCaseEmail',
        file: 'users/bob@example.gov.uk.yaml',
        line: 2,
        col: 8,
        message: 'the file name must be the lower-case email: rename users/bob@example.gov.uk.yaml to users/rob@example.gov.uk.yaml, or correct the email',
      },
    ]);
  });

  it('emailDomainIsAllowed', async () => {
    const problems = await problemsIn({ 'users/bob@gmail.com.yaml': userYaml('bob@gmail.com') });
    expect(byRule(problems, 'emailDomainIsAllowed')).toEqual([
      expect.objectContaining({
        file: 'users/bob@gmail.com.yaml',
        line: 2,
        col: 8,
        message: 'gmail.com is not an allowed email domain; use a work email on one of example.gov.uk, contractor.com (new domains are added to email_domains in settings.yaml)',
      }),
    ]);
  });

  it('contractorUsersHaveExpires', async () => {
    const problems = await problemsIn({ 'users/cat@contractor.com.yaml': userYaml('cat@contractor.com') });
    expect(problems).toEqual([
      expect.objectContaining({
        rule: 'contractorUsersHaveExpires',
        file: 'users/cat@contractor.com.yaml',
        line: 2,
        col: 8,
        message: 'contractor.com is a contractor domain, so the user needs an expiry date; add a line such as expires: "2027-06-01"',
      }),
    ]);
    expect(await problemsIn({ 'users/cat@contractor.com.yaml': userYaml('cat@contractor.com', 'expires: 2027-01-01') })).toEqual([]);
  });

  it('userNamesAreAtMost64Characters (the schema reports it first, with the reason)', async () => {
    const email = `${'a'.repeat(50)}@example.gov.uk`;
    const problems = await problemsIn({ [`users/${email}.yaml`]: userYaml(email) });
    expect(problems).toEqual([
      expect.objectContaining({ rule: 'fileMatchesSchema', line: 2, col: 8, message: expect.stringMatching(/^email is 65 characters long; at most 64 are allowed\. .*It is also the IAM user name/) }),
    ]);
    const file = `users/${email}.yaml`;
    expect(userNamesAreAtMost64Characters(ruleInput({ users: [loaded<UserFile>(file, userYaml(email))] }))).toEqual([
      expect.objectContaining({
        rule: 'userNamesAreAtMost64Characters',
        file,
        line: 2,
        col: 8,
        message: 'the email is 65 characters, but it is also the IAM user name, which AWS limits to 64; use a shorter alias of the same mailbox',
      }),
    ]);
  });

  it('userNamesAreUniqueIgnoringCase: the misnamed file is reported', async () => {
    const problems = await problemsIn({ 'users/Ann@example.gov.uk.yaml': userYaml('ann@example.gov.uk') });
    expect(byRule(problems, 'userNamesAreUniqueIgnoringCase')).toEqual([
      expect.objectContaining({
        file: 'users/Ann@example.gov.uk.yaml',
        line: 1,
        col: 1,
        message: 'users/Ann@example.gov.uk.yaml and users/ann@example.gov.uk.yaml name the same IAM user (IAM user names ignore case); keep one file, named with the lower-case email',
      }),
    ]);
  });

  it('expiredUsersAreReported, as a warning that leaves the data valid (expires today counts: apply suspends on that day)', async () => {
    const result = await load({ 'users/cat@contractor.com.yaml': userYaml('cat@contractor.com', 'expires: "2026-05-31"') });
    expect(result.problems).toEqual([
      {
        severity: 'warning',
        rule: 'expiredUsersAreReported',
        file: 'users/cat@contractor.com.yaml',
        line: 6,
        col: 10,
        message:
          'access ended on 2026-05-31: apply suspends the user (no password, access keys inactive, out of the group); remove this file (and the user from any bootstrap.users list) to delete it, or move the date if access was extended',
      },
    ]);
    expect(result.desired?.users.has('cat@contractor.com')).toBe(true);
    expect(byRule((await load({ 'users/cat@contractor.com.yaml': userYaml('cat@contractor.com', 'expires: "2026-06-01"') })).problems, 'expiredUsersAreReported')).toHaveLength(1);
    expect((await load({ 'users/cat@contractor.com.yaml': userYaml('cat@contractor.com', 'expires: "2026-06-02"') })).problems).toEqual([]);
  });

  it('passwordResetIsNotInTheFuture: today is fine, tomorrow is an error', async () => {
    expect((await load({ 'users/cat@contractor.com.yaml': userYaml('cat@contractor.com', 'expires: "2026-09-01"', 'password_reset: "2026-06-01"') })).problems).toEqual([]);
    const future = await load({ 'users/cat@contractor.com.yaml': userYaml('cat@contractor.com', 'expires: "2026-09-01"', 'password_reset: "2026-06-02"') });
    expect(byRule(future.problems, 'passwordResetIsNotInTheFuture')).toEqual([
      expect.objectContaining({ severity: 'error', line: 7, message: expect.stringContaining('password_reset is 2026-06-02, after today (2026-06-01)') }),
    ]);
  });

  it('expiresIsWithinTheHorizon: at most 12 months ahead by default, or settings users_account.expiry_horizon_months', async () => {
    expect((await load({ 'users/cat@contractor.com.yaml': userYaml('cat@contractor.com', 'expires: "2027-06-01"') })).problems).toEqual([]);
    const late = await load({ 'users/cat@contractor.com.yaml': userYaml('cat@contractor.com', 'expires: "2027-06-02"') });
    expect(late.problems).toEqual([
      {
        severity: 'error',
        rule: 'expiresIsWithinTheHorizon',
        file: 'users/cat@contractor.com.yaml',
        line: 6,
        col: 10,
        message:
          'expires is 2027-06-02, more than 12 months ahead (the latest allowed today is 2027-06-01, settings.yaml users_account.expiry_horizon_months); choose 2027-06-01 or earlier and extend it when the time comes',
      },
    ]);
    const settings = SETTINGS.replace('users_account:\n', 'users_account:\n  expiry_horizon_months: 3\n');
    expect(settings).not.toBe(SETTINGS);
    const shorter = await load({ 'settings.yaml': settings, 'users/cat@contractor.com.yaml': userYaml('cat@contractor.com', 'expires: "2026-09-02"') });
    expect(byRule(shorter.problems, 'expiresIsWithinTheHorizon')).toEqual([expect.objectContaining({ message: expect.stringContaining('latest allowed today is 2026-09-01') })]);
  });

  it('protectedUsersHaveNoUserFile', async () => {
    const settings = SETTINGS.replace('  - break-glass\n', '  - break-glass\n  - ann@example.gov.uk\n');
    expect(byRule(await problemsIn({ 'settings.yaml': settings }), 'protectedUsersHaveNoUserFile')).toEqual([
      expect.objectContaining({
        file: 'users/ann@example.gov.uk.yaml',
        line: 1,
        message: '"ann@example.gov.uk" is a protected user (settings.yaml line 25), which this tool never creates, changes or deletes; remove this file, or take the name out of protected_users',
      }),
    ]);
  });
});

describe('accounts', () => {
  it('accountFileNameEqualsAccountName', async () => {
    const problems = await problemsIn({ 'accounts/team-prod.yaml': accountYaml('team-production') });
    expect(problems).toEqual([
      expect.objectContaining({
        rule: 'accountFileNameEqualsAccountName',
        file: 'accounts/team-prod.yaml',
        line: 2,
        col: 7,
        message: 'the file name must be the account name: rename accounts/team-prod.yaml to accounts/team-production.yaml, or correct the name',
      }),
    ]);
  });

  it('accountNamesAreUniqueAndWellFormed', async () => {
    const problems = await problemsIn({ 'accounts/team-dev2.yaml': accountYaml('team-dev') });
    expect(byRule(problems, 'accountNamesAreUniqueAndWellFormed')).toEqual([
      expect.objectContaining({
        file: 'accounts/team-dev2.yaml',
        line: 2,
        col: 7,
        message: 'account name "team-dev" is already used by accounts/team-dev.yaml; each account has its own name',
      }),
    ]);
    const file = 'accounts/Team--Dev.yaml';
    expect(
      accountNamesAreUniqueAndWellFormed(ruleInput({ accounts: [loaded<AccountFile>(file, accountYaml('Team--Dev'))], files: [file, 'accounts/team--dev.yaml'] })),
    ).toEqual([
      expect.objectContaining({ file, line: 2, col: 7, message: `"Team--Dev" is not a valid account name; use lower-case words joined by '-', at most 50 characters` }),
      expect.objectContaining({ file, line: 1, col: 1, message: 'accounts/Team--Dev.yaml and accounts/team--dev.yaml differ only in case; account names must be unique, so keep one' }),
    ]);
  });

  it('rootEmailsAreAtMost64Characters: the generated email', async () => {
    const name = `team-${'x'.repeat(45)}`;
    const problems = await problemsIn({ [`accounts/${name}.yaml`]: accountYaml(name) });
    expect(problems).toEqual([
      expect.objectContaining({
        rule: 'rootEmailsAreAtMost64Characters',
        file: `accounts/${name}.yaml`,
        line: 2,
        col: 7,
        message: `the generated root email "aws-root+${name}@example.gov.uk" is 74 characters, and AWS allows at most 64; set root_email explicitly to a shorter address, or choose a shorter account name`,
      }),
    ]);
    expect(await problemsIn({ [`accounts/${name}.yaml`]: accountYaml(name, 'root_email: aws-x@example.gov.uk') })).toEqual([]);
  });

  it('accountFilesAvoidProtectedAccounts', async () => {
    const settings = SETTINGS.replace('protected_users:', 'protected_accounts:\n  - "333333333333"\nprotected_users:');
    for (const [id, why] of [
      ['222222222222', 'the management account'],
      ['111111111111', 'the users account'],
      ['333333333333', 'listed in settings.yaml protected_accounts'],
    ] as const) {
      const problems = await problemsIn({ 'settings.yaml': settings, 'accounts/team-prod.yaml': accountYaml('team-prod', `id: "${id}"`) });
      expect(problems).toEqual([
        expect.objectContaining({
          rule: 'accountFilesAvoidProtectedAccounts',
          file: 'accounts/team-prod.yaml',
          line: 13,
          col: 5,
          message: `id ${id} is ${why}: an account file may never name it (it would be adopted, tagged, moved, given a bootstrap role or closed); remove the id, or the file`,
        }),
      ]);
    }
    expect(await problemsIn({ 'settings.yaml': settings, 'accounts/team-prod.yaml': accountYaml('team-prod', 'id: "444444444444"') })).toEqual([]);
  });

  it('rootEmailsAreOnAllowedDomains', async () => {
    for (const email of ['attacker@gmail.com', 'x@example.gov.uk.evil.com', 'x@sub.example.gov.uk']) {
      const problems = await problemsIn({ 'accounts/team-prod.yaml': accountYaml('team-prod', `root_email: ${email}`) });
      expect(problems).toEqual([
        expect.objectContaining({
          rule: 'rootEmailsAreOnAllowedDomains',
          file: 'accounts/team-prod.yaml',
          line: 13,
          col: 13,
          message: `root email ${email} is not on an allowed domain (example.gov.uk); whoever receives it owns the account: use an address on that domain, or ask the platform team to add the domain to organization.root_email_domains`,
        }),
      ]);
    }
    const widened = SETTINGS.replace('  root_email_template:', '  root_email_domains:\n    - aws.example.gov.uk\n  root_email_template:');
    const withDomains = await problemsIn({ 'settings.yaml': widened, 'accounts/team-prod.yaml': accountYaml('team-prod', 'root_email: x@aws.example.gov.uk') });
    // Listed domains replace the template's: team-dev's generated address is now refused.
    expect(byRule(withDomains, 'rootEmailsAreOnAllowedDomains').map((p) => p.file)).toEqual(['accounts/team-dev.yaml']);
  });

  it('rootEmailsAreOnAllowedDomains: an adopted account keeps the root email AWS holds, on any domain (the plan checks it is the live one)', async () => {
    const adopted = accountYaml('legacy', 'id: "444444444444"', 'adopt: true', 'root_email: ops@legacy-agency.example.com');
    expect(await problemsIn({ 'accounts/legacy.yaml': adopted })).toEqual([]);
    // Without adopt, the same file would have the project create an account for that address: refused.
    const created = accountYaml('legacy', 'id: "444444444444"', 'root_email: ops@legacy-agency.example.com');
    expect(byRule(await problemsIn({ 'accounts/legacy.yaml': created }), 'rootEmailsAreOnAllowedDomains')).toHaveLength(1);
  });

  it('adopt needs the account id (schema)', async () => {
    const problems = await problemsIn({ 'accounts/team-prod.yaml': accountYaml('team-prod', 'adopt: true') });
    expect(problems).toEqual([expect.objectContaining({ file: 'accounts/team-prod.yaml', severity: 'error', message: expect.stringMatching(/id/) })]);
    expect(await problemsIn({ 'accounts/team-prod.yaml': accountYaml('team-prod', 'id: "444444444444"', 'adopt: true') })).toEqual([]);
  });

  it('rootEmailsAreUnique', async () => {
    const problems = await problemsIn({ 'accounts/team-prod.yaml': accountYaml('team-prod', 'root_email: aws-root+team-dev@example.gov.uk') });
    expect(problems).toEqual([
      expect.objectContaining({
        rule: 'rootEmailsAreUnique',
        file: 'accounts/team-prod.yaml',
        line: 13,
        col: 13,
        message: 'root email aws-root+team-dev@example.gov.uk is already used by accounts/team-dev.yaml; every account needs its own root email: set a different root_email',
      }),
    ]);
  });

  it('organizationalUnitIsListed: only when settings list the OUs, pointing at the OU', async () => {
    const listed = SETTINGS.replace('  root_email_template:', '  organizational_units:\n    - /Workloads\n    - /Sandbox\n  root_email_template:');
    const content = accountYaml('team-prod').replace('organizational_unit: /Workloads', 'organizational_unit: /Workloads/Elsewhere');
    expect(await problemsIn({ 'accounts/team-prod.yaml': content })).toEqual([]);
    expect(await problemsIn({ 'settings.yaml': listed, 'accounts/team-prod.yaml': content })).toEqual([
      expect.objectContaining({
        rule: 'organizationalUnitIsListed',
        file: 'accounts/team-prod.yaml',
        line: 4,
        col: 22,
        message:
          "organizational unit /Workloads/Elsewhere is not one of the organisation's (organization.organizational_units in settings.yaml): use one of /Workloads, /Sandbox, or add it there first",
      }),
    ]);
    expect(await problemsIn({ 'settings.yaml': listed })).toEqual([]);
  });

  it('everyBootstrapUserExists points at the list item', async () => {
    const content = accountYaml('team-prod', 'bootstrap:', '  users:', '    - ann@example.gov.uk', '    - zed@example.gov.uk');
    expect(await problemsIn({ 'accounts/team-prod.yaml': content })).toEqual([
      expect.objectContaining({
        rule: 'everyBootstrapUserExists',
        file: 'accounts/team-prod.yaml',
        line: 16,
        col: 7,
        message: 'bootstrap user zed@example.gov.uk has no file users/zed@example.gov.uk.yaml; add the user (in this or an earlier pull request), or remove them from this list',
      }),
    ]);
  });

  it('everyBootstrapUserExists: a user file that is itself broken still counts as existing', async () => {
    const problems = await problemsIn({ 'users/ann@example.gov.uk.yaml': userYaml('ann@example.gov.uk', 'colour: red') });
    expect(problems.map((p) => p.rule)).toEqual(['fileMatchesSchema']);
  });

  it('activeBootstrapNeedsUsers', async () => {
    const content = accountYaml('team-prod', 'bootstrap:', '  users: []');
    expect(await problemsIn({ 'accounts/team-prod.yaml': content })).toEqual([
      expect.objectContaining({
        rule: 'activeBootstrapNeedsUsers',
        file: 'accounts/team-prod.yaml',
        line: 14,
        col: 10,
        message: 'the bootstrap role is present but lists no users, so nobody could use it; add at least one user under bootstrap.users, or set bootstrap.state: removed',
      }),
    ]);
    expect(await problemsIn({ 'accounts/team-prod.yaml': accountYaml('team-prod', 'bootstrap:', '  state: removed', '  users: []') })).toEqual([]);
  });
});

describe('team roles', () => {
  const roles = (...lines: string[]) => accountYaml('team-prod', 'roles:', ...lines);

  it('a valid team role passes', async () => {
    expect(await problemsIn({ 'accounts/team-prod.yaml': roles('  - name: platform-admin', '    kind: admin', '    users:', '      - ann@example.gov.uk') })).toEqual([]);
  });

  it('everyTeamRoleUserExists points at the list item: removing a user a team role still trusts is refused', async () => {
    const content = roles('  - name: platform-admin', '    kind: admin', '    users:', '      - ann@example.gov.uk', '      - zed@example.gov.uk');
    expect(await problemsIn({ 'accounts/team-prod.yaml': content })).toEqual([
      expect.objectContaining({
        rule: 'everyTeamRoleUserExists',
        file: 'accounts/team-prod.yaml',
        line: 18,
        col: 9,
        message: 'team role platform-admin trusts zed@example.gov.uk, who has no file users/zed@example.gov.uk.yaml; add the user (in this or an earlier pull request), or remove them from this role',
      }),
    ]);
    const trusted = roles('  - name: read-only', '    kind: read-only', '    users: [ann@example.gov.uk]');
    const removed = await problemsIn({ 'accounts/team-prod.yaml': trusted, 'users/ann@example.gov.uk.yaml': null, 'accounts/team-dev.yaml': null });
    expect(removed.map((p) => p.rule)).toContain('everyTeamRoleUserExists');
  });

  it('teamRoleNamesAreUniqueAndFollowTheirKind: the page\'s naming, unique names, never a name settings.yaml gives', async () => {
    const content = roles(
      '  - name: notify-admin',
      '    kind: read-only',
      '    users: [ann@example.gov.uk]',
      '  - name: read-only',
      '    kind: read-only',
      '    users: [ann@example.gov.uk]',
      '  - name: read-only',
      '    kind: read-only',
      '    users: [ann@example.gov.uk]',
      '  - name: bootstrap',
      '    kind: custom',
      '    policies: [arn:aws:iam::aws:policy/ReadOnlyAccess]',
      '    users: [ann@example.gov.uk]',
    );
    expect((await problemsIn({ 'accounts/team-prod.yaml': content })).map((p) => [p.rule, p.line, p.col, p.message])).toEqual([
      ['teamRoleNamesAreUniqueAndFollowTheirKind', 14, 11, 'team role notify-admin: a read-only role is named "read-only" or ends with "-read-only" (e.g. "platform-read-only"), as the GDS Way names roles'],
      ['teamRoleNamesAreUniqueAndFollowTheirKind', 20, 11, 'team role read-only is listed twice in this account (IAM role names ignore case); give each role its own name'],
      ['teamRoleNamesAreUniqueAndFollowTheirKind', 23, 11, 'team role bootstrap has the name settings.yaml gives organization.bootstrap_role_name; choose another name'],
    ]);
  });

  it('everyRoleConditionIsDefined names the condition missing from settings.yaml', async () => {
    const content = roles('  - name: admin', '    kind: admin', '    users: [ann@example.gov.uk]', '    conditions: [office-ip]');
    expect(await problemsIn({ 'accounts/team-prod.yaml': content })).toEqual([
      expect.objectContaining({
        rule: 'everyRoleConditionIsDefined',
        line: 17,
        col: 18,
        message: 'team role admin names condition office-ip, which settings.yaml does not define under role_conditions; add it there, or fix the name',
      }),
    ]);
    const settings = SETTINGS.replace('limits:', 'role_conditions:\n  office-ip:\n    IpAddress:\n      aws:SourceIp: [203.0.113.0/24]\nlimits:');
    expect(await problemsIn({ 'accounts/team-prod.yaml': content, 'settings.yaml': settings })).toEqual([]);
  });

  it("customRolePoliciesAreAwsManagedOrTheAccountsOwn: AWS managed policies or the account's own, never another account's", async () => {
    const custom = (...policies: string[]) =>
      roles('  - name: deployer', '    kind: custom', '    users: [ann@example.gov.uk]', '    policies:', ...policies.map((arn) => `      - ${arn}`));
    const withId = (content: string) => content.replace('state: active', 'state: active\nid: "123456789012"\nadopt: true');
    const found = async (content: string) =>
      (await problemsIn({ 'accounts/team-prod.yaml': content })).map((p) => [p.rule, p.line, p.col, p.message]);

    expect(await found(withId(custom('arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::123456789012:policy/deploy', 'arn:aws:iam::999999999999:policy/deploy')))).toEqual([
      [
        'customRolePoliciesAreAwsManagedOrTheAccountsOwn',
        22,
        9,
        "team role deployer attaches arn:aws:iam::999999999999:policy/deploy, a policy of account 999999999999, not of this account; attach AWS managed ones (arn:aws:iam::aws:policy/<name>) or this account's own (arn:aws:iam::123456789012:policy/<name>)",
      ],
    ]);
    expect(await found(custom('arn:aws:iam::123456789012:policy/deploy'))).toEqual([
      [
        'customRolePoliciesAreAwsManagedOrTheAccountsOwn',
        18,
        9,
        "team role deployer attaches arn:aws:iam::123456789012:policy/deploy, a policy of account 123456789012, not of this account; this file has no id yet, so the account has no policies of its own to attach: attach AWS managed ones (arn:aws:iam::aws:policy/<name>), and the account's own once its id is in this file",
      ],
    ]);
    // Another partition is refused by the schema, saying what to write.
    expect(await found(custom('arn:aws-cn:iam::aws:policy/ReadOnlyAccess'))).toEqual([
      [
        'fileMatchesSchema',
        18,
        9,
        'roles[0].policies[0]: "arn:aws-cn:iam::aws:policy/ReadOnlyAccess" is not in the expected format. A managed policy by its full ARN in the aws partition: arn:aws:iam::aws:policy/<name> (AWS managed) or arn:aws:iam::<this file\'s id>:policy/<name> (this account\'s own).',
      ],
    ]);
  });

  it('the schema asks policies of a custom role, and only of it', async () => {
    const custom = roles('  - name: deployer', '    kind: custom', '    users: [ann@example.gov.uk]');
    expect((await problemsIn({ 'accounts/team-prod.yaml': custom })).map((p) => p.rule)).toContain('fileMatchesSchema');
    const admin = roles('  - name: admin', '    kind: admin', '    users: [ann@example.gov.uk]', '    policies: [arn:aws:iam::aws:policy/ReadOnlyAccess]');
    expect((await problemsIn({ 'accounts/team-prod.yaml': admin })).map((p) => p.rule)).toContain('fileMatchesSchema');
  });
});

describe('who is emailed', () => {
  it('notifiedAddressesAreOnAllowedDomains', async () => {
    const content = userYaml('bob@example.gov.uk').replace(/requested_by: .*/, 'requested_by: bob@gmail.com');
    const problems = byRule(await problemsIn({ 'users/bob@example.gov.uk.yaml': content }), 'notifiedAddressesAreOnAllowedDomains');
    expect(problems).toEqual([
      expect.objectContaining({
        file: 'users/bob@example.gov.uk.yaml',
        line: content.split('\n').findIndex((l) => l.startsWith('requested_by:')) + 1,
        message: expect.stringMatching(/^requested_by bob@gmail\.com is not on an allowed email domain \(example\.gov\.uk, contractor\.com\)/),
      }),
    ]);
  });
});

describe('account tags', () => {
  it('accountTagsAvoidProjectKeys', async () => {
    const content = accountYaml('team-prod', 'tags:', '  service-name: Pay', '  billing-cost-centre: "999"');
    const problems = await problemsIn({ 'accounts/team-prod.yaml': content });
    expect(byRule(problems, 'accountTagsAvoidProjectKeys')).toEqual([
      expect.objectContaining({
        file: 'accounts/team-prod.yaml',
        line: 15,
        message: 'tag key "billing-cost-centre" is set by the project itself (from team, billing and requested_by, or to track the account); use the matching field instead, or another key',
      }),
    ]);
    expect(byRule(await problemsIn({ 'accounts/team-prod.yaml': accountYaml('team-prod', 'tags:', '  service-name: Pay') }), 'accountTagsAvoidProjectKeys')).toEqual([]);
  });
});

describe('files and review', () => {
  it('settingsFileExists, and users and accounts are still checked', async () => {
    const result = await load({ 'settings.yaml': null, 'users/bob@example.gov.uk.yaml': userYaml('bob@example.gov.uk', 'colour: red') });
    expect(result.desired).toBeUndefined();
    expect(result.problems).toEqual([
      expect.objectContaining({ rule: 'settingsFileExists', file: 'settings.yaml', line: 1, col: 1, message: expect.stringMatching(/^settings\.yaml is missing from working tree /) }),
      expect.objectContaining({ rule: 'fileMatchesSchema', file: 'users/bob@example.gov.uk.yaml', line: 6 }),
    ]);
  });

  it('dataDirectoriesHoldOnlyYamlFiles', async () => {
    const problems = await problemsIn({
      'users/bob@example.gov.uk.yml': userYaml('bob@example.gov.uk'),
      'accounts/old/team-old.yaml': accountYaml('team-old'),
      'users/.gitkeep': '',
    });
    expect(problems).toEqual([
      expect.objectContaining({
        rule: 'dataDirectoriesHoldOnlyYamlFiles',
        file: 'accounts/old/team-old.yaml',
        line: 1,
        message: 'accounts/ holds only .yaml files, one per account, directly in the folder; this file would be ignored: move or rename it to accounts/team-old.yaml, or delete it',
      }),
      expect.objectContaining({
        rule: 'dataDirectoriesHoldOnlyYamlFiles',
        file: 'users/bob@example.gov.uk.yml',
        message: expect.stringContaining('rename it to users/bob@example.gov.uk.yaml'),
      }),
    ]);
  });

  it('everyDataFileHasACodeOwner: a pattern with no owners clears ownership', async () => {
    const problems = await problemsIn({ CODEOWNERS: `${CODEOWNERS}/users/ann@example.gov.uk.yaml\n` });
    expect(problems).toEqual([
      expect.objectContaining({
        rule: 'everyDataFileHasACodeOwner',
        file: 'users/ann@example.gov.uk.yaml',
        line: 1,
        col: 1,
        message: expect.stringMatching(/^no line in CODEOWNERS gives users\/ann@example\.gov\.uk\.yaml an owner, so changes to it need no review;/),
      }),
    ]);
  });

  it('everyDataFileHasACodeOwner: no CODEOWNERS at all; .github/CODEOWNERS is used first', async () => {
    expect(await problemsIn({ CODEOWNERS: null })).toEqual([
      expect.objectContaining({ rule: 'everyDataFileHasACodeOwner', file: 'CODEOWNERS', line: 1, message: expect.stringContaining('there is no CODEOWNERS file') }),
    ]);
    const problems = await problemsIn({ '.github/CODEOWNERS': '/users/ @org/reviewers\n' });
    expect(problems.map((p) => p.file)).toEqual(['accounts/team-dev.yaml', 'settings.yaml']);
    expect(problems[0]?.message).toMatch(/^no line in \.github\/CODEOWNERS gives/);
  });

  it('codeownersLinesAreValid: a line that cannot be parsed is an error at its line', async () => {
    const problems = await problemsIn({ CODEOWNERS: `${CODEOWNERS}/accounts/ @org/reviewers # data\n!/src/ @org/platform\n` });
    expect(problems).toEqual([
      expect.objectContaining({
        rule: 'codeownersLinesAreValid',
        file: 'CODEOWNERS',
        line: 4,
        col: 27,
        message: '"#" is not a valid owner: GitHub does not allow comments after a pattern; move the comment to its own line',
      }),
      expect.objectContaining({ rule: 'codeownersLinesAreValid', file: 'CODEOWNERS', line: 5, col: 1, message: expect.stringContaining('negated patterns') }),
    ]);
  });
});

describe('the whole repository', () => {
  it('reports every broken file at once, and builds no desired state', async () => {
    const result = await load({
      'settings.yaml': SETTINGS.replace('region: eu-west-2', 'region: london'),
      'users/bob@example.gov.uk.yaml': 'email: [',
      'users/cat@example.gov.uk.yaml': userYaml('cat@example.gov.uk', 'name: again'),
      'accounts/team-prod.yaml': accountYaml('team-prod', 'id: 123456789012'),
      'accounts/team-test.yaml': Buffer.from([0xff, 0xfe, 0x00, 0x41]),
    });
    expect(result.desired).toBeUndefined();
    expect(result.problems.map((p) => `${p.file}:${p.line} ${p.rule}`)).toEqual([
      'accounts/team-prod.yaml:13 fileMatchesSchema',
      'accounts/team-test.yaml:1 fileIsText',
      'settings.yaml:5 fileMatchesSchema',
      'users/bob@example.gov.uk.yaml:1 fileStartsWithSchemaComment',
      'users/bob@example.gov.uk.yaml:1 fileIsValidYaml',
      'users/cat@example.gov.uk.yaml:6 fileHasNoDuplicateKeys',
    ]);
  });

  it('builds the desired state: users by user name, accounts by name with their root email', async () => {
    const { desired, problems } = await load({ 'accounts/team-prod.yaml': accountYaml('team-prod', 'root_email: prod-root@example.gov.uk') });
    expect(problems).toEqual([]);
    expect([...(desired?.users.keys() ?? [])]).toEqual(['ann@example.gov.uk']);
    expect(desired?.users.get('ann@example.gov.uk')?.source).toEqual({ file: 'users/ann@example.gov.uk.yaml', line: 2, col: 1 });
    expect([...(desired?.accounts.values() ?? [])].map((a) => [a.name, a.rootEmail])).toEqual([
      ['team-dev', 'aws-root+team-dev@example.gov.uk'],
      ['team-prod', 'prod-root@example.gov.uk'],
    ]);
    expect(desired?.settings.limits.max_deletions_per_run).toBe(5);
  });
});
