/**
 * The convergence property: applying a plan, then planning again against the same target, gives
 * no changes. Runs sequences of random desired states (seeded, so failures reproduce) through the
 * real planner and the sandbox, the way files evolve over many merged pull requests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.ts';
import { generatePassword } from '../../src/apply/password.ts';
import { desiredPasswordPolicy } from '../../src/core/baseline.ts';
import type { AccountFile, DesiredAccount, DesiredState, DesiredUser } from '../../src/core/model.ts';
import { computePlan } from '../../src/core/plan.ts';
import { readLiveState } from '../../src/apply/read-live-state.ts';
import { aDesiredState, anAccount, aUser, someSettings, summaryOf } from '../support/builders.ts';
import { aSandbox, type TempSandbox } from './fixtures.ts';
import { seededRandom } from '../support/random.ts';

const settings = someSettings();
const USERS = Array.from({ length: 7 }, (_, i) => `user${i}@example.gov.uk`);
const ACCOUNTS = ['alpha', 'bravo', 'charlie', 'delta'];
const OUS = ['/', '/Workloads/Production', '/Sandbox'];

interface AccountMemory {
  state: AccountFile['state'];
}

/** The next desired state: files change the way the validator allows (accounts are never dropped, closed stays closed). */
/** The day of each step; expiry dates fall around it. */
const DAYS = ['2025-03-01', '2025-03-02', '2025-03-03', '2025-03-04', '2025-03-05', '2025-03-06'];
const EXPIRES = ['2025-03-01', '2025-03-02', '2025-03-03', '2025-03-04', '2025-03-05', '2025-03-06', '2025-03-07'];

/**
 * `existing`: users of the previous step (they exist once it converged): only they may have an
 * expiry date that is not after `today` (a new file with one is refused).
 */
function nextDesired(rand: () => number, accounts: Map<string, AccountMemory>, existing: ReadonlySet<string> = new Set(), today = DAYS[0] ?? ''): DesiredState {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const userNames = USERS.filter(() => rand() < 0.6);
  if (userNames.length === 0) userNames.push(pick(USERS));
  const users: DesiredUser[] = userNames.map((email) =>
    aUser(email, {
      name: pick(['Ada Lovelace', 'Grace Hopper']),
      team: pick(['platform', 'data']),
      requested_by: pick([email, 'lead@example.gov.uk']),
      ...(rand() < 0.3 ? { password_reset: pick(['2025-01-01', '2025-02-01']) } : {}),
      ...(rand() < 0.3 ? { github: 'octocat' } : {}),
      ...(rand() < 0.5 ? { expires: pick(EXPIRES.filter((date) => existing.has(email) || date > today)) } : {}),
    }),
  );

  const desiredAccounts: DesiredAccount[] = [];
  for (const name of ACCOUNTS) {
    const memory = accounts.get(name);
    if (memory === undefined && rand() < 0.5) continue;
    const state: AccountFile['state'] = memory?.state === 'closed' || (memory !== undefined && rand() < 0.2) ? 'closed' : 'active';
    accounts.set(name, { state });
    const trusted = userNames.filter(() => rand() < 0.5);
    const bootstrap =
      rand() < 0.2 || trusted.length === 0 ? { state: 'removed' as const, users: [] } : { users: trusted };
    desiredAccounts.push(
      anAccount(
        name,
        {
          organizational_unit: pick(OUS),
          bootstrap,
          state,
          ...(rand() < 0.5 ? { tags: { 'service-name': pick(['GOV.UK', 'Notify']) } } : {}),
        },
        settings,
      ),
    );
  }
  return aDesiredState({ settings, users, accounts: desiredAccounts });
}

const sandboxes: TempSandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.cleanup()));
});

describe('apply, then plan again', () => {
  const kinds = new Set<string>();

  it.each([1, 2, 3, 4, 5, 6])('converges in one apply at every step (seed %i)', async (seed) => {
    const s = await aSandbox({ settings, ouPaths: OUS });
    sandboxes.push(s);
    const rand = seededRandom(seed);
    const accounts = new Map<string, AccountMemory>();
    const policy = desiredPasswordPolicy(settings);
    let existing = new Set<string>();
    for (let step = 0; step < 6; step += 1) {
      const today = DAYS[step] ?? '';
      const desired = nextDesired(rand, accounts, existing, today);
      existing = new Set(desired.users.keys());
      const plan = computePlan(desired, await readLiveState(s.target, settings), { today });
      for (const { change } of plan.changes) kinds.add(change.kind);
      const secrets: string[] = [];
      const logs: string[] = [];
      const report = await applyPlan(plan, {
        target: s.target,
        settings,
        generatePassword: () => generatePassword(policy),
        onSecret: (secret) => secrets.push(secret),
        log: (line) => logs.push(line),
        sleep: async () => {},
        now: () => new Date('2025-03-01T10:00:00Z'),
        allowMassDeletion: true,
      });
      const failed = report.results.filter((r) => r.status !== 'done');
      expect(failed, `seed ${seed} step ${step}`).toEqual([]);
      const again = computePlan(desired, await readLiveState(s.target, settings), { today });
      expect(again.changes.map((c) => summaryOf(c)), `seed ${seed} step ${step}`).toEqual([]);
      const visible = logs.join('\n') + JSON.stringify(report) + (await s.stateText());
      for (const secret of secrets) expect(visible.includes(secret)).toBe(false);
    }
  });

  it('was not vacuous: the sequences exercised every kind of change', () => {
    expect([...kinds].sort()).toEqual(
      expect.arrayContaining([
        'close-account',
        'create-account',
        'create-user',
        'delete-role',
        'delete-user',
        'put-role',
        'reset-password',
        'suspend-user',
        'update-account',
        'update-user',
        'warn-expiry',
        'notify-bootstrap-users',
      ]),
    );
  });
});
