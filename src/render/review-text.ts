/**
 * The access review as terminal text: what was read and when, the thresholds, then the findings
 * by severity (most urgent first), each with its fact and what to do; notes; a one-line total.
 * Also the wording the Markdown renderer shares.
 */
import { SEVERITY_ORDER, type AccessReview, type Finding, type FindingSubject, type ReviewThresholds, type Severity } from '../core/access-review.ts';
import { createPalette } from './color.ts';
import { plural } from './github-markdown.ts';
import { describeBaseline, type TextOptions } from './plan-text.ts';

export const SEVERITY_TITLES: Readonly<Record<Severity, string>> = {
  high: 'High: fix now',
  medium: 'Medium: fix this month',
  low: 'Low: for information',
};

/** `ada@example.gov.uk`, or `bootstrap in notify-staging (123456789012)`. */
export function describeSubject(subject: FindingSubject): string {
  return subject.type === 'user' ? subject.userName : `${subject.roleName} in ${subject.accountName} (${subject.accountId})`;
}

export function describeThresholds(t: ReviewThresholds): string {
  return (
    `MFA and first use within ${plural(t.graceDays, 'day')}; unused after ${plural(t.unusedDays, 'day')}; ` +
    `access keys older than ${plural(t.accessKeyMaxAgeDays, 'day')}; expiring within ${plural(t.expiringWithinDays, 'day')}; ` +
    `bootstrap roles older than ${plural(t.bootstrapRoleMaxAgeDays, 'day')}; access approved more than ${plural(t.recertifyAfterDays, 'day')} ago ` +
    '(settings.yaml access_review)'
  );
}

export function findingsBySeverity(review: AccessReview): [Severity, Finding[]][] {
  return SEVERITY_ORDER.map((severity) => [severity, review.findings.filter((finding) => finding.severity === severity)]);
}

/** `2 high, 3 medium, 1 low findings; 7 users and 2 bootstrap roles checked.` */
export function reviewTotalsLine(review: AccessReview): string {
  const checked = `${plural(review.checked.users, 'user')} and ${plural(review.checked.bootstrapRoles, 'bootstrap role')} checked`;
  if (review.findings.length === 0) return `No findings: ${checked}.`;
  const counts = findingsBySeverity(review)
    .filter(([, findings]) => findings.length > 0)
    .map(([severity, findings]) => `${findings.length} ${severity}`);
  return `${counts.join(', ')} ${review.findings.length === 1 ? 'finding' : 'findings'}; ${checked}.`;
}

export function renderReviewText(review: AccessReview, options: TextOptions): string {
  const p = createPalette(options.color);
  const lines = [`Access review on ${review.today} of ${describeBaseline(review.baseline)}`, p.dim(`Thresholds: ${describeThresholds(review.thresholds)}`)];
  for (const [severity, findings] of findingsBySeverity(review)) {
    if (findings.length === 0) continue;
    const title = `${SEVERITY_TITLES[severity]} (${findings.length})`;
    lines.push('', severity === 'high' ? p.bold(p.red(title)) : severity === 'medium' ? p.bold(p.yellow(title)) : p.bold(title));
    for (const finding of findings) {
      lines.push(`  [${finding.kind}] ${describeSubject(finding.subject)}: ${finding.fact}`);
      lines.push(p.dim(`      what to do: ${finding.action}`));
    }
  }
  if (review.notes.length > 0) {
    lines.push('', p.bold('Notes'));
    for (const note of review.notes) lines.push(`  • ${note}`);
  }
  lines.push('', p.bold(reviewTotalsLine(review)));
  return `${lines.join('\n')}\n`;
}
