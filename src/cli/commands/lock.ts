/**
 * The apply lock as the CLI uses it: which store (sandbox file or IAM policy), the holder's identity
 * (host, process, CI run), and `force-unlock`, which releases a lock by hand.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { awsLockStore } from '../../adapters/aws/apply-lock.ts';
import { parseCommandArgs } from '../args.ts';
import { connectAwsTarget } from '../../adapters/aws/target.ts';
import { sandboxLockStore } from '../../adapters/sandbox/lock.ts';
import { acquireApplyLock, forceUnlock, type HeldApplyLock } from '../../apply/apply-lock.ts';
import { AppError } from '../../core/errors.ts';
import type { SettingsFile } from '../../core/model.ts';
import { hasErrors } from '../../core/problems.ts';
import { fsSource } from '../../config/fs-source.ts';
import { loadDesiredState } from '../../config/load.ts';
import type { ApplyLockStore } from '../../ports/apply-lock.ts';
import { renderProblemsText } from '../../render/problems.ts';
import type { CliContext, Command } from '../context.ts';
import { sandboxDirOf } from '../paths.ts';

export function lockStoreFor(kind: 'sandbox' | 'aws', settings: SettingsFile, ctx: CliContext, sandboxDir: unknown, sourceIdentity?: string): ApplyLockStore {
  if (kind === 'aws') return awsLockStore(settings, ctx.env, { sourceIdentity });
  return sandboxLockStore(sandboxDirOf(ctx, sandboxDir));
}

/** Whether a process with this id runs here (signal 0 checks without sending anything). */
function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the apply lock for this process, or throws `apply-locked` naming the holder. */
export function takeApplyLock(store: ApplyLockStore, ctx: CliContext): Promise<HeldApplyLock> {
  const run = ctx.env['GITHUB_RUN_ID'];
  const attempt = ctx.env['GITHUB_RUN_ATTEMPT'];
  return acquireApplyLock({
    store,
    host: hostname(),
    pid: process.pid,
    run: run === undefined ? undefined : `${run}${attempt === undefined ? '' : `/${attempt}`}`,
    now: () => new Date(),
    isRunning,
    newId: randomUUID,
    log: (line) => ctx.stderr.write(`${line}\n`),
  });
}

const HELP = `usage: npm run cli -- force-unlock [LOCK_ID] [options]

Releases the apply lock by hand, when an apply that died left it behind (like terraform force-unlock).
A lock whose holder stopped is released by itself: at once on the same machine, otherwise when its
lease ends, within two minutes. Without LOCK_ID it only says who holds the lock and its id.

options:
  --target sandbox|aws   which lock (default sandbox; aws: the IAM policy in the users account)
  --sandbox-dir <dir>    sandbox state folder (default .sandbox at the repository root; absolute, or relative to the current folder)
`;

export const forceUnlockCommand: Command = async (ctx) => {
  const { values, positionals } = parseCommandArgs(
    ctx,
    { target: { type: 'string' }, 'sandbox-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    HELP,
    true,
  );
  if (values.help) {
    ctx.stdout.write(HELP);
    return 0;
  }
  const target = values.target ?? 'sandbox';
  if (target !== 'sandbox' && target !== 'aws') throw new AppError('usage', `--target must be sandbox or aws, not "${target}"`, { fault: 'user' });
  if (positionals.length > 1) throw new AppError('usage', 'give at most one lock id', { fault: 'user', hint: HELP.split('\n')[0] ?? '' });
  const { desired, problems } = await loadDesiredState(fsSource(ctx.cwd), { today: ctx.today });
  if (!desired || hasErrors(problems)) {
    ctx.stderr.write(renderProblemsText(problems, { color: false }));
    ctx.stderr.write('The files are not valid: fix them first (npm run validate).\n');
    return 1;
  }
  // On AWS, the same identity check as plan and apply: never touch a lock in the wrong account.
  if (target === 'aws') await connectAwsTarget(desired.settings, ctx.env, { access: 'write' });
  const result = await forceUnlock(lockStoreFor(target, desired.settings, ctx, values['sandbox-dir']), positionals[0]);
  ctx.stdout.write(`${result.message}\n`);
  return 0;
};
