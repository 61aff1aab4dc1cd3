/**
 * An apply run's report (core/apply-report.ts) as text for a terminal and as Markdown for a step
 * summary; the pull-request comment is github-apply-report.ts.
 */
import type { ApplyReport, ApplyStatus } from '../core/apply-report.ts';
import { describeApproval } from '../core/approval.ts';
import { describeBaseline } from './plan-text.ts';

function counts(report: ApplyReport): Record<ApplyStatus, number> {
  const out: Record<ApplyStatus, number> = { done: 0, failed: 0, skipped: 0 };
  for (const result of report.results) out[result.status] += 1;
  return out;
}

/** Plain text for a terminal or a log. */
export function renderApplyReportText(report: ApplyReport): string {
  const target = describeBaseline(report.baseline);
  const approval = report.approval === undefined ? '' : `${describeApproval(report.approval)}\n`;
  if (report.results.length === 0) return `Nothing to apply: ${target} already matches the files.\n${approval}`;
  const n = counts(report);
  const lines = [`Applied to ${target}: ${n.done} done, ${n.failed} failed, ${n.skipped} skipped.`, ...(approval === '' ? [] : [approval.trimEnd()]), ''];
  if (report.stopped !== undefined) lines.splice(1, 0, stoppedNote(report));
  const label: Record<ApplyStatus, string> = { done: 'done   ', failed: 'FAILED ', skipped: 'skipped' };
  for (const result of report.results) {
    lines.push(`  ${label[result.status]}  ${result.summary}`);
    if (result.error !== undefined) {
      lines.push(`           ${result.error.code}: ${result.error.message}`);
      if (result.error.hint !== undefined) lines.push(`           what to do: ${result.error.hint}`);
    }
    for (const warning of result.warnings ?? []) lines.push(`           warning: ${warning}`);
  }
  return `${lines.join('\n')}\n`;
}

/** What a stopped run left undone, for the reader to know the next run resumes it. */
function stoppedNote(report: ApplyReport): string {
  const left = report.results.filter((r) => r.error?.code === 'apply-stopped').length;
  return `STOPPED before the end: ${report.stopped ?? ''} ${left} change${left === 1 ? ' was' : 's were'} left undone (marked apply-stopped below); the next run resumes ${left === 1 ? 'it' : 'them'}.`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Markdown for a GitHub step summary or a PR comment. */
export function renderApplyReportMarkdown(report: ApplyReport): string {
  const target = describeBaseline(report.baseline);
  const approval = report.approval === undefined ? [] : [cell(describeApproval(report.approval)), ''];
  if (report.results.length === 0) return `### Apply\n\nNothing to apply: ${target} already matches the files.\n${approval.length > 0 ? `\n${approval[0]}\n` : ''}`;
  const n = counts(report);
  const icon: Record<ApplyStatus, string> = { done: '✅ done', failed: '❌ failed', skipped: '⏭️ skipped' };
  const lines = [
    `### Apply: ${report.stopped !== undefined ? 'stopped before the end' : n.failed > 0 ? 'some changes failed' : 'all changes applied'}`,
    '',
    `Applied to ${target}: **${n.done} done, ${n.failed} failed, ${n.skipped} skipped**.`,
    '',
    ...approval,
    ...(report.stopped === undefined ? [] : [cell(stoppedNote(report)), '']),
    '| Result | Change | Details |',
    '| --- | --- | --- |',
  ];
  for (const result of report.results) {
    const details: string[] = [];
    if (result.error !== undefined) {
      details.push(`\`${result.error.code}\`: ${result.error.message}`);
      if (result.error.hint !== undefined) details.push(`What to do: ${result.error.hint}`);
    }
    for (const warning of result.warnings ?? []) details.push(`Warning: ${warning}`);
    lines.push(`| ${icon[result.status]} | ${cell(result.summary)} | ${cell(details.join('<br>'))} |`);
  }
  return `${lines.join('\n')}\n`;
}
