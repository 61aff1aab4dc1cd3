/**
 * Where the CLI reads and writes: the repository root found from a subfolder, --sandbox-dir as an
 * absolute path in every command that has it, output files in a folder that does not exist, and
 * --version.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { cliContext } from '../github/cli-context.ts';
import { useRepoCopy } from './repo-copy.ts';

const copy = useRepoCopy('aac-where-');
const run = copy.run;

/** Runs the CLI in-process from a folder of the copy (or any folder). */
async function runIn(cwd: string, command: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const captured = cliContext(args, { cwd, env: {} });
  const code = await runCli(command, captured.ctx);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

let elsewhere = '';
beforeEach(async () => {
  elsewhere = await mkdtemp(join(tmpdir(), 'aac-elsewhere-'));
});
afterEach(async () => {
  await rm(elsewhere, { recursive: true, force: true });
});

describe('--sandbox-dir with an absolute path', () => {
  it('is used as it is by apply, plan, report, profiles, import and force-unlock, never joined to the working directory', async () => {
    const sandbox = join(elsewhere, 'sandbox');
    const applied = await run('apply', '--sandbox-dir', sandbox);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain(`local sandbox (${join(sandbox, 'state.json')})`);
    expect((await readdir(join(sandbox, 'outbox'))).some((f) => f.endsWith('.eml'))).toBe(true);
    // Nothing appeared below the repository: neither the default sandbox nor the path joined to it.
    expect(existsSync(join(copy.dir, '.sandbox'))).toBe(false);
    expect(existsSync(join(copy.dir, elsewhere))).toBe(false);

    const planned = await run('plan', '--sandbox-dir', sandbox);
    expect(planned.stdout).toContain(`Compared against: local sandbox (${join(sandbox, 'state.json')})`);
    expect(planned.stdout).toContain('No changes.');

    const report = JSON.parse((await run('report', '--sandbox-dir', sandbox, '--json')).stdout) as { baseline?: unknown };
    expect(JSON.stringify(report)).toContain(join(sandbox, 'state.json'));

    const profiles = await run('profiles', '--user', 'amara.okafor@digital.cabinet-office.gov.uk', '--target', 'sandbox', '--sandbox-dir', sandbox);
    expect(profiles.code, profiles.stderr).toBe(0);
    // The sandbox knows the accounts apply created, so their ids are in the profiles.
    expect(profiles.stdout).toMatch(/role_arn = arn:aws:iam::\d{12}:role\//);

    const imported = await run('import', '--dry-run', '--sandbox-dir', sandbox);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain(join(sandbox, 'state.json'));

    const unlock = await run('force-unlock', '--sandbox-dir', sandbox);
    expect(unlock.stdout).toContain(`No apply lock is held (in the file ${join(sandbox, '')}`);
    expect(existsSync(join(copy.dir, elsewhere))).toBe(false);
  });
});

describe('output files', () => {
  it('plan --out into a folder that does not exist: a plain error before any work, no "unexpected error"', async () => {
    const out = join(elsewhere, 'missing', 'dir', 'plan.txt');
    const result = await run('plan', '--out', out);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: cannot write --out ${out}: the folder ${join(elsewhere, 'missing', 'dir')} does not exist\n  Create it first (mkdir -p ${join(elsewhere, 'missing', 'dir')}), or give --out a path in an existing folder.\n`,
    );
    expect(result.stdout).toBe('');
  });

  it('plan --out naming a folder, and report and history --out, say so too', async () => {
    const folder = await run('plan', '--out', elsewhere);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toContain(`error: cannot write --out ${elsewhere}: ${elsewhere} is a folder`);
    const report = await run('report', '--out', join(elsewhere, 'no', 'report.md'));
    expect(report.stderr).toContain(`error: cannot write --out ${join(elsewhere, 'no', 'report.md')}: the folder ${join(elsewhere, 'no')} does not exist`);
    const history = await run('history', '--user', 'amara.okafor@digital.cabinet-office.gov.uk', '--out', join(elsewhere, 'no', 'h.md'));
    expect(history.stderr).toContain(`error: cannot write --out ${join(elsewhere, 'no', 'h.md')}: the folder ${join(elsewhere, 'no')} does not exist`);
    for (const result of [folder, report, history]) expect(result.stderr).not.toMatch(/unexpected error|This is a bug|\n\s+at /);
  });

  it('apply --report-json into a folder that does not exist is refused before anything is applied', async () => {
    const result = await run('apply', '--report-json', join(elsewhere, 'missing', 'report.json'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: cannot write --report-json ${join(elsewhere, 'missing', 'report.json')}: the folder ${join(elsewhere, 'missing')} does not exist`);
    expect(existsSync(join(copy.dir, '.sandbox'))).toBe(false);
  });
});

describe('run from a subfolder', () => {
  it('finds the repository root as git does: the nearest folder above holding settings.yaml', async () => {
    const fromUsers = await runIn(join(copy.dir, 'users'), 'validate');
    expect(fromUsers.stderr).toMatch(/^\d+ users, \d+ accounts: valid\n$/);
    expect(fromUsers.code).toBe(0);
    const planned = await runIn(join(copy.dir, 'users'), 'plan', '--json');
    expect(planned.code, planned.stderr).toBe(0);
    expect((JSON.parse(planned.stdout) as { baseline: { path: string } }).baseline.path).toBe(join(copy.dir, '.sandbox', 'state.json'));
  });

  it('reads paths typed on the command line from the folder it was run in', async () => {
    const result = await runIn(join(copy.dir, 'users'), 'plan', '--out', 'plan.txt');
    expect(result.code, result.stderr).toBe(0);
    expect(await readFile(join(copy.dir, 'users', 'plan.txt'), 'utf8')).toContain('Compared against: local sandbox');
  });

  it('outside any repository: one clear error, not a list of missing files', async () => {
    const result = await runIn(elsewhere, 'validate');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `error: no settings.yaml in ${elsewhere} or any folder above it (nor a git repository), so this is not an access-as-code repository.\n  Run the command inside the repository: the folder holding settings.yaml, users/ and accounts/, or any folder below it.\n`,
    );
  });
});

describe('--version', () => {
  it('prints the name and version from package.json, as --version, -v and version', async () => {
    const pkg = JSON.parse(await readFile(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { name: string; version: string };
    for (const flag of ['--version', '-v', 'version']) {
      const result = await runIn(elsewhere, flag);
      expect(result).toEqual({ code: 0, stdout: `${pkg.name} ${pkg.version}\n`, stderr: '' });
    }
  });
});
