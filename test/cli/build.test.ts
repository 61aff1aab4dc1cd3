/** `npm run build`: the compiled CLI runs with plain node, and a command loads only what it uses. */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeRepo } from '../config/fixture-repo.ts';
import { compiledCli } from '../support/compiled-cli.ts';

const ROOT = join(import.meta.dirname, '..', '..');
let out: string;

// scripts/build.ts's buildCli, run once for the test run (compiled-cli.ts) into a folder of its own.
beforeAll(async () => {
  out = (await compiledCli()).dir;
});

function node(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [join(out, 'cli.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Every module file a chunk imports, statically and transitively. */
async function staticImports(file: string, seen = new Set<string>()): Promise<Set<string>> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = await readFile(file, 'utf8');
  for (const match of text.matchAll(/(?:from|import)\s*"(\.[^"]+)"/g)) {
    await staticImports(join(file, '..', match[1] ?? ''), seen);
  }
  return seen;
}

describe('the compiled CLI', () => {
  it("validates the repository's files with plain node", () => {
    const run = node(ROOT, 'validate');
    expect(run.stderr).toMatch(/users, \d+ accounts?: valid/);
    expect(run.status).toBe(0);
  });

  it('--version reads package.json from the compiled CLI too, and a subfolder finds the repository root', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
    expect(node(ROOT, '--version')).toEqual({ status: 0, stdout: `${pkg.name} ${pkg.version}\n`, stderr: '' });
    const fromUsers = node(join(ROOT, 'users'), 'validate');
    expect(fromUsers.stderr).toMatch(/users, \d+ accounts?: valid/);
    expect(fromUsers.status).toBe(0);
  });

  it('reports schema problems with their positions, as the TypeScript sources do (precompiled validators)', async () => {
    const dir = await makeRepo({ 'users/ann@example.gov.uk.yaml': '# yaml-language-server: $schema=../schema/user.schema.json\nemail: ann@example.gov.uk\nname: 5\nteam: [a]\n' });
    const run = node(dir, 'validate', '--format', 'json');
    expect(run.status).toBe(1);
    const problems = (JSON.parse(run.stdout) as { problems: { file: string; line: number; col: number; rule: string }[] }).problems;
    expect(problems.filter((p) => p.file === 'users/ann@example.gov.uk.yaml').map((p) => [p.line, p.col, p.rule])).toEqual([
      [2, 1, 'fileMatchesSchema'],
      [3, 7, 'fileMatchesSchema'],
      [4, 7, 'fileMatchesSchema'],
    ]);
  });

  it('validate loads neither the AWS SDK nor Octokit', async () => {
    const entry = await readFile(join(out, 'cli.js'), 'utf8');
    const chunk = /import\("(\.\/chunks\/validate-[^"]+)"\)/.exec(entry)?.[1];
    expect(chunk).toBeDefined();
    const loaded = await staticImports(join(out, chunk ?? ''));
    for (const file of loaded) {
      const text = await readFile(file, 'utf8');
      expect(text, file).not.toMatch(/@aws-sdk\/client-|@octokit\/rest/);
    }
    // The AWS chunk exists (so the check above can fail): plan imports it when --target aws is chosen.
    expect(execFileSync('grep', ['-rl', '@aws-sdk/client-iam', out], { encoding: 'utf8' })).not.toBe('');
  });
});
