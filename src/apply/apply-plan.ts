/**
 * Executes a plan (the very value `plan` rendered) through the target's ports.
 *
 * - Refuses the whole plan, before any change, when it deletes or closes more than the limits
 *   allow, names a protected user, or was computed against another target.
 * - Runs in phases so that cross-file order holds: baseline, users, accounts, user deletions,
 *   account closures. Within a phase changes run concurrently; a failure stops only its own change
 *   (and deletions of users a failed trust change still names).
 * - Credentials are sent before they are recorded as sent: a run killed in between leaves a user
 *   without the credentials-sent tag, and the next plan issues a fresh password.
 * - A temporary password goes to `onSecret` before any use, then to the port and the user's email,
 *   and nowhere else: never to `log`, never into the report (error text is scrubbed as well).
 * - Each change is logged once, when it has an outcome, with how many have one so far out of the
 *   plan's total (`[3/12] done: ...`), followed by what to do when it failed: a person watching a
 *   run sees it move, and the log holds every change once.
 */
import pLimit from 'p-limit';
import { maxAdoptionsPerRun } from '../core/adopt.ts';
import type { ApplyReport, ApplyResult } from '../core/apply-report.ts';
import { limitsExceeded, measureBlastRadius } from '../core/blast-radius.ts';
import { userOf } from '../core/change-kinds.ts';
import type { Change, Plan } from '../core/changes.ts';
import { AppError, isAppError } from '../core/errors.ts';
import type { Baseline, LiveRole, SettingsFile, Tags } from '../core/model.ts';
import { closureAllowance } from '../core/quota.ts';
import { trustedPrincipals } from '../core/roles.ts';
import { userArn } from '../core/trust-policy.ts';
import type { Target } from '../ports/target.ts';
import { summarizeChange } from '../render/change-summary.ts';
import { describeBaseline } from '../render/plan-text.ts';
import { applyMeaningOf, PHASES, phaseOf, type Failures } from './change-kinds.ts';
import { Executors, type RunContext } from './executors.ts';

export type { ApplyReport, ApplyResult, ApplyStatus } from '../core/apply-report.ts';

/** Closure-quota figures from the live state the plan was computed from. */
export interface ClosureQuotaFigures {
  closedInLast30Days: number;
  memberAccountCount: number;
}

export interface ApplyDeps {
  target: Target;
  settings: SettingsFile;
  generatePassword: () => string;
  /** Called with each temporary password BEFORE it is used anywhere (GitHub Actions: ::add-mask::). */
  onSecret: (secret: string) => void;
  /** Progress lines (stderr): a line when the run starts, one per change as it completes. Never receives a secret. */
  log: (line: string) => void;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
  /** Lets this run exceed settings.limits (never AWS's closure quota). */
  allowMassDeletion: boolean;
  /** Changes in flight at once within a phase (default DEFAULT_CONCURRENCY). */
  concurrency?: number;
  /** From the live state; read from the target when absent and the plan closes accounts. */
  closureQuota?: ClosureQuotaFigures;
  /** Back-off bounds, for tests; the defaults follow AWS's advice (see below). */
  timing?: Partial<ApplyTiming>;
  /**
   * Aborted when the run must stop (the apply lock was lost, or the run was cancelled): no new change
   * starts, the requests in flight finish, waits are cut short, and the rest is reported `skipped`
   * with the code `apply-stopped` (its reason: the signal's reason, an AppError).
   */
  signal?: AbortSignal;
  /** Called before each change starts; it may abort `signal` (the apply lock checks its lease). */
  beforeChange?: () => void;
  /**
   * Tags every user and member-account role this run creates carries besides its own (the pull
   * request it carries out, `pull-request`). Set on creation only: the planner compares only the tag
   * keys it wants, so planning again shows no change.
   */
  creationTags?: Tags;
}

export interface ApplyTiming {
  /** Polling DescribeCreateAccountStatus: first wait, cap, and total before giving up. */
  creationFirstDelayMs: number;
  creationMaxDelayMs: number;
  creationMaxWaitMs: number;
  /** Retrying a new account that refuses us (`account-not-ready`): first wait, cap, total. */
  notReadyFirstDelayMs: number;
  notReadyMaxDelayMs: number;
  notReadyMaxWaitMs: number;
}

// Account creation usually takes a few minutes, and a new account may not be usable for a few minutes
// more (https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccount.html). Both bounded, so a run never hangs.
const DEFAULT_TIMING: ApplyTiming = {
  creationFirstDelayMs: 2_000,
  creationMaxDelayMs: 30_000,
  creationMaxWaitMs: 15 * 60_000,
  notReadyFirstDelayMs: 5_000,
  notReadyMaxDelayMs: 30_000,
  notReadyMaxWaitMs: 10 * 60_000,
};

/**
 * Changes in flight at once within a phase. Waiting on AWS, not on CPU, dominates: more changes in
 * flight keep a run short when some requests are throttled and retried after a back-off, while the
 * AWS adapters pace the requests to each account (adapters/aws/pacing.ts).
 */
export const DEFAULT_CONCURRENCY = 16;

/** How many more accounts AWS lets us close in the current 30-day window. */
function awsClosureAllowance(figures: ClosureQuotaFigures): number {
  return closureAllowance(figures);
}

function sameBaseline(a: Baseline, b: Baseline): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Everything that refuses the whole plan. Throws before any change is made. */
async function checkPlanMayRun(plan: Plan, deps: ApplyDeps): Promise<void> {
  const { settings, target } = deps;
  if (!sameBaseline(plan.baseline, target.baseline)) {
    throw new AppError(
      'baseline-mismatch',
      `This plan was computed against ${describeBaseline(plan.baseline)}, not ${describeBaseline(target.baseline)}.`,
      { fault: 'user', hint: 'Compute the plan against the target you apply it to.' },
    );
  }
  const protectedUsers = new Set(settings.protected_users.map((name) => name.toLowerCase()));
  const touched = plan.changes
    .map(({ change }) => userOf(change))
    .filter((name): name is string => name !== undefined && protectedUsers.has(name.toLowerCase()));
  if (touched.length > 0) {
    throw new AppError('protected', `The plan changes protected users (settings.protected_users): ${touched.join(', ')}.`, {
      fault: 'user',
      hint: 'Protected users are never changed. Remove them from protected_users first if that is really meant.',
    });
  }

  // Adoptions have their own limit, and no flag lifts it: raising it is a reviewed change to settings.yaml.
  const adoptions = plan.changes.filter(({ change }) => change.kind === 'adopt-user').length;
  const maxAdoptions = maxAdoptionsPerRun(settings);
  if (adoptions > maxAdoptions) {
    throw new AppError(
      'too-many-adoptions',
      `The plan adopts ${adoptions} existing users; one run may adopt at most ${maxAdoptions} (settings.limits.max_adoptions_per_run). Nothing was changed.`,
      { fault: 'user', hint: 'Raise limits.max_adoptions_per_run for the migration (a reviewed change), or adopt fewer users per pull request.' },
    );
  }

  // The same count as the plan's note (core/blast-radius.ts), so a plan that is refused said so.
  const radius = measureBlastRadius(plan.changes.map(({ change }) => change));
  const exceeded = limitsExceeded(radius, settings.limits);
  if (exceeded.length > 0 && !deps.allowMassDeletion) {
    throw new AppError('too-many-deletions', `${exceeded.join(' ')} Nothing was changed.`, {
      fault: 'user',
      hint: 'If every deletion and closure is intended, run apply again with --allow-mass-deletion.',
    });
  }
  const closures = radius.closures;
  if (closures === 0) return;
  const figures = deps.closureQuota ?? (await target.organization.readOrganization());
  const allowance = awsClosureAllowance(figures);
  if (closures > allowance) {
    throw new AppError(
      'closure-quota',
      `The plan closes ${closures} accounts, but AWS allows only ${allowance} more closures in this 30-day window ` +
        `(10% of ${figures.memberAccountCount} member accounts, at least 10; ${figures.closedInLast30Days} closed recently). Nothing was changed.`,
      { fault: 'user', hint: 'Keep fewer accounts at state: closed for now and close the rest once the window allows it.' },
    );
  }
}

/** Applies the plan. Throws AppError only when the whole plan is refused (then nothing changed). */
export async function applyPlan(plan: Plan, deps: ApplyDeps): Promise<ApplyReport> {
  const startedAt = deps.now().toISOString();
  await checkPlanMayRun(plan, deps);
  const run = new Run(plan, deps);
  return run.execute(startedAt);
}

class Run implements RunContext {
  readonly plan: Plan;
  readonly deps: ApplyDeps;
  readonly timing: ApplyTiming;
  private readonly secrets: string[] = [];
  private readonly results: (ApplyResult | undefined)[];
  /** Changes with an outcome so far, for the `[n/N]` of each progress line. */
  private finished = 0;
  private readonly executors: Executors = new Executors(this);
  /** Users still named by a trust change that failed: deleting them waits for a later run. */
  private readonly stillTrusted = new Map<string, string>();
  private readonly failedAccounts = new Set<string>();
  readonly failedUsers = new Set<string>();
  /** Set when the alias change failed: emails would carry a sign-in URL that does not work. */
  private aliasFailed = false;

  constructor(plan: Plan, deps: ApplyDeps) {
    this.plan = plan;
    this.deps = deps;
    this.timing = { ...DEFAULT_TIMING, ...deps.timing };
    this.results = plan.changes.map(() => undefined);
  }

  async execute(startedAt: string): Promise<ApplyReport> {
    const limit = pLimit(Math.max(1, this.deps.concurrency ?? DEFAULT_CONCURRENCY));
    const total = this.plan.changes.length;
    if (total > 0) this.log(`Applying ${total} change${total === 1 ? '' : 's'} to ${describeBaseline(this.deps.target.baseline)}`);
    for (const phase of PHASES) {
      const indexes = this.plan.changes.flatMap((planned, index) => (phaseOf(planned.change.kind) === phase ? [index] : []));
      await Promise.all(indexes.map((index) => limit(() => this.runOne(index))));
    }
    const results = this.results.map((result, index) => {
      if (result !== undefined) return result;
      const planned = this.plan.changes[index];
      throw new Error(`no result for change ${index} (${planned === undefined ? '?' : summarizeChange(planned.change)})`);
    });
    // Stopped only if it left something undone: a lock lost after the last change changes nothing.
    const stopped = results.some((r) => r.error?.code === 'apply-stopped') ? this.stopReason() : undefined;
    return {
      baseline: this.deps.target.baseline,
      startedAt,
      finishedAt: this.deps.now().toISOString(),
      results,
      ...(stopped === undefined ? {} : { stopped: stopped.message }),
    };
  }

  /** Why this run must start nothing more, once `signal` is aborted. */
  private stopReason(): AppError | undefined {
    const signal = this.deps.signal;
    if (signal?.aborted !== true) return undefined;
    const reason: unknown = signal.reason;
    if (isAppError(reason)) return reason;
    return new AppError('apply-stopped', `The run was stopped${reason instanceof Error ? `: ${reason.message}` : ''}.`);
  }

  /** Waits `ms`, or throws `apply-stopped` as soon as the run must stop. */
  async sleep(ms: number): Promise<void> {
    const signal = this.deps.signal;
    if (signal === undefined) return this.deps.sleep(ms);
    const stopped = (): AppError =>
      new AppError('apply-stopped', `Stopped waiting: ${this.stopReason()?.message ?? 'the run was stopped.'}`, {
        hint: 'The request was made; the next run finds it and carries on from where this one stopped.',
      });
    if (signal.aborted) throw stopped();
    let onAbort = (): void => undefined;
    const aborted = new Promise<never>((_resolve, reject) => {
      onAbort = () => reject(stopped());
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([this.deps.sleep(ms), aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  private async runOne(index: number): Promise<void> {
    const planned = this.plan.changes[index];
    if (planned === undefined) return;
    const { change } = planned;
    const summary = summarizeChange(change);
    const base = { kind: change.kind, summary };

    this.deps.beforeChange?.();
    const stopped = this.stopReason();
    if (stopped !== undefined) {
      this.results[index] = { ...base, status: 'skipped', error: { code: 'apply-stopped', message: `not started: ${stopped.message}`, hint: 'The next run resumes it.' } };
      this.logOutcome('not started', summary);
      return;
    }

    const blocked = this.blockedBy(change);
    if (blocked !== undefined) {
      this.results[index] = { ...base, status: 'skipped', error: { code: 'dependency-failed', message: blocked } };
      this.logOutcome('skipped', `${summary}: ${blocked}`);
      // A user whose change waits (e.g. a creation waiting for the alias) is not there to warn or tag.
      const user = userOf(change);
      if (user !== undefined) this.failedUsers.add(user.toLowerCase());
      return;
    }

    const warnings: string[] = [];
    try {
      await applyMeaningOf(change).execute(this.executors, change, warnings);
      this.results[index] = { ...base, status: 'done', ...(warnings.length > 0 ? { warnings } : {}) };
      this.logOutcome('done', summary, warnings.map((warning) => `warning: ${warning}`));
    } catch (error) {
      const failure = this.describeError(error);
      this.results[index] = { ...base, status: 'failed', error: failure };
      this.logOutcome('FAILED', `${summary}: ${failure.code}: ${failure.message}`, failure.hint === undefined ? [] : [`what to do: ${failure.hint}`]);
      this.noteFailedTrust(change);
    }
  }

  /** `[ 3/12] done: create user ...`, then the lines that go with it, indented under it. */
  private logOutcome(outcome: 'done' | 'FAILED' | 'skipped' | 'not started', text: string, more: readonly string[] = []): void {
    const total = String(this.plan.changes.length);
    const progress = `[${String(++this.finished).padStart(total.length)}/${total}]`;
    this.log(`${progress} ${outcome}: ${text}`);
    for (const line of more) this.log(`${' '.repeat(progress.length)}   ${line}`);
  }

  /** Why a change must wait for a later run because a change it depends on failed, if it must. */
  private blockedBy(change: Change): string | undefined {
    const meaning = applyMeaningOf(change);
    const failed: Failures = { users: this.failedUsers, accounts: this.failedAccounts, stillTrusted: this.stillTrusted, alias: this.aliasFailed };
    const waits = meaning.waitsFor(change, failed);
    if (waits !== undefined) return waits;
    if (this.aliasFailed && meaning.sendsSignInUrl) {
      return 'setting the account alias failed, so the sign-in URL in its email would not work; it waits for a run where that succeeds';
    }
    return undefined;
  }

  /** What a failed change holds back: its user's later changes, its account's emails, deleting users its roles trust. */
  private noteFailedTrust(change: Change): void {
    const user = userOf(change);
    if (user !== undefined) this.failedUsers.add(user.toLowerCase());
    const held = applyMeaningOf(change).holdsBack(change);
    if (held.alias === true) this.aliasFailed = true;
    if (held.account === undefined) return;
    this.failedAccounts.add(held.account);
    for (const role of held.roles ?? []) {
      for (const name of this.trustedUserNames(role)) this.stillTrusted.set(name, held.account);
    }
  }

  /** Lower-case names of the users of the users account a role trusts. */
  private trustedUserNames(role: LiveRole): string[] {
    const prefix = userArn(this.deps.settings.users_account.id, '');
    return trustedPrincipals(role.trustPolicy)
      .filter((principal) => principal.startsWith(prefix))
      .map((principal) => (principal.slice(prefix.length).split('/').pop() ?? '').toLowerCase());
  }

  newPassword(): string {
    const password = this.deps.generatePassword();
    this.secrets.push(password);
    this.deps.onSecret(password);
    return password;
  }

  // ---- output --------------------------------------------------------------------------------

  private scrub(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (secret !== '') out = out.split(secret).join('***');
    return out;
  }

  log(line: string): void {
    this.deps.log(this.scrub(line));
  }

  describeError(error: unknown): { code: string; message: string; hint?: string } {
    if (isAppError(error)) {
      return {
        code: error.code,
        message: this.scrub(error.message),
        ...(error.hint === undefined ? {} : { hint: this.scrub(error.hint) }),
      };
    }
    // A bug, not an AWS answer: keep the message, never a stack.
    return { code: 'internal', message: this.scrub(error instanceof Error ? error.message : String(error)) };
  }
}
