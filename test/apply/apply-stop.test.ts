/**
 * A lock held or nothing: when the run's signal aborts (the apply lock was lost, or the run was
 * cancelled), applyPlan starts no new change, lets the one in flight finish, cuts waits short, and
 * reports what it left undone; the next run resumes it. The lock's side (when `lost` aborts):
 * test/apply/apply-lock.test.ts; a real process cancelled with SIGTERM: test/cli/apply-lock-processes.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { applyPlan, type ApplyDeps } from '../../src/apply/apply-plan.ts';
import { readLiveState } from '../../src/apply/read-live-state.ts';
import { renderApplyReportMarkdown, renderApplyReportText } from '../../src/render/apply-report.ts';
import { generatePassword } from '../../src/apply/password.ts';
import { desiredPasswordPolicy } from '../../src/core/baseline.ts';
import type { Change } from '../../src/core/changes.ts';
import { AppError } from '../../src/core/errors.ts';
import type { LiveAccountCreation } from '../../src/core/model.ts';
import { computePlan } from '../../src/core/plan.ts';
import type { Target } from '../../src/ports/target.ts';
import { renderApplyReport as renderApplyReportForPr } from '../../src/render/github-apply-report.ts';
import { parseApplyReport } from '../../src/render/github-inputs.ts';
import { aDesiredState, anAccount, aUser, someSettings } from '../support/builders.ts';
import { aPlan, aSandbox, MANAGED, type TempSandbox } from './fixtures.ts';
import { sandboxLockStore } from '../../src/adapters/sandbox/lock.ts';
import { acquireApplyLock, LEASE_MS } from '../../src/apply/apply-lock.ts';

const settings = someSettings();
const ADA = 'ada@example.gov.uk';
const BEN = 'ben@example.gov.uk';

const sandboxes: TempSandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.cleanup()));
});
async function sandbox(): Promise<TempSandbox> {
  const created = await aSandbox({ settings });
  sandboxes.push(created);
  return created;
}

function depsFor(target: Target, overrides: Partial<ApplyDeps> = {}): ApplyDeps {
  const policy = desiredPasswordPolicy(settings);
  return {
    target,
    settings,
    generatePassword: () => generatePassword(policy),
    onSecret: () => undefined,
    log: () => undefined,
    sleep: async () => undefined,
    now: () => new Date('2025-03-01T10:00:00.000Z'),
    allowMassDeletion: false,
    concurrency: 1,
    ...overrides,
  };
}

const lockLost = (): AppError =>
  new AppError('apply-lock-lost', 'This run no longer holds the apply lock (in the file x): its lease ended at 2025-03-01T10:01:30.000Z without a renewal. Another apply may run now, so this one starts no new change.');

const desired = () =>
  aDesiredState({
    settings,
    users: [aUser(ADA), aUser(BEN, { name: 'Ben Hughes', requested_by: BEN })],
    accounts: [anAccount('team-production', { bootstrap: { users: [ADA, BEN] } }, settings)],
  });

describe('a run whose signal aborts', () => {
  it('finishes the change in flight, starts no other, says what it left undone; the next run resumes it', async () => {
    const s = await sandbox();
    const stop = new AbortController();
    const created: string[] = [];
    // The lock is lost while the first user is being created (its request in flight).
    const usersAccount = Object.assign(Object.create(s.target.usersAccount) as Target['usersAccount'], {
      createUser: async (userName: string, tags: Record<string, string>) => {
        created.push(userName);
        if (created.length === 1) stop.abort(lockLost());
        return s.target.usersAccount.createUser(userName, tags);
      },
    });
    const target: Target = { ...s.target, usersAccount };
    const plan = computePlan(desired(), await readLiveState(s.target, settings));
    const report = await applyPlan(plan, depsFor(target, { signal: stop.signal }));

    expect(created).toEqual([ADA]);
    const outcome = (prefix: string) => report.results.filter((r) => r.summary.startsWith(prefix)).map((r) => `${r.status}${r.error ? ` ${r.error.code}` : ''}`);
    expect(outcome(`create user ${ADA} `)).toEqual(['done']);
    expect(outcome(`create user ${BEN} `)).toEqual(['skipped apply-stopped']);
    expect(outcome('create account team-production')).toEqual(['skipped apply-stopped']);
    const undone = report.results.filter((r) => r.error?.code === 'apply-stopped');
    expect(undone.length).toBeGreaterThanOrEqual(2); // Ben, the account, and what follows them
    expect(report.results.filter((r) => r.status === 'done' || r.error?.code === 'apply-stopped')).toHaveLength(report.results.length);
    expect(undone[0]?.error?.message).toBe(`not started: ${lockLost().message}`);
    expect(report.stopped).toBe(lockLost().message);

    const text = renderApplyReportText(report);
    expect(text.split('\n')[1]).toBe(
      `STOPPED before the end: ${lockLost().message} ${undone.length} changes were left undone (marked apply-stopped below); the next run resumes them.`,
    );
    expect(renderApplyReportMarkdown(report)).toContain('### Apply: stopped before the end');
    const pr = renderApplyReportForPr(parseApplyReport(JSON.stringify({ version: 1, results: report.results }), 'report.json'));
    expect(pr.split('\n')[0]).toBe(`## ⏹️ Apply to AWS stopped before the end: ${undone.length} of ${report.results.length} changes left undone`);

    // The next run (holding the lock) resumes: it applies what was left, then nothing is left.
    const next = await applyPlan(computePlan(desired(), await readLiveState(s.target, settings)), depsFor(s.target));
    expect(next.results.map((r) => r.status).filter((status) => status !== 'done')).toEqual([]);
    expect(next.results.filter((r) => r.summary.startsWith(`create user ${BEN} `))).toHaveLength(1);
    expect(computePlan(desired(), await readLiveState(s.target, settings)).changes).toEqual([]);
  });

  it('cuts a wait for AWS short: the account creation requested is left for the next run to find', async () => {
    const s = await sandbox();
    const stop = new AbortController();
    const organization = Object.assign(Object.create(s.target.organization) as Target['organization'], {
      describeAccountCreation: async (requestId: string): Promise<LiveAccountCreation> => ({ requestId, accountName: 'slow', state: 'IN_PROGRESS' }),
    });
    const change: Change = {
      kind: 'create-account',
      accountName: 'slow',
      email: 'aws-root+slow@example.gov.uk',
      ouPath: '/Workloads/Production',
      tags: MANAGED,
      bootstrapUsers: [],
      recipients: [ADA],
      roles: [],
      facets: [],
    };
    const sleeps: number[] = [];
    const report = await applyPlan(
      aPlan(s.target, [change]),
      depsFor(
        { ...s.target, organization },
        {
          signal: stop.signal,
          // The first back-off never ends by itself: only the stop ends it.
          sleep: (ms) => {
            sleeps.push(ms);
            stop.abort(new AppError('apply-stopped', 'The run was cancelled (SIGTERM).'));
            return new Promise(() => undefined);
          },
        },
      ),
    );
    expect(sleeps).toEqual([2000]);
    expect(report.results[0]).toMatchObject({
      status: 'failed',
      error: {
        code: 'apply-stopped',
        message: 'Stopped waiting: The run was cancelled (SIGTERM).',
        hint: 'The request was made; the next run finds it and carries on from where this one stopped.',
      },
    });
    expect(report.stopped).toBe('The run was cancelled (SIGTERM).');
  });

  it('with the apply lock: a request that outlasts the lease (no renewal ran) stops the run before its next change', async () => {
    const s = await sandbox();
    let now = Date.parse('2025-03-01T10:00:00Z');
    const lock = await acquireApplyLock({
      store: sandboxLockStore(s.dir),
      host: 'laptop',
      pid: 1,
      now: () => new Date(now),
      isRunning: () => true,
      newId: () => 'lock-1',
      log: () => undefined,
      // No renewal ever runs: the process is stalled, as when a laptop sleeps.
      every: () => () => undefined,
    });
    const usersAccount = Object.assign(Object.create(s.target.usersAccount) as Target['usersAccount'], {
      createUser: async (userName: string, tags: Record<string, string>) => {
        now += LEASE_MS;
        return s.target.usersAccount.createUser(userName, tags);
      },
    });
    const plan = computePlan(desired(), await readLiveState(s.target, settings));
    const report = await applyPlan(plan, depsFor({ ...s.target, usersAccount }, { signal: lock.lost, beforeChange: lock.check }));
    expect(report.results.filter((r) => r.summary.startsWith('create user ')).map((r) => r.status)).toEqual(['done', 'skipped']);
    expect(report.stopped).toMatch(/^This run no longer holds the apply lock \(in the file .*apply\.lock\): its lease ended at 2025-03-01T10:01:30\.000Z without a renewal\. Another apply may run now, so this one starts no new change\.$/);
    await lock.release();
  });

  it('an abort after the last change leaves nothing undone and the run is not stopped', async () => {
    const s = await sandbox();
    const stop = new AbortController();
    const plan = computePlan(desired(), await readLiveState(s.target, settings));
    const report = await applyPlan(plan, depsFor(s.target, { signal: stop.signal }));
    stop.abort(lockLost());
    expect(report.stopped).toBeUndefined();
    expect(report.results.every((r) => r.status === 'done')).toBe(true);
  });
});
