import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policies } from '../../src/cli/commands/policies.ts';
import { cliContext } from '../github/cli-context.ts';

const ROOT = join(import.meta.dirname, '../..');

async function run(args: string[], cwd = ROOT): Promise<{ code: number; json: unknown }> {
  const captured = cliContext(args, { cwd });
  const code = await policies(captured.ctx);
  if (code !== 0) throw new Error(`policies exited ${code}:\n${captured.stderr()}`);
  return { code, json: JSON.parse(captured.stdout()) as unknown };
}

describe('policies, from the repository settings.yaml', () => {
  it('prints every policy with notes', async () => {
    const { code, json } = await run(['--repo', 'example-org/aws-access']);
    expect(code).toBe(0);
    expect(json).toMatchObject({
      repository: 'example-org/aws-access',
      oidcProvider: { account: '622626885786', url: 'https://token.actions.githubusercontent.com', audience: 'sts.amazonaws.com' },
      planRole: {
        subjects: ['pr-plan.yml', 'drift.yml', 'access-review.yml'].map(
          (file) => `repo:example-org/aws-access:ref:refs/heads/main:job_workflow_ref:example-org/aws-access/.github/workflows/${file}@refs/heads/main`,
        ),
      },
      applyRole: {
        subjects: ['apply.yml', 'lifecycle.yml'].map(
          (file) => `repo:example-org/aws-access:environment:production:job_workflow_ref:example-org/aws-access/.github/workflows/${file}@refs/heads/main`,
        ),
      },
    });
  });

  it.each([
    ['plan-role-trust', 'repo:example-org/aws-access:ref:refs/heads/main:job_workflow_ref:example-org/aws-access/.github/workflows/pr-plan.yml@refs/heads/main'],
    ['apply-role-trust', 'repo:example-org/aws-access:environment:staging:job_workflow_ref:example-org/aws-access/.github/workflows/apply.yml@refs/heads/main'],
  ])('%s pins sub with StringEquals and no wildcard', async (which, subject) => {
    const { json } = await run([which, '--repo', 'example-org/aws-access', '--environment', 'staging']);
    const text = JSON.stringify(json);
    expect(text).toContain(`"${subject}"`);
    expect(text).not.toContain('StringLike');
    expect(text).not.toMatch(/repo:[^"]*\*/);
  });

  it('prints one policy document, ready for aws iam put-role-policy', async () => {
    const { json } = await run(['apply-role-permissions', '--repo', 'example-org/aws-access']);
    expect(json).toMatchObject({ Version: '2012-10-17' });
    expect(JSON.stringify(json)).toContain('arn:aws:iam::622626885786:user/break-glass-admin');
  });

  it('lets the apply role tag only users that are managed already, so it cannot make a user managed', async () => {
    const { json } = await run(['apply-role-permissions', '--repo', 'example-org/aws-access']);
    const statements = (json as { Statement: { Sid: string; Effect: string; Action: string | string[]; Condition?: unknown }[] }).Statement;
    const allowingTagUser = statements.filter((s) => s.Effect === 'Allow' && [s.Action].flat().includes('iam:TagUser'));
    expect(allowingTagUser.map((s) => s.Sid)).toEqual(['ChangeOnlyManagedUsers']);
    expect(allowingTagUser[0]?.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/managed-by': 'aws-access-as-code' } });
    // CreateUser itself only with the tag in the request.
    expect(statements.find((s) => s.Sid === 'CreateUsersOnlyTaggedAsManaged')).toMatchObject({
      Action: 'iam:CreateUser',
      Condition: { StringEquals: { 'aws:RequestTag/managed-by': 'aws-access-as-code' } },
    });
  });

  it('gives the apply role exactly what the apply lock needs, on the lock user only; the plan role nothing of it', async () => {
    const apply = (await run(['apply-role-permissions', '--repo', 'example-org/aws-access'])).json as { Statement: { Sid: string }[] };
    expect(apply.Statement.find((s) => s.Sid === 'ApplyLock')).toEqual({
      Sid: 'ApplyLock',
      Effect: 'Allow',
      Action: ['iam:CreatePolicy', 'iam:GetPolicy', 'iam:TagPolicy', 'iam:DeletePolicy'],
      Resource: 'arn:aws:iam::622626885786:policy/aws-access-as-code/aws-access-as-code-apply-lock',
    });
    const plan = (await run(['plan-role-permissions', '--repo', 'example-org/aws-access'])).json as { Statement: { Sid: string }[] };
    expect(plan.Statement.map((s) => s.Sid)).not.toContain('ApplyLock');
  });

  it('notes that group membership cannot be limited to managed users', async () => {
    const { json } = await run(['all', '--repo', 'example-org/aws-access']);
    expect((json as { notes: string[] }).notes.some((n) => /AddUserToGroup/.test(n) && /CrossAccountAccess/.test(n))).toBe(true);
  });

  it('reads GITHUB_REPOSITORY when --repo is not given, and refuses bad input', async () => {
    const captured = cliContext(['plan-role-trust'], { cwd: ROOT });
    await expect(policies(captured.ctx)).rejects.toThrow(/--repo/);
    await expect(policies(cliContext(['nonsense', '--repo', 'a/b'], { cwd: ROOT }).ctx)).rejects.toThrow(/unknown policy/);
    await expect(policies(cliContext(['--repo', 'a/b', '--environment', '*'], { cwd: ROOT }).ctx)).rejects.toMatchObject({ code: 'usage' });
  });
});

describe('policies: group documents and what changed', () => {
  it('prints the group\'s managed policies for the administrator to create', async () => {
    const { json } = await run(['group-policies', '--repo', 'example-org/aws-access']);
    const groups = json as { arn: string; path: string; name: string; document: { Statement: unknown[] } }[];
    expect(groups.map((g) => g.name)).toEqual(['assume-roles-with-mfa', 'deny-without-mfa', 'manage-own-credentials']);
    expect(groups[0]?.arn).toMatch(/^arn:aws:iam::622626885786:policy\/aws-access-as-code\/[^/]+\/assume-roles-with-mfa$/);
  });

  it('--compare prints, on stderr, each statement added, changed or removed since an earlier output, with its reason', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aac-policies-compare-'));
    try {
      const captured = cliContext(['--repo', 'example-org/aws-access'], { cwd: ROOT });
      expect(await policies(captured.ctx)).toBe(0);
      const previous = JSON.parse(captured.stdout()) as { applyRole: { permissions: { Statement: { Sid: string }[] } } };
      // The earlier policy: an inline group writer, and no Deny on assuming roles in the project's accounts.
      previous.applyRole.permissions.Statement = previous.applyRole.permissions.Statement.filter((st) => st.Sid !== 'NeverAssumeRolesInTheProjectsOwnAccounts');
      previous.applyRole.permissions.Statement.push({ Sid: 'OldStatement' });
      const changed = previous.applyRole.permissions.Statement.find((st) => st.Sid === 'ManageTheUsersGroup') as { Action?: string[] };
      changed.Action = ['iam:PutGroupPolicy'];
      await writeFile(join(dir, 'before.json'), JSON.stringify(previous));
      const compared = cliContext(['--repo', 'example-org/aws-access', '--compare', join(dir, 'before.json')], { cwd: ROOT });
      expect(await policies(compared.ctx)).toBe(0);
      expect(compared.stderr()).toContain('+ applyRole.permissions NeverAssumeRolesInTheProjectsOwnAccounts: No role in the management account');
      expect(compared.stderr()).toContain('~ applyRole.permissions ManageTheUsersGroup: The one group');
      expect(compared.stderr()).toContain('- applyRole.permissions OldStatement');
      expect(compared.stderr().split('\n').filter((l) => /^[+~-] /.test(l))).toHaveLength(3);
      const same = cliContext(['--repo', 'example-org/aws-access', '--compare', join(dir, 'before.json').replace('before', 'missing')], { cwd: ROOT });
      await expect(policies(same.ctx)).rejects.toThrow('--compare: cannot read');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('policies, other settings', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aac-policies-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A valid settings.yaml whose users account is also the management account. */
  const oneAccountSettings = [
    '# yaml-language-server: $schema=schema/settings.schema.json',
    'users_account:',
    '  id: "111111111111"',
    '  alias: test-users',
    '  region: eu-west-2',
    '  group: G',
    '  password_policy: { minimum_length: 16 }',
    'organization:',
    '  management_account_id: "111111111111"',
    '  access_role_name: OrganizationAccountAccessRole',
    '  bootstrap_role_name: bootstrap',
    '  root_email_template: "aws-root+{name}@example.gov.uk"',
    'email: { sender: a@example.gov.uk, region: eu-west-2, support_mailbox: help@example.gov.uk }',
    'email_domains: { staff: [example.gov.uk], contractor: [] }',
    'protected_users: []',
    'limits: { max_deletions_per_run: 5, max_closures_per_run: 1 }',
    '',
  ].join('\n');

  /** A repository folder: settings.yaml and the CODEOWNERS file validation requires. */
  async function inFolder(name: string, settings: string): Promise<string> {
    const folder = join(dir, name);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'settings.yaml'), settings);
    await writeFile(join(folder, 'CODEOWNERS'), '* @example-org/aws-platform\n');
    return folder;
  }

  it('says when a role is not needed', async () => {
    const folder = await inFolder('one-account', oneAccountSettings);
    await expect(policies(cliContext(['organization-role-trust', '--repo', 'a/b'], { cwd: folder }).ctx)).rejects.toMatchObject({
      code: 'not-needed',
    });
    const { code, json } = await run(['all', '--repo', 'a/b'], folder);
    expect(code).toBe(0);
    expect(json).not.toHaveProperty('organizationRole');
  });

  it('reads the settings.yaml that --settings names, validating the folder that holds it', async () => {
    const folder = await inFolder('elsewhere', oneAccountSettings);
    const { code, json } = await run(['apply-role-permissions', '--repo', 'a/b', '--settings', join(folder, 'settings.yaml')]);
    expect(code).toBe(0);
    expect(JSON.stringify(json)).toContain('arn:aws:iam::111111111111:group/G');
  });

  it('prints the problems (file:line:col) and no policy when the settings do not validate', async () => {
    // An unquoted account id (YAML reads a number), and settings missing required sections.
    const folder = await inFolder('invalid', '# yaml-language-server: $schema=schema/settings.schema.json\nusers_account: { id: 111111111111, group: G }\n');
    const captured = cliContext(['apply-role-permissions', '--repo', 'a/b'], { cwd: folder });
    expect(await policies(captured.ctx)).toBe(1);
    expect(captured.stdout()).toBe('');
    expect(captured.stderr()).toMatch(/^settings\.yaml:\d+:\d+ {2}error {2}/m);
    expect(captured.stderr()).toMatch(/no policy is printed/);
    expect(captured.stderr()).toMatch(/^settings\.yaml:2:\d+ {2}error {2}users_account\.id: 111111111111 is read as a number/m);
  });

  it('names problems by their path from the working directory when --settings points elsewhere', async () => {
    await inFolder('invalid-elsewhere', 'users_account: { id: 111111111111 }\n');
    const captured = cliContext(['--repo', 'a/b', '--settings', 'invalid-elsewhere/settings.yaml'], { cwd: dir });
    expect(await policies(captured.ctx)).toBe(1);
    expect(captured.stdout()).toBe('');
    expect(captured.stderr()).toMatch(/^invalid-elsewhere\/settings\.yaml:\d+:\d+ {2}error/m);
  });

  it('refuses a repository with an invalid user file, as validate does', async () => {
    const folder = await inFolder('bad-user', oneAccountSettings);
    await mkdir(join(folder, 'users'), { recursive: true });
    await writeFile(join(folder, 'users', 'someone@example.gov.uk.yaml'), 'email: [not, an, email]\n');
    const captured = cliContext(['--repo', 'a/b'], { cwd: folder });
    expect(await policies(captured.ctx)).toBe(1);
    expect(captured.stdout()).toBe('');
    expect(captured.stderr()).toContain('users/someone@example.gov.uk.yaml:');
  });

  it('splits the organization role: the write role trusts the apply role only, the read role the plan role only', async () => {
    const settings = oneAccountSettings
      .replace('  management_account_id: "111111111111"\n', [
        '  management_account_id: "222222222222"',
        '  role_to_assume: arn:aws:iam::222222222222:role/org-writer',
        '  read_role_to_assume: arn:aws:iam::222222222222:role/org-reader',
        '  reader_role_name: aws-access-as-code-reader',
        '  reader_trusted_role_arns: [arn:aws:iam::222222222222:role/org-reader, arn:aws:iam::222222222222:role/org-writer]',
        '',
      ].join('\n'));
    const folder = await inFolder('read-role', settings);
    const plan = 'arn:aws:iam::111111111111:role/aws-access-as-code-plan';
    const apply = 'arn:aws:iam::111111111111:role/aws-access-as-code-apply';
    expect((await run(['organization-role-trust', '--repo', 'a/b'], folder)).json).toMatchObject({ Statement: [{ Principal: { AWS: apply } }] });
    expect((await run(['organization-read-role-trust', '--repo', 'a/b'], folder)).json).toMatchObject({ Statement: [{ Principal: { AWS: plan } }] });
    const readPermissions = JSON.stringify((await run(['organization-read-role-permissions', '--repo', 'a/b'], folder)).json);
    expect(readPermissions).toContain('arn:aws:iam::*:role/aws-access-as-code-reader');
    expect(readPermissions).not.toMatch(/OrganizationAccountAccessRole|"organizations:(CreateAccount|CloseAccount|MoveAccount)"/);
    const planPermissions = JSON.stringify((await run(['plan-role-permissions', '--repo', 'a/b'], folder)).json);
    expect(planPermissions).toContain('role/org-reader');
    expect(planPermissions).not.toContain('role/org-writer');
    const { json } = await run(['all', '--repo', 'a/b'], folder);
    const all = json as { notes: string[]; organizationRole: { arn: string }; organizationReadRole: { arn: string } };
    expect(all.organizationRole.arn).toBe('arn:aws:iam::222222222222:role/org-writer');
    expect(all.organizationReadRole.arn).toBe('arn:aws:iam::222222222222:role/org-reader');
    expect(all.notes.filter((n) => n.startsWith('PROBLEM'))).toEqual([]);
    await expect(policies(cliContext(['users-read-role-trust', '--repo', 'a/b'], { cwd: folder }).ctx)).rejects.toMatchObject({ code: 'not-needed' });
  });

  it('flags a plan role that would reach a write role (no read_role_to_assume)', async () => {
    const settings = oneAccountSettings.replace(
      '  management_account_id: "111111111111"\n',
      '  management_account_id: "222222222222"\n  role_to_assume: arn:aws:iam::222222222222:role/org-writer\n',
    );
    const { json } = await run(['all', '--repo', 'a/b'], await inFolder('no-read-role', settings));
    expect((json as { notes: string[] }).notes.filter((n) => n.startsWith('PROBLEM'))).toEqual([
      expect.stringMatching(/^PROBLEM: settings.yaml names no organization.read_role_to_assume, so plans would assume organization.role_to_assume/),
    ]);
  });

  it('reports a missing settings.yaml as a problem, and a --settings that is not settings.yaml as a usage error', async () => {
    const captured = cliContext(['--repo', 'a/b'], { cwd: await mkdtemp(join(dir, 'empty-')) });
    expect(await policies(captured.ctx)).toBe(1);
    expect(captured.stderr()).toContain('settings.yaml is missing');
    await expect(policies(cliContext(['--repo', 'a/b', '--settings', 'other.yaml'], { cwd: dir }).ctx)).rejects.toMatchObject({
      code: 'usage',
    });
  });
});
