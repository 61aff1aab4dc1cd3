/**
 * One apply at a time, everywhere: `apply` holds this lock from before it reads the target until it
 * exits, in CI and on a laptop alike. Plans take no lock.
 *
 * - Taking it is one atomic create in the store (an IAM policy: CreatePolicy answers EntityAlreadyExists
 *   when it exists; a file: an exclusive link). A second apply finds it held and stops before it
 *   reads or changes anything.
 * - It records the holder (host, process, CI run) and a lease the holder renews while it runs. A
 *   holder that died leaves a lock that is stale: at once when it was on this machine and its process
 *   no longer runs (an apply after `kill -9` proceeds), otherwise when its lease ends (at most
 *   LEASE_MS after the last renewal, so within two minutes of its death, e.g. on a new CI runner).
 * - A stale lock is taken over: read again, removed only if it is still the same lock, created anew.
 *   Between that read and the removal a third process could, in principle, take the stale lock first;
 *   the window is one request long, and the holder's next renewal notices the loss.
 * - A lock held or nothing: the holder counts the lock as lost when another holder has it, when
 *   renewals kept failing until its lease ended, or when the lease ended without a renewal (a run
 *   that was asleep or stalled). Then `lost` aborts: apply starts no new change, lets the requests
 *   in flight finish, and exits 1 saying what it left undone, which the next run resumes.
 * - `force-unlock <id>` removes a lock by hand, like `terraform force-unlock`.
 */
import { AppError } from '../core/errors.ts';
import type { ApplyLockStore, LockRecord } from '../ports/apply-lock.ts';

/** The lease: renewed every RENEW_EVERY_MS, so a dead holder's lock expires within LEASE_MS (< 2 min). */
export const LEASE_MS = 90_000;
export const RENEW_EVERY_MS = 30_000;

export interface ApplyLockDeps {
  store: ApplyLockStore;
  host: string;
  pid: number;
  run?: string | undefined;
  now: () => Date;
  /** Whether a process with this id runs on this machine. */
  isRunning: (pid: number) => boolean;
  newId: () => string;
  /** Progress and warnings (stderr). */
  log: (line: string) => void;
  /** Renewal timer; tests pass their own. Returns a function that stops it. */
  every?: (ms: number, tick: () => Promise<void>) => () => void;
}

export interface HeldApplyLock {
  readonly record: LockRecord;
  /** Aborted once this run no longer holds the lock; its reason is an `apply-lock-lost` AppError. */
  readonly lost: AbortSignal;
  /**
   * Checks the lease against the clock now, without a request, and aborts `lost` when it has ended:
   * a process that slept through its renewals finds out before it starts another change, not at
   * the next renewal. Apply calls it before each change.
   */
  check(): void;
  /** Stops renewing and removes the lock if it is still this one. */
  release(): Promise<void>;
}

/** `pid 123 on host ci-runner, run 456`. */
export function describeHolder(record: LockRecord): string {
  return `pid ${record.pid} on host ${record.host}${record.run === undefined ? '' : `, run ${record.run}`}`;
}

/** Why a recorded lock no longer protects anything, or undefined while its holder may still run. */
export function staleReason(record: LockRecord, deps: Pick<ApplyLockDeps, 'host' | 'now' | 'isRunning'>): string | undefined {
  const expires = Date.parse(record.expires);
  if (Number.isNaN(expires) || expires <= deps.now().getTime()) return `its lease ended at ${record.expires}`;
  if (record.host === deps.host && !deps.isRunning(record.pid)) return `process ${record.pid} no longer runs on this machine`;
  return undefined;
}

function heldError(record: LockRecord, store: ApplyLockStore): AppError {
  return new AppError('apply-locked', `an apply is already running (held by ${describeHolder(record)}, since ${record.since}). Nothing was read or changed.`, {
    fault: 'user',
    hint:
      `The lock is ${store.where}, lease until ${record.expires}. Wait for that apply to finish and run again. ` +
      'A holder that died frees it by itself: at once on the same machine, otherwise when its lease ends (within two minutes). ' +
      `If you are sure no apply runs, release it by hand: npm run cli -- force-unlock ${record.id} (with the same --target).`,
  });
}

const defaultEvery = (ms: number, tick: () => Promise<void>): (() => void) => {
  const timer = setInterval(() => void tick(), ms);
  // The lock must never keep a finished process alive.
  timer.unref();
  return () => clearInterval(timer);
};

/** Takes the lock, or throws `apply-locked` naming the holder. */
export async function acquireApplyLock(deps: ApplyLockDeps): Promise<HeldApplyLock> {
  const { store } = deps;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const since = deps.now();
    const record: LockRecord = {
      id: deps.newId(),
      host: deps.host,
      pid: deps.pid,
      ...(deps.run === undefined ? {} : { run: deps.run }),
      since: since.toISOString(),
      expires: new Date(since.getTime() + LEASE_MS).toISOString(),
    };
    if (await store.create(record)) return hold(record, deps);
    const current = await store.read();
    if (current === undefined) continue; // released meanwhile: try again
    const reason = staleReason(current, deps);
    if (reason === undefined) throw heldError(current, store);
    deps.log(`Taking over a stale apply lock held by ${describeHolder(current)} since ${current.since}: ${reason}.`);
    const again = await store.read();
    if (again !== undefined && again.id !== current.id) continue; // someone else took it over first
    await store.remove();
  }
  const current = await store.read();
  if (current !== undefined) throw heldError(current, store);
  throw new AppError('apply-locked', `Could not take the apply lock (${store.where}): other applies kept taking it. Nothing was read or changed.`, {
    hint: 'Run again in a minute.',
  });
}

function hold(record: LockRecord, deps: ApplyLockDeps): HeldApplyLock {
  const { store } = deps;
  const controller = new AbortController();
  // The end of the lease as this holder last recorded it: past it, another apply may take the lock.
  let leaseEnds = Date.parse(record.expires);
  const lose = (why: string): void => {
    if (controller.signal.aborted) return;
    const message = `This run no longer holds the apply lock (${store.where}): ${why}. Another apply may run now, so this one starts no new change.`;
    deps.log(`ERROR: ${message}`);
    controller.abort(
      new AppError('apply-lock-lost', message, {
        hint: 'The changes not started are left for the next run, which resumes them: run apply again once no other apply holds the lock.',
      }),
    );
  };
  const check = (): void => {
    // Renewing now would not undo the gap: another apply may have found the lock stale meanwhile.
    if (deps.now().getTime() >= leaseEnds) lose(`its lease ended at ${new Date(leaseEnds).toISOString()} without a renewal`);
  };
  const stop = (deps.every ?? defaultEvery)(RENEW_EVERY_MS, async () => {
    check();
    if (controller.signal.aborted) return;
    const now = deps.now().getTime();
    try {
      const current = await store.read();
      if (current?.id !== record.id) {
        lose(current === undefined ? 'it was removed' : `${describeHolder(current)} holds it`);
        return;
      }
      const expires = new Date(now + LEASE_MS);
      await store.renew({ ...record, expires: expires.toISOString() });
      leaseEnds = expires.getTime();
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      const left = leaseEnds - deps.now().getTime();
      // The next try would come when the lease has ended, or after: stop now rather than then.
      if (left <= RENEW_EVERY_MS) lose(`renewing it failed (${why}) and its lease ends at ${new Date(leaseEnds).toISOString()}, before the next try`);
      else deps.log(`warning: could not renew the apply lock (${store.where}), trying again in ${RENEW_EVERY_MS / 1000}s: ${why}`);
    }
  });
  return {
    record,
    lost: controller.signal,
    check,
    async release() {
      stop();
      const current = await store.read();
      if (current?.id === record.id) await store.remove();
    },
  };
}

/**
 * Removes the lock by hand. Without `id` it removes nothing and tells who holds it (and the id to
 * pass), so a lock is never released by mistake; with an id that does not match, it refuses.
 */
export async function forceUnlock(store: ApplyLockStore, id: string | undefined): Promise<{ released: boolean; message: string }> {
  const current = await store.read();
  if (current === undefined) return { released: false, message: `No apply lock is held (${store.where}).` };
  const who = `held by ${describeHolder(current)} since ${current.since}, lease until ${current.expires}`;
  if (id === undefined) {
    throw new AppError('usage', `The apply lock (${store.where}) is ${who}; its id is ${current.id}.`, {
      fault: 'user',
      hint: `If no apply runs, release it with: npm run cli -- force-unlock ${current.id}`,
    });
  }
  if (id !== current.id) {
    throw new AppError('lock-id-mismatch', `The apply lock (${store.where}) has id ${current.id}, not ${id}: it is ${who}. Nothing was released.`, {
      fault: 'user',
    });
  }
  await store.remove();
  return { released: true, message: `Released the apply lock (${store.where}) ${who}.` };
}
