/**
 * The plan as JSON for machines (`plan --format json`). Object keys are sorted at every level, so
 * the same plan always gives the same bytes.
 *
 * Shape (version 1; a breaking change bumps `version`):
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
 *                         | "delete-user" | "suspend-user" | "update-password-policy" | "update-group" | "set-account-alias"
 *                         | "create-account" | "update-account" | "put-role" | "delete-role"
 *                         | "send-account-email" | "close-account", ... },  // see src/core/changes.ts
 *       "impact": "destructive" | "access" | "routine",
 *       "summary": string     // one line for people
 *     }
 *   ],
 *   "notes": string[],        // what a reviewer should know that is not a change
 *   "unmanagedUsers": string[], // IAM users without the managed-by tag: never touched
 *   "version": 1
 * }
 * ```
 *
 * No change carries a secret: temporary passwords are generated and emailed during apply only.
 */
import type { Plan } from '../core/changes.ts';
import { summarizeChange } from './change-summary.ts';

function sortKeys(value: unknown): unknown {
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

/** The plan as stable, indented JSON with `version: 1`, ending with a newline. */
export function renderPlanJson(plan: Plan): string {
  const changes = plan.changes.map((planned) => ({ ...planned, summary: summarizeChange(planned.change) }));
  return `${JSON.stringify(sortKeys({ ...plan, changes, version: 1 }), null, 2)}\n`;
}
