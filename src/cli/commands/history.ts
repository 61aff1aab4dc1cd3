/**
 * `history --user <email>` / `history --account <name>`: who was given which access, when, in
 * which pull request, asked by whom and approved by whom, from git alone (and GitHub for the
 * approvers, when a token is set). Reads the clone's history; changes nothing.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createGitHubFromEnv } from '../../adapters/github/octokit.ts';
import { checkGitHistory, describeMissingHistory, listNamesInHistory, readGitHistory } from '../../config/git-history.ts';
import { closest } from '../../config/schemas.ts';
import {
  accountFilePath,
  ACCOUNTS_DIRECTORY,
  buildAccountHistory,
  buildUserHistory,
  mergeCommitsOf,
  pullRequestsOf,
  userFilePath,
  USERS_DIRECTORY,
  withApplyRuns,
  withApprovers,
  type AccessHistory,
  type PullRequestReview,
  type WorkflowRun,
} from '../../core/access-history.ts';
import { AppError, isAppError } from '../../core/errors.ts';
import { lower } from '../../core/plan-helpers.ts';
import { isColorWanted } from '../../render/color.ts';
import { renderHistoryJson } from '../../render/history-json.ts';
import { renderHistoryMarkdown } from '../../render/history-markdown.ts';
import { renderHistoryText } from '../../render/history-text.ts';
import { parseCommandArgs } from '../args.ts';
import type { CliContext, Command } from '../context.ts';
import { checkOutputFile, userPath, writeOutputFile } from '../paths.ts';

const HELP = `usage: npm run history -- --user <email> | --account <name> [options]

The life of one person's or one account's access, from git alone: each merged commit that added,
changed or removed the file (and, for a person, each change to an account file that gave or took
away one of their roles), oldest first, with its pull request (from GitHub's merge or squash
message), the requested_by of the file at that commit, and, when GITHUB_TOKEN and GITHUB_REPOSITORY
are set, who approved the pull request (each reviewer's latest review before the merge) and the
apply workflow's run (.github/workflows/apply.yml) for the merge.
Needs a clone with its whole history: git fetch --unshallow.

options:
  --user <email>         a person (users/<email>.yaml), even one removed since
  --account <name>       an account (accounts/<name>.yaml)
  --format text|markdown|json
                         text (default; coloured on a terminal unless NO_COLOR), markdown,
                         json (version 1, its shape in src/render/history-json.ts)
  --json                 the same as --format json
  --out <file>           also write the rendered history to this file
`;

const OPTIONS = {
  user: { type: 'string' },
  account: { type: 'string' },
  format: { type: 'string' },
  json: { type: 'boolean' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const RENDERERS = {
  text: (history: AccessHistory, ctx: CliContext) => renderHistoryText(history, { color: isColorWanted(ctx.stdout, ctx.env) }),
  markdown: (history: AccessHistory) => renderHistoryMarkdown(history),
  json: (history: AccessHistory) => renderHistoryJson(history),
} as const satisfies Record<string, (history: AccessHistory, ctx: CliContext) => string>;

type Format = keyof typeof RENDERERS;

function usageError(message: string): AppError {
  return new AppError('usage', message, { fault: 'user', hint: HELP.split('\n')[0] ?? '' });
}

/** A name that can only be a file name in users/ or accounts/ (no path, no option). */
function checkName(option: string, value: string): string {
  const name = value.trim();
  if (name === '' || name.startsWith('-') || /[/\\\0]/.test(name) || name.endsWith('.yaml')) {
    throw usageError(`--${option} takes ${option === 'user' ? 'an email' : 'an account name'} (the file name without .yaml), not "${value}"`);
  }
  return name;
}

/** The files in a folder of the working tree; none when the folder does not exist. */
async function listFiles(ctx: CliContext, directory: string): Promise<string[]> {
  try {
    return await readdir(join(ctx.cwd, directory));
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return [];
    throw error;
  }
}

/** The names in a data folder now and every name git ever saw there: what a mistyped name is compared with. */
async function knownNames(ctx: CliContext, directory: string): Promise<string[]> {
  const current = (await listFiles(ctx, directory)).filter((file) => file.endsWith('.yaml')).map((file) => file.slice(0, -'.yaml'.length));
  return [...new Set([...current, ...(await listNamesInHistory(ctx.cwd, directory))])];
}

/** Whether `users/<name>.yaml` (or an account file) is in the working tree, committed or not. */
async function isPresent(ctx: CliContext, path: string): Promise<boolean> {
  const slash = path.lastIndexOf('/');
  return (await listFiles(ctx, path.slice(0, slash))).includes(path.slice(slash + 1));
}

async function notFound(ctx: CliContext, what: 'user' | 'account', name: string, path: string, shallow: boolean): Promise<AppError> {
  const directory = what === 'user' ? USERS_DIRECTORY : ACCOUNTS_DIRECTORY;
  if (shallow) {
    return new AppError('not-found', `no ${what} ${name} in this shallow clone's history`, {
      fault: 'user',
      hint: 'the clone has only its latest commits: run git fetch --unshallow, then try again',
    });
  }
  const suggestion = closest(name, await knownNames(ctx, directory));
  return new AppError('not-found', `no ${what} ${name}: no commit ever added ${path}${what === 'user' ? ' or named them in an account file' : ''}`, {
    fault: 'user',
    hint: suggestion === undefined ? `check the ${what === 'user' ? 'email' : 'name'}: the files are in ${directory}` : `did you mean --${what} ${suggestion}?`,
  });
}

async function buildHistory(ctx: CliContext, values: { user?: string | undefined; account?: string | undefined }): Promise<AccessHistory> {
  if (values.user !== undefined) {
    const userName = lower(checkName('user', values.user));
    const path = userFilePath(userName);
    const git = await readGitHistory(ctx.cwd, [path, ACCOUNTS_DIRECTORY]);
    const history = buildUserHistory(git, userName);
    if (history.entries.length > 0) return history;
    if (!(await isPresent(ctx, path))) throw await notFound(ctx, 'user', userName, path, git.shallow);
    return { ...history, notes: [...history.notes, `${path} is not committed yet: its history starts with the pull request that adds it.`] };
  }
  const accountName = checkName('account', values.account ?? '');
  const path = accountFilePath(accountName);
  const git = await readGitHistory(ctx.cwd, [path]);
  const history = buildAccountHistory(git, accountName);
  if (history.entries.length > 0) return history;
  if (!(await isPresent(ctx, path))) throw await notFound(ctx, 'account', accountName, path, git.shallow);
  return { ...history, notes: [...history.notes, `${path} is not committed yet: its history starts with the pull request that adds it.`] };
}

/** The workflow that applies main after each merge (see .github/workflows/apply.yml). */
const APPLY_WORKFLOW = '.github/workflows/apply.yml';

/**
 * Adds, from GitHub, each pull request's approvers and the apply workflow's runs for its merge
 * commit, when a token is set; otherwise says how to get them. A GitHub failure costs those facts,
 * not the history, which stands on git alone.
 */
async function addGitHubFacts(ctx: CliContext, history: AccessHistory): Promise<AccessHistory> {
  const numbers = pullRequestsOf(history);
  if (numbers.length === 0) return history;
  const repository = ctx.env['GITHUB_REPOSITORY'];
  if (!ctx.env['GITHUB_TOKEN'] || !repository) {
    return {
      ...history,
      notes: [...history.notes, 'Approvers were not looked up: set GITHUB_TOKEN (a token that can read the pull requests) and GITHUB_REPOSITORY (owner/name) to list them.'],
    };
  }
  const github = createGitHubFromEnv(ctx.env);
  const reviews = new Map<number, readonly PullRequestReview[]>();
  const runs = new Map<string, readonly WorkflowRun[]>();
  const partly = (why: string): AccessHistory => ({
    ...withApplyRuns(withApprovers(history, reviews), runs),
    notes: [...history.notes, `Approvers and apply runs were looked up only partly: ${why}.`],
  });
  for (const number of numbers) {
    try {
      reviews.set(number, await github.listPullRequestReviews(number));
    } catch (error) {
      if (!isAppError(error)) throw error;
      ctx.stderr.write(`warning: ${error.message}\n`);
      return partly(error.code === 'github-not-found' ? `pull request #${number} was not found in ${repository}` : error.message);
    }
  }
  for (const sha of mergeCommitsOf(history)) {
    try {
      runs.set(sha, (await github.listPushRunsForCommit(sha)).filter((run) => run.workflowPath === APPLY_WORKFLOW));
    } catch (error) {
      if (!isAppError(error)) throw error;
      ctx.stderr.write(`warning: ${error.message}\n`);
      return partly(error.message);
    }
  }
  return withApplyRuns(withApprovers(history, reviews), runs);
}

export const history: Command = async (ctx) => {
  const values = parseCommandArgs(ctx, OPTIONS, HELP).values;
  if (values.help) {
    ctx.stdout.write(HELP);
    return 0;
  }
  if (values.user !== undefined && values.account !== undefined) throw usageError('give --user or --account, not both');
  if (values.user === undefined && values.account === undefined) throw usageError('--user <email> or --account <name> is required');
  const format = values.json ? 'json' : (values.format ?? 'text');
  if (!Object.hasOwn(RENDERERS, format)) throw usageError(`--format must be text, markdown or json, not "${format}"`);

  const out = values.out === undefined ? undefined : userPath(ctx, values.out);
  if (out !== undefined) await checkOutputFile('--out', out);
  const state = await checkGitHistory(ctx.cwd);
  if (state.kind === 'none') {
    throw new AppError('git-failed', `no git history to read: ${state.reason}`, { fault: 'user', hint: 'history reads the commits of a clone of the repository' });
  }
  if (state.kind === 'shallow') ctx.stderr.write(`warning: ${describeMissingHistory(state)}; the history below may start late.\n`);

  const found = await addGitHubFacts(ctx, await buildHistory(ctx, values));
  const rendered = RENDERERS[format as Format](found, ctx);
  ctx.stdout.write(rendered);
  if (out !== undefined) await writeOutputFile('--out', out, rendered);
  return 0;
};
