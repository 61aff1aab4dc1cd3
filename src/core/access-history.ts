/**
 * The life of a person's or an account's access, from git alone: each commit that added, changed
 * or removed their file, and each change to an account file that granted or took away one of their
 * roles, with the pull request it came from (from GitHub's default merge and squash messages), the
 * requester named in the file at that commit and, when GitHub was asked, who approved the pull
 * request. Also, for the access review, the last time each person's access was approved.
 *
 * Pure: the commits and the file versions they hold are inputs (read by src/config/git-history.ts).
 * Old versions of a file need not fit today's schema, so the data is read field by field, as
 * `unknown`, never trusted.
 */
import { compareText, lower } from './plan-helpers.ts';

/** One version of a data file: its YAML as plain data, or `undefined` when it could not be parsed. */
export interface FileVersion {
  data: unknown;
}

/** What a commit did to one data file (compared with the commit's first parent). */
export interface FileChange {
  /** Relative to the repository's data root: `users/<email>.yaml`, `accounts/<name>.yaml`. */
  path: string;
  /** `undefined`: the file did not exist before the commit. */
  before: FileVersion | undefined;
  /** `undefined`: the commit removed the file. */
  after: FileVersion | undefined;
}

/** A commit of the default branch's first-parent history: one per merged pull request. */
export interface HistoryCommit {
  sha: string;
  /** ISO 8601 committer date in UTC: when GitHub merged the pull request. */
  committedAt: string;
  subject: string;
  body: string;
  files: readonly FileChange[];
}

/** What git holds: the commits that touched the files asked about, oldest first. */
export interface GitHistory {
  commits: readonly HistoryCommit[];
  /** A shallow clone: commits older than its boundary are missing, so the oldest entries may be wrong. */
  shallow: boolean;
}

/** The review state of one review on a pull request, as GitHub names it. */
export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface PullRequestReview {
  /** The reviewer's GitHub login. */
  reviewer: string;
  state: ReviewState;
  /** ISO 8601; absent for a pending review. */
  submittedAt: string | undefined;
}

/** A GitHub Actions run of a workflow, as the history shows the apply of a merge. */
export interface WorkflowRun {
  /** `.github/workflows/apply.yml`. */
  workflowPath: string;
  url: string;
  /** `queued`, `in_progress`, `completed`, ... */
  status: string;
  /** `success`, `failure`, `cancelled` (a newer push replaced it), ...; `undefined` until it completes. */
  conclusion: string | undefined;
}

/** One thing a commit did to the subject's access. */
export type HistoryChange =
  | { kind: 'file-added' }
  | { kind: 'file-changed'; fields: readonly string[] }
  | { kind: 'file-removed' }
  | ({ kind: 'access-granted' } & RoleAccess)
  | ({ kind: 'access-revoked' } & RoleAccess);

/** One user's right to assume one role in one account; the bootstrap role's kind is `bootstrap`. */
export interface RoleAccess {
  userName: string;
  accountName: string;
  role: string;
  roleKind: string;
}

export type HistoryChangeKind = HistoryChange['kind'];

export interface HistoryEntry {
  sha: string;
  committedAt: string;
  /** The pull request's title: a squash commit's first line without `(#123)`, a merge commit's second paragraph; else the commit's first line. */
  title: string;
  /** From the merge or squash message; `undefined` for a commit pushed without a pull request. */
  pullRequest: number | undefined;
  file: string;
  changes: readonly HistoryChange[];
  /** The changed file's `requested_by` at that commit (before it, for a removal). */
  requestedBy: string | undefined;
  /**
   * GitHub logins whose latest review before the merge approved the pull request; `undefined` when
   * GitHub was not asked (no token, or no pull request).
   */
  approvers: readonly string[] | undefined;
  /** The apply workflow's runs for this commit; `undefined` when GitHub was not asked. */
  applyRuns: readonly WorkflowRun[] | undefined;
}

export type HistorySubject = { type: 'user'; userName: string } | { type: 'account'; accountName: string };

export interface AccessHistory {
  subject: HistorySubject;
  /** Oldest first. */
  entries: readonly HistoryEntry[];
  /** What limits the history, and why (a shallow clone, GitHub not asked). */
  notes: readonly string[];
}

/** When a person's access was last approved: the newest commit that changed their file or granted them a role. */
export interface LastApproval {
  committedAt: string;
  sha: string;
  pullRequest: number | undefined;
}

/**
 * What the access review knows of approvals: the last one per user name (lower case), or why
 * nothing is known (no git repository, a shallow clone).
 */
export type ApprovalRecord = { kind: 'known'; lastApproved: ReadonlyMap<string, LastApproval> } | { kind: 'unknown'; reason: string };

export const USERS_DIRECTORY = 'users/';
export const ACCOUNTS_DIRECTORY = 'accounts/';

export function userFilePath(userName: string): string {
  return `${USERS_DIRECTORY}${lower(userName)}.yaml`;
}

export function accountFilePath(accountName: string): string {
  return `${ACCOUNTS_DIRECTORY}${accountName}.yaml`;
}

/** `users/ada@example.gov.uk.yaml` gives `ada@example.gov.uk`; anything else `undefined`. */
function userNameOf(path: string): string | undefined {
  const match = /^users\/([^/]+)\.yaml$/.exec(path);
  return match?.[1] === undefined ? undefined : lower(match[1]);
}

function accountNameOf(path: string): string | undefined {
  return /^accounts\/([^/]+)\.yaml$/.exec(path)?.[1];
}

const MERGE_MESSAGE = /^Merge pull request #(\d+) from \S/;
const SQUASH_MESSAGE = /\s*\(#(\d+)\)\s*$/;

/**
 * The pull request a commit of the default branch came from, by GitHub's default messages:
 * "Merge pull request #123 from owner/branch" (merge commit) and "Title (#123)" (squash).
 * Rebase merges leave no number: those commits have none.
 */
export function pullRequestOf(subject: string): number | undefined {
  const match = MERGE_MESSAGE.exec(subject) ?? SQUASH_MESSAGE.exec(subject);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** GitHub writes a merged pull request's title as the merge commit's body, and after a squash's title the number. */
function titleOf(commit: HistoryCommit): string {
  const body = commit.body.split('\n')[0]?.trim() ?? '';
  if (MERGE_MESSAGE.test(commit.subject) && body !== '') return body;
  return commit.subject.replace(SQUASH_MESSAGE, '').trim() || commit.subject;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function textField(data: unknown, key: string): string | undefined {
  return isRecord(data) && typeof data[key] === 'string' ? data[key] : undefined;
}

function userList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string').map(lower) : [];
}

/**
 * Who may assume which role in an account file, as `role\0kind\0user` keys: nothing in a closed
 * account, for a removed bootstrap role, or in a version that could not be parsed.
 */
function accessIn(data: unknown): Map<string, { userName: string; role: string; roleKind: string }> {
  const access = new Map<string, { userName: string; role: string; roleKind: string }>();
  if (!isRecord(data) || data['state'] === 'closed') return access;
  const add = (role: string, roleKind: string, users: unknown): void => {
    for (const userName of userList(users)) access.set(`${role}\0${roleKind}\0${userName}`, { userName, role, roleKind });
  };
  const bootstrap = data['bootstrap'];
  if (isRecord(bootstrap) && bootstrap['state'] !== 'removed') add('bootstrap', 'bootstrap', bootstrap['users']);
  const roles = data['roles'];
  if (Array.isArray(roles)) {
    for (const role of roles) {
      if (isRecord(role) && typeof role['name'] === 'string') add(role['name'], typeof role['kind'] === 'string' ? role['kind'] : 'unknown', role['users']);
    }
  }
  return access;
}

type AccessChange = Extract<HistoryChange, { kind: 'access-granted' | 'access-revoked' }>;

/** Roles granted and taken away by one change to an account file, for everyone or for one user. */
function accessChanges(change: FileChange, accountName: string, only?: string): AccessChange[] {
  const before = accessIn(change.before?.data);
  const after = accessIn(change.after?.data);
  const out: AccessChange[] = [];
  for (const [key, grant] of after) if (!before.has(key)) out.push({ kind: 'access-granted', accountName, ...grant });
  for (const [key, grant] of before) if (!after.has(key)) out.push({ kind: 'access-revoked', accountName, ...grant });
  return out
    .filter((c) => only === undefined || c.userName === only)
    .sort((a, b) => compareText(a.userName, b.userName) || compareText(a.kind, b.kind) || compareText(a.role, b.role));
}

/** The top-level fields whose value differs between two versions, sorted. */
function changedFields(before: unknown, after: unknown): string[] {
  const a = isRecord(before) ? before : {};
  const b = isRecord(after) ? after : {};
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key])).sort(compareText);
}

function fileChange(change: FileChange): HistoryChange {
  if (change.before === undefined) return { kind: 'file-added' };
  if (change.after === undefined) return { kind: 'file-removed' };
  return { kind: 'file-changed', fields: changedFields(change.before.data, change.after.data) };
}

function entryOf(commit: HistoryCommit, change: FileChange, changes: HistoryChange[]): HistoryEntry {
  return {
    sha: commit.sha,
    committedAt: commit.committedAt,
    title: titleOf(commit),
    pullRequest: pullRequestOf(commit.subject),
    file: change.path,
    changes,
    requestedBy: textField(change.after?.data, 'requested_by') ?? textField(change.before?.data, 'requested_by'),
    approvers: undefined,
    applyRuns: undefined,
  };
}

function notesOf(history: GitHistory): string[] {
  return history.shallow
    ? [
        'This clone has shallow history: its oldest commits are missing (and the one it stops at is left out, as what it changed cannot be known), so the access may be older than the first entry. Run git fetch --unshallow (in GitHub Actions: actions/checkout with fetch-depth: 0) for the whole history.',
      ]
    : [];
}

/** Every commit that added, changed or removed `users/<userName>.yaml`, or granted or took away one of the user's roles in an account file. */
export function buildUserHistory(history: GitHistory, userName: string): AccessHistory {
  const name = lower(userName);
  const entries: HistoryEntry[] = [];
  for (const commit of history.commits) {
    for (const change of commit.files) {
      if (userNameOf(change.path) === name) {
        entries.push(entryOf(commit, change, [fileChange(change)]));
        continue;
      }
      const accountName = accountNameOf(change.path);
      if (accountName === undefined) continue;
      const changes = accessChanges(change, accountName, name);
      if (changes.length > 0) entries.push(entryOf(commit, change, changes));
    }
  }
  return { subject: { type: 'user', userName: name }, entries, notes: notesOf(history) };
}

/** Every commit that added, changed or removed `accounts/<accountName>.yaml`, with who gained or lost which role. */
export function buildAccountHistory(history: GitHistory, accountName: string): AccessHistory {
  const entries: HistoryEntry[] = [];
  for (const commit of history.commits) {
    for (const change of commit.files) {
      if (accountNameOf(change.path) !== accountName) continue;
      entries.push(entryOf(commit, change, [fileChange(change), ...accessChanges(change, accountName)]));
    }
  }
  return { subject: { type: 'account', accountName }, entries, notes: notesOf(history) };
}

/**
 * The logins whose latest review submitted by `mergedAt` approved: what GitHub counts as approval
 * at merge time. Comments and pending reviews leave an earlier verdict standing; a dismissed review
 * or a request for changes replaces it.
 */
export function approversAtMerge(reviews: readonly PullRequestReview[], mergedAt: string): string[] {
  const merged = Date.parse(mergedAt);
  const latest = new Map<string, { state: ReviewState; at: number }>();
  for (const review of reviews) {
    if (review.state === 'COMMENTED' || review.state === 'PENDING' || review.submittedAt === undefined) continue;
    const at = Date.parse(review.submittedAt);
    if (!(at <= merged)) continue;
    const previous = latest.get(review.reviewer);
    if (previous === undefined || at >= previous.at) latest.set(review.reviewer, { state: review.state, at });
  }
  return [...latest].filter(([, review]) => review.state === 'APPROVED').map(([reviewer]) => reviewer).sort(compareText);
}

/** The history with the approvers of each entry's pull request, where its reviews are known. */
export function withApprovers(history: AccessHistory, reviewsByPullRequest: ReadonlyMap<number, readonly PullRequestReview[]>): AccessHistory {
  const entries = history.entries.map((entry) => {
    const reviews = entry.pullRequest === undefined ? undefined : reviewsByPullRequest.get(entry.pullRequest);
    return reviews === undefined ? entry : { ...entry, approvers: approversAtMerge(reviews, entry.committedAt) };
  });
  return { ...history, entries };
}

/** The history with the apply runs of each entry's commit, where they are known. */
export function withApplyRuns(history: AccessHistory, runsByCommit: ReadonlyMap<string, readonly WorkflowRun[]>): AccessHistory {
  const entries = history.entries.map((entry) => {
    const runs = runsByCommit.get(entry.sha);
    return runs === undefined ? entry : { ...entry, applyRuns: runs };
  });
  return { ...history, entries };
}

/** The commits of a history that came from a pull request (the ones the apply workflow ran on), once each, in order. */
export function mergeCommitsOf(history: AccessHistory): string[] {
  return [...new Set(history.entries.flatMap((entry) => (entry.pullRequest === undefined ? [] : [entry.sha])))];
}

/** The pull requests a history names, once each, in order. */
export function pullRequestsOf(history: AccessHistory): number[] {
  return [...new Set(history.entries.flatMap((entry) => (entry.pullRequest === undefined ? [] : [entry.pullRequest])))];
}

/**
 * The last approval of each person's access (user name, lower case): the newest commit that added
 * or changed their user file, or granted them a role in an account file. Any merged change to the
 * user file counts, so re-approving is a reviewed pull request that touches it. Taking a role away
 * approves nothing; a removed user file forgets the earlier approvals.
 */
export function findLastApprovals(history: GitHistory): Map<string, LastApproval> {
  const last = new Map<string, LastApproval>();
  for (const commit of history.commits) {
    const approval: LastApproval = { committedAt: commit.committedAt, sha: commit.sha, pullRequest: pullRequestOf(commit.subject) };
    for (const change of commit.files) {
      const userName = userNameOf(change.path);
      if (userName !== undefined) {
        if (change.after === undefined) last.delete(userName);
        else last.set(userName, approval);
        continue;
      }
      const accountName = accountNameOf(change.path);
      if (accountName === undefined) continue;
      for (const granted of accessChanges(change, accountName)) {
        if (granted.kind === 'access-granted') last.set(granted.userName, approval);
      }
    }
  }
  return last;
}
