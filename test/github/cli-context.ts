/** A CliContext with captured output, for running commands in-process. */
import type { CliContext } from '../../src/cli/context.ts';

export interface Captured {
  ctx: CliContext;
  stdout: () => string;
  stderr: () => string;
}

export function cliContext(args: readonly string[], options: { cwd: string; env?: Record<string, string | undefined> }): Captured {
  let out = '';
  let err = '';
  const ctx: CliContext = {
    args,
    cwd: options.cwd,
    env: options.env ?? {},
    stdout: { write: (t) => void (out += t), isTTY: false },
    stderr: { write: (t) => void (err += t), isTTY: false },
    today: '2026-11-28',
  };
  return { ctx, stdout: () => out, stderr: () => err };
}
