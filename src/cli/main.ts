#!/usr/bin/env node
/**
 * The only module that touches the process: argv, env, stdout/stderr and the exit code.
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError, isAppError } from '../core/errors.ts';
import type { CliContext, Command } from './context.ts';
import { findRepositoryRoot } from './repository-root.ts';
import { describeVersion } from './version.ts';

/**
 * Each command is imported only when it runs: `validate` never loads the AWS SDK or Octokit.
 * `outsideRepository`: the command does not read the repository's files (the CI commands read the
 * files the workflow names), so it runs where it is started, even with no settings.yaml above.
 */
const COMMANDS: Readonly<Record<string, { run: Command; about: string; stopsCleanly?: true; outsideRepository?: true }>> = {
  validate: {
    run: async (ctx) => (await import('./commands/validate.ts')).validate(ctx),
    about: 'check every data file against the schemas and cross-file rules',
  },
  plan: {
    run: async (ctx) => (await import('./commands/plan.ts')).plan(ctx),
    about: 'show what apply would change (local sandbox unless --target aws or --base REF)',
  },
  apply: {
    run: async (ctx) => (await import('./commands/plan.ts')).apply(ctx),
    about: 'make the target match the files (local sandbox unless --target aws)',
    stopsCleanly: true,
  },
  doctor: {
    run: async (ctx) => (await import('./commands/doctor.ts')).doctor(ctx),
    about: 'before the first apply: check credentials, roles, SES, the Organization and permissions on AWS (reads only)',
  },
  import: {
    run: async (ctx) => (await import('./commands/import.ts')).importEstate(ctx),
    about: 'write files for the live users and accounts no file names yet (to adopt an estate)',
  },
  report: {
    run: async (ctx) => (await import('./commands/report.ts')).report(ctx),
    about: 'the access review: MFA, unused and old credentials, expiring users, old bootstrap roles (sandbox unless --target aws)',
  },
  history: {
    run: async (ctx) => (await import('./commands/history.ts')).history(ctx),
    about: "who got which access, when, in which pull request, approved by whom, from git: --user <email> or --account <name>",
  },
  policies: {
    run: async (ctx) => (await import('./commands/policies.ts')).policies(ctx),
    about: 'print the IAM policies to set up the GitHub OIDC roles, from settings.yaml',
  },
  'force-unlock': {
    run: async (ctx) => (await import('./commands/lock.ts')).forceUnlockCommand(ctx),
    about: 'release the apply lock by hand when a dead apply left it (like terraform force-unlock)',
  },
  profiles: {
    run: async (ctx) => (await import('./commands/profiles.ts')).profiles(ctx),
    about: "print a person's ~/.aws/config profiles: --user <email> (sandbox unless --target aws)",
  },
  'pr-comment': {
    run: async (ctx) => (await import('./commands/github.ts')).prComment(ctx),
    about: '(CI) create or update the sticky plan comment on a pull request',
    outsideRepository: true,
  },
  'pr-find': {
    run: async (ctx) => (await import('./commands/github.ts')).prFind(ctx),
    about: '(CI) the open pull request a pull_request run was for, from GitHub (trusted plan workflow)',
    outsideRepository: true,
  },
  'pr-record': {
    run: async (ctx) => (await import('./commands/github.ts')).prRecord(ctx),
    about: '(CI) the approval record of the applied commit: its merged pull request and approvers, or a direct push',
    outsideRepository: true,
  },
  'apply-report': {
    run: async (ctx) => (await import('./commands/github.ts')).applyReport(ctx),
    about: "(CI) report an apply's outcome on the merged pull request",
    outsideRepository: true,
  },
  'drift-report': {
    run: async (ctx) => (await import('./commands/github.ts')).driftReport(ctx),
    about: '(CI) open, update or close the drift issue from a plan',
    outsideRepository: true,
  },
  'access-review-issue': {
    run: async (ctx) => (await import('./commands/github.ts')).accessReviewIssue(ctx),
    about: '(CI) open, update or close the Access review issue from report --format json',
    outsideRepository: true,
  },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.about}`);
  return `usage: npx aws-access <command> [options]   (or: npm run <command> -- [options])\n\ncommands:\n${lines.join('\n')}\n\nRun a command with --help for its options; --version (or -v) prints the version.\nRun from the repository or any folder in it: the root is the nearest folder above holding settings.yaml.\n`;
}

/** Runs one command in-process; tests call this with a fake context. */
export async function runCli(name: string | undefined, ctx: CliContext): Promise<number> {
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    ctx.stdout.write(usage());
    return name === undefined ? 1 : 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    ctx.stdout.write(`${await describeVersion()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    ctx.stderr.write(`unknown command "${name}"\n\n${usage()}`);
    return 1;
  }
  try {
    return await command.run(command.outsideRepository ? ctx : await inRepository(ctx));
  } catch (error) {
    if (isAppError(error)) {
      ctx.stderr.write(`error: ${error.message}\n${error.hint ? `  ${error.hint}\n` : ''}`);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      ctx.stderr.write(`unexpected error: ${message}\n  This is a bug; please report it with the command you ran.\n`);
      if (ctx.env['DEBUG'] && error instanceof Error && error.stack) ctx.stderr.write(`${error.stack}\n`);
    }
    return 1;
  }
}

/**
 * The context with `cwd` at the repository root, found from where the command was run as git finds
 * its top level (see repository-root.ts); paths typed on the command line stay relative to where
 * it was run.
 */
async function inRepository(ctx: CliContext): Promise<CliContext> {
  const root = await findRepositoryRoot(ctx.cwd);
  if (root === undefined) {
    throw new AppError('file-not-found', `no settings.yaml in ${ctx.cwd} or any folder above it (nor a git repository), so this is not an access-as-code repository.`, {
      fault: 'user',
      hint: 'Run the command inside the repository: the folder holding settings.yaml, users/ and accounts/, or any folder below it.',
    });
  }
  return root === resolve(ctx.cwd) ? ctx : { ...ctx, cwd: root, invokedFrom: ctx.invokedFrom ?? ctx.cwd };
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/** Runs the command named in process.argv; the only place that builds a context from the real process. */
export async function runFromProcess(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const cancel = new AbortController();
  const ctx: CliContext = {
    args,
    cwd: process.cwd(),
    env: process.env,
    stdout: { write: (t) => void process.stdout.write(t), isTTY: process.stdout.isTTY === true },
    stderr: { write: (t) => void process.stderr.write(t), isTTY: process.stderr.isTTY === true },
    today: new Date().toISOString().slice(0, 10),
    cancel: cancel.signal,
  };
  // Only a command that stops cleanly catches the signals; any other one is ended by them as usual.
  // Every signal is caught until it returns, not only the first: GitHub Actions cancels a job with
  // SIGINT and then SIGTERM, and the second must not kill the run while it releases the lock.
  const stopsCleanly = name !== undefined && COMMANDS[name]?.stopsCleanly === true;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (cancel.signal.aborted) {
      ctx.stderr.write(`${signal} again: still waiting for the requests in flight, then releasing the apply lock. To quit at once, send SIGKILL.\n`);
      return;
    }
    ctx.stderr.write(`${signal}: stopping. No new change starts; the requests in flight finish, then the apply lock is released.\n`);
    cancel.abort(new AppError('apply-stopped', `The run was cancelled (${signal}).`, { hint: 'Run apply again: it resumes the changes left undone.' }));
  };
  if (stopsCleanly) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  try {
    process.exitCode = await runCli(name, ctx);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

if (isMain()) await runFromProcess();
