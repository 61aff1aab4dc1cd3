/**
 * What an apply run did, change by change: a value like the plan, which the renderers show
 * (render/apply-report.ts, render/github-apply-report.ts) and `apply --report-json` stores.
 */
import type { ApprovalRecord } from './approval.ts';
import type { ChangeKind } from './changes.ts';
import type { Baseline } from './model.ts';

export type ApplyStatus = 'done' | 'failed' | 'skipped';

export interface ApplyResult {
  kind: ChangeKind;
  summary: string;
  status: ApplyStatus;
  /** Why it failed, or why it was skipped. */
  error?: { code: string; message: string; hint?: string };
  /** Done, but something on the side did not work (e.g. the notice to a requester). */
  warnings?: readonly string[];
}

export interface ApplyReport {
  baseline: Baseline;
  startedAt: string;
  finishedAt: string;
  /** In plan order. */
  results: readonly ApplyResult[];
  /** Why the run stopped before the end, when it did (the changes it left are `apply-stopped`). */
  stopped?: string;
  /** The pull request the run carried out and its approvers, when apply was given the record. */
  approval?: ApprovalRecord;
}
