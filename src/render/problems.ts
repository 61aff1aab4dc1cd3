/**
 * Problems as text for people, as GitHub workflow commands (annotations on the PR's lines), or as
 * JSON for machines.
 */
import { countProblems, type Problem, sortProblems } from '../core/problems.ts';
import { createPalette } from './color.ts';

export type ProblemFormat = 'text' | 'github' | 'json';
export const PROBLEM_FORMATS: readonly ProblemFormat[] = ['text', 'github', 'json'];

/** One line per problem: `file:line:col  severity  message  [rule]`; ANSI colour only when asked. */
export function renderProblemsText(problems: readonly Problem[], options: { color?: boolean } = {}): string {
  const palette = createPalette(options.color ?? false);
  return sortProblems(problems)
    .map((p) => {
      const severity = p.severity === 'error' ? palette.red(p.severity) : palette.yellow(p.severity);
      return `${p.file}:${p.line}:${p.col}  ${severity}  ${oneLine(p.message)}  ${palette.dim(`[${p.rule}]`)}\n`;
    })
    .join('');
}

/**
 * GitHub workflow commands, one per problem: `::error file=F,line=L,col=C,title=T::message`.
 * Escaping follows actions/toolkit (packages/core/src/command.ts): in data `%`, CR and LF; in
 * property values also `:` and `,`.
 */
export function renderProblemsGithub(problems: readonly Problem[]): string {
  return sortProblems(problems)
    .map((p) => {
      const properties = [
        `file=${escapeProperty(p.file)}`,
        `line=${p.line}`,
        `col=${p.col}`,
        `title=${escapeProperty(p.rule)}`,
      ].join(',');
      return `::${p.severity} ${properties}::${escapeData(p.message)}\n`;
    })
    .join('');
}

/**
 * A stable JSON document (version 1):
 * `{ "version": 1, "valid": boolean, "problems": [{ "severity", "rule", "file", "line", "col", "message" }] }`
 * where `valid` is false when any problem is an error, and problems are sorted by file, line, col.
 */
export function renderProblemsJson(problems: readonly Problem[]): string {
  const sorted = sortProblems(problems).map(({ severity, rule, file, line, col, message }) => ({ severity, rule, file, line, col, message }));
  return `${JSON.stringify({ version: 1, valid: countProblems(problems).errors === 0, problems: sorted }, null, 2)}\n`;
}

export function renderProblems(problems: readonly Problem[], format: ProblemFormat, options: { color?: boolean } = {}): string {
  switch (format) {
    case 'text':
      return renderProblemsText(problems, options);
    case 'github':
      return renderProblemsGithub(problems);
    case 'json':
      return renderProblemsJson(problems);
    default: {
      const unknown: never = format;
      throw new Error(`unknown format ${String(unknown)}`);
    }
  }
}

/** "7 users, 3 accounts: valid", "…: valid, 1 warning", or "2 errors, 1 warning in 2 files". */
export function renderValidationSummary(problems: readonly Problem[], counts?: { users: number; accounts: number }): string {
  const { errors, warnings, files } = countProblems(problems);
  const warningText = `${warnings} warning${warnings === 1 ? '' : 's'}`;
  if (errors === 0) {
    const what = counts === undefined ? 'valid' : `${plural(counts.users, 'user')}, ${plural(counts.accounts, 'account')}: valid`;
    return warnings === 0 ? what : `${what}, ${warningText}`;
  }
  return `${plural(errors, 'error')}${warnings === 0 ? '' : `, ${warningText}`} in ${plural(files, 'file')}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function oneLine(text: string): string {
  return text.replace(/\r?\n/g, ' ');
}

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
