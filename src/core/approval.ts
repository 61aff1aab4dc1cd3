/**
 * The approval record: which merged pull request an apply carries out, who opened and merged it,
 * and who approved it at merge time; or that the commit came from a push without one. The
 * `pr-record` command builds it from GitHub before apply; `apply --approval <file>` reads it, so the
 * apply itself never needs GitHub. Apply passes it on to AWS (the SourceIdentity of every role it
 * assumes, see sourceIdentityOf) and into its report.
 *
 * Pure: the pull request and its reviews are inputs.
 */
import { approversAtMerge, type PullRequestReview } from './access-history.ts';
import { AppError } from './errors.ts';

/** The merged pull request a commit of the default branch came from, as GitHub reports it. */
export interface MergedPullRequest {
  number: number;
  url: string;
  /** Login of whoever opened it. */
  author: string;
  /** Login of whoever merged it (`ghost` when GitHub no longer knows). */
  mergedBy: string;
  /** ISO 8601. */
  mergedAt: string;
}

export interface ApprovedPullRequest extends MergedPullRequest {
  /** Logins whose latest review before the merge was an approval, sorted. */
  approvers: readonly string[];
}

/** What `pr-record` writes and `apply --approval` reads (version 1). */
export type ApprovalRecord =
  | { version: 1; commit: string; pullRequest: ApprovedPullRequest }
  | { version: 1; commit: string; pullRequest: null; reason: 'direct push' };

/** The record of `commit`: its merged pull request with the approvers at merge time, or a direct push. */
export function buildApprovalRecord(
  commit: string,
  merged: MergedPullRequest | undefined,
  reviews: readonly PullRequestReview[],
): ApprovalRecord {
  if (merged === undefined) return { version: 1, commit, pullRequest: null, reason: 'direct push' };
  return { version: 1, commit, pullRequest: { ...merged, approvers: approversAtMerge(reviews, merged.mergedAt) } };
}

/** Approved: merged through a pull request that at least one reviewer approved before the merge. */
export function isApproved(record: ApprovalRecord): boolean {
  return record.pullRequest !== null && record.pullRequest.approvers.length > 0;
}

/**
 * The STS SourceIdentity of every role an apply assumes: `pr-1234`, or `push-<12 hex>` for a push
 * without a pull request. AWS allows 2 to 64 characters of `[\w+=,.@-]`, keeps it for the whole
 * role chain, and writes it into every CloudTrail event of the session (IAM User Guide, "Monitor and
 * control actions taken with assumed roles").
 */
export function sourceIdentityOf(record: ApprovalRecord): string {
  return record.pullRequest === null ? `push-${record.commit.slice(0, 12)}` : `pr-${record.pullRequest.number}`;
}

/** The tag users created by the run carry: `pull-request` = `pr-1234` (IAM tag values allow no `#`). */
export const PULL_REQUEST_TAG = 'pull-request';

export function creationTagsOf(record: ApprovalRecord): Record<string, string> {
  return { [PULL_REQUEST_TAG]: sourceIdentityOf(record) };
}

/** One line for a person: `pull request #12 by alice, merged by bob, approved by carol` or the warning. */
export function describeApproval(record: ApprovalRecord): string {
  const pr = record.pullRequest;
  if (pr === null) return `⚠️ no approval on record: commit ${record.commit.slice(0, 12)} was pushed without a pull request`;
  const who = `pull request #${pr.number} by ${pr.author}, merged by ${pr.mergedBy}`;
  return pr.approvers.length === 0 ? `⚠️ no approval on record: ${who}, approved by nobody` : `${who}, approved by ${pr.approvers.join(', ')}`;
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]|\[bot\]){0,60}$|^ghost$/;

/** Reads a record `pr-record` wrote; throws a message naming `file` and the field when it is not one. */
export function parseApprovalRecord(text: string, file: string): ApprovalRecord {
  const bad = (why: string): AppError =>
    new AppError('invalid-input-file', `${file} is not an approval record: ${why}`, {
      fault: 'user',
      hint: 'Pass the file `pr-record --out` wrote.',
    });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  const record = asRecord(data);
  if (record === undefined || record['version'] !== 1) throw bad('expected { "version": 1, ... }');
  const commit = record['commit'];
  if (typeof commit !== 'string' || !SHA.test(commit)) throw bad('commit must be a full commit id');
  const pr = record['pullRequest'];
  if (pr === null) {
    if (record['reason'] !== 'direct push') throw bad('reason must be "direct push" when pullRequest is null');
    return { version: 1, commit, pullRequest: null, reason: 'direct push' };
  }
  const fields = asRecord(pr);
  if (fields === undefined) throw bad('pullRequest must be an object or null');
  const number = fields['number'];
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1) throw bad('pullRequest.number must be a positive whole number');
  const login = (key: string): string => {
    const value = fields[key];
    if (typeof value !== 'string' || !LOGIN.test(value)) throw bad(`pullRequest.${key} must be a GitHub login`);
    return value;
  };
  const url = fields['url'];
  const mergedAt = fields['mergedAt'];
  if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url)) throw bad('pullRequest.url must be a URL');
  if (typeof mergedAt !== 'string' || Number.isNaN(Date.parse(mergedAt))) throw bad('pullRequest.mergedAt must be a date');
  const approvers = fields['approvers'];
  if (!Array.isArray(approvers) || !approvers.every((a): a is string => typeof a === 'string' && LOGIN.test(a))) {
    throw bad('pullRequest.approvers must be a list of GitHub logins');
  }
  return {
    version: 1,
    commit,
    pullRequest: { number, url, author: login('author'), mergedBy: login('mergedBy'), mergedAt, approvers: [...approvers] },
  };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
