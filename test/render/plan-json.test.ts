import { describe, expect, it } from 'vitest';
import { renderPlanJson } from '../../src/render/plan-json.ts';
import { aPlan, EVERY_KIND } from './sample-plan.ts';
import { summarizeChange } from '../../src/render/change-summary.ts';

describe('renderPlanJson', () => {
  const plan = aPlan(EVERY_KIND, { unmanagedUsers: ['legacy'], notes: ['a note'] });

  it('round-trips', () => {
    // Every change carries the line a reviewer reads, for machines that show it.
    expect(JSON.parse(renderPlanJson(plan))).toEqual({ ...plan, changes: plan.changes.map((c) => ({ ...c, summary: summarizeChange(c.change) })) });
  });

  it('is version 1 with sorted keys, so the same plan always gives the same bytes', () => {
    const json = renderPlanJson(plan);
    expect(JSON.parse(json).version).toBe(1);
    expect(Object.keys(JSON.parse(json))).toEqual(['baseline', 'changes', 'notes', 'unmanagedUsers', 'version']);
    const reordered = { notes: plan.notes, unmanagedUsers: plan.unmanagedUsers, changes: plan.changes, baseline: plan.baseline, version: 1 as const };
    expect(renderPlanJson(reordered)).toBe(json);
    expect(json.endsWith('}\n')).toBe(true);
  });
});
