import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policies } from '../../src/cli/commands/policies.ts';
import { cliContext } from '../github/cli-context.ts';

const ROOT = join(import.meta.dirname, '../..');

async function run(args: string[], cwd = ROOT): Promise<{ code: number; json: unknown }> {
  const captured = cliContext(args, { cwd });
  const code = await policies(captured.ctx);
  return { code, json: JSON.parse(captured.stdout()) as unknown };
}

describe('policies, from the repository settings.yaml', () => {
  it('prints every policy with notes', async () => {
    const { code, json } = await run(['--repo', 'example-org/aws-access']);
    expect(code).toBe(0);
    expect(json).toMatchObject({
      repository: 'example-org/aws-access',
      oidcProvider: { account: '622626885786', url: 'https://token.actions.githubusercontent.com', audience: 'sts.amazonaws.com' },
      planRole: { subjects: ['repo:example-org/aws-access:pull_request', 'repo:example-org/aws-access:ref:refs/heads/main'] },
      applyRole: { subjects: ['repo:example-org/aws-access:environment:production'] },
    });
  });

  it.each([
    ['plan-role-trust', 'repo:example-org/aws-access:pull_request'],
    ['apply-role-trust', 'repo:example-org/aws-access:environment:staging'],
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

  it('reads GITHUB_REPOSITORY when --repo is not given, and refuses bad input', async () => {
    const captured = cliContext(['plan-role-trust'], { cwd: ROOT });
    await expect(policies(captured.ctx)).rejects.toThrow(/--repo/);
    await expect(policies(cliContext(['nonsense', '--repo', 'a/b'], { cwd: ROOT }).ctx)).rejects.toThrow(/unknown policy/);
    await expect(policies(cliContext(['--repo', 'a/b', '--environment', '*'], { cwd: ROOT }).ctx)).rejects.toMatchObject({ code: 'usage' });
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

  it('says when a role is not needed', async () => {
    await writeFile(
      join(dir, 'settings.yaml'),
      [
        'users_account: { id: "111111111111", group: G }',
        'organization: { management_account_id: "111111111111", access_role_name: OrganizationAccountAccessRole }',
        'email: { sender: a@example.gov.uk, region: eu-west-2 }',
        'protected_users: []',
      ].join('\n'),
    );
    await expect(policies(cliContext(['organization-role-trust', '--repo', 'a/b'], { cwd: dir }).ctx)).rejects.toMatchObject({
      code: 'not-needed',
    });
    const { json } = await run(['all', '--repo', 'a/b'], dir);
    expect(json).not.toHaveProperty('organizationRole');
  });

  it('rejects settings without the fields it needs, and unquoted account ids', async () => {
    await writeFile(join(dir, 'settings.yaml'), 'users_account: { id: 111111111111, group: G }\n');
    await expect(policies(cliContext(['--repo', 'a/b'], { cwd: dir }).ctx)).rejects.toMatchObject({ code: 'invalid-settings' });
  });
});
