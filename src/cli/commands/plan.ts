/**
 * `plan` and `apply`: load and validate the files, read the baseline, compute the plan (a value),
 * render it; `apply` then executes that same plan.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { creationTagsOf, describeApproval, parseApprovalRecord, sourceIdentityOf, type ApprovalRecord } from '../../core/approval.ts';
import { applyPlan, DEFAULT_CONCURRENCY, type ApplyReport } from '../../apply/apply-plan.ts';
import { renderApplyReportMarkdown } from '../../render/apply-report.ts';
import { generatePassword } from '../../apply/password.ts';
import { createSandboxTarget } from '../../adapters/sandbox/sandbox-target.ts';
import { desiredPasswordPolicy } from '../../core/baseline.ts';
import { accountsRemovedSinceBase, liveStateFromDesired } from '../../core/base-ref.ts';
import type { Plan } from '../../core/changes.ts';
import { AppError } from '../../core/errors.ts';
import type { DesiredState, LiveState } from '../../core/model.ts';
import { facetIdsToRead } from '../../core/facet-sources.ts';
import { computePlan } from '../../core/plan.ts';
import { lifecycleOnly } from '../../core/expiry.ts';
import { hasErrors, type Problem } from '../../core/problems.ts';
import { fsSource } from '../../config/fs-source.ts';
import { gitSource } from '../../config/git-source.ts';
import { loadDesiredState } from '../../config/load.ts';
import { readLiveState } from '../../apply/read-live-state.ts';
import type { Target } from '../../ports/target.ts';
import { renderPlanJson } from '../../render/plan-json.ts';
import { renderPlanMarkdown } from '../../render/plan-markdown.ts';
import { describeBaseline, renderPlanText } from '../../render/plan-text.ts';
import { isColorWanted } from '../../render/color.ts';
import { escapeData, renderProblemsText } from '../../render/problems.ts';
import { parseCommandArgs } from '../args.ts';
import type { CliContext, Command } from '../context.ts';
import { checkOutputFile, sandboxDirOf, userPath, writeOutputFile } from '../paths.ts';
import { lockStoreFor, takeApplyLock } from './lock.ts';

type TargetKind = 'sandbox' | 'aws';

const PLAN_HELP = `usage: npm run plan -- [options]

Shows what apply would change. The baseline is the local sandbox unless you choose another.

options:
  --target sandbox|aws   what to compare against (default sandbox: .sandbox/ in this repository;
                         aws uses the standard AWS credential chain, AWS_REGION and AWS_ENDPOINT_URL,
                         and assumes settings.yaml's read_role_to_assume roles, else role_to_assume)
  --base <git ref>       compare against the files at that ref instead (what a PR changes; no AWS access)
  --ref <git ref>        plan the files at that ref instead of the work tree, read from git objects
                         (nothing is checked out): how the trusted workflow plans a pull request
  --format text|markdown|json
                         text (default; coloured on a terminal unless NO_COLOR), markdown (PR comment),
                         json (version 1, documented in the README)
  --json                 the same as --format json
  --out <file>           also write the rendered plan to this file (its folder must exist)
  --detailed-exitcode    exit 0 when there are no changes, 2 when there are, 1 on error
  --sandbox-dir <dir>    sandbox state folder (default .sandbox at the repository root; absolute, or relative to the current folder)
`;

const APPLY_HELP = `usage: npm run apply -- [options]

Computes the plan against the target and executes it. Safe to re-run: a run stopped at any point
converges on the next one. SIGINT (Ctrl-C) or SIGTERM, or losing the apply lock, stops it cleanly:
no new change starts, the changes in flight finish, the lock is released, and it exits 1 listing
what it left undone for the next run.

options:
  --target sandbox|aws     where to apply (default sandbox; aws must be chosen explicitly: it assumes
                           settings.yaml's role_to_assume roles, when named)
  --allow-mass-deletion    allow this run to delete more users and roles, or close more accounts,
                           than settings.yaml's limits
  --format text|markdown   the outcome report on stdout (default text)
  --report-json <file>     write the outcome as JSON (version 1) for the workflow's report step
  --approval <file>        the approval record pr-record wrote (the merged pull request and its
                           approvers, or a direct push): the report shows it, and on AWS every role
                           is assumed with SourceIdentity pr-<number> (push-<commit> for a direct push)
                           so CloudTrail ties each call to it
  --concurrency <n>        changes in flight at once (default ${DEFAULT_CONCURRENCY}); requests to each AWS
                           account are paced whatever the number, slowing down when AWS throttles
  --only lifecycle         apply only what falls due with the date: expiry warnings and suspensions
                           (the daily scheduled run); every other change waits for a full apply
  --sandbox-dir <dir>      sandbox state folder (default .sandbox at the repository root; absolute, or relative to the current folder)
`;

function usageError(message: string, help: string): AppError {
  return new AppError('usage', message, { fault: 'user', hint: help.split('\n')[0] ?? '' });
}

const PLAN_OPTIONS = {
  target: { type: 'string' },
  base: { type: 'string' },
  ref: { type: 'string' },
  format: { type: 'string' },
  json: { type: 'boolean' },
  out: { type: 'string' },
  'detailed-exitcode': { type: 'boolean' },
  'sandbox-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const APPLY_OPTIONS = {
  target: { type: 'string' },
  'allow-mass-deletion': { type: 'boolean' },
  format: { type: 'string' },
  'report-json': { type: 'string' },
  approval: { type: 'string' },
  concurrency: { type: 'string' },
  only: { type: 'string' },
  'sandbox-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parse<T extends typeof PLAN_OPTIONS | typeof APPLY_OPTIONS>(ctx: CliContext, options: T, help: string) {
  return parseCommandArgs(ctx, options, help).values;
}

function concurrencyOption(value: string | undefined): number {
  if (value === undefined) return DEFAULT_CONCURRENCY;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 256) {
    throw usageError(`--concurrency must be a whole number from 1 to 256, not "${value}"`, APPLY_HELP);
  }
  return Number(value);
}

function targetKind(value: unknown, help: string): TargetKind {
  if (value === undefined || value === 'sandbox') return 'sandbox';
  if (value === 'aws') return 'aws';
  throw usageError(`--target must be sandbox or aws, not "${String(value)}"`, help);
}

/**
 * `access`: plan reads (through the read roles settings name), apply writes. On AWS, STS confirms
 * first that each principal is in the account settings.yaml names. The AWS adapters (and the SDK)
 * are loaded only when AWS is the target.
 */
export async function makeTarget(
  kind: TargetKind,
  desired: DesiredState,
  ctx: CliContext,
  sandboxDir: unknown,
  access: 'read' | 'write',
  sourceIdentity?: string,
): Promise<Target> {
  if (kind === 'aws') return (await import('../../adapters/aws/target.ts')).connectAwsTarget(desired.settings, ctx.env, { access, sourceIdentity });
  const dir = sandboxDirOf(ctx, sandboxDir);
  // The sandbox plays the administrator who created the OUs by hand: the ones the files name exist.
  const ouPaths = [...desired.accounts.values()].map((a) => a.data.organizational_unit);
  return createSandboxTarget({ dir, settings: desired.settings, ouPaths });
}

function reportProblems(ctx: CliContext, problems: readonly Problem[]): void {
  if (problems.length > 0) ctx.stderr.write(renderProblemsText(problems, { color: useColor(ctx) }));
}

function useColor(ctx: CliContext): boolean {
  return isColorWanted(ctx.stdout, ctx.env);
}

/**
 * Loads the files of the work tree (or, given `ref`, at that git ref, read from git objects);
 * undefined (after printing why) when they are invalid. The warnings (valid files, worth a look)
 * go into the Markdown and JSON plans too.
 */
export async function loadValidated(ctx: CliContext, ref?: string): Promise<{ desired: DesiredState; warnings: Problem[] } | undefined> {
  const source = ref === undefined ? fsSource(ctx.cwd) : gitSource(ctx.cwd, ref);
  const { desired, problems } = await loadDesiredState(source, { today: ctx.today });
  reportProblems(ctx, problems);
  if (!desired || hasErrors(problems)) {
    ctx.stderr.write('The files are not valid: nothing was read from or changed in any target. Fix the errors above (npm run validate).\n');
    return undefined;
  }
  return { desired, warnings: problems.filter((p) => p.severity === 'warning') };
}

async function baselineFromGit(ctx: CliContext, desired: DesiredState, ref: string): Promise<LiveState | undefined> {
  const loaded = await loadDesiredState(gitSource(ctx.cwd, ref), { today: ctx.today });
  if (!loaded.desired) {
    ctx.stderr.write(`The files at ${ref} are not valid, so they cannot be a baseline; showing every file as new.\n`);
  }
  const base = loaded.desired ?? { ...desired, users: new Map(), accounts: new Map() };
  const removed = accountsRemovedSinceBase(desired, base);
  if (removed.length > 0) {
    reportProblems(ctx, removed);
    return undefined;
  }
  return liveStateFromDesired(base, ref, ctx.today);
}

function render(plan: Plan, format: unknown, ctx: CliContext, warnings: readonly Problem[]): string {
  switch (format ?? 'text') {
    case 'text':
      return renderPlanText(plan, { color: useColor(ctx) });
    case 'markdown':
      return renderPlanMarkdown(plan, { warnings });
    case 'json':
      return renderPlanJson(plan, { warnings });
    default:
      throw usageError(`--format must be text, markdown or json, not "${String(format)}"`, PLAN_HELP);
  }
}

export const plan: Command = async (ctx) => {
  const values = parse(ctx, PLAN_OPTIONS, PLAN_HELP);
  if (values['help']) {
    ctx.stdout.write(PLAN_HELP);
    return 0;
  }
  if (values['base'] !== undefined && values['target'] !== undefined) {
    throw usageError('choose either --base (compare with files at a git ref) or --target, not both', PLAN_HELP);
  }
  const kind = targetKind(values['target'], PLAN_HELP);
  const out = typeof values['out'] === 'string' ? userPath(ctx, values['out']) : undefined;
  if (out !== undefined) await checkOutputFile('--out', out);
  const loaded = await loadValidated(ctx, typeof values['ref'] === 'string' ? values['ref'] : undefined);
  if (!loaded) return 1;
  const { desired, warnings } = loaded;
  let live: LiveState | undefined;
  if (typeof values['base'] === 'string') {
    live = await baselineFromGit(ctx, desired, values['base']);
    if (!live) return 1;
  } else {
    live = await readLiveState(await makeTarget(kind, desired, ctx, values['sandbox-dir'], 'read'), desired.settings, { facetIds: facetIdsToRead(desired) });
  }
  const computed = computePlan(desired, live, { today: ctx.today });
  const rendered = render(computed, values['json'] ? 'json' : values['format'], ctx, warnings);
  ctx.stdout.write(rendered.endsWith('\n') ? rendered : `${rendered}\n`);
  if (out !== undefined) await writeOutputFile('--out', out, rendered);
  if (!values['detailed-exitcode']) return 0;
  return computed.changes.length > 0 ? 2 : 0;
};

export const apply: Command = async (ctx) => {
  const values = parse(ctx, APPLY_OPTIONS, APPLY_HELP);
  if (values['help']) {
    ctx.stdout.write(APPLY_HELP);
    return 0;
  }
  const format = values['format'] ?? 'text';
  if (format !== 'text' && format !== 'markdown') {
    throw usageError(`--format must be text or markdown, not "${String(format)}"`, APPLY_HELP);
  }
  const kind = targetKind(values['target'], APPLY_HELP);
  const concurrency = concurrencyOption(values['concurrency']);
  if (values['only'] !== undefined && values['only'] !== 'lifecycle') {
    throw usageError(`--only must be lifecycle, not "${String(values['only'])}"`, APPLY_HELP);
  }
  // Checked before anything is applied: a report that cannot be written must not wait until after.
  const reportJson = typeof values['report-json'] === 'string' ? userPath(ctx, values['report-json']) : undefined;
  if (reportJson !== undefined) await checkOutputFile('--report-json', reportJson);
  const approval = typeof values['approval'] === 'string' ? await readApproval(ctx, values['approval']) : undefined;
  if (approval !== undefined) ctx.stderr.write(`${describeApproval(approval)}\n`);
  const sourceIdentity = approval === undefined ? undefined : sourceIdentityOf(approval);
  const loaded = await loadValidated(ctx);
  if (!loaded) return 1;
  const { desired } = loaded;
  const target = await makeTarget(kind, desired, ctx, values['sandbox-dir'], 'write', sourceIdentity);
  // One apply at a time: held from before the first read until this command returns.
  const lock = await takeApplyLock(lockStoreFor(kind, desired.settings, ctx, values['sandbox-dir'], sourceIdentity), ctx);
  // A lock held or nothing: losing it, like a cancel, stops the run before its next change.
  const stop = ctx.cancel === undefined ? lock.lost : AbortSignal.any([lock.lost, ctx.cancel]);
  try {
    return await applyLocked(ctx, desired, target, { ...values, reportJson, approval }, format, concurrency, { signal: stop, beforeChange: lock.check });
  } finally {
    await lock.release();
  }
};

async function applyLocked(
  ctx: CliContext,
  desired: DesiredState,
  target: Target,
  values: { 'allow-mass-deletion'?: boolean | undefined; reportJson: string | undefined; only?: string | undefined; approval: ApprovalRecord | undefined },
  format: string,
  concurrency: number,
  stop: { signal: AbortSignal; beforeChange: () => void },
): Promise<number> {
  const live = await readLiveState(target, desired.settings, { facetIds: facetIdsToRead(desired) });
  const full = computePlan(desired, live, { today: ctx.today });
  const computed = values.only === 'lifecycle' ? lifecycleOnly(full) : full;
  const waiting = full.changes.length - computed.changes.length;
  if (waiting > 0) {
    ctx.stderr.write(`--only lifecycle: ${waiting} other change${waiting === 1 ? '' : 's'} wait${waiting === 1 ? 's' : ''} for a full apply (the drift check reports them).\n`);
  }
  // Not the whole plan: applyPlan prints each change once, as it completes. Only the plan's notes
  // (limits, what waits for another run) would be missing from that, so they come first.
  for (const note of computed.notes) ctx.stderr.write(`note: ${note}\n`);
  const inActions = ctx.env['GITHUB_ACTIONS'] === 'true';
  const policy = desiredPasswordPolicy(desired.settings);
  const applied: ApplyReport = await applyPlan(computed, {
    target,
    settings: desired.settings,
    generatePassword: () => generatePassword(policy),
    // The runner reads workflow commands on stderr too, drops ::add-mask:: lines from the log and
    // masks the value everywhere after. stderr, so stdout (the report, maybe piped to a step summary
    // or a file) never holds it; escaped, because the runner unescapes %25, %0D and %0A.
    onSecret: (secret) => {
      if (inActions) ctx.stderr.write(`::add-mask::${escapeData(secret)}\n`);
    },
    log: (line) => ctx.stderr.write(`${line}\n`),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => new Date(),
    allowMassDeletion: values['allow-mass-deletion'] === true,
    concurrency,
    closureQuota: live.organization,
    ...stop,
    ...(values.approval === undefined ? {} : { creationTags: creationTagsOf(values.approval) }),
  });
  // Every change of one run comes from the same commit, so the record is the run's.
  const report: ApplyReport = values.approval === undefined ? applied : { ...applied, approval: values.approval };
  // Markdown is a document of its own (a step summary): every change in a table. Text follows the
  // progress lines, which listed every change already: the totals alone.
  ctx.stdout.write(format === 'markdown' ? renderApplyReportMarkdown(report) : `${describeApplyTotals(report)}\n`);
  if (values.reportJson !== undefined) {
    const json = JSON.stringify({ version: 1, results: report.results, ...(report.approval === undefined ? {} : { approval: report.approval }) }, null, 2);
    await writeOutputFile('--report-json', values.reportJson, `${json}\n`);
  }
  if (report.stopped !== undefined) {
    ctx.stderr.write(`Stopped before the end: ${report.stopped} The changes left undone are the ones "not started" above (apply-stopped in the report); run apply again to resume them.\n`);
    return 1;
  }
  return report.results.some((r) => r.status === 'failed') ? 1 : 0;
}

/** The approval record given with --approval, read and checked before anything is read from a target. */
async function readApproval(ctx: CliContext, file: string): Promise<ApprovalRecord> {
  const path = userPath(ctx, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new AppError('file-not-found', `--approval: cannot read ${file}: ${(error as Error).message}`, {
      fault: 'user',
      hint: 'Pass the file `npm run cli -- pr-record --out <file>` wrote.',
      cause: error,
    });
  }
  const record = parseApprovalRecord(text, file);
  // In Actions the run applies GITHUB_SHA: a record left from another commit would name the wrong pull request.
  const applying = ctx.env['GITHUB_SHA'];
  if (applying !== undefined && applying !== '' && applying !== record.commit) {
    throw new AppError('usage', `--approval: ${file} is the record of commit ${record.commit}, but this run applies ${applying}`, {
      fault: 'user',
      hint: 'Write it for this commit first: npm run cli -- pr-record --sha "$GITHUB_SHA" --out <file>.',
    });
  }
  return record;
}

/** `Applied to <target>: 11 done, 1 failed, 0 skipped.`, or that there was nothing to apply; then the approval. */
function describeApplyTotals(report: ApplyReport): string {
  const totals = describeApplyOutcome(report);
  return report.approval === undefined ? totals : `${totals}\n${describeApproval(report.approval)}`;
}

function describeApplyOutcome(report: ApplyReport): string {
  const target = describeBaseline(report.baseline);
  if (report.results.length === 0) return `Nothing to apply: ${target} already matches the files.`;
  const count = (status: ApplyReport['results'][number]['status']): number => report.results.filter((r) => r.status === status).length;
  const totals = `Applied to ${target}: ${count('done')} done, ${count('failed')} failed, ${count('skipped')} skipped.`;
  const left = report.results.filter((r) => r.error?.code === 'apply-stopped').length;
  if (report.stopped !== undefined && left > 0) {
    return `${totals} Stopped before the end: ${left} change${left === 1 ? ' was' : 's were'} not started; the next run resumes ${left === 1 ? 'it' : 'them'}.`;
  }
  return count('failed') + count('skipped') === 0 ? totals : `${totals} What failed or was skipped, and what to do, is above.`;
}
