/**
 * The few things the project asks of GitHub: one sticky comment per pull request, a comment on the
 * pull request a commit came from, and one issue per concern (drift, the access review) that is opened, updated and
 * closed in place. Implemented with Octokit in src/adapters/github/octokit.ts. Methods throw AppError.
 *
 * A "marker" is a hidden HTML comment at the very start of a body; it is how the adapter finds the
 * comment or issue it wrote before, so a re-run edits instead of adding another one.
 */
import type { PullRequestReview, WorkflowRun } from '../core/access-history.ts';
import type { MergedPullRequest } from '../core/approval.ts';

export type { MergedPullRequest, PullRequestReview, WorkflowRun };

/** The sticky plan comment on a pull request. */
export const PLAN_COMMENT_MARKER = '<!-- aws-access-as-code:plan -->';
/** The one open issue that reports drift between main and AWS. */
export const DRIFT_ISSUE_MARKER = '<!-- aws-access-as-code:drift -->';
/** The one open issue that lists the access review's findings. */
export const ACCESS_REVIEW_ISSUE_MARKER = '<!-- aws-access-as-code:access-review -->';
/** Apply reports are new comments (one per run), marked so they can be told apart. */
export const APPLY_COMMENT_MARKER = '<!-- aws-access-as-code:apply -->';

export interface CommentRef {
  id: number;
  url: string;
}

export interface UpsertResult {
  action: 'created' | 'updated';
  /** Comment id or issue number. */
  id: number;
  url: string;
}

/** An open pull request, as GitHub reports it (never as a pull request's own files or artifacts say). */
export interface OpenPullRequest {
  number: number;
  /** The branch it would merge into, in this repository. */
  baseRef: string;
  headSha: string;
}

/** Where a pull request's commits come from: GitHub's own record of a workflow run (workflow_run event). */
export interface PullRequestHead {
  sha: string;
  /** Owner of the repository the head branch is in (a fork's owner for fork pull requests). */
  owner: string;
  branch: string;
}

export interface GitHubPort {
  /**
   * Updates the bot's comment on the pull request whose body starts with `marker`, or creates it.
   * The bot is the login the adapter posts as: a comment by anyone else (another app or bot
   * included) is never taken for ours, whatever it starts with.
   * The body is given without the marker (the adapter puts it first) and is cut to GitHub's limit.
   */
  upsertMarkedComment(prNumber: number, marker: string, body: string): Promise<UpsertResult>;
  /**
   * The open pull requests of this repository whose head is that branch at exactly that commit.
   * Matching the head repository and branch, not only the commit, means that another pull request
   * pushing the same commit is not mistaken for this one.
   */
  findOpenPullRequests(head: PullRequestHead): Promise<OpenPullRequest[]>;
  /** The merged pull request that produced this commit on the default branch, if any. */
  findPullRequestForCommit(sha: string): Promise<number | undefined>;
  /** The same pull request with who opened and who merged it, and when; `undefined` for a push without one. */
  findMergedPullRequest(sha: string): Promise<MergedPullRequest | undefined>;
  /** Every review submitted on a pull request (approvals, requests for changes, comments, dismissed ones), oldest first. */
  listPullRequestReviews(prNumber: number): Promise<PullRequestReview[]>;
  /** The GitHub Actions runs of every workflow that a push of this commit started (at most 100). */
  listPushRunsForCommit(sha: string): Promise<WorkflowRun[]>;
  /** A new comment (cut to GitHub's limit). */
  comment(prNumber: number, body: string): Promise<CommentRef>;
  /** Updates the bot's open issue whose body starts with `marker` (title and body), or opens one. */
  upsertMarkedIssue(marker: string, title: string, body: string): Promise<UpsertResult>;
  /** Comments on and closes the bot's open issue with this marker; `undefined` when there is none. */
  closeMarkedIssue(marker: string, comment: string): Promise<number | undefined>;
}
