import { describe, expect, it } from 'vitest';
import { liveStateFromDesired } from '../../src/core/base-ref.ts';
import { computePlan } from '../../src/core/plan.ts';
import { aWarning } from '../../src/core/problems.ts';
import { renderPlanJson } from '../../src/render/plan-json.ts';
import { anAccount, aDesiredState } from '../support/builders.ts';
import { aPlan, EVERY_KIND } from './sample-plan.ts';
import { summarizeChange } from '../../src/render/change-summary.ts';

interface JsonPlan {
  version: number;
  changes: { change: Record<string, unknown>; impact: string; access: string; section: string; summary: string }[];
  totals: { create: number; change: number; delete: number; byKind: Record<string, number>; byImpact: Record<string, number>; bySection: Record<string, number> };
  warnings: { file: string; line: number; col: number; rule: string; message: string }[];
  notes: string[];
  unmanagedUsers: string[];
}

describe('renderPlanJson', () => {
  const plan = aPlan(EVERY_KIND, { unmanagedUsers: ['legacy'], notes: ['a note'] });
  const json = JSON.parse(renderPlanJson(plan)) as JsonPlan;

  it('carries every change as planned, with its impact, access effect, section and summary', () => {
    expect(json.changes.map((c) => c.change)).toEqual(plan.changes.map((c) => c.change));
    expect(json.changes.map((c) => c.summary)).toEqual(plan.changes.map((c) => summarizeChange(c.change)));
    const narrowed = json.changes.find((c) => c.change['kind'] === 'put-role' && c.change['accountName'] === 'svc');
    expect(narrowed).toMatchObject({ access: 'removes', section: 'removes-access' });
    const moved = json.changes.find((c) => c.change['kind'] === 'update-account');
    expect(moved).toMatchObject({ impact: 'access', access: 'changes', section: 'grants-access' });
    expect(json.notes).toEqual(['a note']);
    expect(json.unmanagedUsers).toEqual(['legacy']);
  });

  it('totals the changes per kind, per impact and per section', () => {
    expect(json.totals).toEqual({
      create: 3,
      change: 7,
      delete: 3,
      byKind: {
        'close-account': 1,
        'create-account': 1,
        'create-user': 1,
        'delete-role': 1,
        'delete-user': 1,
        'put-role': 2,
        'reset-password': 1,
        'send-account-email': 1,
        'update-account': 1,
        'update-group': 1,
        'update-password-policy': 1,
        'update-user': 1,
      },
      byImpact: { destructive: 3, access: 9, routine: 1 },
      bySection: { destructive: 3, 'grants-access': 7, 'removes-access': 2, routine: 1 },
    });
  });

  it('includes validation warnings with their position', () => {
    const warning = aWarning('expiredUsersAreReported', 'users/x@softwire.com.yaml', { line: 6, col: 10 }, 'access expired on 2026-01-01');
    const withWarnings = JSON.parse(renderPlanJson(plan, { warnings: [warning] })) as JsonPlan;
    expect(withWarnings.warnings).toEqual([
      { file: 'users/x@softwire.com.yaml', line: 6, col: 10, rule: 'expiredUsersAreReported', message: 'access expired on 2026-01-01' },
    ]);
    expect(json.warnings).toEqual([]);
  });

  it('never puts a placeholder in accountId: a git baseline without ids says the id is not known', () => {
    const base = aDesiredState({ accounts: [anAccount('team-prod', { organizational_unit: '/Workloads/Staging' })] });
    const head = aDesiredState({ accounts: [anAccount('team-prod', { organizational_unit: '/Workloads/Production' })] });
    const gitPlan = computePlan(head, liveStateFromDesired(base, 'origin/main'));
    const moved = (JSON.parse(renderPlanJson(gitPlan)) as JsonPlan).changes.find((c) => c.change['kind'] === 'update-account');
    expect(moved?.change).toMatchObject({ accountName: 'team-prod', accountIdKnown: false, move: { from: '/Workloads/Staging', to: '/Workloads/Production' } });
    expect(moved?.change).not.toHaveProperty('accountId');
    // Known ids are kept, and say nothing more.
    expect(json.changes.find((c) => c.change['kind'] === 'close-account')?.change).toMatchObject({ accountId: '900000000004' });
    expect(json.changes.find((c) => c.change['kind'] === 'close-account')?.change).not.toHaveProperty('accountIdKnown');
  });

  it('is version 1 with sorted keys, so the same plan always gives the same bytes', () => {
    const text = renderPlanJson(plan);
    expect(json.version).toBe(1);
    expect(Object.keys(json)).toEqual(['baseline', 'changes', 'expiring', 'notes', 'totals', 'unmanagedUsers', 'version', 'warnings']);
    const reordered = { notes: plan.notes, unmanagedUsers: plan.unmanagedUsers, changes: plan.changes, baseline: plan.baseline, version: 1 as const };
    expect(renderPlanJson(reordered)).toBe(text);
    expect(text.endsWith('}\n')).toBe(true);
  });
});
