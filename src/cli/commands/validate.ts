/**
 * `validate [--format text|github|json]`: checks every data file in the working tree. Problems go
 * to stdout, a one-line summary to stderr. Exit 0 when there are no errors (warnings allowed), 1
 * otherwise, including for a bad command line.
 */
import { fsSource } from '../../config/fs-source.ts';
import { gitSource } from '../../config/git-source.ts';
import { accountsRemovedSinceBase } from '../../core/base-ref.ts';
import { loadDesiredState } from '../../config/load.ts';
import { hasErrors, type Problem } from '../../core/problems.ts';
import { isColorWanted } from '../../render/color.ts';
import { PROBLEM_FORMATS, type ProblemFormat, renderProblems, renderValidationSummary } from '../../render/problems.ts';
import { refuseNpmMistakes, suggestOption } from '../args.ts';
import type { Command } from '../context.ts';

export const VALIDATE_USAGE = `usage: npm run validate -- [--format text|github|json] [--json] [--base <git ref>] [--ref <git ref>]

Checks settings.yaml, users/ and accounts/ against the schemas and the cross-file rules.
  --format text    file:line:col  severity  message  [rule]  (default)
  --format github  GitHub Actions annotations (::error file=...::message)
  --format json    {"version": 1, "valid": ..., "problems": [...]}  (also: --json)
  --base <ref>     also compare with the files at a git ref: an account file deleted since then
                   is an error (accounts are closed with state: closed, never removed)
  --ref <ref>      check the files at a git ref instead of the work tree, read from git objects
                   (nothing is checked out): how the trusted pull request workflow reads a PR
Exit status: 0 when there are no errors (warnings allowed), 1 otherwise.
`;

const VALIDATE_OPTIONS = ['format', 'json', 'base', 'ref', 'help'] as const;

export const validate: Command = async (ctx) => {
  refuseNpmMistakes(ctx, VALIDATE_OPTIONS, VALIDATE_USAGE);
  const args = parseValidateArgs(ctx.args);
  if ('error' in args) {
    ctx.stderr.write(`validate: ${args.error}\n${VALIDATE_USAGE}`);
    return 1;
  }
  if (args.help) {
    ctx.stdout.write(VALIDATE_USAGE);
    return 0;
  }
  const source = args.ref === undefined ? fsSource(ctx.cwd) : gitSource(ctx.cwd, args.ref);
  const loaded = await loadDesiredState(source, { today: ctx.today });
  const { desired } = loaded;
  const problems: Problem[] = [...loaded.problems];
  if (args.base !== undefined && desired !== undefined) {
    const base = await loadDesiredState(gitSource(ctx.cwd, args.base), { today: ctx.today });
    // A base that is itself invalid cannot be compared; its own problems are its own PR's business.
    if (base.desired !== undefined) problems.push(...accountsRemovedSinceBase(desired, base.desired));
  }
  ctx.stdout.write(renderProblems(problems, args.format, { color: isColorWanted(ctx.stdout, ctx.env) }));
  const counts = desired && { users: desired.users.size, accounts: desired.accounts.size };
  ctx.stderr.write(`${renderValidationSummary(problems, counts)}\n`);
  return hasErrors(problems) ? 1 : 0;
};

type ValidateArgs = { format: ProblemFormat; help: boolean; base?: string; ref?: string } | { error: string };

export function parseValidateArgs(args: readonly string[]): ValidateArgs {
  let format: ProblemFormat = 'text';
  let help = false;
  let base: string | undefined;
  let ref: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      help = true;
    } else if (arg === '--json') {
      format = 'json';
    } else if (arg === '--base' || arg.startsWith('--base=')) {
      const value = arg === '--base' ? args[++i] : arg.slice('--base='.length);
      if (value === undefined || value === '') return { error: '--base needs a git ref, for example origin/main' };
      base = value;
    } else if (arg === '--ref' || arg.startsWith('--ref=')) {
      const value = arg === '--ref' ? args[++i] : arg.slice('--ref='.length);
      if (value === undefined || value === '') return { error: '--ref needs a git ref or commit' };
      ref = value;
    } else if (arg === '--format' || arg.startsWith('--format=')) {
      const value = arg === '--format' ? args[++i] : arg.slice('--format='.length);
      if (value === undefined) return { error: '--format needs a value: text, github or json' };
      if (!isFormat(value)) return { error: `unknown format "${value}"; use text, github or json` };
      format = value;
    } else {
      const suggestion = arg.startsWith('-') ? suggestOption(arg, VALIDATE_OPTIONS) : undefined;
      return { error: `unknown argument "${arg}"${suggestion ? ` (did you mean ${suggestion}?)` : ''}` };
    }
  }
  return { format, help, ...(base === undefined ? {} : { base }), ...(ref === undefined ? {} : { ref }) };
}

function isFormat(value: string): value is ProblemFormat {
  return (PROBLEM_FORMATS as readonly string[]).includes(value);
}
