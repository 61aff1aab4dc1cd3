/**
 * The access review as JSON for machines (`report --format json`), read back by the Access review
 * issue command. Object keys are sorted at every level.
 *
 * Shape (version 1; a breaking change bumps `version`, fields may be added):
 *
 * ```
 * {
 *   "baseline": { "kind": "sandbox" | "aws" | "git", ... },   // as in the plan's JSON
 *   "today": "YYYY-MM-DD",
 *   "thresholds": { "graceDays": n, "unusedDays": n, "accessKeyMaxAgeDays": n,
 *                   "expiringWithinDays": n, "bootstrapRoleMaxAgeDays": n, "recertifyAfterDays": n },
 *   "checked": { "users": n, "bootstrapRoles": n },
 *   "findings": [            // most severe first, then by kind, then by name
 *     {
 *       "kind": "expired-with-access" | "no-mfa" | "unmanaged-user" | "password-unused" | "access-key-unused"
 *             | "access-key-old" | "bootstrap-role-old" | "recertification-due" | "expiring-soon"
 *             | "expired-suspended",
 *       "severity": "high" | "medium" | "low",                    // fixed per kind
 *       "subject": { "type": "user", "userName": string }
 *                | { "type": "role", "roleName": string, "accountName": string, "accountId": string },
 *       "fact": string,      // what is true, with its dates
 *       "action": string     // what to do
 *     }
 *   ],
 *   "totals": { "high": n, "medium": n, "low": n, "byKind": { "<kind>": n } },
 *   "notes": string[],       // what could not be checked, and why
 *   "version": 1
 * }
 * ```
 */
import { SEVERITY_ORDER, type AccessReview } from '../core/access-review.ts';
import { sortKeys } from './plan-json.ts';

export function renderReviewJson(review: AccessReview): string {
  const bySeverity = Object.fromEntries(SEVERITY_ORDER.map((severity) => [severity, review.findings.filter((f) => f.severity === severity).length]));
  const byKind: Record<string, number> = {};
  for (const finding of review.findings) byKind[finding.kind] = (byKind[finding.kind] ?? 0) + 1;
  const json = {
    version: 1,
    baseline: review.baseline,
    today: review.today,
    thresholds: review.thresholds,
    checked: review.checked,
    findings: review.findings,
    totals: { ...bySeverity, byKind },
    notes: review.notes,
  };
  return `${JSON.stringify(sortKeys(json), null, 2)}\n`;
}
