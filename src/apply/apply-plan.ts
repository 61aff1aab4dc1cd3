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
 */
import pLimit from 'p-limit';
import { maxAdoptionsPerRun } from '../core/adopt.ts';
import { SENDS_SIGN_IN_URL } from '../core/alias.ts';
import {
  assertNever,
  type AdoptUser,
  type BootstrapNotice,
  type Change,
  type ChangeKind,
  type CloseAccount,
  type CreateAccount,
  type CreateUser,
  type NotifyBootstrapUsers,
  type Plan,
  type ResetPassword,
  type SuspendUser,
  type UpdateAccount,
  type UpdateGroup,
  type UpdateUser,
  type WarnExpiry,
} from '../core/changes.ts';
import { bootstrapNoticeTag } from '../core/bootstrap-notices.ts';
import { AppError, isAppError } from '../core/errors.ts';
import { EXPIRY_WARNING_TAG, SUSPENDED_CREDENTIALS, expiryWarningTagValue } from '../core/expiry.ts';
import { LEAVER_NOTICE_TAG } from '../core/leavers.ts';
import { encodeTagKeys } from '../core/baseline.ts';
import type { FacetFamily } from '../core/facet-sources.ts';
import { FACETS_TAG, facetId, type FacetValue } from '../core/facets.ts';
import { expiryWarningEmail, leaverNoticeEmail, removalEmail, suspensionEmail } from './leaver-email.ts';
import { limitsExceeded, measureBlastRadius } from '../core/blast-radius.ts';
import {
  ACCOUNT_NOTIFIED_TAG,
  CREDENTIALS_PENDING_TAG,
  CREDENTIALS_SENT_TAG,
  REQUESTER_NOTICE_TAG,
  MANAGED_BY_TAG,
  MANAGED_BY_VALUE,
  type Baseline,
  type LiveRole,
  type SettingsFile,
} from '../core/model.ts';
import { closureAllowance } from '../core/quota.ts';
import { trustedPrincipals } from '../core/roles.ts';
import { userArn } from '../core/trust-policy.ts';
import type { EmailMessage } from '../ports/mailer.ts';
import type { Target } from '../ports/target.ts';
import { summarizeChange } from '../render/change-summary.ts';
import {
  accountAdoptedEmail,
  accountClosedEmail,
  accountCreatedEmail,
  bootstrapAddedEmail,
  bootstrapRemovedEmail,
  passwordResetEmail,
  requesterNoticeEmail,
  welcomeEmail,
} from './emails.ts';

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
  /** Progress lines (stderr). Never receives a secret. */
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

/** AWS: at most 5 member-account creations in progress at once (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html). */
const MAX_CREATIONS_IN_FLIGHT = 5;

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
}

type Phase = 1 | 2 | 3 | 4 | 5 | 6;
const PHASES: readonly Phase[] = [1, 2, 3, 4, 5, 6];

/**
 * Baseline, then users, then accounts (which trust users), then the account emails that describe
 * those accounts' roles, then user deletions, then closures.
 */
export function phaseOf(kind: ChangeKind): Phase {
  switch (kind) {
    case 'update-password-policy':
    case 'update-group':
    // Before any email: the sign-in URL they carry works only once the alias is set.
    case 'set-account-alias':
      return 1;
    case 'create-user':
    case 'update-user':
    case 'reset-password':
    case 'adopt-user':
    case 'suspend-user':
      return 2;
    case 'create-account':
    case 'update-account':
    case 'put-role':
    case 'delete-role':
    case 'put-account-facet':
    case 'delete-account-facet':
      return 3;
    case 'send-account-email':
    case 'notify-requester':
    // After the role's trust change (phase 3), before any deletion (phase 5).
    case 'notify-bootstrap-users':
    // After the user exists and its welcome email went out (phase 2).
    case 'warn-expiry':
      return 4;
    case 'delete-user':
      return 5;
    case 'close-account':
      return 6;
    default:
      return assertNever(kind);
  }
}

/** How many more accounts AWS lets us close in the current 30-day window. */
export function awsClosureAllowance(figures: ClosureQuotaFigures): number {
  return closureAllowance(figures);
}

function sameBaseline(a: Baseline, b: Baseline): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const as = (arn: string | undefined): string => (arn === undefined ? '' : ` as ${arn}`);

export function describeBaseline(baseline: Baseline): string {
  switch (baseline.kind) {
    case 'sandbox':
      return `the sandbox (${baseline.path})`;
    case 'aws':
      return `AWS (users account ${baseline.usersAccountId}${as(baseline.usersPrincipalArn)}, management account ${baseline.managementAccountId}${as(baseline.managementPrincipalArn)})`;
    case 'git':
      return `the files at ${baseline.ref}`;
    default:
      return assertNever(baseline);
  }
}

function userNameOf(change: Change): string | undefined {
  switch (change.kind) {
    case 'create-user':
    case 'update-user':
    case 'reset-password':
    case 'notify-requester':
    case 'adopt-user':
    case 'delete-user':
    case 'suspend-user':
    case 'warn-expiry':
      return change.userName;
    default:
      return undefined;
  }
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
    .map(({ change }) => userNameOf(change))
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

class Run {
  private readonly plan: Plan;
  private readonly deps: ApplyDeps;
  private readonly timing: ApplyTiming;
  private readonly secrets: string[] = [];
  private readonly results: (ApplyResult | undefined)[];
  private readonly creations = pLimit(MAX_CREATIONS_IN_FLIGHT);
  /** Users still named by a trust change that failed: deleting them waits for a later run. */
  private readonly stillTrusted = new Map<string, string>();
  private readonly failedAccounts = new Set<string>();
  private readonly failedUsers = new Set<string>();
  /** Per account: the facets recorded as set by the project, and the record's pending write. */
  private readonly facetRecords = new Map<string, { ids: Set<string>; chain: Promise<void> }>();
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
    return { baseline: this.deps.target.baseline, startedAt, finishedAt: this.deps.now().toISOString(), results };
  }

  private async runOne(index: number): Promise<void> {
    const planned = this.plan.changes[index];
    if (planned === undefined) return;
    const { change } = planned;
    const summary = summarizeChange(change);
    const base = { kind: change.kind, summary };

    const blocked = this.blockedBy(change);
    if (blocked !== undefined) {
      this.results[index] = { ...base, status: 'skipped', error: { code: 'dependency-failed', message: blocked } };
      this.log(`skipped ${summary}: ${blocked}`);
      // A user whose change waits (e.g. a creation waiting for the alias) is not there to warn or tag.
      if ('userName' in change) this.failedUsers.add(change.userName.toLowerCase());
      return;
    }

    this.log(`${summary} ...`);
    const warnings: string[] = [];
    try {
      await this.perform(change, warnings);
      this.results[index] = { ...base, status: 'done', ...(warnings.length > 0 ? { warnings } : {}) };
      this.log(`done: ${summary}${warnings.length > 0 ? ` (with ${warnings.length} warning${warnings.length === 1 ? '' : 's'})` : ''}`);
      for (const warning of warnings) this.log(`  warning: ${warning}`);
    } catch (error) {
      const failure = this.describeError(error);
      this.results[index] = { ...base, status: 'failed', error: failure };
      this.log(`FAILED: ${summary}: ${failure.code}: ${failure.message}`);
      this.noteFailedTrust(change);
    }
  }

  /** Why a change must wait for a later run because a change it depends on failed, if it must. */
  private blockedBy(change: Change): string | undefined {
    if (change.kind === 'delete-user') {
      const because = this.stillTrusted.get(change.userName.toLowerCase());
      if (because !== undefined) return `still named in a role of ${because}, whose update failed; deleting waits for a run where that succeeds`;
    }
    if (change.kind === 'notify-requester' && this.failedUsers.has(change.userName.toLowerCase())) {
      return `a change to ${change.userName} failed, so the notice would announce credentials that may not have been sent; it is sent on a later run`;
    }
    if (change.kind === 'warn-expiry' && this.failedUsers.has(change.userName.toLowerCase())) {
      return `a change to ${change.userName} failed or waits; the warning is sent on a later run`;
    }
    if (change.kind === 'notify-bootstrap-users' && this.failedAccounts.has(change.accountName)) {
      return `a change to ${change.accountName} failed, so the email would describe a trust that may not be in place; it is sent on a later run`;
    }
    if (change.kind === 'notify-bootstrap-users') {
      const failed = [...change.added, ...change.removed].find((name) => this.failedUsers.has(name.toLowerCase()));
      if (failed !== undefined) return `a change to ${failed} failed; the email is sent on a later run`;
    }
    if (this.aliasFailed && (SENDS_SIGN_IN_URL as readonly string[]).includes(change.kind)) {
      return 'setting the account alias failed, so the sign-in URL in its email would not work; it waits for a run where that succeeds';
    }
    if (change.kind === 'send-account-email' && this.failedAccounts.has(change.accountName)) {
      return `a change to ${change.accountName} failed, so its email would describe a role that may not be there; it is sent on a later run`;
    }
    return undefined;
  }

  private noteFailedTrust(change: Change): void {
    if (change.kind === 'set-account-alias') this.aliasFailed = true;
    if ('userName' in change) this.failedUsers.add(change.userName.toLowerCase());
    // A setting that failed (a contact) says nothing about the account's roles or its email.
    if (!('accountName' in change) || change.kind === 'put-account-facet' || change.kind === 'delete-account-facet') return;
    this.failedAccounts.add(change.accountName);
    const roles: LiveRole[] =
      change.kind === 'put-role' ? [change.after, ...(change.before === undefined ? [] : [change.before])] : change.kind === 'create-account' ? [...change.roles] : [];
    for (const role of roles) {
      for (const name of this.trustedUserNames(role)) this.stillTrusted.set(name, change.accountName);
    }
  }

  /** Lower-case names of the users of the users account a role trusts. */
  private trustedUserNames(role: LiveRole): string[] {
    const prefix = userArn(this.deps.settings.users_account.id, '');
    return trustedPrincipals(role.trustPolicy)
      .filter((principal) => principal.startsWith(prefix))
      .map((principal) => (principal.slice(prefix.length).split('/').pop() ?? '').toLowerCase());
  }

  private async perform(change: Change, warnings: string[]): Promise<void> {
    const { usersAccount, organization } = this.deps.target;
    switch (change.kind) {
      case 'update-password-policy':
        return usersAccount.putPasswordPolicy(change.to);
      case 'update-group':
        return this.updateGroup(change);
      case 'create-user':
        return this.createUser(change, warnings);
      case 'update-user':
        return this.updateUser(change);
      case 'reset-password':
        return this.resetPassword(change);
      case 'adopt-user':
        return this.adoptUser(change);
      case 'suspend-user':
        return this.suspendUser(change);
      case 'set-account-alias':
        return usersAccount.setAccountAlias(change.to);
      case 'delete-user':
        if (change.notify !== undefined || change.tell !== undefined) {
          // Told once: the tag goes on after the emails and before the deletion (leavers.ts).
          if (change.notify !== undefined && change.stillTrustedBy !== undefined) {
            await this.deps.target.mailer.send(leaverNoticeEmail(this.deps.settings, change.userName, change.notify, change.stillTrustedBy));
          }
          if (change.tell !== undefined) await this.deps.target.mailer.send(removalEmail(this.deps.settings, change.userName, change.tell));
          await usersAccount.tagUser(change.userName, { [LEAVER_NOTICE_TAG]: 'true' });
        }
        return usersAccount.deleteUser(change.userName);
      case 'create-account':
        return this.creations(() => this.createAccount(change));
      case 'update-account':
        return this.updateAccount(change);
      case 'put-role':
        await this.recordBootstrapNotice(change.accountId, change.notice, warnings);
        return this.whenAccountReady(change.accountName, () => organization.putRole(change.accountId, change.after));
      case 'delete-role':
        await this.recordBootstrapNotice(change.accountId, change.notice, warnings);
        return this.whenAccountReady(change.accountName, () => organization.deleteRole(change.accountId, change.before.name));
      case 'put-account-facet':
        return this.whenAccountReady(change.accountName, () => this.putFacet(change.accountId, change.recorded, change, change.after));
      case 'delete-account-facet':
        return this.whenAccountReady(change.accountName, () => this.deleteFacet(change.accountId, change.recorded, change));
      case 'notify-bootstrap-users':
        return this.notifyBootstrapUsers(change);
      case 'warn-expiry':
        return this.warnExpiry(change);
      case 'send-account-email':
        if (change.adopted) return this.sendAdoptedNotice(change.accountName, change.accountId, change.recipients);
        return this.sendAccountEmail(change.accountName, change.accountId, change.recipients, this.hasBootstrapRole(change.accountId));
      case 'notify-requester':
        return this.notifyRequester(change.userName, change.fullName, change.requestedBy);
      case 'close-account':
        return this.closeAccount(change, warnings);
      default:
        return assertNever(change);
    }
  }

  // ---- users account -------------------------------------------------------------------------

  private async updateGroup(change: UpdateGroup): Promise<void> {
    const { usersAccount } = this.deps.target;
    if (change.create) await usersAccount.createGroup(change.group);
    for (const [name, document] of Object.entries(change.putPolicies)) await usersAccount.putGroupPolicy(change.group, name, document);
    for (const name of change.deletePolicies) await usersAccount.deleteGroupPolicy(change.group, name);
    for (const arn of change.detachPolicies) await usersAccount.detachGroupPolicy(change.group, arn);
  }

  private async createUser(change: CreateUser, warnings: string[]): Promise<void> {
    const { usersAccount, mailer } = this.deps.target;
    const { settings } = this.deps;
    const noticeOwed = change.requestedBy.toLowerCase() !== change.userName.toLowerCase();
    try {
      // The notice is owed from the start: a run stopped anywhere after this sends it on the next.
      await usersAccount.createUser(change.userName, noticeOwed ? { ...change.tags, [REQUESTER_NOTICE_TAG]: 'true' } : change.tags);
    } catch (error) {
      if (isAppError(error) && error.code === 'user-exists') {
        throw new AppError(
          'user-exists',
          `The plan expected no user ${change.userName}, but one with that name (ignoring case) exists now: ` +
            'another run or someone outside this tool created it after the plan was computed.',
          { fault: 'user', hint: 'Run plan again: it will show what to do with the existing user.', cause: error },
        );
      }
      throw error;
    }
    // Independent of each other once the user exists: run together. sendCredentials keeps its own
    // order (credentials-pending tag, password, email, credentials-sent tag).
    await Promise.all([
      usersAccount.addUserToGroup(change.userName, change.group),
      this.sendCredentials(change.userName, change.credentialsToken, (temporaryPassword) =>
        welcomeEmail({ settings, userName: change.userName, fullName: change.fullName, temporaryPassword }),
      ),
    ]);
    if (noticeOwed) {
      try {
        await this.notifyRequester(change.userName, change.fullName, change.requestedBy);
      } catch (error) {
        // Still tagged as owed: the next plan sends it.
        warnings.push(`the notice to ${change.requestedBy} was not sent (it is sent on the next run): ${this.describeError(error).message}`);
      }
    }
  }

  /**
   * A new temporary password, emailed, then recorded as sent. The user is tagged credentials-pending
   * first: if apply may not tag it, that fails here, before any password change or email, instead of
   * after them (which would make every run reset and email the password again, for ever).
   */
  private async sendCredentials(userName: string, token: string, email: (temporaryPassword: string) => EmailMessage): Promise<void> {
    const { usersAccount, mailer } = this.deps.target;
    await usersAccount.tagUser(userName, { [CREDENTIALS_PENDING_TAG]: token });
    const password = this.newPassword();
    await usersAccount.setTemporaryPassword(userName, password);
    await mailer.send(email(password));
    // Only now: if the email never went out, the missing tag makes the next plan issue a new password.
    await usersAccount.tagUser(userName, { [CREDENTIALS_SENT_TAG]: token });
    await usersAccount.untagUser(userName, [CREDENTIALS_PENDING_TAG]);
  }

  /** The requester's notice, then the tag that said it was owed goes. */
  private async notifyRequester(userName: string, fullName: string, requestedBy: string): Promise<void> {
    const { usersAccount, mailer } = this.deps.target;
    await mailer.send(requesterNoticeEmail({ settings: this.deps.settings, requestedBy, userName, fullName }));
    await usersAccount.untagUser(userName, [REQUESTER_NOTICE_TAG]);
  }

  private async updateUser(change: UpdateUser): Promise<void> {
    const { usersAccount } = this.deps.target;
    if (Object.keys(change.setTags).length > 0) await usersAccount.tagUser(change.userName, change.setTags);
    if (change.removeTags.length > 0) await usersAccount.untagUser(change.userName, change.removeTags);
    for (const group of change.addGroups) await usersAccount.addUserToGroup(change.userName, group);
    // Access the user has outside the configured group goes after it has joined that group.
    for (const group of change.removeGroups) await usersAccount.removeUserFromGroup(change.userName, group);
    for (const arn of change.detachPolicies) await usersAccount.detachUserPolicy(change.userName, arn);
    for (const name of change.deletePolicies) await usersAccount.deleteUserPolicy(change.userName, name);
  }

  /**
   * Tags first: the removals below refuse users without the managed-by tag. Never a login profile
   * call, never an email: the user keeps the password, keys and MFA devices it has.
   */
  private async adoptUser(change: AdoptUser): Promise<void> {
    const { usersAccount } = this.deps.target;
    await usersAccount.tagUser(change.userName, change.tags);
    for (const group of change.addGroups) await usersAccount.addUserToGroup(change.userName, group);
    for (const group of change.removeGroups) await usersAccount.removeUserFromGroup(change.userName, group);
    for (const arn of change.detachPolicies) await usersAccount.detachUserPolicy(change.userName, arn);
    for (const name of change.deletePolicies) await usersAccount.deleteUserPolicy(change.userName, name);
  }

  /**
   * Credentials off first (password, keys), then the groups; the suspended mark last, so a run
   * stopped half way plans the suspension again (every step holds when repeated).
   */
  private async suspendUser(change: SuspendUser): Promise<void> {
    const { usersAccount } = this.deps.target;
    await usersAccount.suspendUser(change.userName);
    for (const group of change.leaveGroups) await usersAccount.removeUserFromGroup(change.userName, group);
    await this.deps.target.mailer.send(suspensionEmail(this.deps.settings, change.userName, change.expires, change.tell));
    await usersAccount.tagUser(change.userName, { [CREDENTIALS_SENT_TAG]: SUSPENDED_CREDENTIALS });
  }

  /** The email first, then the tag that says it went out for this date (expiry.ts). */
  private async warnExpiry(change: WarnExpiry): Promise<void> {
    const { usersAccount, mailer } = this.deps.target;
    await mailer.send(expiryWarningEmail(this.deps.settings, change.userName, change.expiry, change.tell));
    await usersAccount.tagUser(change.userName, { [EXPIRY_WARNING_TAG]: expiryWarningTagValue(change.warning, change.expires) });
  }

  /**
   * Before a bootstrap role's trust changes, each person it adds or removes is tagged as owed the
   * email (bootstrap-notices.ts). A tag that cannot be written never holds the trust change back
   * (removing access matters more than the email about it): the run says so instead.
   */
  private async recordBootstrapNotice(accountId: string, notice: BootstrapNotice | undefined, warnings: string[]): Promise<void> {
    if (notice === undefined) return;
    const { usersAccount } = this.deps.target;
    const marks: [string, string][] = [...notice.added.map((name): [string, string] => [name, 'added']), ...notice.removed.map((name): [string, string] => [name, 'removed'])];
    for (const [userName, membership] of marks) {
      // A user whose creation or adoption failed is not the project's (yet): its email waits anyway.
      if (this.failedUsers.has(userName.toLowerCase())) continue;
      try {
        await usersAccount.tagUser(userName, { [bootstrapNoticeTag(accountId)]: membership });
      } catch (error) {
        warnings.push(`the email owed to ${userName} could not be recorded (a run stopped before sending it would not send it): ${this.describeError(error).message}`);
      }
    }
  }

  /** The emails, then the tags that said they were owed go. */
  private async notifyBootstrapUsers(change: NotifyBootstrapUsers): Promise<void> {
    const { usersAccount, mailer } = this.deps.target;
    const input = { settings: this.deps.settings, accountName: change.accountName, accountId: change.accountId, roleName: change.roleName };
    if (change.added.length > 0) await mailer.send(bootstrapAddedEmail({ ...input, recipients: change.added }));
    if (change.removed.length > 0) await mailer.send(bootstrapRemovedEmail({ ...input, recipients: change.removed }));
    for (const userName of [...change.added, ...change.removed]) await usersAccount.untagUser(userName, [bootstrapNoticeTag(change.accountId)]);
  }

  private async resetPassword(change: ResetPassword): Promise<void> {
    const { settings } = this.deps;
    await this.sendCredentials(change.userName, change.credentialsToken, (temporaryPassword) => {
      const input = { settings, userName: change.userName, fullName: change.fullName, temporaryPassword };
      // A user whose welcome email never arrived gets the whole welcome, not a bare reset notice.
      return change.why === 'welcome-email-not-sent' ? welcomeEmail(input) : passwordResetEmail(input);
    });
  }

  private newPassword(): string {
    const password = this.deps.generatePassword();
    this.secrets.push(password);
    this.deps.onSecret(password);
    return password;
  }

  // ---- organization --------------------------------------------------------------------------

  private async createAccount(change: CreateAccount): Promise<void> {
    const { organization } = this.deps.target;
    const { settings } = this.deps;
    const requestId =
      change.resumeRequestId ??
      (await organization.startAccountCreation({
        accountName: change.accountName,
        email: change.email,
        tags: change.tags,
        accessRoleName: settings.organization.access_role_name,
      }));
    if (change.resumeRequestId !== undefined) this.log(`${change.accountName}: resuming creation request ${requestId}`);
    const accountId = await this.waitForAccount(change, requestId);
    this.log(`${change.accountName}: created as ${accountId}`);
    if (change.ouPath !== '/') await organization.moveAccount(accountId, change.ouPath);
    const hasBootstrapRole = change.bootstrapUsers.length > 0;
    // In the plan's order: the bootstrap role, then the reader role the next plan reads it through.
    for (const role of change.roles) await this.whenAccountReady(change.accountName, () => organization.putRole(accountId, role));
    for (const facet of change.facets) await this.whenAccountReady(change.accountName, () => this.putFacet(accountId, [], facet, facet.value));
    await this.sendAccountEmail(change.accountName, accountId, change.recipients, hasBootstrapRole);
  }

  private async waitForAccount(change: CreateAccount, requestId: string): Promise<string> {
    const { organization } = this.deps.target;
    let delay = this.timing.creationFirstDelayMs;
    let waited = 0;
    for (;;) {
      const status = await organization.describeAccountCreation(requestId);
      if (status.state === 'SUCCEEDED') {
        if (status.accountId === undefined) throw new AppError('account-creation-failed', `Request ${requestId} succeeded without an account id.`);
        return status.accountId;
      }
      if (status.state === 'FAILED') {
        const owner = status.failureReason === 'EMAIL_ALREADY_EXISTS' ? await this.emailOwner(change) : undefined;
        throw creationFailure(change, requestId, status.failureReason, owner);
      }
      if (waited >= this.timing.creationMaxWaitMs) {
        throw new AppError(
          'account-creation-timeout',
          `AWS is still creating ${change.accountName} after ${Math.round(waited / 1000)}s (request ${requestId}).`,
          { hint: 'Run apply again later: the next plan finds the request and carries on with it instead of asking again.' },
        );
      }
      this.log(`${change.accountName}: creation ${requestId} in progress, checking again in ${Math.round(delay / 1000)}s`);
      await this.deps.sleep(delay);
      waited += delay;
      delay = Math.min(delay * 2, this.timing.creationMaxDelayMs);
    }
  }

  /** Who has the root email AWS says is taken: an account in this Organization, or one outside it. */
  private async emailOwner(change: CreateAccount): Promise<string> {
    try {
      const found = await this.deps.target.organization.findAccounts({ name: change.accountName, email: change.email });
      const owner = found.find((account) => account.email.toLowerCase() === change.email.toLowerCase());
      if (owner === undefined) return 'No account in this Organization has it, so it belongs to an AWS account outside it.';
      return `It belongs to account ${owner.id} (${owner.name}, ${owner.state}${owner.managed ? ', managed by this project' : ', not created by this project'}) in this Organization.`;
    } catch (error) {
      return `Looking for the account that has it failed too: ${this.describeError(error).message}`;
    }
  }

  /** Retries `account-not-ready` (a new account refusing us for a few minutes), bounded. */
  private async whenAccountReady(accountName: string, action: () => Promise<void>): Promise<void> {
    let delay = this.timing.notReadyFirstDelayMs;
    let waited = 0;
    for (;;) {
      try {
        return await action();
      } catch (error) {
        if (!isAppError(error) || error.code !== 'account-not-ready' || waited >= this.timing.notReadyMaxWaitMs) throw error;
        this.log(`${accountName}: account not ready yet, trying again in ${Math.round(delay / 1000)}s`);
        await this.deps.sleep(delay);
        waited += delay;
        delay = Math.min(delay * 2, this.timing.notReadyMaxDelayMs);
      }
    }
  }

  /** The record first: a run stopped in between leaves a recorded facet the next plan puts again. */
  private async putFacet(accountId: string, recorded: readonly string[], facet: { family: FacetFamily; key: string }, value: FacetValue): Promise<void> {
    await this.recordFacet(accountId, recorded, facetId(facet.family, facet.key), true);
    await this.deps.target.organization.putFacet(accountId, facet.family, facet.key, value);
  }

  /** The record last: a run stopped in between leaves it, and the next plan deletes (or forgets) the facet. */
  private async deleteFacet(accountId: string, recorded: readonly string[], facet: { family: FacetFamily; key: string }): Promise<void> {
    await this.deps.target.organization.deleteFacet(accountId, facet.family, facet.key);
    await this.recordFacet(accountId, recorded, facetId(facet.family, facet.key), false);
  }

  /**
   * Rewrites the account's record of the facets the project set (one tag, facets.ts). An account's
   * facet changes run at once, so the record is kept here and written one change after another.
   */
  private recordFacet(accountId: string, recorded: readonly string[], id: string, present: boolean): Promise<void> {
    const { organization } = this.deps.target;
    const entry = this.facetRecords.get(accountId) ?? { ids: new Set(recorded), chain: Promise.resolve() };
    this.facetRecords.set(accountId, entry);
    const step = entry.chain.then(async () => {
      if (present === entry.ids.has(id)) return;
      if (present) entry.ids.add(id);
      else entry.ids.delete(id);
      const ids = [...entry.ids].sort();
      if (ids.length === 0) await organization.untagAccount(accountId, [FACETS_TAG]);
      else await organization.tagAccount(accountId, { [FACETS_TAG]: encodeTagKeys(ids) });
    });
    entry.chain = step.catch(() => undefined);
    return step;
  }

  private async updateAccount(change: UpdateAccount): Promise<void> {
    const { organization } = this.deps.target;
    if (change.move !== undefined) await organization.moveAccount(change.accountId, change.move.to);
    if (Object.keys(change.setTags).length > 0) await organization.tagAccount(change.accountId, change.setTags);
    if (change.removeTags.length > 0) await organization.untagAccount(change.accountId, change.removeTags);
  }

  /** The change does not say; the role is there unless this plan removes it. */
  private hasBootstrapRole(accountId: string): boolean {
    const name = this.deps.settings.organization.bootstrap_role_name.toLowerCase();
    return !this.plan.changes.some(
      ({ change }) => change.kind === 'delete-role' && change.accountId === accountId && change.before.name.toLowerCase() === name,
    );
  }

  private async sendAccountEmail(accountName: string, accountId: string, recipients: readonly string[], hasBootstrapRole: boolean): Promise<void> {
    const { organization, mailer } = this.deps.target;
    await mailer.send(accountCreatedEmail({ settings: this.deps.settings, accountName, accountId, recipients, hasBootstrapRole }));
    await organization.tagAccount(accountId, { [ACCOUNT_NOTIFIED_TAG]: 'true' });
  }

  private async sendAdoptedNotice(accountName: string, accountId: string, recipients: readonly string[]): Promise<void> {
    const { organization, mailer } = this.deps.target;
    await mailer.send(accountAdoptedEmail({ settings: this.deps.settings, accountName, accountId, recipients }));
    await organization.tagAccount(accountId, { [ACCOUNT_NOTIFIED_TAG]: 'true' });
  }

  private async closeAccount(change: CloseAccount, warnings: string[]): Promise<void> {
    const { organization, mailer } = this.deps.target;
    await organization.closeAccount(change.accountId);
    try {
      await mailer.send(
        accountClosedEmail({ settings: this.deps.settings, accountName: change.accountName, accountId: change.accountId, recipients: change.recipients }),
      );
    } catch (error) {
      // The account is closed either way; a later run would not send this again, so say so.
      warnings.push(`the closure email to ${change.recipients.join(', ')} was not sent: ${this.describeError(error).message}`);
    }
  }

  // ---- output --------------------------------------------------------------------------------

  private scrub(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (secret !== '') out = out.split(secret).join('***');
    return out;
  }

  private log(line: string): void {
    this.deps.log(this.scrub(line));
  }

  private describeError(error: unknown): { code: string; message: string; hint?: string } {
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

function creationFailure(change: CreateAccount, requestId: string, reason: string | undefined, emailOwner?: string): AppError {
  const what = `AWS could not create account ${change.accountName} (request ${requestId}, ${reason ?? 'no reason given'})`;
  const file = `accounts/${change.accountName}.yaml`;
  switch (reason) {
    case 'EMAIL_ALREADY_EXISTS':
      return new AppError('account-email-taken', `${what}: the root email ${change.email} already belongs to another AWS account. ${emailOwner ?? ''}`.trimEnd(), {
        fault: 'user',
        hint:
          `Give the account another root_email in ${file}. If that account is the one you meant: in this Organization, put its id in ${file} ` +
          'with adopt: true; outside it, invite it into the Organization first.',
      });
    case 'INVALID_EMAIL':
      return new AppError('account-email-invalid', `${what}: AWS does not accept the root email ${change.email}.`, {
        fault: 'user',
        hint: `Fix root_email in ${file} (or organization.root_email_template): 6-64 ASCII characters, one @, a dot in the domain.`,
      });
    case 'ACCOUNT_LIMIT_EXCEEDED':
      return new AppError('account-limit', `${what}: the Organization has reached its maximum number of accounts.`, {
        hint: 'Ask for a higher "Default maximum number of accounts" in Service Quotas (AWS Organizations); closed accounts count for 90 days.',
      });
    case 'CONCURRENT_ACCOUNT_MODIFICATION':
      return new AppError('account-creation-conflict', `${what}: a request with the same details is already being processed.`, {
        hint: 'Run apply again in a few minutes: the next plan finds the request in progress and carries on with it.',
      });
    case 'INTERNAL_FAILURE':
      return new AppError('account-creation-failed', `${what}: an internal AWS failure.`, { hint: 'Run apply again later.' });
    default:
      return new AppError('account-creation-failed', `${what}.`, {
        hint: 'Look the reason up under CreateAccountStatus FailureReason in the AWS Organizations API reference, fix it, and run apply again.',
      });
  }
}

// ---- rendering -----------------------------------------------------------------------------------

function counts(report: ApplyReport): Record<ApplyStatus, number> {
  const out: Record<ApplyStatus, number> = { done: 0, failed: 0, skipped: 0 };
  for (const result of report.results) out[result.status] += 1;
  return out;
}

/** Plain text for a terminal or a log. */
export function renderApplyReport(report: ApplyReport): string {
  const target = describeBaseline(report.baseline);
  if (report.results.length === 0) return `Nothing to apply: ${target} already matches the files.\n`;
  const n = counts(report);
  const lines = [`Applied to ${target}: ${n.done} done, ${n.failed} failed, ${n.skipped} skipped.`, ''];
  const label: Record<ApplyStatus, string> = { done: 'done   ', failed: 'FAILED ', skipped: 'skipped' };
  for (const result of report.results) {
    lines.push(`  ${label[result.status]}  ${result.summary}`);
    if (result.error !== undefined) {
      lines.push(`           ${result.error.code}: ${result.error.message}`);
      if (result.error.hint !== undefined) lines.push(`           what to do: ${result.error.hint}`);
    }
    for (const warning of result.warnings ?? []) lines.push(`           warning: ${warning}`);
  }
  return `${lines.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Markdown for a GitHub step summary or a PR comment. */
export function renderApplyReportMarkdown(report: ApplyReport): string {
  const target = describeBaseline(report.baseline);
  if (report.results.length === 0) return `### Apply\n\nNothing to apply: ${target} already matches the files.\n`;
  const n = counts(report);
  const icon: Record<ApplyStatus, string> = { done: '✅ done', failed: '❌ failed', skipped: '⏭️ skipped' };
  const lines = [
    `### Apply: ${n.failed > 0 ? 'some changes failed' : 'all changes applied'}`,
    '',
    `Applied to ${target}: **${n.done} done, ${n.failed} failed, ${n.skipped} skipped**.`,
    '',
    '| Result | Change | Details |',
    '| --- | --- | --- |',
  ];
  for (const result of report.results) {
    const details: string[] = [];
    if (result.error !== undefined) {
      details.push(`\`${result.error.code}\`: ${result.error.message}`);
      if (result.error.hint !== undefined) details.push(`What to do: ${result.error.hint}`);
    }
    for (const warning of result.warnings ?? []) details.push(`Warning: ${warning}`);
    lines.push(`| ${icon[result.status]} | ${cell(result.summary)} | ${cell(details.join('<br>'))} |`);
  }
  return `${lines.join('\n')}\n`;
}
