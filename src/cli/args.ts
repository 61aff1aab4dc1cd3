/**
 * Command-line parsing shared by the commands, forgiving the two ways npm eats options:
 *
 * - `npm run plan --json` (no `--`): npm takes `--json` as its own config, so the script never sees
 *   it; npm passes it on only as the environment variable `npm_config_json`. The command would then
 *   quietly do something else (text instead of JSON, the sandbox instead of AWS).
 * - `npm run plan --target aws`: npm takes `--target`, and `aws` arrives as a stray argument.
 *
 * Both are refused with the command to type instead. Unknown options suggest the closest known one.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closest } from '../config/schemas.ts';
import { AppError } from '../core/errors.ts';
import type { CliContext } from './context.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Whether this process is an npm script that runs this CLI (`npm run plan`, `npm run cli`, ...). */
export function isRunByNpmScript(env: CliContext['env']): boolean {
  return env['npm_lifecycle_event'] !== undefined && /(?:src\/cli\/main\.ts|dist\/cli\.js)\b/.test(env['npm_lifecycle_script'] ?? '');
}

/**
 * The options npm took for itself: a `npm_config_<name>` variable for one of the command's own
 * options (npm spells `-` as `_`). npm also expands an unknown prefix of its own configs, so
 * `--format` arrives as `npm_config_format_package_lock`.
 */
export function optionsTakenByNpm(env: CliContext['env'], optionNames: readonly string[]): string[] {
  if (!isRunByNpmScript(env)) return [];
  const taken: string[] = [];
  for (const name of optionNames) {
    const variable = `npm_config_${name.replaceAll('-', '_')}`;
    if (env[variable] !== undefined) taken.push(`--${name}`);
  }
  if (optionNames.includes('format') && env['npm_config_format_package_lock'] !== undefined && !taken.includes('--format')) {
    taken.push('--format');
  }
  return taken;
}

/** `npm run plan -- --json`: the command a person meant, from the script name. */
function npmCommandLine(env: CliContext['env'], flags: readonly string[]): string {
  const script = env['npm_lifecycle_event'] ?? '<command>';
  return `npm run ${script} -- ${flags.join(' ')} ...`;
}

/** The closest option name to a mistyped one, with its dashes (`--json`). */
export function suggestOption(unknown: string, optionNames: readonly string[]): string | undefined {
  const name = unknown.replace(/^-+/, '').replace(/=.*$/, '');
  const found = closest(name, optionNames);
  return found === undefined ? undefined : `--${found}`;
}

function usageError(message: string, usage: string): AppError {
  return new AppError('usage', message, { fault: 'user', hint: usage.split('\n')[0] ?? '' });
}

/**
 * Refuses a command line that npm has already eaten part of. Commands with their own parser call
 * this first; parseCommandArgs does it for the others.
 */
export function refuseNpmMistakes(ctx: CliContext, optionNames: readonly string[], usage: string): void {
  const taken = optionsTakenByNpm(ctx.env, optionNames);
  if (taken.length === 0) return;
  throw usageError(
    `npm took ${taken.join(' and ')} for itself, so the command never saw ${taken.length === 1 ? 'it' : 'them'}: put -- before the options, as in: ${npmCommandLine(ctx.env, taken)}`,
    usage,
  );
}

/** node:util parseArgs, strict, with npm's mistakes refused and unknown options explained. */
export function parseCommandArgs<T extends Options>(ctx: CliContext, options: T, usage: string, allowPositionals = false) {
  const names = Object.keys(options);
  refuseNpmMistakes(ctx, names, usage);
  try {
    return parseArgs({ args: [...ctx.args], options, strict: true, allowPositionals });
  } catch (error) {
    throw usageError(describeParseError(error, ctx, names), usage);
  }
}

function describeParseError(error: unknown, ctx: CliContext, names: readonly string[]): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const unknown = /'([^']+)'/.exec(message)?.[1] ?? '';
    const suggestion = suggestOption(unknown, names);
    return `unknown option ${unknown}${suggestion ? ` (did you mean ${suggestion}?)` : ''}; see --help for the options`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' && isRunByNpmScript(ctx.env)) {
    return `${message}. If you gave options to npm run, npm took them for itself: put -- before the options, as in: npm run ${ctx.env['npm_lifecycle_event'] ?? '<command>'} -- --target aws`;
  }
  return message;
}
