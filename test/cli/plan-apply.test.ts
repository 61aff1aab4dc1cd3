/**
 * The plan and apply commands, run in-process against a copy of the repository's own data and the
 * local sandbox: exit codes, JSON output, the git-ref baseline, and invalid input.
 */
import { execFileSync } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { cliContext } from '../github/cli-context.ts';
import { useRepoCopy } from './repo-copy.ts';

const copy = useRepoCopy('aac-cli-');
const run = copy.run;

function git(...args: string[]): void {
  execFileSync('git', args, { cwd: copy.dir, stdio: 'ignore', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
}

const NEW_USER = `# yaml-language-server: $schema=../schema/user.schema.json
email: zoe.smith@digital.cabinet-office.gov.uk
name: Zoe Smith
team: govuk-platform
requested_by: zoe.smith@digital.cabinet-office.gov.uk
`;

describe('plan and apply on the sandbox', () => {
  it('plans creations (exit 2), applies them, then plans no changes (exit 0)', async () => {
    const first = await run('plan', '--detailed-exitcode');
    expect(first.code).toBe(2);
    expect(first.stdout).toContain('Compared against: local sandbox');
    expect(first.stdout).toContain('create user amara.okafor@digital.cabinet-office.gov.uk');
    expect(first.stdout).toMatch(/Plan: \d+ to create/);

    const applied = await run('apply');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/\d+ done, 0 failed/);
    const outbox = await readdir(join(copy.dir, '.sandbox', 'outbox'));
    expect(outbox.filter((f) => f.endsWith('.eml')).length).toBeGreaterThanOrEqual(7);

    const again = await run('plan', '--detailed-exitcode');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes.');
  });

  it('apply --only lifecycle applies the expiry warnings and suspensions due, and nothing else', async () => {
    expect((await run('apply')).code).toBe(0);
    const grace = join(copy.dir, 'users', 'grace.adeyemi@pentestpartners.com.yaml');
    await writeFile(grace, (await readFile(grace, 'utf8')).replace(/expires: .*/, 'expires: "2026-12-05"'));
    await writeFile(join(copy.dir, 'users', 'zoe.smith@digital.cabinet-office.gov.uk.yaml'), NEW_USER);
    const lifecycle = await run('apply', '--only', 'lifecycle');
    expect(lifecycle.code).toBe(0);
    expect(lifecycle.stdout).toMatch(/1 done, 0 failed/);
    expect(lifecycle.stderr).toContain(
      "[1/1] done: warn grace.adeyemi@pentestpartners.com, dev.patel@digital.cabinet-office.gov.uk that grace.adeyemi@pentestpartners.com's access ends (expires 2026-12-05, in 7 days; the 14-day warning)\n",
    );
    expect(lifecycle.stderr).toContain('--only lifecycle: 2 other changes wait for a full apply');
    const left = await run('plan');
    expect(left.stdout).not.toContain('warn ');
    expect(left.stdout).toContain('create user zoe.smith@digital.cabinet-office.gov.uk');
    expect((await run('apply', '--only', 'everything')).stderr).toContain('--only must be lifecycle, not "everything"');
  });

  it("alternate contacts through the CLI: the settings' default and an account's own, set in one apply, changed, removed", async () => {
    const settingsPath = join(copy.dir, 'settings.yaml');
    const contact = (name: string, email: string, indent = '    ') =>
      [`name: ${name}`, 'title: Security operations', `email: ${email}`, 'phone: "+44 20 7946 0000"'].map((line) => `${indent}${line}\n`).join('');
    const settings = await readFile(settingsPath, 'utf8');
    await writeFile(settingsPath, `${settings.trimEnd()}\naccount_defaults:\n  contacts:\n    security:\n${contact('Cyber security', 'cyber@digital.cabinet-office.gov.uk', '      ')}`);
    const notify = join(copy.dir, 'accounts', 'notify-staging.yaml');
    const file = await readFile(notify, 'utf8');
    await writeFile(notify, `${file.trimEnd()}\ncontacts:\n  billing:\n${contact('Notify finance', 'notify-finance@digital.cabinet-office.gov.uk')}`);
    const validated = await run('validate');
    expect(validated.code, validated.stdout + validated.stderr).toBe(0);
    const markdown = (await run('plan', '--format', 'markdown')).stdout;
    expect(markdown).toContain('the security contact: email cyber@digital.cabinet-office.gov.uk');
    expect((await run('apply')).code).toBe(0);
    expect((await run('plan')).stdout).toContain('No changes.');

    await writeFile(notify, `${file.trimEnd()}\ncontacts:\n  billing:\n${contact('Notify finance team', 'notify-finance@digital.cabinet-office.gov.uk')}`);
    const changed = JSON.parse((await run('plan', '--json')).stdout) as { changes: { change: { kind: string; before?: { name: string }; after?: { name: string } } }[] };
    expect(changed.changes.map((c) => [c.change.kind, c.change.before?.name, c.change.after?.name])).toEqual([['put-account-facet', 'Notify finance', 'Notify finance team']]);
    expect((await run('apply')).code).toBe(0);

    await writeFile(notify, file);
    expect((await run('plan')).stdout).toMatch(/remove the billing contact of notify-staging .*this project set it/);
    expect((await run('apply')).code).toBe(0);
    expect((await run('plan')).stdout).toContain('No changes.');
  });

  it('plan without --detailed-exitcode exits 0 even with changes', async () => {
    expect((await run('plan')).code).toBe(0);
  });

  it('prints the plan as versioned JSON naming its baseline', async () => {
    for (const args of [['--format', 'json'], ['--json']]) {
      const result = await run('plan', ...args);
      expect(result.code).toBe(0);
      const plan = JSON.parse(result.stdout) as { version: number; baseline: { kind: string }; changes: { change: { kind: string }; impact: string }[] };
      expect(plan.version).toBe(1);
      expect(plan.baseline.kind).toBe('sandbox');
      expect(plan.changes.some((c) => c.change.kind === 'create-user' && c.impact === 'access')).toBe(true);
    }
  });

  it('renders Markdown for a pull request comment', async () => {
    const result = await run('plan', '--format', 'markdown');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('|');
    expect(result.stdout.length).toBeLessThan(65_536);
  });

  it('refuses invalid files before touching any target, naming file, line and column', async () => {
    await writeFile(join(copy.dir, 'users', 'zoe.smith@digital.cabinet-office.gov.uk.yaml'), `${NEW_USER}team: twice\n`);
    for (const command of ['plan', 'apply']) {
      const result = await run(command);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/users\/zoe\.smith@digital\.cabinet-office\.gov\.uk\.yaml:6:1/);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    expect(existsSync(join(copy.dir, '.sandbox'))).toBe(false);
  });

  it('rejects unknown options and targets with a usage message', async () => {
    const unknown = await run('plan', '--frobnicate');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('usage: npm run plan');
    const target = await run('apply', '--target', 'gcp');
    expect(target.code).toBe(1);
    expect(target.stderr).toContain('--target must be sandbox or aws');
    for (const concurrency of ['0', '2.5', 'many']) {
      const bad = await run('apply', '--concurrency', concurrency);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain(`--concurrency must be a whole number from 1 to 256, not "${concurrency}"`);
    }
    expect(existsSync(join(copy.dir, '.sandbox'))).toBe(false);
  });

  it('is never pointed at AWS by credentials in the environment', async () => {
    const captured = cliContext(['--json'], { cwd: copy.dir, env: { AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 'x', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' } });
    expect(await runCli('plan', captured.ctx)).toBe(0);
    expect(JSON.parse(captured.stdout()).baseline.kind).toBe('sandbox');
  });
});

describe('plan --base <git ref>', () => {
  beforeEach(() => {
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-qm', 'base');
  });

  it('shows only what changed since the ref, with no AWS access', async () => {
    await writeFile(join(copy.dir, 'users', 'zoe.smith@digital.cabinet-office.gov.uk.yaml'), NEW_USER);
    const result = await run('plan', '--base', 'main', '--json', '--detailed-exitcode');
    expect(result.code).toBe(2);
    const plan = JSON.parse(result.stdout) as { baseline: { kind: string; ref: string }; changes: { change: { kind: string; userName?: string } }[] };
    expect(plan.baseline).toEqual({ kind: 'git', ref: 'main' });
    expect(plan.changes.map((c) => [c.change.kind, c.change.userName])).toEqual([['create-user', 'zoe.smith@digital.cabinet-office.gov.uk']]);
  });

  it('shows no changes against itself', async () => {
    const result = await run('plan', '--base', 'HEAD', '--detailed-exitcode');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('the files at git ref HEAD (what this pull request changes; AWS is not read)');
    expect(result.stdout).toContain('No changes: the files are the same as at HEAD.');
    expect(result.stdout).not.toContain('The target matches');
  });

  it('refuses a deleted account file: accounts are closed, never removed', async () => {
    await rm(join(copy.dir, 'accounts', 'notify-staging.yaml'));
    const result = await run('plan', '--base', 'main');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('accounts/notify-staging.yaml');
    expect(result.stderr).toContain('state: closed');
  });

  it('validate --base refuses a deleted account file, as a GitHub annotation too', async () => {
    await rm(join(copy.dir, 'accounts', 'notify-staging.yaml'));
    const text = await run('validate', '--base', 'main');
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('accounts/notify-staging.yaml:1:1');
    expect(text.stdout).toContain('accountFilesAreNeverDeleted');
    const github = await run('validate', '--format', 'github', '--base', 'main');
    expect(github.stdout).toMatch(/^::error file=accounts\/notify-staging\.yaml,line=1,/m);
    expect((await run('validate')).code).toBe(0);
  });

  it('reports an unknown ref clearly', async () => {
    const result = await run('plan', '--base', 'no-such-branch');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no-such-branch');
    expect(result.stderr).not.toContain('unexpected error');
  });

  it('--ref plans and validates the files at a commit from git objects, whatever the work tree holds', async () => {
    git('checkout', '-q', '-b', 'pr');
    await writeFile(join(copy.dir, 'users', 'zoe.smith@digital.cabinet-office.gov.uk.yaml'), NEW_USER);
    git('add', '.');
    git('commit', '-qm', 'pr');
    git('checkout', '-q', 'main');
    // The work tree (main, plus an invalid file nobody committed) is not what is read.
    await writeFile(join(copy.dir, 'users', 'broken@digital.cabinet-office.gov.uk.yaml'), 'email: [\n');
    const result = await run('plan', '--ref', 'pr', '--base', 'main', '--json', '--detailed-exitcode');
    expect(result.code).toBe(2);
    const plan = JSON.parse(result.stdout) as { changes: { change: { kind: string; userName?: string } }[] };
    expect(plan.changes.map((c) => [c.change.kind, c.change.userName])).toEqual([['create-user', 'zoe.smith@digital.cabinet-office.gov.uk']]);
    expect((await run('validate', '--ref', 'pr', '--base', 'main')).code).toBe(0);
    expect((await run('validate')).code).toBe(1);

    // An invalid file committed on the ref fails there, with its line, from git.
    git('checkout', '-q', 'pr');
    await rm(join(copy.dir, 'users', 'broken@digital.cabinet-office.gov.uk.yaml'));
    await writeFile(join(copy.dir, 'users', 'zoe.smith@digital.cabinet-office.gov.uk.yaml'), `${NEW_USER}team: twice\n`);
    git('commit', '-qam', 'invalid');
    git('checkout', '-q', 'main');
    const invalid = await run('validate', '--ref', 'pr');
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toMatch(/users\/zoe\.smith@digital\.cabinet-office\.gov\.uk\.yaml:6:1/);
    expect((await run('plan', '--ref', 'pr', '--base', 'main')).code).toBe(1);
  });

  it('refuses --base together with --target', async () => {
    const result = await run('plan', '--base', 'main', '--target', 'aws');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('not both');
  });
});

describe('top-level usage', () => {
  it('lists the commands', async () => {
    const captured = cliContext([], { cwd: copy.dir });
    expect(await runCli('--help', captured.ctx)).toBe(0);
    expect(captured.stdout()).toContain('validate');
    expect(await runCli('nope', cliContext([], { cwd: copy.dir }).ctx)).toBe(1);
  });
});

