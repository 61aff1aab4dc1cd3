/**
 * The access review as GitHub Markdown (`report --format markdown`, the step summary and the
 * Access review issue): the totals, then one table per severity, most urgent first. Names are code
 * spans and every other text is escaped: user names and facts come from IAM and the files.
 */
import type { AccessReview } from '../core/access-review.ts';
import { cell, code } from './github-markdown.ts';
import { escapeMarkdown } from './plan-markdown.ts';
import { describeBaseline } from './plan-text.ts';
import { describeSubject, describeThresholds, findingsBySeverity, reviewTotalsLine, SEVERITY_TITLES } from './review-text.ts';

export function renderReviewMarkdown(review: AccessReview): string {
  const lines = [
    '## Access review',
    '',
    `Checked on ${review.today} against ${escapeMarkdown(describeBaseline(review.baseline))}.`,
    '',
    `**${escapeMarkdown(reviewTotalsLine(review))}**`,
  ];
  for (const [severity, findings] of findingsBySeverity(review)) {
    if (findings.length === 0) continue;
    lines.push('', `### ${SEVERITY_TITLES[severity]} (${findings.length})`, '', '| finding | user or role | fact | what to do |', '| --- | --- | --- | --- |');
    for (const finding of findings) {
      // escapeMarkdown escapes pipes itself; code spans need cell() for theirs.
      const row = [cell(code(finding.kind)), cell(code(describeSubject(finding.subject))), escapeMarkdown(finding.fact), escapeMarkdown(finding.action)];
      lines.push(`| ${row.join(' | ')} |`);
    }
  }
  if (review.notes.length > 0) lines.push('', '### Notes', '', ...review.notes.map((note) => `- ${escapeMarkdown(note)}`));
  lines.push('', `<sub>Thresholds: ${escapeMarkdown(describeThresholds(review.thresholds))}.</sub>`);
  return `${lines.join('\n')}\n`;
}
