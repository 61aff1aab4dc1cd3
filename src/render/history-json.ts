/**
 * An access history as JSON for machines (`history --format json`). Object keys are sorted at
 * every level; what is unknown is `null`, never left out.
 *
 * Shape (version 1; a breaking change bumps `version`, fields may be added):
 *
 * ```
 * {
 *   "subject": { "type": "user", "userName": string } | { "type": "account", "accountName": string },
 *   "entries": [             // oldest first
 *     {
 *       "sha": string, "committedAt": string (ISO 8601),   // the commit (committedAt: the merge)
 *       "title": string,                  // the pull request's title, from the commit message
 *       "pullRequest": n | null,          // from GitHub's merge or squash message
 *       "file": string,                   // users/<email>.yaml or accounts/<name>.yaml
 *       "changes": [ { "kind": "file-added" } | { "kind": "file-changed", "fields": string[] }
 *                  | { "kind": "file-removed" }
 *                  | { "kind": "access-granted" | "access-revoked", "userName": string,
 *                      "accountName": string, "role": string, "roleKind": string } ],
 *       "requestedBy": string | null,     // the file's requested_by at that commit
 *       "approvers": string[] | null,     // GitHub logins; null when GitHub was not asked
 *       "applyRuns": [ { "workflowPath": string, "url": string, "status": string,
 *                        "conclusion": string | null } ] | null   // the apply workflow's runs of the commit
 *     }
 *   ],
 *   "notes": string[],
 *   "version": 1
 * }
 * ```
 */
import type { AccessHistory } from '../core/access-history.ts';
import { sortKeys } from './plan-json.ts';

export function renderHistoryJson(history: AccessHistory): string {
  const json = {
    version: 1,
    subject: history.subject,
    entries: history.entries.map((entry) => ({
      ...entry,
      pullRequest: entry.pullRequest ?? null,
      requestedBy: entry.requestedBy ?? null,
      approvers: entry.approvers ?? null,
      applyRuns: entry.applyRuns?.map((run) => ({ ...run, conclusion: run.conclusion ?? null })) ?? null,
    })),
    notes: history.notes,
  };
  return `${JSON.stringify(sortKeys(json), null, 2)}\n`;
}
