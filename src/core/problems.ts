/**
 * A problem found in the repository's data files: what validation reports instead of throwing.
 * Every problem names a file, a 1-based line and column, and a message that says both what is
 * wrong and what to do about it.
 */
export interface Problem {
  severity: 'error' | 'warning';
  /** The invariant that does not hold, named like the function that checks it (e.g. `everyBootstrapUserExists`). */
  rule: string;
  /** Path relative to the repository root, with forward slashes. */
  file: string;
  line: number;
  col: number;
  message: string;
}

/** A position in a file: 1-based line and column. */
export interface Position {
  line: number;
  col: number;
}

export const START_OF_FILE: Position = { line: 1, col: 1 };

export function anError(rule: string, file: string, at: Position, message: string): Problem {
  return { severity: 'error', rule, file, line: at.line, col: at.col, message };
}

export function aWarning(rule: string, file: string, at: Position, message: string): Problem {
  return { severity: 'warning', rule, file, line: at.line, col: at.col, message };
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

export function countProblems(problems: readonly Problem[]): { errors: number; warnings: number; files: number } {
  const errors = problems.filter((p) => p.severity === 'error').length;
  return { errors, warnings: problems.length - errors, files: new Set(problems.map((p) => p.file)).size };
}

/** Orders problems by file, line, column, then errors before warnings, then rule: a stable reading order. */
export function compareProblems(a: Problem, b: Problem): number {
  return (
    compareStrings(a.file, b.file) ||
    a.line - b.line ||
    a.col - b.col ||
    (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
    compareStrings(a.rule, b.rule) ||
    compareStrings(a.message, b.message)
  );
}

export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(compareProblems);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
