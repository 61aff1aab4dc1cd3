import { readFileSync } from 'node:fs';
/**
 * The CLI forgives npm: options npm ate (`npm run plan --json` without `--`) are refused with the
 * command to type, unknown options suggest the closest one, and the `aws-access` bin runs the CLI
 * with its options as typed.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { optionsTakenByNpm } from '../../src/cli/args.ts';
import { cliContext } from '../github/cli-context.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** What npm sets when it runs `npm run <script>` for one of this package's CLI scripts. */
function npmEnv(script: string, extra: Record<string, string>): Record<string, string> {
  return { npm_lifecycle_event: script, npm_lifecycle_script: `tsx src/cli/main.ts ${script}`, ...extra };
}

async function run(command: string, args: string[], env: Record<string, string> = {}) {
  const captured = cliContext(args, { cwd: ROOT, env });
  const code = await runCli(command, captured.ctx);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

describe('options npm took for itself', () => {
  it('npm run plan --json: refused, and says to put -- before the options', async () => {
    const result = await run('plan', [], npmEnv('plan', { npm_config_json: 'true' }));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('npm took --json for itself');
    expect(result.stderr).toContain('put -- before the options');
    expect(result.stderr).toContain('npm run plan -- --json');
  });

  it('npm run plan --target aws: the stray "aws" is explained, not just refused', async () => {
    const result = await run('plan', ['aws'], npmEnv('plan', { npm_config_target: 'true' }));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('npm took --target for itself');
  });

  it('a stray argument under npm without a matching variable still says where the options went', async () => {
    const result = await run('plan', ['aws'], npmEnv('plan', {}));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Unexpected argument 'aws'");
    expect(result.stderr).toContain('put -- before the options');
  });

  it('npm expands --format to its own --format-package-lock: still recognised as --format', () => {
    expect(optionsTakenByNpm(npmEnv('plan', { npm_config_format_package_lock: 'true' }), ['format', 'json'])).toEqual(['--format']);
  });

  it('each command checks its own options: validate, apply, the CI commands', async () => {
    expect((await run('validate', [], npmEnv('validate', { npm_config_json: 'true' }))).stderr).toContain('npm took --json');
    expect((await run('apply', [], npmEnv('apply', { npm_config_allow_mass_deletion: 'true' }))).stderr).toContain(
      'npm took --allow-mass-deletion',
    );
    expect((await run('pr-comment', [], npmEnv('cli', { npm_config_body_file: 'x' }))).stderr).toContain('npm took --body-file');
    expect((await run('import', [], npmEnv('import', { npm_config_dry_run: 'true' }))).stderr).toContain('npm took --dry-run');
    expect((await run('profiles', [], npmEnv('profiles', { npm_config_user: 'ada@example.gov.uk' }))).stderr).toContain('npm took --user');
    expect((await run('report', [], npmEnv('report', { npm_config_json: 'true' }))).stderr).toContain('npm took --json');
    expect((await run('force-unlock', [], npmEnv('cli', { npm_config_target: 'aws' }))).stderr).toContain('npm took --target');
  });

  it('ignores npm variables outside an npm script of this CLI (npm test, a shell)', () => {
    expect(optionsTakenByNpm({ npm_config_json: 'true' }, ['json'])).toEqual([]);
    expect(optionsTakenByNpm({ npm_config_json: 'true', npm_lifecycle_event: 'test', npm_lifecycle_script: 'vitest run' }, ['json'])).toEqual([]);
  });
});

describe('unknown options', () => {
  it('suggest the closest known option', async () => {
    const plan = await run('plan', ['--jsn']);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('unknown option --jsn (did you mean --json?)');
    expect((await run('plan', ['--taget', 'aws'])).stderr).toContain('did you mean --target?');
    expect((await run('validate', ['--fromat', 'json'])).stderr).toContain('did you mean --format?');
    expect((await run('import', ['--dryrun'])).stderr).toContain('did you mean --dry-run?');
    expect((await run('profiles', ['--usr', 'ada@example.gov.uk'])).stderr).toContain('did you mean --user?');
    expect((await run('force-unlock', ['--tagret', 'aws'])).stderr).toContain('did you mean --target?');
  });

  it('make no suggestion when nothing is close', async () => {
    const result = await run('plan', ['--completely-different']);
    expect(result.stderr).toContain('unknown option --completely-different;');
    expect(result.stderr).not.toContain('did you mean');
  });
});

describe('the aws-access bin', () => {
  it('is the compiled CLI, which node runs as it is (a shebang first)', () => {
    const pkg = JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./package.json").bin)'], { cwd: ROOT, encoding: 'utf8' })) as Record<string, string>;
    // scripts/build.ts compiles src/cli/main.ts into dist/cli.js (test/cli/build.test.ts runs it).
    expect(pkg['aws-access']).toBe('dist/cli.js');
    expect(readFileSync(join(ROOT, 'src', 'cli', 'main.ts'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});
