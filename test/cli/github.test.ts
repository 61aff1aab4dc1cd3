import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { accessReviewIssue, applyReport, driftReport, prComment, prFind, prRecord } from '../../src/cli/commands/github.ts';
import { DEFAULT_REVIEW_THRESHOLDS, type AccessReview, type Finding } from '../../src/core/access-review.ts';
import { ACCESS_REVIEW_ISSUE_MARKER, APPLY_COMMENT_MARKER, DRIFT_ISSUE_MARKER, PLAN_COMMENT_MARKER } from '../../src/ports/github.ts';
import { renderReviewJson } from '../../src/render/review-json.ts';
import { cliContext } from '../github/cli-context.ts';
import { FakeGitHub, HUMAN, OWNER, REPO, TOKEN, localOnlyFetch } from '../github/fake-github.ts';

const PASSWORD = 'Tmp-S3cret-Pa55word!x9';
const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

let server: FakeGitHub;
let dir: string;
let env: Record<string, string>;

beforeEach(async () => {
  server = await new FakeGitHub().start();
  vi.stubGlobal('fetch', localOnlyFetch(server.baseUrl));
  dir = await mkdtemp(join(tmpdir(), 'aac-github-'));
  await writeFile(join(dir, 'event.json'), JSON.stringify({ pull_request: { number: 1, head: { sha: SHA } } }));
  await writeFile(join(dir, 'summary.md'), '');
  env = {
    GITHUB_ACTIONS: 'true',
    GITHUB_TOKEN: TOKEN,
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_API_URL: server.baseUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
    GITHUB_SHA: SHA,
  };
  server.addIssue({ title: 'Add ada', isPullRequest: true, user: HUMAN }); // #1
  server.addIssue({ title: 'Add bob', isPullRequest: true, user: HUMAN }); // #2
});

afterEach(async () => {
  vi.unstubAllGlobals();
  expect(server.unexpected).toEqual([]);
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

const summary = () => readFile(join(dir, 'summary.md'), 'utf8');

describe('pr-comment', () => {
  it('creates the sticky comment, then a second run updates the same comment', async () => {
    await writeFile(join(dir, 'plan.md'), '## Plan\n\n1 change: `create user ada@example.gov.uk`\n');
    const first = cliContext(['--body-file', 'plan.md'], { cwd: dir, env });
    expect(await prComment(first.ctx)).toBe(0);
    expect(first.stderr()).toContain('created the plan comment on pull request #1');
    const created = { ...server.commentsOn(1)[0] };

    await writeFile(join(dir, 'plan.md'), '## Plan\n\nNo changes.\n');
    const second = cliContext(['--body-file', 'plan.md'], { cwd: dir, env });
    expect(await prComment(second.ctx)).toBe(0);

    const comments = server.commentsOn(1);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.id).toBe(created.id);
    expect(comments[0]?.body).not.toBe(created.body);
    // Under the title: the head commit, the day and the run, before any change is read.
    expect(comments[0]?.body).toBe(
      `${PLAN_COMMENT_MARKER}\n## Plan\n\n<sub>Plan for commit \`a1b2c3d\` on 2026-11-28 · [workflow run](https://github.com/example-org/aws-access/actions/runs/4242) · updated in place on every push</sub>\n\nNo changes.\n`,
    );
  });

  it('takes --pr over the event', async () => {
    await writeFile(join(dir, 'plan.md'), 'plan');
    expect(await prComment(cliContext(['--body-file', 'plan.md', '--pr', '2'], { cwd: dir, env }).ctx)).toBe(0);
    expect(server.commentsOn(2)).toHaveLength(1);
    expect(server.commentsOn(1)).toHaveLength(0);
  });

  it('cuts a huge plan under 65,536 characters', async () => {
    await writeFile(join(dir, 'plan.md'), '- `create user someone@example.gov.uk`\n'.repeat(5_000));
    expect(await prComment(cliContext(['--body-file', 'plan.md'], { cwd: dir, env }).ctx)).toBe(0);
    const body = server.commentsOn(1)[0]?.body ?? '';
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain('Cut to fit');
  });

  it('fails clearly without a pull request or a body file', async () => {
    const noEvent = { ...env, GITHUB_EVENT_PATH: join(dir, 'missing.json') };
    await writeFile(join(dir, 'plan.md'), 'plan');
    await expect(prComment(cliContext(['--body-file', 'plan.md'], { cwd: dir, env: noEvent }).ctx)).rejects.toMatchObject({
      code: 'usage',
    });
    await expect(prComment(cliContext(['--body-file', 'nope.md'], { cwd: dir, env }).ctx)).rejects.toMatchObject({
      code: 'file-not-found',
    });
    await expect(prComment(cliContext([], { cwd: dir, env }).ctx)).rejects.toThrow(/--body-file is required/);
    await expect(prComment(cliContext(['--bogus'], { cwd: dir, env }).ctx)).rejects.toMatchObject({ code: 'usage' });
  });

  it('prints usage with --help', async () => {
    const run = cliContext(['--help'], { cwd: dir, env });
    expect(await prComment(run.ctx)).toBe(0);
    expect(run.stdout()).toContain('pr-comment --body-file');
  });
});

async function writeReport(results: unknown[]): Promise<void> {
  await writeFile(join(dir, 'report.json'), JSON.stringify({ version: 1, results }));
}

describe('pr-comment from the trusted workflow', () => {
  it('--pr and --sha name the pull request and its head commit when the event is not a pull_request', async () => {
    await writeFile(join(dir, 'run.json'), JSON.stringify({ workflow_run: { event: 'pull_request' } }));
    await writeFile(join(dir, 'plan.md'), '## Plan\n\nNo changes.\n');
    const head = 'f'.repeat(40);
    const captured = cliContext(['--body-file', 'plan.md', '--pr', '2', '--sha', head], { cwd: dir, env: { ...env, GITHUB_EVENT_PATH: join(dir, 'run.json') } });
    expect(await prComment(captured.ctx)).toBe(0);
    expect(server.commentsOn(2)[0]?.body).toContain('Plan for commit `fffffff`');
    const bad = cliContext(['--body-file', 'plan.md', '--pr', '2', '--sha', 'HEAD'], { cwd: dir, env });
    await expect(prComment(bad.ctx)).rejects.toThrow('--sha must be a full commit id, not "HEAD"');
  });
});

describe('pr-find', () => {
  const HEAD = 'c'.repeat(40);
  const pull = (number: number, owner: string, branch: string, sha = HEAD, base = 'main') => ({
    number,
    state: 'open' as const,
    base: { ref: base, repo: { full_name: `${OWNER}/${REPO}` } },
    head: { ref: branch, sha, repo: { owner: { login: owner } } },
  });
  const runEvent = async (run: Record<string, unknown>) => {
    await writeFile(join(dir, 'run.json'), JSON.stringify({ workflow_run: run }));
    return { ...env, GITHUB_EVENT_PATH: join(dir, 'run.json') };
  };
  const prRun = { event: 'pull_request', head_sha: HEAD, head_branch: 'add-ada', head_repository: { owner: { login: 'forker' } }, pull_requests: [] };

  it('prints the pull request GitHub lists for the run\'s head owner, branch and commit, for $GITHUB_OUTPUT', async () => {
    server.pulls.push(pull(5, 'forker', 'add-ada'));
    const captured = cliContext([], { cwd: dir, env: await runEvent(prRun) });
    expect(await prFind(captured.ctx)).toBe(0);
    expect(captured.stdout()).toBe(`pr=5\nbase=main\nsha=${HEAD}\n`);
  });

  it('ignores what an artifact or the run could claim: a pull request is found only by GitHub\'s record of the head', async () => {
    // Another pull request (an attacker's) pushed the very same commit from its own branch; and the
    // event's pull_requests list (which GitHub leaves empty for forks) is not read at all.
    server.pulls.push(pull(6, 'attacker', 'copy'), pull(7, 'forker', 'add-ada', 'd'.repeat(40)));
    const captured = cliContext([], { cwd: dir, env: await runEvent({ ...prRun, pull_requests: [{ number: 6 }] }) });
    expect(await prFind(captured.ctx)).toBe(0);
    expect(captured.stdout()).toBe('');
    expect(captured.stderr()).toContain('no open pull request from forker:add-ada is at');
  });

  it('comments on none when several open pull requests share that head, and only plans pull_request runs', async () => {
    server.pulls.push(pull(8, 'forker', 'add-ada'), pull(9, 'forker', 'add-ada', HEAD, 'release'));
    const several = cliContext([], { cwd: dir, env: await runEvent(prRun) });
    expect(await prFind(several.ctx)).toBe(0);
    expect(several.stdout()).toBe('');
    expect(several.stderr()).toContain('#8, #9');
    const push = cliContext([], { cwd: dir, env: await runEvent({ ...prRun, event: 'push' }) });
    expect(await prFind(push.ctx)).toBe(0);
    expect(push.stdout()).toBe('');
  });

  it('refuses a base branch name it would not pass to git and the shell as is', async () => {
    server.pulls.push(pull(10, 'forker', 'add-ada', HEAD, 'x$(id)'));
    await expect(prFind(cliContext([], { cwd: dir, env: await runEvent(prRun) }).ctx)).rejects.toThrow('does not pass on');
  });

  it('needs a workflow_run event', async () => {
    await expect(prFind(cliContext([], { cwd: dir, env }).ctx)).rejects.toThrow('pr-find runs on a workflow_run event');
  });
});

describe('pr-record', () => {
  const ALICE = { login: 'alice', type: 'User' } as const;
  const BOB = { login: 'bob', type: 'User' } as const;
  const review = (id: number, login: string, state: 'APPROVED' | 'CHANGES_REQUESTED' | 'DISMISSED', at: string) => ({
    id,
    user: { login, type: 'User' as const },
    state,
    submitted_at: at,
    commit_id: SHA,
  });

  it('records the merged pull request, who opened and merged it, and who approved it at merge time', async () => {
    server.pullsByCommit.set(SHA, [
      { number: 1, merged_at: null, merge_commit_sha: null },
      { number: 2, merged_at: '2026-11-28T09:00:00Z', merge_commit_sha: SHA, user: ALICE, merged_by: BOB },
    ]);
    server.reviewsByPull.set(2, [
      review(1, 'carol', 'APPROVED', '2026-11-28T08:00:00Z'),
      review(2, 'dave', 'APPROVED', '2026-11-28T08:10:00Z'),
      review(3, 'dave', 'CHANGES_REQUESTED', '2026-11-28T08:20:00Z'),
      // After the merge: does not count.
      review(4, 'erin', 'APPROVED', '2026-11-28T10:00:00Z'),
    ]);
    const run = cliContext(['--out', 'approval.json'], { cwd: dir, env });
    expect(await prRecord(run.ctx)).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'approval.json'), 'utf8'))).toEqual({
      version: 1,
      commit: SHA,
      pullRequest: {
        number: 2,
        url: `https://github.com/${OWNER}/${REPO}/pull/2`,
        author: 'alice',
        mergedBy: 'bob',
        mergedAt: '2026-11-28T09:00:00Z',
        approvers: ['carol'],
      },
    });
    expect(run.stderr()).toContain('pull request #2 by alice, merged by bob, approved by carol');
    expect(run.stderr()).not.toContain('::warning');
  });

  it('records a push without a pull request as a direct push, and warns', async () => {
    const run = cliContext(['--out', 'approval.json', '--sha', SHA], { cwd: dir, env });
    expect(await prRecord(run.ctx)).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'approval.json'), 'utf8'))).toEqual({ version: 1, commit: SHA, pullRequest: null, reason: 'direct push' });
    expect(run.stderr()).toContain('::warning title=no approval on record::');
  });

  it('warns when the merged pull request had no approval', async () => {
    server.pullsByCommit.set(SHA, [{ number: 2, merged_at: '2026-11-28T09:00:00Z', merge_commit_sha: SHA, user: ALICE, merged_by: ALICE }]);
    server.reviewsByPull.set(2, []);
    const run = cliContext(['--out', 'approval.json'], { cwd: dir, env });
    expect(await prRecord(run.ctx)).toBe(0);
    expect(run.stderr()).toContain('approved by nobody');
    expect(run.stderr()).toContain('::warning title=no approval on record::');
  });
});

describe('apply-report', () => {
  beforeEach(() => {
    server.pullsByCommit.set(SHA, [{ number: 2, merged_at: '2026-11-28T09:00:00Z', merge_commit_sha: SHA }]);
  });

  it('comments on the merged pull request found from the commit and writes the job summary', async () => {
    await writeReport([{ summary: 'create user bob@example.gov.uk', status: 'done' }]);
    const run = cliContext(['--report-json', 'report.json'], { cwd: dir, env });

    expect(await applyReport(run.ctx)).toBe(0);

    const [comment] = server.commentsOn(2);
    expect(comment?.body.startsWith(APPLY_COMMENT_MARKER)).toBe(true);
    expect(comment?.body).toContain('✅ Applied to AWS: 1 change done');
    expect(comment?.body).toContain('`create user bob@example.gov.uk`');
    expect(await summary()).toContain('✅ Applied to AWS');
    expect(run.stdout()).toContain('✅ Applied to AWS');
  });

  it('comments on the pull request the approval record names, with its approvers, without asking GitHub again', async () => {
    const approval = {
      version: 1,
      commit: SHA,
      pullRequest: { number: 1, url: `https://github.com/${OWNER}/${REPO}/pull/1`, author: 'alice', mergedBy: 'bob', mergedAt: '2026-11-28T09:00:00Z', approvers: ['carol'] },
    };
    await writeFile(join(dir, 'report.json'), JSON.stringify({ version: 1, results: [{ summary: 'create user bob@example.gov.uk', status: 'done' }], approval }));
    const run = cliContext(['--report-json', 'report.json'], { cwd: dir, env });
    expect(await applyReport(run.ctx)).toBe(0);
    expect(server.commentsOn(1)[0]?.body).toContain('by `alice`, merged by `bob`; approved by `carol`.');
    expect(server.commentsOn(2)).toEqual([]);
    expect(server.requests.some((r) => r.path.endsWith('/pulls'))).toBe(false);
  });

  it('a direct push: says so loudly in the job summary, and comments nowhere', async () => {
    await writeFile(join(dir, 'report.json'), JSON.stringify({ version: 1, results: [], approval: { version: 1, commit: SHA, pullRequest: null, reason: 'direct push' } }));
    const run = cliContext(['--report-json', 'report.json'], { cwd: dir, env });
    expect(await applyReport(run.ctx)).toBe(0);
    expect(await summary()).toContain('⚠️ **No approval on record**');
    expect(server.comments.filter((c) => c.body.startsWith(APPLY_COMMENT_MARKER))).toEqual([]);
  });

  it('exits 1 and annotates when a change failed', async () => {
    await writeReport([
      { summary: 'create user bob@example.gov.uk', status: 'done', warnings: [`notice to requester failed: ${PASSWORD}`] },
      { summary: 'delete user old@example.gov.uk', status: 'failed', error: { code: 'DeleteConflict', message: 'must delete MFA device first' } },
      { summary: 'close account sandbox-1', status: 'skipped' },
    ]);
    const run = cliContext(['--report-json', 'report.json'], { cwd: dir, env });

    expect(await applyReport(run.ctx)).toBe(1);

    const body = server.commentsOn(2)[0]?.body ?? '';
    expect(body).toContain('❌ Apply to AWS failed: 1 of 3 changes failed');
    expect(body).toContain('failed: `DeleteConflict`');
    expect(body).toContain('done, 1 warning (see the run log)');
    expect(body).not.toContain(PASSWORD);
    expect(run.stderr()).toContain('::error title=apply failed::delete user old@example.gov.uk (DeleteConflict)');
  });

  it('reports an apply that stopped before writing its report, and exits 1', async () => {
    const run = cliContext(['--report-json', 'report.json'], { cwd: dir, env });
    expect(await applyReport(run.ctx)).toBe(1);
    expect(server.commentsOn(2)[0]?.body).toContain('did not run to the end');
  });

  it('only prints when there is no merged pull request for the commit', async () => {
    server.pullsByCommit.clear();
    await writeReport([]);
    const run = cliContext(['--report-json', 'report.json'], { cwd: dir, env });
    expect(await applyReport(run.ctx)).toBe(0);
    expect(server.comments).toHaveLength(0);
    expect(run.stderr()).toContain('no merged pull request');
    expect(run.stdout()).toContain('nothing to change');
  });

  it('works locally without GitHub', async () => {
    await writeReport([{ summary: 'create user bob@example.gov.uk', status: 'failed', error: { code: 'Throttling', message: 'x' } }]);
    const run = cliContext(['--report-json', 'report.json'], { cwd: dir, env: {} });
    expect(await applyReport(run.ctx)).toBe(1);
    expect(server.requests).toHaveLength(0);
    expect(run.stdout()).toContain('Apply to AWS failed');
  });

  it('rejects a file that is not an apply report', async () => {
    await writeFile(join(dir, 'report.json'), '{"version": 2}');
    await expect(applyReport(cliContext(['--report-json', 'report.json'], { cwd: dir, env }).ctx)).rejects.toMatchObject({
      code: 'invalid-input-file',
    });
  });
});

describe('drift-report', () => {
  const plan = (changes: unknown[], unmanagedUsers: string[] = []) =>
    JSON.stringify({ version: 1, baseline: { kind: 'aws', usersAccountId: '111111111111', managementAccountId: '222222222222' }, changes, unmanagedUsers, notes: [] });

  it('opens the issue on drift, updates it, and closes it when clean', async () => {
    await writeFile(join(dir, 'plan.json'), plan([{ impact: 'destructive', summary: 'delete user gone@example.gov.uk', change: {} }]));
    expect(await driftReport(cliContext(['--plan-json', 'plan.json'], { cwd: dir, env }).ctx)).toBe(0);
    const drift = server.issues.filter((i) => !i.isPullRequest);
    expect(drift).toHaveLength(1);
    expect(drift[0]?.body.startsWith(DRIFT_ISSUE_MARKER)).toBe(true);
    expect(drift[0]?.body).toContain('`delete user gone@example.gov.uk`');

    await writeFile(join(dir, 'plan.json'), plan([], ['hand-made-user']));
    expect(await driftReport(cliContext(['--plan-json', 'plan.json'], { cwd: dir, env }).ctx)).toBe(0);
    expect(server.issues.filter((i) => !i.isPullRequest)).toHaveLength(1);
    expect(drift[0]?.body).toContain('`hand-made-user`');
    expect(drift[0]?.body).not.toContain('gone@example.gov.uk');

    await writeFile(join(dir, 'plan.json'), plan([]));
    const clean = cliContext(['--plan-json', 'plan.json'], { cwd: dir, env });
    expect(await driftReport(clean.ctx)).toBe(0);
    expect(drift[0]?.state).toBe('closed');
    expect(server.commentsOn(drift[0]?.number ?? 0)[0]?.body).toContain('AWS matches `main` again');
    expect(clean.stdout()).toContain(`closed issue #${drift[0]?.number}`);
  });

  it('lists who expires in the next 30 days: in the issue with drift, in the job summary without', async () => {
    const expiring = [
      { userName: 'cy@contractor.example.com', expires: '2026-11-28', days: 0, requestedBy: 'lead@example.gov.uk' },
      { userName: 'ada@contractor.example.com', expires: '2026-12-10', days: 12, requestedBy: 'lead@example.gov.uk' },
    ];
    const withExpiring = (changes: unknown[]) => JSON.stringify({ ...JSON.parse(plan(changes)), expiring });
    await writeFile(join(dir, 'plan.json'), withExpiring([{ impact: 'routine', summary: 'update user x@example.gov.uk: set tags team', change: {} }]));
    expect(await driftReport(cliContext(['--plan-json', 'plan.json'], { cwd: dir, env }).ctx)).toBe(0);
    const issue = server.issues.filter((i) => !i.isPullRequest)[0];
    expect(issue?.body).toContain('### 2 users expiring in the next 30 days');
    expect(issue?.body).toContain('| `cy@contractor.example.com` | 2026-11-28 (today) | `lead@example.gov.uk` |');
    expect(issue?.body).toContain('| `ada@contractor.example.com` | 2026-12-10 (in 12 days) |');

    await writeFile(join(dir, 'plan.json'), withExpiring([]));
    const clean = cliContext(['--plan-json', 'plan.json'], { cwd: dir, env });
    expect(await driftReport(clean.ctx)).toBe(0);
    expect(issue?.state).toBe('closed');
    expect(clean.stdout()).toContain('2026-12-10 (in 12 days)');
    expect(await summary()).toContain('2 users expiring in the next 30 days');

    await writeFile(join(dir, 'plan.json'), JSON.stringify({ ...JSON.parse(plan([])), expiring: [{ userName: 'x' }] }));
    await expect(driftReport(cliContext(['--plan-json', 'plan.json'], { cwd: dir, env }).ctx)).rejects.toMatchObject({ code: 'invalid-input-file' });
  });

  it('does nothing when clean and no issue is open', async () => {
    await writeFile(join(dir, 'plan.json'), plan([]));
    const run = cliContext(['--plan-json', 'plan.json'], { cwd: dir, env });
    expect(await driftReport(run.ctx)).toBe(0);
    expect(run.stdout()).toContain('no drift');
    expect(server.requests.every((r) => r.method === 'GET')).toBe(true);
  });
});

describe('access-review-issue', () => {
  const noMfa: Finding = {
    kind: 'no-mfa',
    severity: 'high',
    subject: { type: 'user', userName: 'ada@example.gov.uk' },
    fact: 'console password and no MFA device; the user was created on 2026-10-01 (58 days ago)',
    action: 'Ask ada@example.gov.uk to add an MFA device.',
  };
  const oldRole: Finding = {
    kind: 'bootstrap-role-old',
    severity: 'medium',
    subject: { type: 'role', roleName: 'bootstrap', accountName: 'notify-staging', accountId: '333333333333' },
    fact: 'administrator role created on 2026-01-02 (330 days ago), more than 90 days ago; trusted by ada@example.gov.uk',
    action: 'Once the team has its own admin role, set bootstrap: {state: removed, users: []} in accounts/notify-staging.yaml.',
  };
  const writeReview = (findings: Finding[]) => {
    const review: AccessReview = {
      baseline: { kind: 'aws', usersAccountId: '111111111111', managementAccountId: '222222222222' },
      today: '2026-11-28',
      thresholds: DEFAULT_REVIEW_THRESHOLDS,
      findings,
      notes: [],
      checked: { users: 3, bootstrapRoles: 1 },
    };
    return writeFile(join(dir, 'review.json'), renderReviewJson(review));
  };
  const run = () => cliContext(['--review-json', 'review.json'], { cwd: dir, env });

  it('opens one Access review issue, updates it, closes it when clean, and leaves the drift issue alone', async () => {
    await writeFile(join(dir, 'plan.json'), JSON.stringify({ version: 1, changes: [{ impact: 'access', summary: 'delete user gone@example.gov.uk' }], unmanagedUsers: [], notes: [] }));
    expect(await driftReport(cliContext(['--plan-json', 'plan.json'], { cwd: dir, env }).ctx)).toBe(0);

    await writeReview([noMfa, oldRole]);
    const first = run();
    expect(await accessReviewIssue(first.ctx)).toBe(0);
    const review = server.issues.filter((i) => i.body.startsWith(ACCESS_REVIEW_ISSUE_MARKER));
    expect(review).toHaveLength(1);
    expect(review[0]?.title).toBe('Access review');
    expect(review[0]?.body).toContain('| `no-mfa` | `ada@example.gov.uk` |');
    expect(review[0]?.body).toContain('`bootstrap in notify-staging (333333333333)`');
    expect(review[0]?.body).toContain('[the scheduled access review](https://github.com/example-org/aws-access/actions/runs/4242)');
    expect(first.stderr()).toMatch(/access review found: created issue #\d+/);
    expect(first.stderr()).toContain('::warning title=access review::2 findings to review: ');
    expect(await summary()).toContain('### High: fix now (1)');

    await writeReview([oldRole]);
    expect(await accessReviewIssue(run().ctx)).toBe(0);
    expect(server.issues.filter((i) => i.body.startsWith(ACCESS_REVIEW_ISSUE_MARKER))).toHaveLength(1);
    expect(review[0]?.body).not.toContain('no-mfa');

    await writeReview([]);
    const clean = run();
    expect(await accessReviewIssue(clean.ctx)).toBe(0);
    expect(review[0]?.state).toBe('closed');
    expect(server.commentsOn(review[0]?.number ?? 0)[0]?.body).toContain('Nothing left to review.');
    expect(clean.stdout()).toContain(`access review: nothing to review: closed issue #${review[0]?.number}`);
    const drift = server.issues.filter((i) => i.body.startsWith(DRIFT_ISSUE_MARKER));
    expect(drift.map((i) => i.state)).toEqual(['open']);
  });

  it('does nothing but say so when clean and no issue is open', async () => {
    await writeReview([]);
    const clean = run();
    expect(await accessReviewIssue(clean.ctx)).toBe(0);
    expect(clean.stdout()).toBe('access review: nothing to review\n');
    expect(server.requests.every((r) => r.method === 'GET')).toBe(true);
  });

  it('shows text from IAM and the files literally: no mention, no HTML', async () => {
    await writeReview([{ ...noMfa, fact: 'created by @org/admins <img src=x onerror=alert(1)>' }]);
    expect(await accessReviewIssue(run().ctx)).toBe(0);
    const body = server.issues.find((i) => i.body.startsWith(ACCESS_REVIEW_ISSUE_MARKER))?.body ?? '';
    expect(body).not.toContain('@org/admins');
    expect(body).toContain('\\<img');
    expect(body).not.toMatch(/[^\\]<img/);
  });

  it.each([
    ['an unknown kind', { ...noMfa, kind: 'whatever' }, /findings\[0\]\.kind is not a known kind/],
    ['a severity that is not its kind\'s', { ...noMfa, severity: 'low' }, /findings\[0\]\.severity must be high for no-mfa/],
    ['a subject that is not a user name', { ...noMfa, subject: { type: 'user', userName: 'a b' } }, /findings\[0\]\.subject must be/],
  ])('refuses a review with %s, before any GitHub request', async (_what, finding, message) => {
    await writeReview([finding as Finding]);
    await expect(accessReviewIssue(run().ctx)).rejects.toMatchObject({ code: 'invalid-input-file', message: expect.stringMatching(message) });
    expect(server.requests).toEqual([]);
  });
});

describe('secrets never reach GitHub', () => {
  it('an apply report whose error quotes a password shows only summaries and codes', async () => {
    server.pullsByCommit.set(SHA, [{ number: 2, merged_at: '2026-11-28T09:00:00Z', merge_commit_sha: SHA }]);
    await writeReport([
      {
        summary: 'reset password of ada@example.gov.uk',
        status: 'failed',
        error: { code: 'PasswordPolicyViolation', message: `password ${PASSWORD} rejected` },
        password: PASSWORD,
      },
      { summary: 'create user bob@example.gov.uk', status: 'done', temporaryPassword: PASSWORD },
    ]);
    const run = cliContext(['--report-json', 'report.json'], { cwd: dir, env });

    expect(await applyReport(run.ctx)).toBe(1);

    const everything = [run.stdout(), run.stderr(), await summary(), ...server.comments.map((c) => c.body)].join('\n');
    expect(everything).toContain('PasswordPolicyViolation');
    expect(everything).not.toContain(PASSWORD);
  });

  it('an error code that is not a code is not shown either', async () => {
    await writeReport([{ summary: 'x', status: 'failed', error: { code: `bad ${PASSWORD}`, message: '' } }]);
    const run = cliContext(['--report-json', 'report.json'], { cwd: dir, env: {} });
    expect(await applyReport(run.ctx)).toBe(1);
    expect(run.stdout() + run.stderr()).not.toContain(PASSWORD);
  });

  it('a plan carrying a password outside summaries never reaches the drift issue', async () => {
    await writeFile(
      join(dir, 'plan.json'),
      JSON.stringify({
        version: 1,
        changes: [{ impact: 'access', summary: 'reset password of ada@example.gov.uk', change: { kind: 'reset-password', password: PASSWORD } }],
        unmanagedUsers: [],
        notes: [],
        secret: PASSWORD,
      }),
    );
    const run = cliContext(['--plan-json', 'plan.json'], { cwd: dir, env });
    expect(await driftReport(run.ctx)).toBe(0);
    const everything = [run.stdout(), run.stderr(), await summary(), ...server.issues.map((i) => i.body)].join('\n');
    expect(everything).toContain('reset password of ada@example.gov.uk');
    expect(everything).not.toContain(PASSWORD);
  });
});
