/**
 * GitHubPort over the REST API with @octokit/rest. No Octokit type leaves this module; Octokit's
 * errors become AppError here.
 */
import { Octokit } from '@octokit/rest';
import { AppError } from '../../core/errors.ts';
import type { CommentRef, GitHubPort, MergedPullRequest, PullRequestReview, UpsertResult, WorkflowRun } from '../../ports/github.ts';
import { fitBody } from './body.ts';

export interface OctokitGitHubOptions {
  token: string;
  /** `owner/name`. */
  repository: string;
  /** REST API root; GitHub Enterprise Server and tests set it (GITHUB_API_URL in Actions). */
  baseUrl?: string;
  /** Where Octokit's own warnings go (deprecations); nothing is printed by default. */
  warn?: (message: string) => void;
  /** Replaces global fetch (tests use it to prove nothing else is called). */
  fetch?: typeof fetch;
  /** Waits before retrying (tests pass a quick one). */
  sleep?: (ms: number) => Promise<void>;
  /** The longest one run waits in all for GitHub's rate limits to clear (default 2 minutes). */
  maxRateLimitWaitMs?: number;
  /**
   * The login this token posts as: `github-actions[bot]` for the workflow's GITHUB_TOKEN (the
   * default), `<app-slug>[bot]` for a GitHub App's token. Only its comments and issues are ours.
   */
  botLogin?: string;
}

/** Who the workflows' GITHUB_TOKEN posts as. */
export const GITHUB_ACTIONS_LOGIN = 'github-actions[bot]';

const DEFAULT_API_URL = 'https://api.github.com';
const DEFAULT_RATE_LIMIT_WAIT_MS = 120_000;
/** Attempts of a call GitHub answers 502-504 (a proxy in front of the API failing). */
const SERVER_ERROR_ATTEMPTS = 3;

/**
 * How long GitHub says to wait before trying again, when it refused for a rate limit: the primary
 * limit (403 or 429 with x-ratelimit-remaining 0, until x-ratelimit-reset) or a secondary one (403 or
 * 429 with retry-after, in seconds); https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api.
 */
function rateLimitWaitMs(error: unknown): number | undefined {
  const status = statusOf(error);
  if (status !== 403 && status !== 429) return undefined;
  const headers = (error as { response?: { headers?: Record<string, string | number | undefined> } }).response?.headers ?? {};
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined && Number.isFinite(Number(retryAfter))) return Math.max(0, Number(retryAfter)) * 1000;
  if (String(headers['x-ratelimit-remaining']) === '0' && headers['x-ratelimit-reset'] !== undefined) {
    return Math.max(0, Number(headers['x-ratelimit-reset']) * 1000 - Date.now());
  }
  return undefined;
}

/** Builds the adapter from the variables GitHub Actions sets: GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL. */
export function createGitHubFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  extra: Pick<OctokitGitHubOptions, 'warn' | 'fetch'> = {},
): GitHubPort {
  const token = env['GITHUB_TOKEN'];
  const repository = env['GITHUB_REPOSITORY'];
  if (!token || !repository) {
    throw new AppError('github-not-configured', 'GITHUB_TOKEN and GITHUB_REPOSITORY must be set to talk to GitHub', {
      fault: 'user',
      hint: 'GitHub Actions sets GITHUB_REPOSITORY; pass the token with `env: GITHUB_TOKEN: ${{ github.token }}`.',
    });
  }
  const botLogin = env['GITHUB_BOT_LOGIN'];
  return createOctokitGitHub({
    token,
    repository,
    baseUrl: env['GITHUB_API_URL'] || DEFAULT_API_URL,
    ...(botLogin ? { botLogin } : {}),
    ...extra,
  });
}

interface ListedComment {
  id: number;
  body?: string | null;
  html_url: string;
  user: { login?: string; type?: string } | null;
}

interface ListedIssue extends ListedComment {
  number: number;
  pull_request?: unknown;
}

export function createOctokitGitHub(options: OctokitGitHubOptions): GitHubPort {
  const [owner, repo, ...rest] = options.repository.split('/');
  if (!owner || !repo || rest.length > 0) {
    throw new AppError('github-not-configured', `GITHUB_REPOSITORY must be owner/name, not "${options.repository}"`, {
      fault: 'user',
    });
  }
  const warn = options.warn ?? (() => undefined);
  const octokit = new Octokit({
    auth: options.token,
    baseUrl: (options.baseUrl ?? DEFAULT_API_URL).replace(/\/+$/, ''),
    userAgent: 'aws-access-as-code',
    log: { debug: () => undefined, info: () => undefined, warn, error: warn },
    ...(options.fetch ? { request: { fetch: options.fetch } } : {}),
  });
  const where = { owner, repo };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let rateLimitBudget = options.maxRateLimitWaitMs ?? DEFAULT_RATE_LIMIT_WAIT_MS;
  octokit.hook.wrap('request', async (request, requestOptions) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request(requestOptions);
      } catch (error) {
        // A rate-limited request was not processed: wait as GitHub says, within the budget.
        const wait = rateLimitWaitMs(error);
        if (wait !== undefined) {
          if (wait > rateLimitBudget) {
            throw new AppError('github-rate-limited', `GitHub's rate limit refused ${requestOptions.method} ${requestOptions.url} and clears in ${Math.ceil(wait / 1000)}s, more than this run still waits; not sent.`, {
              fault: 'system',
              hint: 'Re-run the job once the limit has cleared (GitHub limits how fast one token may create content).',
              cause: error,
            });
          }
          rateLimitBudget -= wait;
          await sleep(wait);
          continue;
        }
        // A 5xx may hide a processed request: only reads and in-place updates are sent again
        // (a new comment is looked for first, by upsertMarkedComment).
        const status = statusOf(error);
        const idempotent = requestOptions.method !== 'POST';
        if (status !== undefined && status >= 502 && status <= 504 && idempotent && attempt < SERVER_ERROR_ATTEMPTS) {
          await sleep(1000 * 2 ** (attempt - 1));
          continue;
        }
        throw error;
      }
    }
  });

  const botLogin = options.botLogin ?? GITHUB_ACTIONS_LOGIN;
  /**
   * Only what this token's identity wrote counts. Anyone can post a comment that starts with the
   * marker, other bots and apps included (a Dependabot or another app's comment is type `Bot` too);
   * taking theirs for ours would make the plan comment show their text, or edit theirs (GitHub
   * refuses with 403). So the author's login must be ours, not merely a bot.
   */
  const isOwnMarked = (item: ListedComment, marker: string): boolean =>
    item.user?.type === 'Bot' && item.user.login === botLogin && (item.body ?? '').startsWith(marker);

  async function findMarkedComment(prNumber: number, marker: string): Promise<ListedComment | undefined> {
    const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
      ...where,
      issue_number: prNumber,
      per_page: 100,
    });
    for await (const page of pages) {
      const found = page.data.find((c) => isOwnMarked(c, marker));
      if (found) return found;
    }
    return undefined;
  }

  async function findMarkedIssue(marker: string): Promise<ListedIssue | undefined> {
    // Listing (not the search API) because search is eventually consistent: an issue opened by the
    // previous run could be missed and opened twice.
    const pages = octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
      ...where,
      state: 'open',
      per_page: 100,
    });
    for await (const page of pages) {
      const found = page.data.find((i) => i.pull_request === undefined && isOwnMarked(i, marker));
      if (found) return found;
    }
    return undefined;
  }

  async function mergedPullOf(sha: string) {
    const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ ...where, commit_sha: sha, per_page: 100 });
    // An open pull request can also contain the commit (a branch made from main); only the one
    // that was merged as this commit (merge or squash), or failing that any merged one, is "its" PR.
    const merged = data.filter((pr) => pr.merged_at !== null && pr.merged_at !== undefined);
    return merged.find((pr) => pr.merge_commit_sha === sha) ?? merged[0];
  }

  return {
    upsertMarkedComment: (prNumber, marker, body) =>
      translated(`update the comment on pull request #${prNumber}`, async (): Promise<UpsertResult> => {
        const text = fitBody(body, marker);
        for (let attempt = 1; ; attempt++) {
          const existing = await findMarkedComment(prNumber, marker);
          if (existing) {
            const { data } = await octokit.rest.issues.updateComment({ ...where, comment_id: existing.id, body: text });
            return { action: 'updated', id: data.id, url: data.html_url };
          }
          try {
            const { data } = await octokit.rest.issues.createComment({ ...where, issue_number: prNumber, body: text });
            return { action: 'created', id: data.id, url: data.html_url };
          } catch (error) {
            // A 502 after GitHub made the comment: looking again finds it, so it is never posted twice.
            const status = statusOf(error);
            if (status === undefined || status < 502 || status > 504 || attempt >= SERVER_ERROR_ATTEMPTS) throw error;
            await sleep(1000 * 2 ** (attempt - 1));
          }
        }
      }),

    findOpenPullRequests: (head) =>
      translated(`find the open pull request of ${head.owner}:${head.branch} at ${head.sha}`, async () => {
        const pulls = await octokit.paginate(octokit.rest.pulls.list, {
          ...where,
          state: 'open',
          head: `${head.owner}:${head.branch}`,
          per_page: 100,
        });
        // GitHub filters by head; the checks below hold whatever the filter did: this repository's
        // pull requests, from that owner's branch, at exactly that commit.
        return pulls
          .filter(
            (pr) =>
              pr.state === 'open' &&
              pr.head.sha === head.sha &&
              pr.head.ref === head.branch &&
              pr.head.repo?.owner.login.toLowerCase() === head.owner.toLowerCase() &&
              pr.base.repo.full_name.toLowerCase() === `${owner}/${repo}`.toLowerCase(),
          )
          .map((pr) => ({ number: pr.number, baseRef: pr.base.ref, headSha: pr.head.sha }));
      }),

    findPullRequestForCommit: (sha) =>
      translated(`find the pull request of commit ${sha}`, async () => (await mergedPullOf(sha))?.number),

    findMergedPullRequest: (sha) =>
      translated(`find the merged pull request of commit ${sha}`, async (): Promise<MergedPullRequest | undefined> => {
        const listed = await mergedPullOf(sha);
        if (listed === undefined) return undefined;
        // The commit's pull request list has no merged_by: only the pull request itself says who merged.
        const { data: pr } = await octokit.rest.pulls.get({ ...where, pull_number: listed.number });
        return {
          number: pr.number,
          url: pr.html_url,
          // A deleted account shows as "ghost", as GitHub does.
          author: pr.user?.login ?? 'ghost',
          mergedBy: pr.merged_by?.login ?? 'ghost',
          mergedAt: pr.merged_at ?? listed.merged_at ?? '',
        };
      }),

    listPullRequestReviews: (prNumber) =>
      translated(`list the reviews of pull request #${prNumber}`, async (): Promise<PullRequestReview[]> => {
        const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, { ...where, pull_number: prNumber, per_page: 100 });
        return reviews.map((review) => ({
          // A deleted account's reviews have no user: GitHub shows them as "ghost".
          reviewer: review.user?.login ?? 'ghost',
          state: toReviewState(review.state),
          submittedAt: review.submitted_at ?? undefined,
        }));
      }),

    listPushRunsForCommit: (sha) =>
      translated(`list the workflow runs of commit ${sha}`, async (): Promise<WorkflowRun[]> => {
        const { data } = await octokit.rest.actions.listWorkflowRunsForRepo({ ...where, head_sha: sha, event: 'push', per_page: 100 });
        return data.workflow_runs.map((run) => ({
          // GitHub documents the path as `owner/repo/.github/workflows/ci.yml@main`, and often sends just
          // `.github/workflows/ci.yml`: keep the part from .github/ on, without the ref.
          workflowPath: run.path.replace(/@[^@]*$/, '').replace(/^.*?(?=\.github\/)/, ''),
          url: run.html_url,
          status: run.status ?? 'unknown',
          conclusion: run.conclusion ?? undefined,
        }));
      }),

    comment: (prNumber, body) =>
      translated(`comment on pull request #${prNumber}`, async (): Promise<CommentRef> => {
        const { data } = await octokit.rest.issues.createComment({ ...where, issue_number: prNumber, body: fitBody(body) });
        return { id: data.id, url: data.html_url };
      }),

    upsertMarkedIssue: (marker, title, body) =>
      translated('open or update the issue', async (): Promise<UpsertResult> => {
        const text = fitBody(body, marker);
        const existing = await findMarkedIssue(marker);
        if (existing) {
          const { data } = await octokit.rest.issues.update({ ...where, issue_number: existing.number, title, body: text });
          return { action: 'updated', id: data.number, url: data.html_url };
        }
        const { data } = await octokit.rest.issues.create({ ...where, title, body: text });
        return { action: 'created', id: data.number, url: data.html_url };
      }),

    closeMarkedIssue: (marker, comment) =>
      translated('close the issue', async () => {
        const existing = await findMarkedIssue(marker);
        if (!existing) return undefined;
        await octokit.rest.issues.createComment({ ...where, issue_number: existing.number, body: fitBody(comment) });
        await octokit.rest.issues.update({
          ...where,
          issue_number: existing.number,
          state: 'closed',
          state_reason: 'completed',
        });
        return existing.number;
      }),
  };
}

const REVIEW_STATES: readonly PullRequestReview['state'][] = ['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED', 'DISMISSED', 'PENDING'];

/** GitHub documents the states in upper case; anything new is taken as a comment, which changes no verdict. */
function toReviewState(state: string): PullRequestReview['state'] {
  return REVIEW_STATES.find((known) => known === state.toUpperCase()) ?? 'COMMENTED';
}

async function translated<T>(doing: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toAppError(error, doing);
  }
}

/** Octokit's RequestError, by shape (its class lives in a transitive dependency). */
function statusOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number') {
    return error.status;
  }
  return undefined;
}

export function toAppError(error: unknown, doing: string): AppError {
  if (error instanceof AppError) return error;
  const status = statusOf(error);
  const detail = error instanceof Error ? error.message : String(error);
  const message = `GitHub: could not ${doing} (${status === undefined ? detail : `HTTP ${status}: ${detail}`})`;
  switch (status) {
    case 401:
      return new AppError('github-unauthorized', message, {
        fault: 'user',
        hint: 'The token is missing, expired or wrong: check GITHUB_TOKEN.',
        cause: error,
      });
    case 403:
      return new AppError('github-forbidden', message, {
        fault: 'user',
        hint:
          'The token lacks a permission (the workflow needs `pull-requests: write` or `issues: write`), ' +
          'or this is a pull request from a fork, whose token is read-only.',
        cause: error,
      });
    case 404:
      return new AppError('github-not-found', message, {
        fault: 'user',
        hint: 'Check GITHUB_REPOSITORY and the pull request number.',
        cause: error,
      });
    case 422:
      return new AppError('github-rejected', message, { fault: 'system', cause: error });
    default:
      return new AppError('github-unavailable', message, {
        fault: 'system',
        hint: 'GitHub did not answer as expected; re-run the job.',
        cause: error,
      });
  }
}
