/**
 * `doctor`: what a check of the target before the first apply found. Each finding says what was
 * checked, what was seen and, when something is wrong, what to do. A `problem` means apply would
 * fail (or do harm); a `warning` means it may; `not-checked` says what could not be asked.
 */
export type FindingStatus = 'ok' | 'problem' | 'warning' | 'not-checked';

export interface Finding {
  /** What was checked, e.g. "SES sender aws@example.gov.uk (eu-west-2)". */
  check: string;
  status: FindingStatus;
  /** What was seen. */
  detail: string;
  /** What to do about it (absent when nothing is to be done). */
  todo?: string;
}

/** 1 when apply would fail (any problem), else 0. */
export function doctorExitCode(findings: readonly Finding[]): number {
  return findings.some((f) => f.status === 'problem') ? 1 : 0;
}
