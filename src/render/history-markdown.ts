/**
 * An access history as GitHub Markdown (`history --format markdown`): one table row per commit,
 * oldest first. Pull request numbers are left as `#123` so GitHub links them; everything else that
 * came from files or commits is a code span or escaped, and logins are code so nobody is mentioned.
 */
import type { AccessHistory } from '../core/access-history.ts';
import { cell, code, shortSha } from './github-markdown.ts';
import { escapeMarkdown } from './plan-markdown.ts';
import { describeChange, describeHistorySubject, historyTotalsLine } from './history-text.ts';

export function renderHistoryMarkdown(history: AccessHistory): string {
  const lines = [`## History of ${escapeMarkdown(describeHistorySubject(history.subject))}`, '', escapeMarkdown(historyTotalsLine(history))];
  if (history.entries.length > 0) {
    lines.push('', '| merged | pull request | commit | file | change | requested by | approved by | apply run |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const entry of history.entries) {
      const approvers =
        entry.pullRequest === undefined ? 'no pull request' : entry.approvers === undefined ? 'not looked up' : entry.approvers.length === 0 ? 'nobody' : entry.approvers.map(code).join(', ');
      const row = [
        entry.committedAt.slice(0, 10),
        entry.pullRequest === undefined ? '' : `#${entry.pullRequest}`,
        code(shortSha(entry.sha)),
        code(entry.file),
        entry.changes.map((change) => escapeMarkdown(describeChange(change, history.subject))).join('<br>'),
        entry.requestedBy === undefined ? '' : code(entry.requestedBy),
        approvers,
        // Links only to GitHub's own run pages: the URL came from GitHub's API.
        entry.applyRuns === undefined ? '' : entry.applyRuns.map((run) => `[${escapeMarkdown(run.conclusion ?? run.status)}](${run.url})`).join(', ') || 'none',
      ];
      lines.push(`| ${row.map(cell).join(' | ')} |`);
    }
  }
  if (history.notes.length > 0) lines.push('', '### Notes', '', ...history.notes.map((note) => `- ${escapeMarkdown(note)}`));
  return `${lines.join('\n')}\n`;
}
