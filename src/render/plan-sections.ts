/**
 * How the renderers group a plan for a reviewer. The core ranks each change by impact
 * (destructive, access, routine); a reviewer also needs to tell access given from access taken
 * away, which the core's `access` impact does not say. This module is the one place that decides
 * it: `accessEffectOf` classifies each change, `planSections` turns that into the headings the text
 * and Markdown plans show, and the JSON plan carries the same classification.
 */
import type { Plan, PlannedChange } from '../core/changes.ts';
import { accessEffectOf } from './change-summary.ts';

export { accessEffectOf, type AccessEffect } from './change-summary.ts';

/** The headings of a rendered plan, in the order they are shown. */
export type PlanSectionId = 'destructive' | 'grants-access' | 'removes-access' | 'routine';

export const SECTION_ORDER: readonly PlanSectionId[] = ['destructive', 'grants-access', 'removes-access', 'routine'];

export const SECTION_TITLES: Readonly<Record<PlanSectionId, string>> = {
  destructive: '⚠ Destructive changes',
  'grants-access': 'Grants or changes access',
  'removes-access': 'Removes access',
  routine: 'Routine changes',
};

/**
 * Destructive changes keep their own heading (they remove access too, and more); otherwise what the
 * change does to access decides, so a narrowed trust policy is never shown as granting access.
 */
export function sectionOf(planned: PlannedChange): PlanSectionId {
  if (planned.impact === 'destructive') return 'destructive';
  const effect = accessEffectOf(planned.change);
  if (effect === 'grants' || effect === 'changes') return 'grants-access';
  if (effect === 'removes') return 'removes-access';
  return planned.impact === 'access' ? 'grants-access' : 'routine';
}

/** Every section in order, each with its changes in plan order (possibly none). */
export function planSections(plan: Plan): [PlanSectionId, PlannedChange[]][] {
  return SECTION_ORDER.map((id) => [id, plan.changes.filter((planned) => sectionOf(planned) === id)]);
}
