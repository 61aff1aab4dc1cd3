/** `doctor`'s findings as text: one line each, then what to do, then the verdict. */
import type { Finding, FindingStatus } from '../core/doctor.ts';

const MARKS: Record<FindingStatus, string> = { ok: 'ok     ', problem: 'PROBLEM', warning: 'warning', 'not-checked': 'skipped' };

/** One line per finding, then its detail and what to do, indented. */
export function renderFindings(findings: readonly Finding[]): string {
  const lines: string[] = [];
  for (const f of findings) {
    lines.push(`${MARKS[f.status]}  ${f.check}: ${f.detail}`);
    if (f.todo !== undefined) lines.push(`         -> ${f.todo}`);
  }
  const problems = findings.filter((f) => f.status === 'problem').length;
  const warnings = findings.filter((f) => f.status === 'warning').length;
  lines.push('', problems > 0 ? `${problems} problem${problems === 1 ? '' : 's'}: apply would fail until they are fixed.` : `No problem found${warnings > 0 ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}.`);
  return `${lines.join('\n')}\n`;
}
