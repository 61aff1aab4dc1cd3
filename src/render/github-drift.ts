/**
 * The drift issue: what the next apply would change, and the unmanaged users, found by the scheduled
 * plan against AWS. Drift is reported for a person to review, never reverted silently.
 */
import type { Impact } from '../core/changes.ts';
import { IMPACT_ORDER } from '../core/changes.ts';
import type { ExpiringView, PlanView } from './github-inputs.ts';
import { cell, checkedBy, code, plural } from './github-markdown.ts';

export const DRIFT_ISSUE_TITLE = 'Drift: AWS does not match main';

export interface DriftContext {
  /** YYYY-MM-DD. */
  date: string;
  runUrl?: string;
}

const IMPACT_LABEL: Readonly<Record<Impact, string>> = {
  destructive: '🛑 destructive',
  access: '⚠️ access',
  routine: 'routine',
};

export function hasDrift(plan: PlanView): boolean {
  return plan.changes.length > 0 || plan.unmanagedUsers.length > 0;
}

function foundBy(context: DriftContext): string {
  return checkedBy(context, 'the scheduled drift check');
}

export function renderDriftIssue(plan: PlanView, context: DriftContext): string {
  const lines = [
    '## AWS does not match `main`',
    '',
    `${foundBy(context)} Nothing was changed. This issue is updated by every check and closed when AWS matches again.`,
  ];
  if (plan.baseline) lines.push('', `Compared against ${plan.baseline}.`);
  if (plan.changes.length > 0) {
    lines.push(
      '',
      `### ${plural(plan.changes.length, 'change')} the next apply would make`,
      '',
      'Either someone changed AWS by hand (fix it with a pull request that records the change, or let the next apply revert it), ' +
        'or an earlier apply did not finish (re-run the apply workflow).',
      '',
      '| impact | change |',
      '| --- | --- |',
    );
    const sorted = [...plan.changes].sort((a, b) => IMPACT_ORDER.indexOf(a.impact) - IMPACT_ORDER.indexOf(b.impact));
    for (const change of sorted) lines.push(`| ${IMPACT_LABEL[change.impact]} | ${cell(code(change.summary))} |`);
  }
  if (plan.unmanagedUsers.length > 0) {
    lines.push(
      '',
      `### ${plural(plan.unmanagedUsers.length, 'unmanaged user')}`,
      '',
      'These IAM users exist in the users account without the `managed-by` tag, so the tool never touches them. ' +
        'Add a file under `users/` for each one that should stay, or remove them by hand.',
      '',
      ...plan.unmanagedUsers.map((name) => `- ${code(name)}`),
    );
  }
  if (plan.notes.length > 0) lines.push('', '### Notes', '', ...plan.notes.map((note) => `- ${code(note)}`));
  if (plan.expiring.length > 0) lines.push('', renderExpiring(plan.expiring).trimEnd());
  return `${lines.join('\n')}\n`;
}

/**
 * Who expires in the next 30 days, for the drift issue and, when there is no drift, the job
 * summary: the requester extends `expires` with a pull request, or lets access end.
 */
export function renderExpiring(expiring: readonly ExpiringView[]): string {
  const when = (days: number): string => (days === 0 ? 'today' : `in ${plural(days, 'day')}`);
  return [
    `### ${plural(expiring.length, 'user')} expiring in the next 30 days`,
    '',
    'Warned 14 and 3 days before, suspended on the day by the daily lifecycle run. To keep access, move `expires` later with a pull request.',
    '',
    '| user | expires | requested by |',
    '| --- | --- | --- |',
    ...expiring.map((user) => `| ${code(user.userName)} | ${user.expires} (${when(user.days)}) | ${code(user.requestedBy)} |`),
    '',
  ].join('\n');
}

export function renderDriftResolved(context: DriftContext): string {
  return `AWS matches \`main\` again. ${foundBy(context)} Closing.\n`;
}
