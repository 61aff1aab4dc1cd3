/**
 * The apply outcome as Markdown, for the merged pull request and the job summary.
 *
 * Only each change's summary, its status and its error *code* are shown. Error messages stay in the
 * run log: they come from AWS and from our adapters, could quote anything a call was given, and a PR
 * comment is neither masked by GitHub Actions nor private. The log is, and it is one click away.
 */
import { isApproved, type ApprovalRecord } from '../core/approval.ts';
import type { ApplyReportView, ResultStatus } from './github-inputs.ts';
import { cell, code, plural, shortSha } from './github-markdown.ts';

export interface ApplyReportContext {
  sha?: string;
  runUrl?: string;
}

const ICON: Readonly<Record<ResultStatus, string>> = { done: '✅', failed: '❌', skipped: '⏭️' };

export function hasFailures(report: ApplyReportView): boolean {
  return report.results.some((r) => r.status === 'failed');
}

function where(context: ApplyReportContext): string {
  const parts: string[] = [];
  if (context.sha) parts.push(`commit ${code(shortSha(context.sha))}`);
  if (context.runUrl) parts.push(`[run log](${context.runUrl})`);
  return parts.length > 0 ? `${parts.join(' · ')}\n\n` : '';
}

export function renderApplyReport(report: ApplyReportView, context: ApplyReportContext = {}): string {
  const count = (status: ResultStatus) => report.results.filter((r) => r.status === status).length;
  const failed = count('failed');
  const total = report.results.length;
  // A run that lost its lock or was cancelled (src/apply/apply-plan.ts, `apply-stopped`).
  const undone = report.results.filter((r) => r.errorCode === 'apply-stopped').length;
  const title =
    total === 0
      ? '## ✅ Applied to AWS: nothing to change'
      : undone > 0
        ? `## ⏹️ Apply to AWS stopped before the end: ${undone} of ${plural(total, 'change')} left undone`
        : failed > 0
        ? `## ❌ Apply to AWS failed: ${failed} of ${plural(total, 'change')} failed`
        : `## ✅ Applied to AWS: ${plural(count('done'), 'change')} done`;
  const lines = [title, '', where(context).trimEnd()];
  if (report.approval !== undefined) lines.push('', ...approvalLines(report.approval));
  if (total > 0) {
    lines.push('', '| | change | result |', '| --- | --- | --- |');
    for (const result of report.results) {
      const outcome =
        result.status === 'failed' || result.errorCode === 'apply-stopped'
          ? `${result.status}: ${code(result.errorCode ?? 'error')}`
          : result.warningCount > 0
            ? `${result.status}, ${plural(result.warningCount, 'warning')} (see the run log)`
            : result.status;
      lines.push(`| ${ICON[result.status]} | ${cell(code(result.summary))} | ${cell(outcome)} |`);
    }
  }
  if (undone > 0) {
    lines.push('', 'The run stopped before these changes (it lost the apply lock, or it was cancelled; the run log says which). The next run resumes them.');
  }
  if (failed > 0) {
    lines.push(
      '',
      'Error details are in the run log (not copied here, so that nothing sensitive reaches a comment). ' +
        'Apply is safe to re-run: fix the cause, then re-run the workflow or merge a fix; skipped changes are retried.',
    );
  }
  if (count('skipped') > 0 && failed === 0 && undone === 0) {
    lines.push('', 'Skipped changes are retried on the next run.');
  }
  return `${lines.filter((line, i, all) => !(line === '' && all[i - 1] === '')).join('\n').trim()}\n`;
}

/**
 * Who asked for and approved what this run applied: every change of one run comes from the same
 * commit. Logins are code, not @mentions, so the report pings nobody.
 */
function approvalLines(record: ApprovalRecord): string[] {
  const pr = record.pullRequest;
  if (pr === null) {
    return [`> [!WARNING]`, `> ⚠️ **No approval on record**: commit ${code(shortSha(record.commit))} was pushed to the default branch without a pull request.`];
  }
  const approvers = pr.approvers.map((login) => code(login)).join(', ');
  const line = `Pull request [#${pr.number}](${pr.url}) by ${code(pr.author)}, merged by ${code(pr.mergedBy)}; approved by ${isApproved(record) ? approvers : 'nobody'}.`;
  return isApproved(record) ? [line] : [`> [!WARNING]`, `> ⚠️ **No approval on record**: ${line}`];
}

/** When apply stopped before writing its report (invalid files, refused plan, crash). */
export function renderMissingApplyReport(context: ApplyReportContext = {}): string {
  return [
    '## ❌ Apply to AWS did not run to the end',
    '',
    where(context).trimEnd(),
    '',
    'It stopped before writing its report, for example because a file was invalid or the plan was refused ' +
      '(too many deletions). Nothing after that point was applied. The reason is in the run log.',
  ]
    .filter((line, i, all) => !(line === '' && all[i - 1] === ''))
    .join('\n')
    .trim()
    .concat('\n');
}
