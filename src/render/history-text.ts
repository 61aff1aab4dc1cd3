/**
 * An access history as terminal text: one block per commit, oldest first (date, pull request,
 * commit, what changed; then who requested it and who approved it), then the notes. Also the
 * wording the Markdown renderer shares.
 */
import type { AccessHistory, HistoryChange, HistoryChangeKind, HistoryEntry, HistorySubject } from '../core/access-history.ts';
import { accountFilePath, ACCOUNTS_DIRECTORY, userFilePath } from '../core/access-history.ts';
import { createPalette } from './color.ts';
import { plural, shortSha } from './github-markdown.ts';
import type { TextOptions } from './plan-text.ts';

/** `notify-admin (admin)`, or `bootstrap` for the bootstrap role. */
function describeRole(change: { role: string; roleKind: string }): string {
  return change.role === change.roleKind ? change.role : `${change.role} (${change.roleKind})`;
}

/** Each change kind's wording, as seen from the history's subject (a user, or an account). */
const CHANGE_WORDING = {
  'file-added': () => 'file added',
  'file-changed': (change) => (change.fields.length === 0 ? 'file changed (formatting only)' : `file changed: ${change.fields.join(', ')}`),
  'file-removed': () => 'file removed',
  'access-granted': (change, subject) =>
    subject.type === 'user' ? `may assume ${describeRole(change)} in ${change.accountName}` : `${change.userName} may assume ${describeRole(change)}`,
  'access-revoked': (change, subject) =>
    subject.type === 'user'
      ? `may no longer assume ${describeRole(change)} in ${change.accountName}`
      : `${change.userName} may no longer assume ${describeRole(change)}`,
} satisfies { [K in HistoryChangeKind]: (change: Extract<HistoryChange, { kind: K }>, subject: HistorySubject) => string };

export function describeChange(change: HistoryChange, subject: HistorySubject): string {
  const wording = CHANGE_WORDING[change.kind] as (change: HistoryChange, subject: HistorySubject) => string;
  return wording(change, subject);
}

/** `ada@example.gov.uk (users/ada@example.gov.uk.yaml, and the account files naming them)`. */
export function describeHistorySubject(subject: HistorySubject): string {
  return subject.type === 'user'
    ? `${subject.userName} (${userFilePath(subject.userName)}, and the account files naming them)`
    : `account ${subject.accountName} (${accountFilePath(subject.accountName)})`;
}

/**
 * `requested by lead@example.gov.uk; approved by alice, bob`. An account file names who asked for
 * the account, not for each role in it: said as such.
 */
export function describeApproval(entry: HistoryEntry): string {
  const whose = entry.file.startsWith(ACCOUNTS_DIRECTORY) ? 'account requested by' : 'requested by';
  const requested = entry.requestedBy === undefined ? 'no requested_by in the file' : `${whose} ${entry.requestedBy}`;
  const approved =
    entry.pullRequest === undefined
      ? 'not merged through a pull request'
      : entry.approvers === undefined
        ? 'approvers not looked up'
        : entry.approvers.length === 0
          ? 'no approval at merge time'
          : `approved by ${entry.approvers.join(', ')}`;
  return `${requested}; ${approved}`;
}

/** `applied by https://github.com/.../actions/runs/1 (success)`; `undefined` when GitHub was not asked. */
export function describeApplyRuns(entry: HistoryEntry): string | undefined {
  if (entry.applyRuns === undefined) return undefined;
  if (entry.applyRuns.length === 0) return 'no apply run for this commit';
  return `apply run ${entry.applyRuns.map((run) => `${run.url} (${run.conclusion ?? run.status})`).join(', ')}`;
}

export function historyTotalsLine(history: AccessHistory): string {
  return history.entries.length === 0 ? 'No commit changed this access yet.' : `${plural(history.entries.length, 'change')}, oldest first.`;
}

export function renderHistoryText(history: AccessHistory, options: TextOptions): string {
  const p = createPalette(options.color);
  const lines = [p.bold(`History of ${describeHistorySubject(history.subject)}, from git`), historyTotalsLine(history)];
  for (const entry of history.entries) {
    const pr = entry.pullRequest === undefined ? 'no PR' : `#${entry.pullRequest}`;
    lines.push('', `${entry.committedAt.slice(0, 10)}  ${pr}  ${shortSha(entry.sha)}  ${entry.file}`);
    for (const change of entry.changes) lines.push(`    ${describeChange(change, history.subject)}`);
    lines.push(p.dim(`    ${describeApproval(entry)}`));
    const runs = describeApplyRuns(entry);
    if (runs !== undefined) lines.push(p.dim(`    ${runs}`));
    lines.push(p.dim(`    title: ${entry.title}`));
  }
  if (history.notes.length > 0) {
    lines.push('', p.bold('Notes'));
    for (const note of history.notes) lines.push(`  • ${note}`);
  }
  return `${lines.join('\n')}\n`;
}
