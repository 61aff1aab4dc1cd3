/**
 * `validate [--format text|github|json] [--fix]`: checks every data file in the working tree.
 * Problems go to stdout, a one-line summary to stderr. Exit 0 when there are no errors (warnings
 * allowed), 1 otherwise, including for a bad command line. `--fix` first writes the one thing it
 * can write without a person's judgement, the schema comment on line 1, and says, file by file,
 * what it changed (stderr); it changes nothing else.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { classifyDataPath, MAX_DATA_FILE_BYTES } from '../../config/file-source.ts';
import { fsSource } from '../../config/fs-source.ts';
import { fixSchemaComment } from '../../config/rules.ts';
import { gitSource } from '../../config/git-source.ts';
import { accountsRemovedSinceBase } from '../../core/base-ref.ts';
import { loadDesiredState } from '../../config/load.ts';
import { hasErrors, type Problem } from '../../core/problems.ts';
import { isColorWanted } from '../../render/color.ts';
import { PROBLEM_FORMATS, type ProblemFormat, renderProblems, renderValidationSummary } from '../../render/problems.ts';
import { refuseNpmMistakes, suggestOption } from '../args.ts';
import type { CliContext, Command } from '../context.ts';

export const VALIDATE_USAGE = `usage: npm run validate -- [--format text|github|json] [--json] [--base <git ref>] [--ref <git ref>] [--fix]

Checks settings.yaml, users/ and accounts/ against the schemas and the cross-file rules, together:
one run reports every problem of every file that can be read as YAML.
  --format text    file:line:col  severity  message  [rule]  (default)
  --format github  GitHub Actions annotations (::error file=...::message)
  --format json    {"version": 1, "valid": ..., "problems": [...]}  (also: --json)
  --base <ref>     also compare with the files at a git ref: an account file deleted since then
                   is an error (accounts are closed with state: closed, never removed)
  --ref <ref>      check the files at a git ref instead of the work tree, read from git objects
                   (nothing is checked out): how the trusted pull request workflow reads a PR
  --fix            first write the "# yaml-language-server: $schema=..." line 1 of each data file
                   that lacks it (or names another schema), saying which files it changed; it
                   changes nothing else, then checks the files as usual
Exit status: 0 when there are no errors (warnings allowed), 1 otherwise.
`;

const VALIDATE_OPTIONS = ['format', 'json', 'base', 'ref', 'fix', 'help'] as const;

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
  if (args.fix && args.ref !== undefined) {
    ctx.stderr.write(`validate: --fix writes the files of the work tree, so it cannot go with --ref (files read from git)\n${VALIDATE_USAGE}`);
    return 1;
  }
  if (args.fix) {
    const changes = await fixSchemaComments(ctx);
    ctx.stderr.write(
      changes.length === 0
        ? 'validate --fix: nothing to fix: every data file starts with its schema comment\n'
        : changes.map((change) => `validate --fix: ${change}\n`).join(''),
    );
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

type ValidateArgs = { format: ProblemFormat; help: boolean; fix: boolean; base?: string; ref?: string } | { error: string };

export function parseValidateArgs(args: readonly string[]): ValidateArgs {
  let format: ProblemFormat = 'text';
  let help = false;
  let fix = false;
  let base: string | undefined;
  let ref: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      help = true;
    } else if (arg === '--fix') {
      fix = true;
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
  return { format, help, fix, ...(base === undefined ? {} : { base }), ...(ref === undefined ? {} : { ref }) };
}

function isFormat(value: string): value is ProblemFormat {
  return (PROBLEM_FORMATS as readonly string[]).includes(value);
}

/**
 * Writes the schema comment into each data file whose line 1 lacks it; returns what it changed,
 * one line per file. Files validation cannot read as text (links, binary, not UTF-8, too large,
 * empty) are left alone: their own problem is reported, and a fix would have to guess.
 */
async function fixSchemaComments(ctx: CliContext): Promise<string[]> {
  const source = fsSource(ctx.cwd);
  const changes: string[] = [];
  for (const file of await source.listDataFiles()) {
    const kind = classifyDataPath(file);
    if (kind === undefined || (await source.isSymbolicLink(file))) continue;
    const bytes = await source.read(file).catch(() => undefined); // a FIFO or device: reported by the check
    if (bytes === undefined || bytes.length === 0 || bytes.length > MAX_DATA_FILE_BYTES || bytes.includes(0)) continue;
    const text = decodeUtf8(bytes);
    const fixed = text === undefined ? undefined : fixSchemaComment(kind, text);
    if (fixed === undefined) continue;
    await writeFile(join(ctx.cwd, file), fixed.text);
    changes.push(`${file}: ${fixed.change}`);
  }
  return changes;
}

/** The text, byte order mark kept; undefined when it is not UTF-8. */
function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined; // not UTF-8: the check reports it
  }
}
