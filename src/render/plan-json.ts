/**
 * The plan as JSON for machines (`plan --format json`). Object keys are sorted at every level, so
 * the same plan always gives the same bytes.
 *
 * Shape (version 1; a breaking change bumps `version`, fields may be added):
 *
 * ```
 * {
 *   "baseline": { "kind": "sandbox", "path": string }
 *             | { "kind": "aws", "usersAccountId": string, "managementAccountId": string,
 *                 "usersPrincipalArn"?: string, "managementPrincipalArn"?: string }   // verified by STS
 *             | { "kind": "git", "ref": string },
 *   "changes": [            // sorted: destructive, access, routine; then kind; then name
 *     {
 *       "change": { "kind": "create-user" | "adopt-user" | "update-user" | "reset-password" | "notify-requester"
 *                         | "warn-expiry" | "delete-user" | "suspend-user" | "update-password-policy" | "update-group"
 *                         | "set-account-alias" | "create-account" | "update-account" | "put-role" | "delete-role"
 *                         | "put-account-facet" | "delete-account-facet"
 *                         | "notify-bootstrap-users" | "send-account-email" | "close-account", ... },
 *                 // see src/core/changes.ts. "accountId" is always a 12-digit account number:
 *                 // when the baseline does not know it (a git ref whose file gives no id, so the
 *                 // account may not be created yet) it is absent and "accountIdKnown" is false.
 *       "impact": "destructive" | "access" | "routine",
 *       "access": "grants" | "changes" | "removes" | "none",  // src/render/plan-sections.ts
 *       "section": "destructive" | "grants-access" | "removes-access" | "routine", // its heading
 *       "summary": string,    // one line for people
 *       "parts"?: [           // what it is made of (a new account's roles), each worded and ranked
 *                             // as on its own (a put-role without an account id); absent when none
 *         { "change": {...}, "impact": ..., "access": ..., "summary": string, "details": string[] }
 *       ]
 *     }
 *   ],
 *   "totals": {
 *     "create": number, "change": number, "delete": number,   // as the plan's last line says
 *     "byKind": { "<change kind>": number },                     // kinds with at least one change
 *     "byImpact": { "destructive": number, "access": number, "routine": number },
 *     "bySection": { "destructive": number, "grants-access": number, "removes-access": number, "routine": number }
 *   },
 *   "warnings": [             // validation warnings about the files (valid, but worth a look)
 *     { "file": string, "line": number, "col": number, "rule": string, "message": string }
 *   ],
 *   "notes": string[],        // what a reviewer should know that is not a change
 *   "unmanagedUsers": string[], // IAM users without the managed-by tag: never touched
 *   "expiring": [             // users whose expires is within 30 days (0: today), soonest first
 *     { "userName": string, "expires": "YYYY-MM-DD", "days": number, "requestedBy": string }
 *   ],
 *   "version": 1
 * }
 * ```
 *
 * No change carries a secret: temporary passwords are generated and emailed during apply only.
 */
import { IMPACT_ORDER, type Change, type Plan } from '../core/changes.ts';
import type { Problem } from '../core/problems.ts';
import { accessEffectOf, SECTION_ORDER, sectionOf } from './plan-sections.ts';
import { countPlan } from './plan-text.ts';
import { changeDetails, summarizeChange } from './change-summary.ts';
import { impactOf, partsOf } from '../core/change-kinds.ts';

export interface JsonOptions {
  /** Validation warnings about the files, from loading them. */
  warnings?: readonly Problem[];
}

/** A value with object keys sorted at every level (undefined fields dropped): the same value, the same bytes. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(record).sort()) {
      if (record[key] !== undefined) out[key] = sortKeys(record[key]);
    }
    return out;
  }
  return value;
}

const ACCOUNT_ID = /^\d{12}$/;

/** The change as JSON: an account id the baseline does not know is left out, never a placeholder. */
function changeJson(change: Change): Record<string, unknown> {
  if (!('accountId' in change) || ACCOUNT_ID.test(change.accountId)) return { ...change };
  const { accountId: _placeholder, ...rest } = change;
  return { ...rest, accountIdKnown: false };
}

/** The parts of a change (core/change-kinds.ts, partsOf), each as the change it would be on its own. */
function partsJson(change: Change): { parts?: Record<string, unknown>[] } {
  const parts = partsOf(change);
  if (parts.length === 0) return {};
  return {
    parts: parts.map((part) => ({
      change: changeJson(part),
      impact: impactOf(part),
      access: accessEffectOf(part),
      summary: summarizeChange(part),
      details: changeDetails(part),
    })),
  };
}

function countBy<K extends string>(keys: readonly K[], values: readonly K[]): Record<K, number> {
  const counts = Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
  for (const value of values) counts[value] += 1;
  return counts;
}

/** The plan as stable, indented JSON with `version: 1`, ending with a newline. */
export function renderPlanJson(plan: Plan, options: JsonOptions = {}): string {
  const byKind: Record<string, number> = {};
  for (const { change } of plan.changes) byKind[change.kind] = (byKind[change.kind] ?? 0) + 1;
  const json = {
    version: 1,
    baseline: plan.baseline,
    changes: plan.changes.map((planned) => ({
      change: changeJson(planned.change),
      impact: planned.impact,
      access: accessEffectOf(planned.change),
      section: sectionOf(planned),
      summary: summarizeChange(planned.change),
      ...partsJson(planned.change),
    })),
    totals: {
      ...countPlan(plan),
      byKind,
      byImpact: countBy(IMPACT_ORDER, plan.changes.map((c) => c.impact)),
      bySection: countBy(SECTION_ORDER, plan.changes.map(sectionOf)),
    },
    warnings: (options.warnings ?? []).map(({ file, line, col, rule, message }) => ({ file, line, col, rule, message })),
    notes: plan.notes,
    unmanagedUsers: plan.unmanagedUsers,
    expiring: plan.expiring ?? [],
  };
  return `${JSON.stringify(sortKeys(json), null, 2)}\n`;
}
