/**
 * The commands the GitHub workflows run after plan, apply and report: the sticky plan comment, the
 * apply report on the merged pull request, the drift issue and the Access review issue. They read
 * GITHUB_* variables from the context's env (GitHub Actions sets them) and talk to GitHub through
 * the GitHubPort.
 */
import { appendFile, readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { createGitHubFromEnv } from '../../adapters/github/octokit.ts';
import { buildApprovalRecord, describeApproval, isApproved } from '../../core/approval.ts';
import { AppError } from '../../core/errors.ts';
import { ACCESS_REVIEW_ISSUE_MARKER, APPLY_COMMENT_MARKER, DRIFT_ISSUE_MARKER, PLAN_COMMENT_MARKER, type GitHubPort } from '../../ports/github.ts';
import {
  hasFailures,
  renderApplyReport,
  renderMissingApplyReport,
  type ApplyReportContext,
} from '../../render/github-apply-report.ts';
import { DRIFT_ISSUE_TITLE, hasDrift, renderDriftIssue, renderDriftResolved, renderExpiring } from '../../render/github-drift.ts';
import { parseApplyReport, parsePlanJson, parseReviewJson } from '../../render/github-inputs.ts';
import { renderReviewIssue, renderReviewResolved, REVIEW_ISSUE_TITLE } from '../../render/github-review.ts';
import { runUrlFromEnv } from '../../render/github-markdown.ts';
import { escapeData, escapeProperty } from '../../render/problems.ts';
import { renderPlanComment } from '../../render/github-pr-comment.ts';
import { parseCommandArgs } from '../args.ts';
import type { CliContext, Command } from '../context.ts';
import { checkOutputFile, userPath, writeOutputFile } from '../paths.ts';

type Env = CliContext['env'];

const PR_COMMENT_USAGE = `usage: npm run cli -- pr-comment --body-file <plan.md> [--pr <number>] [--sha <commit>]

Creates the sticky plan comment on the pull request, or updates it in place.
  --body-file  Markdown to post (from plan --format markdown)
  --pr         pull request number (default: pull_request.number from GITHUB_EVENT_PATH)
  --sha        the pull request's head commit the plan is for (default: from GITHUB_EVENT_PATH)
Needs GITHUB_TOKEN (pull-requests: write) and GITHUB_REPOSITORY. Only the trusted workflow
(pr-plan.yml, the default branch's code) has such a token; the pull request's own code has none.
`;

const PR_FIND_USAGE = `usage: npm run cli -- pr-find

For the trusted plan workflow (on: workflow_run): finds the open pull request the
pull_request run was for, from GitHub's own record of that run (GITHUB_EVENT_PATH: head commit,
head repository owner and branch) matched against the pull requests GitHub lists, never from
anything the pull request's code wrote. Prints pr=<number>, base=<branch> and sha=<commit> lines
for $GITHUB_OUTPUT; prints nothing (and says why on stderr) when there is no single such pull request.
Needs GITHUB_TOKEN (pull-requests: read) and GITHUB_REPOSITORY.
`;

const APPLY_REPORT_USAGE = `usage: npm run cli -- apply-report --report-json <file> [--sha <commit>] [--pr <number>]

Reports an apply's outcome on the merged pull request the commit came from, and in the job summary.
Exits 1 when a change failed or the report is missing (apply stopped early).
  --report-json  the file apply --report-json wrote
  --sha          the applied commit (default: GITHUB_SHA)
  --pr           comment on this pull request instead of looking it up
Comments only when GITHUB_TOKEN and GITHUB_REPOSITORY are set; prints the report either way.
`;

const PR_RECORD_USAGE = `usage: npm run cli -- pr-record --out <file> [--sha <commit>]

For the apply workflow, before apply: writes the approval record of the commit, for
apply --approval: its merged pull request (number, author, who merged it, who approved it at
merge time) or, when it has none, { "pullRequest": null, "reason": "direct push" }.
  --out  where to write the record (JSON, version 1)
  --sha  the commit (default: GITHUB_SHA)
Needs GITHUB_TOKEN (pull-requests: read, contents: read) and GITHUB_REPOSITORY.
`;

const DRIFT_REPORT_USAGE = `usage: npm run cli -- drift-report --plan-json <file>

Opens or updates the drift issue when the plan against AWS has changes or unmanaged users;
closes it with a comment when AWS matches main. Who expires in the next 30 days (the plan's
"expiring") is listed in the issue, or in the job summary when there is no drift.
  --plan-json  the file plan --target aws --format json wrote
Needs GITHUB_TOKEN (issues: write) and GITHUB_REPOSITORY.
`;

const ACCESS_REVIEW_ISSUE_USAGE = `usage: npm run cli -- access-review-issue --review-json <file>

Opens or updates the Access review issue when the review has findings; closes it with a comment
when it has none.
  --review-json  the file report --target aws --format json wrote
Needs GITHUB_TOKEN (issues: write) and GITHUB_REPOSITORY.
`;

type Flags = Record<string, { type: 'string' } | { type: 'boolean' }>;

/** Parses flags; `undefined` when --help was asked (usage already printed). */
function parseFlags(ctx: CliContext, flags: Flags, usage: string): Record<string, string | boolean | undefined> | undefined {
  const { values } = parseCommandArgs(ctx, { ...flags, help: { type: 'boolean', short: 'h' } }, usage);
  if (values['help'] === true) {
    ctx.stdout.write(usage);
    return undefined;
  }
  return values as Record<string, string | boolean | undefined>;
}

function requireString(values: Record<string, string | boolean | undefined>, name: string, usage: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') {
    throw new AppError('usage', `--${name} is required`, { fault: 'user', hint: usage.split('\n')[0] ?? '' });
  }
  return value;
}

function parsePrNumber(value: string): number {
  if (!/^[1-9][0-9]{0,9}$/.test(value)) {
    throw new AppError('usage', `--pr must be a pull request number, not "${value}"`, { fault: 'user' });
  }
  return Number(value);
}

function parseSha(value: string): string {
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(value)) {
    throw new AppError('usage', `--sha must be a full commit id, not "${value}"`, { fault: 'user' });
  }
  return value;
}

/** Reads a file relative to the context's cwd; `undefined` when it does not exist. */
async function readOptionalFile(ctx: CliContext, file: string): Promise<string | undefined> {
  try {
    return await readFile(isAbsolute(file) ? file : join(ctx.cwd, file), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AppError('read-failed', `cannot read ${file}: ${(error as Error).message}`, { fault: 'system', cause: error });
  }
}

async function readRequiredFile(ctx: CliContext, file: string): Promise<string> {
  const text = await readOptionalFile(ctx, file);
  if (text === undefined) throw new AppError('file-not-found', `${file} does not exist`, { fault: 'user' });
  return text;
}

interface PullRequestEvent {
  number: number;
  headSha: string | undefined;
}

/** pull_request.number and head sha from the event payload GitHub Actions writes to GITHUB_EVENT_PATH. */
async function readPullRequestEvent(ctx: CliContext): Promise<PullRequestEvent | undefined> {
  const path = ctx.env['GITHUB_EVENT_PATH'];
  if (!path) return undefined;
  const text = await readOptionalFile(ctx, path);
  if (text === undefined) return undefined;
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch (error) {
    throw new AppError('invalid-event', `GITHUB_EVENT_PATH (${path}) is not JSON`, { fault: 'system', cause: error });
  }
  const pr = (event as { pull_request?: { number?: unknown; head?: { sha?: unknown } } } | null)?.pull_request;
  if (typeof pr?.number !== 'number') return undefined;
  return { number: pr.number, headSha: typeof pr.head?.sha === 'string' ? pr.head.sha : undefined };
}

/** The fields of a workflow_run event that say which pull request run it is about; GitHub writes them. */
interface WorkflowRunEvent {
  event: string;
  headSha: string;
  headOwner: string;
  headBranch: string;
}

async function readWorkflowRunEvent(ctx: CliContext): Promise<WorkflowRunEvent> {
  const path = ctx.env['GITHUB_EVENT_PATH'];
  const text = path ? await readOptionalFile(ctx, path) : undefined;
  const notWorkflowRun = (why: string) =>
    new AppError('invalid-event', `pr-find runs on a workflow_run event: ${why}`, { fault: 'user', hint: PR_FIND_USAGE.split('\n')[0] ?? '' });
  if (text === undefined) throw notWorkflowRun('GITHUB_EVENT_PATH is not set or does not exist');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new AppError('invalid-event', `GITHUB_EVENT_PATH (${path}) is not JSON`, { fault: 'system', cause: error });
  }
  const run = (parsed as { workflow_run?: Record<string, unknown> } | null)?.workflow_run;
  const owner = (run?.['head_repository'] as { owner?: { login?: unknown } } | undefined)?.owner?.login;
  const { event, head_sha: headSha, head_branch: headBranch } = run ?? {};
  if (typeof event !== 'string' || typeof headSha !== 'string' || typeof headBranch !== 'string' || typeof owner !== 'string') {
    throw notWorkflowRun('the event has no workflow_run with event, head_sha, head_branch and head_repository.owner.login');
  }
  return { event, headSha, headOwner: owner, headBranch };
}

/**
 * A branch name safe to hand to git and the shell as one argument: git's own rules (no `..`, no
 * leading `-`, no control characters, spaces, `~^:?*[\\`) and nothing else a workflow would quote.
 */
function isPlainBranchName(name: string): boolean {
  return /^[A-Za-z0-9._/-]{1,255}$/.test(name) && !name.startsWith('-') && !name.includes('..') && !name.endsWith('.lock') && !name.endsWith('/');
}

async function appendStepSummary(ctx: CliContext, markdown: string): Promise<void> {
  const file = ctx.env['GITHUB_STEP_SUMMARY'];
  if (!file) return;
  try {
    await appendFile(file, `${markdown}\n`, 'utf8');
  } catch (error) {
    throw new AppError('write-failed', `cannot write the step summary: ${(error as Error).message}`, {
      fault: 'system',
      cause: error,
    });
  }
}

/** A workflow command (`::error::`), escaped as actions/toolkit does; shown as an annotation in Actions. */
function annotation(kind: 'error' | 'warning' | 'notice', title: string, message: string): string {
  return `::${kind} title=${escapeProperty(title)}::${escapeData(message)}\n`;
}

function inActions(env: Env): boolean {
  return env['GITHUB_ACTIONS'] === 'true';
}

function github(ctx: CliContext): GitHubPort {
  return createGitHubFromEnv(ctx.env, { warn: (message) => ctx.stderr.write(`github: ${message}\n`) });
}

export const prComment: Command = async (ctx) => {
  const values = parseFlags(ctx, { 'body-file': { type: 'string' }, pr: { type: 'string' }, sha: { type: 'string' } }, PR_COMMENT_USAGE);
  if (!values) return 0;
  const bodyFile = requireString(values, 'body-file', PR_COMMENT_USAGE);
  const event = await readPullRequestEvent(ctx);
  const prNumber = typeof values['pr'] === 'string' ? parsePrNumber(values['pr']) : event?.number;
  if (prNumber === undefined) {
    throw new AppError('usage', 'no pull request: pass --pr, or run on a pull_request event', {
      fault: 'user',
      hint: PR_COMMENT_USAGE.split('\n')[0] ?? '',
    });
  }
  const planMarkdown = await readRequiredFile(ctx, bodyFile);
  const runUrl = runUrlFromEnv(ctx.env);
  // The head commit, not GITHUB_SHA: on pull_request that is a merge commit nobody pushed.
  const sha = typeof values['sha'] === 'string' ? parseSha(values['sha']) : event?.headSha;
  const body = renderPlanComment(planMarkdown, {
    ...(sha ? { sha } : {}),
    ...(runUrl ? { runUrl } : {}),
    date: ctx.today,
  });
  const result = await github(ctx).upsertMarkedComment(prNumber, PLAN_COMMENT_MARKER, body);
  ctx.stderr.write(`${result.action} the plan comment on pull request #${prNumber}: ${result.url}\n`);
  return 0;
};

export const prFind: Command = async (ctx) => {
  const values = parseFlags(ctx, {}, PR_FIND_USAGE);
  if (!values) return 0;
  const run = await readWorkflowRunEvent(ctx);
  if (run.event !== 'pull_request') {
    ctx.stderr.write(`the run was for a ${run.event} event, not a pull request: nothing to plan\n`);
    return 0;
  }
  const pulls = await github(ctx).findOpenPullRequests({ sha: run.headSha, owner: run.headOwner, branch: run.headBranch });
  const [only, ...others] = pulls;
  if (only === undefined) {
    ctx.stderr.write(
      `no open pull request from ${run.headOwner}:${run.headBranch} is at ${run.headSha} (closed, or pushed again since: the newer run plans it)\n`,
    );
    return 0;
  }
  if (others.length > 0) {
    ctx.stderr.write(
      `${pulls.length} open pull requests come from ${run.headOwner}:${run.headBranch} at ${run.headSha} (#${pulls.map((p) => p.number).join(', #')}): ` +
        'not guessing which one this run was for, so no plan comment\n',
    );
    return 0;
  }
  if (!isPlainBranchName(only.baseRef)) {
    throw new AppError('invalid-event', `pull request #${only.number} merges into a branch named "${only.baseRef}", which pr-find does not pass on`, {
      fault: 'user',
    });
  }
  ctx.stdout.write(`pr=${only.number}\nbase=${only.baseRef}\nsha=${only.headSha}\n`);
  ctx.stderr.write(`run for pull request #${only.number} (into ${only.baseRef}) at ${only.headSha}\n`);
  return 0;
};

export const applyReport: Command = async (ctx) => {
  const values = parseFlags(
    ctx,
    { 'report-json': { type: 'string' }, sha: { type: 'string' }, pr: { type: 'string' } },
    APPLY_REPORT_USAGE,
  );
  if (!values) return 0;
  const reportFile = requireString(values, 'report-json', APPLY_REPORT_USAGE);
  const sha = typeof values['sha'] === 'string' && values['sha'] !== '' ? values['sha'] : ctx.env['GITHUB_SHA'];
  const explicitPr = typeof values['pr'] === 'string' ? parsePrNumber(values['pr']) : undefined;
  const runUrl = runUrlFromEnv(ctx.env);
  const context: ApplyReportContext = { ...(sha ? { sha } : {}), ...(runUrl ? { runUrl } : {}) };

  const text = await readOptionalFile(ctx, reportFile);
  const report = text === undefined ? undefined : parseApplyReport(text, reportFile);
  const markdown = report === undefined ? renderMissingApplyReport(context) : renderApplyReport(report, context);
  const failed = report === undefined || hasFailures(report);

  ctx.stdout.write(markdown);
  await appendStepSummary(ctx, markdown);
  if (inActions(ctx.env)) {
    if (report === undefined) {
      ctx.stderr.write(annotation('error', 'apply', `apply stopped before writing ${reportFile}; see the log above`));
    } else {
      for (const result of report.results.filter((r) => r.status === 'failed')) {
        ctx.stderr.write(annotation('error', 'apply failed', `${result.summary} (${result.errorCode ?? 'error'})`));
      }
    }
  }

  if (!ctx.env['GITHUB_TOKEN'] || !ctx.env['GITHUB_REPOSITORY']) {
    ctx.stderr.write('not commenting: GITHUB_TOKEN or GITHUB_REPOSITORY is not set\n');
    return failed ? 1 : 0;
  }
  const gh = github(ctx);
  // The record apply was given already names the pull request (or says there is none).
  const recorded = report?.approval;
  const prNumber = explicitPr ?? (recorded !== undefined ? recorded.pullRequest?.number : sha ? await gh.findPullRequestForCommit(sha) : undefined);
  if (prNumber === undefined) {
    ctx.stderr.write(`no merged pull request for ${sha ?? 'this run'}: the report is in the job summary only\n`);
  } else {
    const comment = await gh.comment(prNumber, `${APPLY_COMMENT_MARKER}\n${markdown}`);
    ctx.stderr.write(`reported on pull request #${prNumber}: ${comment.url}\n`);
  }
  return failed ? 1 : 0;
};

export const prRecord: Command = async (ctx) => {
  const values = parseFlags(ctx, { out: { type: 'string' }, sha: { type: 'string' } }, PR_RECORD_USAGE);
  if (!values) return 0;
  const out = userPath(ctx, requireString(values, 'out', PR_RECORD_USAGE));
  const given = typeof values['sha'] === 'string' && values['sha'] !== '' ? values['sha'] : ctx.env['GITHUB_SHA'];
  if (given === undefined || given === '') {
    throw new AppError('usage', 'no commit: pass --sha, or run in GitHub Actions (GITHUB_SHA)', { fault: 'user', hint: PR_RECORD_USAGE.split('\n')[0] ?? '' });
  }
  const sha = parseSha(given);
  await checkOutputFile('--out', out);
  const gh = github(ctx);
  const merged = await gh.findMergedPullRequest(sha);
  const reviews = merged === undefined ? [] : await gh.listPullRequestReviews(merged.number);
  const record = buildApprovalRecord(sha, merged, reviews);
  await writeOutputFile('--out', out, `${JSON.stringify(record, null, 2)}\n`);
  ctx.stderr.write(`${describeApproval(record)}\n`);
  if (!isApproved(record) && inActions(ctx.env)) {
    ctx.stderr.write(annotation('warning', 'no approval on record', describeApproval(record)));
  }
  return 0;
};

/** One issue per concern, found by its marker: what it is called and how its lines read. */
interface IssueConcern {
  marker: string;
  title: string;
  /** The annotation's title, and the log's word for it: `drift`. */
  name: string;
}

/**
 * Keeps a concern's one issue up to date: while there is something to report (`found`), opens or
 * updates it and prints the body (and the step summary); once there is nothing, closes it with a
 * comment. Shared by the drift issue and the Access review issue.
 */
async function keepMarkedIssue(
  ctx: CliContext,
  concern: IssueConcern,
  found: { body: string; headline: string } | undefined,
  clean: { comment: string; headline: string; detail?: string },
): Promise<void> {
  const gh = github(ctx);
  if (found !== undefined) {
    ctx.stdout.write(found.body);
    await appendStepSummary(ctx, found.body);
    const issue = await gh.upsertMarkedIssue(concern.marker, concern.title, found.body);
    ctx.stderr.write(`${concern.name} found: ${issue.action} issue #${issue.id}: ${issue.url}\n`);
    if (inActions(ctx.env)) ctx.stderr.write(annotation('warning', concern.name, `${found.headline}: ${issue.url}`));
    return;
  }
  const closed = await gh.closeMarkedIssue(concern.marker, clean.comment);
  const message = `${clean.headline}${closed === undefined ? '' : `: closed issue #${closed}`}\n${clean.detail === undefined ? '' : `\n${clean.detail}`}`;
  ctx.stdout.write(message);
  await appendStepSummary(ctx, message);
}

/** An issue command's one input file, parsed, and the context its issue is written with; undefined after --help. */
async function readIssueInput<T>(
  ctx: CliContext,
  flag: string,
  usage: string,
  parse: (text: string, file: string) => T,
): Promise<{ input: T; context: { date: string; runUrl?: string } } | undefined> {
  const values = parseFlags(ctx, { [flag]: { type: 'string' } }, usage);
  if (!values) return undefined;
  const file = requireString(values, flag, usage);
  const input = parse(await readRequiredFile(ctx, file), file);
  const runUrl = runUrlFromEnv(ctx.env);
  return { input, context: { date: ctx.today, ...(runUrl ? { runUrl } : {}) } };
}

export const driftReport: Command = async (ctx) => {
  const read = await readIssueInput(ctx, 'plan-json', DRIFT_REPORT_USAGE, parsePlanJson);
  if (!read) return 0;
  const { input: plan, context } = read;
  await keepMarkedIssue(
    ctx,
    { marker: DRIFT_ISSUE_MARKER, title: DRIFT_ISSUE_TITLE, name: 'drift' },
    hasDrift(plan) ? { body: renderDriftIssue(plan, context), headline: 'AWS does not match main' } : undefined,
    {
      comment: renderDriftResolved(context),
      headline: 'no drift: AWS matches main',
      ...(plan.expiring.length > 0 ? { detail: renderExpiring(plan.expiring) } : {}),
    },
  );
  return 0;
};

export const accessReviewIssue: Command = async (ctx) => {
  const read = await readIssueInput(ctx, 'review-json', ACCESS_REVIEW_ISSUE_USAGE, parseReviewJson);
  if (!read) return 0;
  const { input: review, context } = read;
  const count = review.findings.length;
  await keepMarkedIssue(
    ctx,
    { marker: ACCESS_REVIEW_ISSUE_MARKER, title: REVIEW_ISSUE_TITLE, name: 'access review' },
    count > 0 ? { body: renderReviewIssue(review, context), headline: `${count} finding${count === 1 ? '' : 's'} to review` } : undefined,
    { comment: renderReviewResolved(context), headline: 'access review: nothing to review' },
  );
  return 0;
};
