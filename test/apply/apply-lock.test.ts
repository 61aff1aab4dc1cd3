/**
 * The apply lock's rules (src/apply/apply-lock.ts) with a fake clock and process table, on both
 * stores: the sandbox's file and the IAM policy on moto. Real processes racing for it:
 * test/cli/apply-lock-processes.test.ts.
 */
import { GetPolicyCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { awsLockStore } from '../../src/adapters/aws/apply-lock.ts';
import { applyLockArn } from '../../src/ports/apply-lock.ts';
import { createAwsUsersAccount } from '../../src/adapters/aws/iam-users-account.ts';
import { sandboxLockStore } from '../../src/adapters/sandbox/lock.ts';
import { acquireApplyLock, forceUnlock, LEASE_MS, RENEW_EVERY_MS, type ApplyLockDeps } from '../../src/apply/apply-lock.ts';
import type { ApplyLockStore } from '../../src/ports/apply-lock.ts';
import { awsSettings, motoClient, useMoto } from '../support/aws.ts';
import { motoEnv } from '../support/moto.ts';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const moto = useMoto({ reset: true });

const stores: [string, () => Promise<ApplyLockStore>][] = [
  [
    'sandbox file',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'aac-lock-'));
      dirs.push(dir);
      return sandboxLockStore(join(dir, '.sandbox'));
    },
  ],
  ['IAM policy on moto', async () => awsLockStore(awsSettings(), motoEnv(moto.url))],
];

/** A fake world: a clock, the processes running here, and the renewal timer, all by hand. */
function world(store: ApplyLockStore, host: string, pid: number, running: Set<number>) {
  let now = Date.parse('2026-11-28T10:00:00Z');
  let ids = 0;
  const ticks: (() => Promise<void>)[] = [];
  const logs: string[] = [];
  const deps = (): ApplyLockDeps => ({
    store,
    host,
    pid,
    run: 'run-7',
    now: () => new Date(now),
    isRunning: (p) => running.has(p),
    newId: () => `${host}-${pid}-${(ids += 1)}`,
    log: (line) => logs.push(line),
    every: (_ms, tick) => {
      ticks.push(tick);
      return () => ticks.splice(ticks.indexOf(tick), 1);
    },
  });
  return {
    deps,
    logs,
    advance: (ms: number) => void (now += ms),
    renew: () => Promise.all(ticks.map((tick) => tick())),
  };
}

describe.each(stores)('apply lock on the %s', (_name, makeStore) => {
  it('a second apply is refused, naming the holder and since when; release frees it', async () => {
    const store = await makeStore();
    const running = new Set([100, 200]);
    const first = world(store, 'laptop', 100, running);
    const held = await acquireApplyLock(first.deps());
    const second = world(store, 'laptop', 200, running);
    await expect(acquireApplyLock(second.deps())).rejects.toMatchObject({
      code: 'apply-locked',
      message: 'an apply is already running (held by pid 100 on host laptop, run run-7, since 2026-11-28T10:00:00.000Z). Nothing was read or changed.',
    });
    await held.release();
    expect(await store.read()).toBeUndefined();
    await (await acquireApplyLock(second.deps())).release();
  });

  it('on the same machine, a holder whose process no longer runs is stale at once', async () => {
    const store = await makeStore();
    const running = new Set([100, 200]);
    await acquireApplyLock(world(store, 'laptop', 100, running).deps());
    running.delete(100); // kill -9
    const next = world(store, 'laptop', 200, running);
    const held = await acquireApplyLock(next.deps());
    expect(next.logs).toEqual([
      'Taking over a stale apply lock held by pid 100 on host laptop, run run-7 since 2026-11-28T10:00:00.000Z: process 100 no longer runs on this machine.',
    ]);
    expect((await store.read())?.id).toBe(held.record.id);
  });

  it('from another machine, the lease decides: renewed while the holder runs, expired within two minutes of its death', async () => {
    const store = await makeStore();
    const runner = world(store, 'ci-runner-1', 100, new Set([100]));
    await acquireApplyLock(runner.deps());
    const other = world(store, 'ci-runner-2', 100, new Set([100]));
    // The holder renews every RENEW_EVERY_MS: however long it runs, the lock stays held.
    for (let i = 0; i < 5; i += 1) {
      runner.advance(RENEW_EVERY_MS);
      other.advance(RENEW_EVERY_MS);
      await runner.renew();
      await expect(acquireApplyLock(other.deps())).rejects.toMatchObject({ code: 'apply-locked' });
    }
    // The holder dies (no more renewals): stale once its lease ends, which is under two minutes.
    expect(LEASE_MS).toBeLessThan(120_000);
    other.advance(LEASE_MS - 1);
    await expect(acquireApplyLock(other.deps())).rejects.toMatchObject({ code: 'apply-locked' });
    other.advance(1);
    const held = await acquireApplyLock(other.deps());
    expect(other.logs.at(-1)).toMatch(/^Taking over a stale apply lock held by pid 100 on host ci-runner-1, run run-7 since .*: its lease ended at /);
    // The old holder's next renewal notices it lost the lock, and renews nothing.
    await runner.renew();
    expect(runner.logs.at(-1)).toMatch(/^ERROR: This run no longer holds the apply lock .*: pid 100 on host ci-runner-2, run run-7 holds it\. Another apply may run now, so this one starts no new change\.$/);
    expect((await store.read())?.id).toBe(held.record.id);
  });

  it('a holder whose lock another apply took says so and aborts lost', async () => {
    const store = await makeStore();
    const first = world(store, 'laptop', 100, new Set([200]));
    const held = await acquireApplyLock(first.deps());
    await acquireApplyLock(world(store, 'laptop', 200, new Set([200])).deps()); // 100 looks dead here: taken over
    first.advance(RENEW_EVERY_MS);
    await first.renew();
    expect(held.lost.aborted).toBe(true);
    expect(held.lost.reason).toMatchObject({ code: 'apply-lock-lost', message: expect.stringContaining(': pid 200 on host laptop, run run-7 holds it.') });
  });

  it('renewals that fail only warn while the lease lasts; once the lease would end before the next try, the lock is lost', async () => {
    const inner = await makeStore();
    let failing = false;
    const store: ApplyLockStore = {
      ...inner,
      where: inner.where,
      renew: async (record) => {
        if (failing) throw new Error('Rate exceeded');
        return inner.renew(record);
      },
    };
    const w = world(store, 'ci-runner-1', 100, new Set([100]));
    const held = await acquireApplyLock(w.deps());
    failing = true;
    w.advance(RENEW_EVERY_MS);
    await w.renew();
    expect(held.lost.aborted).toBe(false);
    expect(w.logs.at(-1)).toBe(`warning: could not renew the apply lock (${store.where}), trying again in 30s: Rate exceeded`);
    // One more failure and the lease (LEASE_MS from the last renewal) ends before the next try.
    w.advance(RENEW_EVERY_MS);
    await w.renew();
    expect(held.lost.aborted).toBe(true);
    expect(held.lost.reason).toMatchObject({
      code: 'apply-lock-lost',
      message: `This run no longer holds the apply lock (${store.where}): renewing it failed (Rate exceeded) and its lease ends at 2026-11-28T10:01:30.000Z, before the next try. Another apply may run now, so this one starts no new change.`,
    });
    // A renewal that works again does not take it back.
    failing = false;
    await w.renew();
    expect(held.lost.aborted).toBe(true);
    await held.release();
    expect(await store.read()).toBeUndefined();
  });

  it('a lease that passed without a renewal (a run asleep) loses the lock, even though nobody took it yet', async () => {
    const store = await makeStore();
    const w = world(store, 'ci-runner-1', 100, new Set([100]));
    const held = await acquireApplyLock(w.deps());
    w.advance(RENEW_EVERY_MS);
    await w.renew();
    expect(held.lost.aborted).toBe(false);
    w.advance(LEASE_MS);
    await w.renew();
    expect(held.lost.aborted).toBe(true);
    expect(held.lost.reason).toMatchObject({
      code: 'apply-lock-lost',
      message: expect.stringContaining(': its lease ended at 2026-11-28T10:02:00.000Z without a renewal.'),
    });
    // It is not renewed: the record keeps the passed lease, so another apply may take it.
    expect((await store.read())?.expires).toBe('2026-11-28T10:02:00.000Z');
  });

  it('check() finds a passed lease from the clock alone, before any renewal runs', async () => {
    const store = await makeStore();
    const w = world(store, 'ci-runner-1', 100, new Set([100]));
    const held = await acquireApplyLock(w.deps());
    w.advance(LEASE_MS - 1);
    held.check();
    expect(held.lost.aborted).toBe(false);
    w.advance(1);
    held.check();
    expect(held.lost.reason).toMatchObject({ code: 'apply-lock-lost', message: expect.stringContaining(': its lease ended at 2026-11-28T10:01:30.000Z without a renewal.') });
    expect(w.logs).toHaveLength(1);
  });

  it('release removes only its own lock', async () => {
    const store = await makeStore();
    const first = world(store, 'laptop', 100, new Set());
    const held = await acquireApplyLock(first.deps());
    const second = await acquireApplyLock(world(store, 'laptop', 200, new Set([200])).deps()); // 100 is dead: taken over
    await held.release();
    expect((await store.read())?.id).toBe(second.record.id);
  });

  it('force-unlock tells who holds the lock, and releases it only given its id', async () => {
    const store = await makeStore();
    expect(await forceUnlock(store, undefined)).toEqual({ released: false, message: `No apply lock is held (${store.where}).` });
    const held = await acquireApplyLock(world(store, 'ci-runner-1', 100, new Set([100])).deps());
    await expect(forceUnlock(store, undefined)).rejects.toMatchObject({ code: 'usage', hint: `If no apply runs, release it with: npm run cli -- force-unlock ${held.record.id}` });
    await expect(forceUnlock(store, 'another-id')).rejects.toMatchObject({ code: 'lock-id-mismatch' });
    expect((await forceUnlock(store, held.record.id)).released).toBe(true);
    expect(await store.read()).toBeUndefined();
  });
});

describe('apply lock on AWS', () => {
  it('is an IAM policy the project owns, never attached and never among the users the planner sees', async () => {
    const settings = awsSettings();
    const held = await acquireApplyLock(world(awsLockStore(settings, motoEnv(moto.url)), 'laptop', 1, new Set([1])).deps());
    const iam = motoClient(IAMClient, moto.url);
    const arn = applyLockArn(settings.users_account.id);
    expect(arn).toBe('arn:aws:iam::123456789012:policy/aws-access-as-code/aws-access-as-code-apply-lock');
    const policy = (await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy;
    expect(policy?.AttachmentCount ?? 0).toBe(0);
    expect(policy?.Tags).toEqual(expect.arrayContaining([{ Key: 'managed-by', Value: 'aws-access-as-code' }, { Key: 'purpose', Value: 'apply-lock' }]));
    expect((await iam.send(new ListUsersCommand({}))).Users ?? []).toEqual([]);
    const live = await createAwsUsersAccount(settings, motoEnv(moto.url)).readUsersAccount(settings.users_account.group);
    expect(live.users).toEqual([]);
    await held.release();
    await expect(iam.send(new GetPolicyCommand({ PolicyArn: arn }))).rejects.toMatchObject({ name: expect.stringMatching(/NoSuchEntity/) });
  });
});

describe('apply lock in the sandbox', () => {
  it('leaves no temporary files behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aac-lock-'));
    dirs.push(dir);
    const store = sandboxLockStore(dir);
    const w = world(store, 'laptop', 1, new Set([1]));
    const held = await acquireApplyLock(w.deps());
    await expect(acquireApplyLock(world(store, 'laptop', 2, new Set([1, 2])).deps())).rejects.toMatchObject({ code: 'apply-locked' });
    await w.renew();
    expect(await readdir(dir)).toEqual(['apply.lock']);
    await held.release();
    expect(await readdir(dir)).toEqual([]);
  });
});
