/**
 * How the renderers group a plan for a reviewer. The core ranks each change by impact
 * (destructive, access, routine); a reviewer also needs to tell access given from access taken
 * away, which the core's `access` impact does not say. This module is the one place that decides
 * it: `accessEffectOf` classifies each change, `planSections` turns that into the headings the text
 * and Markdown plans show, and the JSON plan carries the same classification.
 */
import { assertNever, type Change, type Plan, type PlannedChange } from '../core/changes.ts';
import { diffRole } from '../core/roles.ts';
import { impactOf } from '../core/plan.ts';

/**
 * What a change does to who may do what:
 * - `grants`: someone gets access, or more of it (a new user, a password, trust for a new user,
 *   a role, the group's policies written);
 * - `changes`: access changes in a way that is neither simply more nor less (an account moving to
 *   another OU gets that OU's policies; the password rules change);
 * - `removes`: access is taken away (a user deleted or leaving other groups, trust narrowed, a
 *   policy detached, a role or account removed);
 * - `none`: bookkeeping (tags, emails, the first account alias).
 * A change that both grants and removes is `grants`: the more dangerous half decides.
 */
export type AccessEffect = 'grants' | 'changes' | 'removes' | 'none';

export function accessEffectOf(change: Change): AccessEffect {
  switch (change.kind) {
    case 'create-user':
    case 'reset-password':
    case 'create-account':
      return 'grants';
    case 'update-user':
      if (change.addGroups.length > 0) return 'grants';
      return change.removeGroups.length + change.detachPolicies.length + change.deletePolicies.length > 0 ? 'removes' : 'none';
    case 'update-group':
      if (change.create || Object.keys(change.putPolicies).length > 0) return 'grants';
      return change.deletePolicies.length + change.detachPolicies.length > 0 ? 'removes' : 'none';
    case 'put-role': {
      if (change.before === undefined) return 'grants';
      const diff = diffRole(change.before, change.after);
      if (diff.trustWidens || diff.permissionsWiden || diff.attach.length > 0) return 'grants';
      return diff.trustNarrows || diff.permissionsNarrow || diff.detach.length + diff.deletePolicies.length > 0 ? 'removes' : 'none';
    }
    case 'adopt-user':
      // The project takes the user over: joining the group grants, losing access outside it removes.
      if (change.addGroups.length > 0) return 'grants';
      return change.removeGroups.length + change.detachPolicies.length + change.deletePolicies.length > 0 ? 'removes' : 'changes';
    case 'set-account-alias':
      // A new alias changes everyone's sign-in URL; setting the first one breaks nothing.
      return change.from === undefined ? 'none' : 'changes';
    case 'update-password-policy':
      return 'changes';
    case 'update-account':
      return change.move === undefined && change.adopt === undefined ? 'none' : 'changes';
    case 'delete-user':
    case 'suspend-user':
    case 'delete-role':
    case 'close-account':
      return 'removes';
    case 'put-account-facet':
    case 'delete-account-facet':
      // A setting (who AWS tells about security events, ...) grants no access; one the source ranks
      // `access` still changes who hears about it.
      return impactOf(change) === 'access' ? 'changes' : 'none';
    case 'send-account-email':
    case 'notify-requester':
    case 'notify-bootstrap-users':
    case 'warn-expiry':
      return 'none';
    default:
      return assertNever(change);
  }
}

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
