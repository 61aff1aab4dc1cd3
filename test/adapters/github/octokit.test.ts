import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GITHUB_BODY_LIMIT } from '../../../src/adapters/github/body.ts';
import { createGitHubFromEnv, createOctokitGitHub } from '../../../src/adapters/github/octokit.ts';
import { AppError } from '../../../src/core/errors.ts';
import { DRIFT_ISSUE_MARKER, PLAN_COMMENT_MARKER, type GitHubPort } from '../../../src/ports/github.ts';
import { FakeGitHub, HUMAN, OTHER_BOT, OWNER, REPO, TOKEN, localOnlyFetch, type FakeOpenPull, type FakeReview } from '../../github/fake-github.ts';

let server: FakeGitHub;
let github: GitHubPort;
/** What the adapter waited, in ms (its sleep only records). */
const waits: number[] = [];

beforeEach(async () => {
  server = await new FakeGitHub().start();
  github = createOctokitGitHub({
    token: TOKEN,
    repository: `${OWNER}/${REPO}`,
    baseUrl: server.baseUrl,
    fetch: localOnlyFetch(server.baseUrl),
    sleep: async (ms) => void waits.push(ms),
  });
  waits.length = 0;
  server.addIssue({ title: 'Add ada', isPullRequest: true, user: HUMAN }); // #1
});

afterEach(async () => {
  expect(server.unexpected).toEqual([]);
  await server.stop();
});

describe('upsertMarkedComment', () => {
  it('creates the comment, then updates the same one', async () => {
    const first = await github.upsertMarkedComment(1, PLAN_COMMENT_MARKER, 'plan v1');
    const second = await github.upsertMarkedComment(1, PLAN_COMMENT_MARKER, 'plan v2');

    expect(first.action).toBe('created');
    expect(second).toMatchObject({ action: 'updated', id: first.id });
    expect(server.commentsOn(1)).toHaveLength(1);
    expect(server.commentsOn(1)[0]?.body).toBe(`${PLAN_COMMENT_MARKER}\nplan v2`);
  });

  it('finds its comment on a later page', async () => {
    for (let i = 0; i < 150; i += 1) server.addComment(1, `chatter ${i}`, HUMAN);
    const mine = server.addComment(1, `${PLAN_COMMENT_MARKER}\nold plan`);

    const result = await github.upsertMarkedComment(1, PLAN_COMMENT_MARKER, 'new plan');

    expect(result).toMatchObject({ action: 'updated', id: mine.id });
    expect(server.requests.filter((r) => r.method === 'GET')).toHaveLength(2);
  });

  it("ignores someone else's comment that carries the marker", async () => {
    server.addComment(1, `${PLAN_COMMENT_MARKER}\nI am not the bot`, HUMAN);

    const result = await github.upsertMarkedComment(1, PLAN_COMMENT_MARKER, 'plan');

    expect(result.action).toBe('created');
    expect(server.commentsOn(1).map((c) => c.body)).toEqual([`${PLAN_COMMENT_MARKER}\nI am not the bot`, `${PLAN_COMMENT_MARKER}\nplan`]);
  });

  it("ignores another bot's or app's comment that carries the marker: only our login's count", async () => {
    server.addComment(1, `${PLAN_COMMENT_MARKER}\nfrom another app`, OTHER_BOT);

    const result = await github.upsertMarkedComment(1, PLAN_COMMENT_MARKER, 'plan');

    expect(result.action).toBe('created');
    expect(server.commentsOn(1).map((c) => c.user.login)).toEqual([OTHER_BOT.login, 'github-actions[bot]']);
  });

  it('posting as an app (botLogin), takes only that app\'s comment for its own', async () => {
    server.tokenUser = OTHER_BOT;
    const asApp = createOctokitGitHub({
      token: TOKEN,
      repository: `${OWNER}/${REPO}`,
      baseUrl: server.baseUrl,
      fetch: localOnlyFetch(server.baseUrl),
      botLogin: OTHER_BOT.login,
    });
    server.addComment(1, `${PLAN_COMMENT_MARKER}\nby github-actions`);
    const mine = server.addComment(1, `${PLAN_COMMENT_MARKER}\nby the app`, OTHER_BOT);

    expect(await asApp.upsertMarkedComment(1, PLAN_COMMENT_MARKER, 'new')).toMatchObject({ action: 'updated', id: mine.id });
    expect(server.commentsOn(1).map((c) => c.body)).toEqual([`${PLAN_COMMENT_MARKER}\nby github-actions`, `${PLAN_COMMENT_MARKER}\nnew`]);
  });

  it('cuts a body over the limit, keeping the marker first', async () => {
    const huge = `${'| a | b |\n'.repeat(10_000)}`;

    await github.upsertMarkedComment(1, PLAN_COMMENT_MARKER, huge);

    const body = server.commentsOn(1)[0]?.body ?? '';
    expect(body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(body.startsWith(PLAN_COMMENT_MARKER)).toBe(true);
    expect(body).toContain("Cut to fit GitHub's 65,536-character limit");
  });
});

describe('comment', () => {
  it('adds a new comment each time, cut to the limit', async () => {
    await github.comment(1, 'first');
    await github.comment(1, 'x'.repeat(100_000));

    expect(server.commentsOn(1)).toHaveLength(2);
    expect(server.commentsOn(1)[1]?.body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
  });
});

describe('findPullRequestForCommit', () => {
  it('returns the pull request merged as this commit, not an open one containing it', async () => {
    server.pullsByCommit.set('abc123', [
      { number: 7, merged_at: null, merge_commit_sha: 'fff' },
      { number: 5, merged_at: '2026-11-01T10:00:00Z', merge_commit_sha: 'zzz' },
      { number: 3, merged_at: '2026-11-01T09:00:00Z', merge_commit_sha: 'abc123' },
    ]);

    expect(await github.findPullRequestForCommit('abc123')).toBe(3);
  });

  it('is undefined for a direct push or an unmerged pull request', async () => {
    server.pullsByCommit.set('abc123', [{ number: 7, merged_at: null, merge_commit_sha: 'fff' }]);

    expect(await github.findPullRequestForCommit('abc123')).toBeUndefined();
    expect(await github.findPullRequestForCommit('def456')).toBeUndefined();
  });
});

describe('findMergedPullRequest', () => {
  it('the pull request merged as this commit, with who opened it and who merged it (only the pull request itself says)', async () => {
    server.pullsByCommit.set('abc123', [
      { number: 7, merged_at: null, merge_commit_sha: 'fff' },
      { number: 3, merged_at: '2026-11-01T09:00:00Z', merge_commit_sha: 'abc123', user: { login: 'alice', type: 'User' }, merged_by: { login: 'bob', type: 'User' } },
    ]);
    expect(await github.findMergedPullRequest('abc123')).toEqual({
      number: 3,
      url: `https://github.com/${OWNER}/${REPO}/pull/3`,
      author: 'alice',
      mergedBy: 'bob',
      mergedAt: '2026-11-01T09:00:00Z',
    });
    expect(server.requests.map((r) => r.path)).toEqual([`/repos/${OWNER}/${REPO}/commits/abc123/pulls`, `/repos/${OWNER}/${REPO}/pulls/3`]);
  });

  it('is undefined for a direct push, without asking for any pull request', async () => {
    expect(await github.findMergedPullRequest('def456')).toBeUndefined();
    expect(server.requests).toHaveLength(1);
  });
});

describe('findOpenPullRequests', () => {
  const pull = (number: number, over: { sha?: string; owner?: string; branch?: string; base?: string; baseRepo?: string; state?: 'open' | 'closed' } = {}): FakeOpenPull => ({
    number,
    state: over.state ?? 'open',
    base: { ref: over.base ?? 'main', repo: { full_name: over.baseRepo ?? `${OWNER}/${REPO}` } },
    head: { ref: over.branch ?? 'add-ada', sha: over.sha ?? 'a'.repeat(40), repo: { owner: { login: over.owner ?? 'forker' } } },
  });

  it('finds the pull request by head owner, branch and exact commit', async () => {
    server.pulls.push(pull(7, { base: 'main' }));
    expect(await github.findOpenPullRequests({ sha: 'a'.repeat(40), owner: 'forker', branch: 'add-ada' })).toEqual([
      { number: 7, baseRef: 'main', headSha: 'a'.repeat(40) },
    ]);
  });

  it('never takes another pull request that carries the same commit, nor one that moved on', async () => {
    // The same commit pushed to another fork's branch and opened as its own pull request.
    server.pulls.push(pull(8, { owner: 'attacker', branch: 'same-commit' }));
    server.pulls.push(pull(9, { sha: 'b'.repeat(40) }));
    expect(await github.findOpenPullRequests({ sha: 'a'.repeat(40), owner: 'forker', branch: 'add-ada' })).toEqual([]);
  });

  it('lists every open pull request of that branch at that commit (one per base)', async () => {
    server.pulls.push(pull(10, { base: 'main' }), pull(11, { base: 'release' }), pull(12, { state: 'closed' }));
    const found = await github.findOpenPullRequests({ sha: 'a'.repeat(40), owner: 'forker', branch: 'add-ada' });
    expect(found.map((p) => [p.number, p.baseRef])).toEqual([
      [10, 'main'],
      [11, 'release'],
    ]);
  });
});

describe('listPullRequestReviews', () => {
  it('lists every review across pages, in the port\'s words; a deleted account is "ghost"', async () => {
    const reviews: FakeReview[] = Array.from({ length: 120 }, (_, i) => ({
      id: i + 1,
      user: { login: `reviewer-${i}`, type: 'User' },
      state: 'COMMENTED',
      submitted_at: '2026-03-01T09:00:00Z',
      commit_id: 'abc',
    }));
    reviews.push({ id: 121, user: null, state: 'APPROVED', submitted_at: '2026-03-02T09:00:00Z', commit_id: 'abc' });
    server.reviewsByPull.set(7, reviews);

    const listed = await github.listPullRequestReviews(7);

    expect(listed).toHaveLength(121);
    expect(listed[0]).toEqual({ reviewer: 'reviewer-0', state: 'COMMENTED', submittedAt: '2026-03-01T09:00:00Z' });
    expect(listed[120]).toEqual({ reviewer: 'ghost', state: 'APPROVED', submittedAt: '2026-03-02T09:00:00Z' });
    expect(server.requests.filter((r) => r.path.endsWith('/pulls/7/reviews'))).toHaveLength(2);
  });

  it('translates an unknown pull request into github-not-found', async () => {
    await expect(github.listPullRequestReviews(404)).rejects.toMatchObject({ code: 'github-not-found', fault: 'user' });
  });
});

describe('listPushRunsForCommit', () => {
  it("lists the runs a push of the commit started, with the workflow's path without owner, repository or ref", async () => {
    server.runsByCommit.set('abc123', [
      { id: 1, path: '.github/workflows/apply.yml', status: 'completed', conclusion: 'success', event: 'push' },
      { id: 2, path: `${OWNER}/${REPO}/.github/workflows/drift.yml@main`, status: 'in_progress', conclusion: null, event: 'push' },
      { id: 3, path: '.github/workflows/apply.yml', status: 'completed', conclusion: 'success', event: 'workflow_dispatch' },
    ]);

    expect(await github.listPushRunsForCommit('abc123')).toEqual([
      { workflowPath: '.github/workflows/apply.yml', url: `https://github.com/${OWNER}/${REPO}/actions/runs/1`, status: 'completed', conclusion: 'success' },
      { workflowPath: '.github/workflows/drift.yml', url: `https://github.com/${OWNER}/${REPO}/actions/runs/2`, status: 'in_progress', conclusion: undefined },
    ]);
    expect(await github.listPushRunsForCommit('def456')).toEqual([]);
  });
});

describe('marked issues', () => {
  it('opens one issue, updates it, then closes it with a comment', async () => {
    const opened = await github.upsertMarkedIssue(DRIFT_ISSUE_MARKER, 'Drift', 'two changes');
    const updated = await github.upsertMarkedIssue(DRIFT_ISSUE_MARKER, 'Drift!', 'one change');
    const closed = await github.closeMarkedIssue(DRIFT_ISSUE_MARKER, 'all clear');

    expect(opened.action).toBe('created');
    expect(updated).toMatchObject({ action: 'updated', id: opened.id });
    expect(closed).toBe(opened.id);
    const issue = server.issues.find((i) => i.number === opened.id);
    expect(issue).toMatchObject({ title: 'Drift!', body: `${DRIFT_ISSUE_MARKER}\none change`, state: 'closed', state_reason: 'completed' });
    expect(server.commentsOn(opened.id).map((c) => c.body)).toEqual(['all clear']);
  });

  it('ignores pull requests, closed issues and human issues that carry the marker', async () => {
    server.addIssue({ title: 'pr', body: `${DRIFT_ISSUE_MARKER}\n`, isPullRequest: true });
    server.addIssue({ title: 'old', body: `${DRIFT_ISSUE_MARKER}\n`, state: 'closed' });
    server.addIssue({ title: 'copy', body: `${DRIFT_ISSUE_MARKER}\n`, user: HUMAN });
    server.addIssue({ title: 'other app', body: `${DRIFT_ISSUE_MARKER}\n`, user: OTHER_BOT });

    expect(await github.closeMarkedIssue(DRIFT_ISSUE_MARKER, 'nothing')).toBeUndefined();
    const result = await github.upsertMarkedIssue(DRIFT_ISSUE_MARKER, 'Drift', 'x');
    expect(result.action).toBe('created');
  });
});

describe("GitHub's secondary rate limit and 502s on the comment call", () => {
  it('a secondary rate limit (403 with retry-after): waits as told, then posts the comment once', async () => {
    server.faults.secondaryRateLimit = 2;
    server.faults.retryAfterSeconds = 3;
    const result = await github.upsertMarkedComment(1, PLAN_COMMENT_MARKER, 'plan');
    expect(result.action).toBe('created');
    expect(server.injected.secondaryRateLimit).toBe(2);
    expect(waits).toEqual([3000, 3000]);
    expect(server.commentsOn(1)).toHaveLength(1);
  });

  it('a rate limit that clears later than the run waits: the job says why the comment was not posted', async () => {
    server.faults.secondaryRateLimit = 1;
    server.faults.retryAfterSeconds = 600;
    const error = await github.upsertMarkedComment(1, PLAN_COMMENT_MARKER, 'plan').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'github-rate-limited' });
    expect((error as Error).message).toContain('clears in 600s, more than this run still waits; not sent.');
    expect(server.commentsOn(1)).toEqual([]);
  });

  it('a 502 after GitHub made the comment: looked for again and updated, never posted twice', async () => {
    server.faults.badGatewayAfterComment = 1;
    const result = await github.upsertMarkedComment(1, PLAN_COMMENT_MARKER, 'plan');
    expect(server.injected.badGatewayAfterComment).toBe(1);
    expect(result.action).toBe('updated');
    expect(server.commentsOn(1)).toHaveLength(1);
    expect(server.commentsOn(1)[0]?.body).toBe(`${PLAN_COMMENT_MARKER}\nplan`);
  });
});

describe('errors', () => {
  it('translates a bad token into a user-fault AppError', async () => {
    const bad = createOctokitGitHub({ token: 'wrong', repository: `${OWNER}/${REPO}`, baseUrl: server.baseUrl });
    const error = await bad.comment(1, 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'github-unauthorized', fault: 'user' });
  });

  it.each([
    [403, 'github-forbidden', 'user'],
    [404, 'github-not-found', 'user'],
    [422, 'github-rejected', 'system'],
    [502, 'github-unavailable', 'system'],
  ])('HTTP %i becomes %s', async (status, code, fault) => {
    server.failWith = status;
    const error = await github.upsertMarkedIssue(DRIFT_ISSUE_MARKER, 't', 'b').catch((e: unknown) => e);
    expect(error).toMatchObject({ code, fault });
    expect((error as Error).message).toContain(`HTTP ${status}`);
  });

  it('needs a token and owner/name from the environment', () => {
    expect(() => createGitHubFromEnv({ GITHUB_REPOSITORY: 'a/b' })).toThrow(/GITHUB_TOKEN/);
    expect(() => createGitHubFromEnv({ GITHUB_TOKEN: 't', GITHUB_REPOSITORY: 'nope' })).toThrow(/owner\/name/);
  });
});
