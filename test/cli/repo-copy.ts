/**
 * A copy of the repository's own data (settings, users, accounts, schemas, CODEOWNERS) in a temporary
 * folder for each test, and the CLI run in-process against it.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { cliContext } from '../github/cli-context.ts';

const ROOT = join(import.meta.dirname, '..', '..');

export interface RepoCopy {
  /** The copy's folder (a new one for each test). */
  readonly dir: string;
  run(command: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
}

export function useRepoCopy(prefix: string): RepoCopy {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
    for (const entry of ['settings.yaml', 'users', 'accounts', 'schema', 'CODEOWNERS']) {
      await cp(join(ROOT, entry), join(dir, entry), { recursive: true });
    }
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    async run(command, ...args) {
      const captured = cliContext(args, { cwd: dir, env: {} });
      const code = await runCli(command, captured.ctx);
      return { code, stdout: captured.stdout(), stderr: captured.stderr() };
    },
  };
}
