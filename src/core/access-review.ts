/**
 * The access review: what auditors and IT Health Checks ask about the users account and the member
 * accounts, as a value. Built from the files (desired state), the live state the plan reads too,
 * and one row per user of IAM's credential report (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html):
 * users without MFA, console passwords and access keys unused or never used, old access keys,
 * expired and soon-expiring users, bootstrap roles left in place, unmanaged users, and people
 * whose access was last approved too long ago (from git history, read by the caller).
 *
 * Pure: `today` and the thresholds are inputs, nothing is read or changed. Each rule is a named
 * function returning findings; every finding has a stable kind and severity, the user or role, the
 * fact and what to do.
 *
 * Protected users (settings.protected_users) are left out: the project never touches them, and a
 * break-glass user is meant to sit unused, so listing it would keep the review open for ever.
 */
import type { ApprovalRecord, LastApproval } from './access-history.ts';
import { daysBetween, describeExpiry, EXPIRES_TAG, hasExpired } from './expiry.ts';
import { compareText, lower } from './plan-helpers.ts';
import { summarizeTrustPolicy } from './trust-policy.ts';
import {
  findTag,
  isManaged,
  type AccessKeyFacts,
  type Baseline,
  type DesiredState,
  type DesiredUser,
  type LiveAccount,
  type LiveRole,
  type LiveState,
  type LiveUser,
  type LiveUserCredentials,
  type SettingsFile,
} from './model.ts';

export type Severity = 'high' | 'medium' | 'low';

/** Most urgent first: the order findings are listed in. */
export const SEVERITY_ORDER: readonly Severity[] = ['high', 'medium', 'low'];

export type FindingKind =
  | 'expired-with-access'
  | 'no-mfa'
  | 'unmanaged-user'
  | 'password-unused'
  | 'access-key-unused'
  | 'access-key-old'
  | 'bootstrap-role-old'
  | 'recertification-due'
  | 'expiring-soon'
  | 'expired-suspended';

/** Each kind's severity never changes with the data, so filters and dashboards can rely on it. */
export const FINDING_SEVERITY: Readonly<Record<FindingKind, Severity>> = {
  'expired-with-access': 'high',
  'no-mfa': 'high',
  'unmanaged-user': 'medium',
  'password-unused': 'medium',
  'access-key-unused': 'medium',
  'access-key-old': 'medium',
  'bootstrap-role-old': 'medium',
  'recertification-due': 'medium',
  'expiring-soon': 'low',
  'expired-suspended': 'low',
};

export const FINDING_KINDS = Object.keys(FINDING_SEVERITY) as readonly FindingKind[];

/** Who or what a finding is about: an IAM user of the users account, or a role in a member account. */
export type FindingSubject =
  | { type: 'user'; userName: string }
  | { type: 'role'; roleName: string; accountName: string; accountId: string };

export interface Finding {
  kind: FindingKind;
  severity: Severity;
  subject: FindingSubject;
  /** What is true, with its dates: `console password never used since it was set on 2026-08-01 (121 days ago)`. */
  fact: string;
  /** What a person should do about it. */
  action: string;
}

/** The thresholds in days (settings.yaml access_review, or their defaults). */
export interface ReviewThresholds {
  graceDays: number;
  unusedDays: number;
  accessKeyMaxAgeDays: number;
  expiringWithinDays: number;
  bootstrapRoleMaxAgeDays: number;
  recertifyAfterDays: number;
}

/**
 * Defaults: 90 days unused and 90 days of key age are what IT Health Checks and the CIS AWS
 * Foundations Benchmark flag; a week is enough to add MFA and sign in after the welcome email;
 * 30 days leaves a month to extend a contract; 90 days gives a new account's team a quarter to
 * set up its own admin role, after which a bootstrap role (full admin, trusted by people) is most
 * likely forgotten rather than still needed. A year between approvals is the usual cycle of
 * access recertification (ISO 27001 A.5.18 asks for access rights to be reviewed at planned intervals).
 */
export const DEFAULT_REVIEW_THRESHOLDS: ReviewThresholds = {
  graceDays: 7,
  unusedDays: 90,
  accessKeyMaxAgeDays: 90,
  expiringWithinDays: 30,
  bootstrapRoleMaxAgeDays: 90,
  recertifyAfterDays: 365,
};

export function reviewThresholds(settings: SettingsFile): ReviewThresholds {
  const given = settings.access_review ?? {};
  const d = DEFAULT_REVIEW_THRESHOLDS;
  return {
    graceDays: given.grace_days ?? d.graceDays,
    unusedDays: given.unused_days ?? d.unusedDays,
    accessKeyMaxAgeDays: given.access_key_max_age_days ?? d.accessKeyMaxAgeDays,
    expiringWithinDays: given.expiring_within_days ?? d.expiringWithinDays,
    bootstrapRoleMaxAgeDays: given.bootstrap_role_max_age_days ?? d.bootstrapRoleMaxAgeDays,
    recertifyAfterDays: given.recertify_after_days ?? d.recertifyAfterDays,
  };
}

export interface AccessReview {
  baseline: Baseline;
  /** YYYY-MM-DD: the day every age is counted to. */
  today: string;
  thresholds: ReviewThresholds;
  /** Most severe first, then by kind (FINDING_KINDS order), then by name. */
  findings: readonly Finding[];
  /** What could not be checked, and why. */
  notes: readonly string[];
  /** How many users and bootstrap roles were looked at. */
  checked: { users: number; bootstrapRoles: number };
}

export interface ReviewInput {
  desired: DesiredState;
  live: LiveState;
  credentials: readonly LiveUserCredentials[];
  /** YYYY-MM-DD, UTC. */
  today: string;
  /**
   * When each person's access was last approved, from git history, or why that is unknown (then
   * recertification is skipped with a note). Left out: not checked, no note (a caller without a repository).
   */
  approvals?: ApprovalRecord;
}

/** The date part of an ISO 8601 timestamp. */
const day = (timestamp: string): string => timestamp.slice(0, 10);

/** `2026-08-01 (121 days ago)`. */
function ago(timestamp: string, today: string): string {
  const days = daysBetween(day(timestamp), today);
  return `${day(timestamp)} (${days === 0 ? 'today' : `${days} day${days === 1 ? '' : 's'} ago`})`;
}

/** What one user looks like to the rules: its file (if any), its live user, its report row. */
export interface UserUnderReview {
  userName: string;
  file: DesiredUser | undefined;
  live: LiveUser;
  managed: boolean;
  credentials: LiveUserCredentials | undefined;
  /** From the file (only the file, for a managed user), else the user's expires tag. */
  expires: string | undefined;
}

export interface RuleContext {
  today: string;
  thresholds: ReviewThresholds;
  /** User name (lower case) to its last approval; `undefined` when approvals are not known. */
  lastApproved?: ReadonlyMap<string, LastApproval> | undefined;
}

function userFinding(kind: FindingKind, userName: string, fact: string, action: string): Finding {
  return { kind, severity: FINDING_SEVERITY[kind], subject: { type: 'user', userName }, fact, action };
}

/** Who to ask about a user: the requester named in its file, or nobody known. */
function askAbout(user: UserUnderReview): string {
  return user.file === undefined ? 'Find out who owns this user' : `Ask ${user.file.data.requested_by} (who requested it)`;
}

/** Who holds a user's keys: the person (their user name is their email), or whoever owns a user made by hand. */
function askOwner(user: UserUnderReview): string {
  return user.file === undefined ? 'Find out who owns this user and ask them' : `Ask ${user.userName}`;
}

function removeFileOrByHand(user: UserUnderReview): string {
  return user.file === undefined ? 'remove the user by hand in IAM' : `remove ${user.file.source.file} to delete the user`;
}

/** Managed users with a console password and no MFA device, once the grace period after creation is over. */
export function everyConsoleUserHasMfa(user: UserUnderReview, context: RuleContext): Finding[] {
  const row = user.credentials;
  if (!user.managed || row === undefined || !row.hasPassword || row.mfaActive || row.createdAt === '') return [];
  if (daysBetween(day(row.createdAt), context.today) <= context.thresholds.graceDays) return [];
  return [
    userFinding(
      'no-mfa',
      user.userName,
      `console password and no MFA device; the user was created on ${ago(row.createdAt, context.today)}`,
      `Ask ${user.userName} to add an MFA device (without one they cannot assume any role); if they no longer need AWS, ${removeFileOrByHand(user)}.`,
    ),
  ];
}

/** Console passwords used within `unusedDays`, or at least once within the grace period after being set. */
export function everyPasswordIsInUse(user: UserUnderReview, context: RuleContext): Finding[] {
  const row = user.credentials;
  if (row === undefined || !row.hasPassword) return [];
  const { graceDays, unusedDays } = context.thresholds;
  const act = `${askAbout(user)} whether the person still needs the AWS console; if not, ${removeFileOrByHand(user)}.`;
  if (row.passwordLastUsed !== undefined) {
    if (daysBetween(day(row.passwordLastUsed), context.today) < unusedDays) return [];
    return [userFinding('password-unused', user.userName, `console password last used on ${ago(row.passwordLastUsed, context.today)}`, act)];
  }
  const since = row.passwordLastChanged ?? row.createdAt;
  if (since === '' || daysBetween(day(since), context.today) <= graceDays) return [];
  return [userFinding('password-unused', user.userName, `console password never used since it was set on ${ago(since, context.today)}`, act)];
}

/** Active access keys used within `unusedDays`, or at least once within the grace period after creation. */
export function everyAccessKeyIsInUse(user: UserUnderReview, context: RuleContext): Finding[] {
  const { graceDays, unusedDays } = context.thresholds;
  return activeKeys(user).flatMap((key) => {
    const act = `${askOwner(user)} whether access key ${key.slot} is still needed; if not, delete it (an unused key is a credential that can leak).`;
    if (key.lastUsed !== undefined) {
      if (daysBetween(day(key.lastUsed), context.today) < unusedDays) return [];
      return [userFinding('access-key-unused', user.userName, `access key ${key.slot} last used on ${ago(key.lastUsed, context.today)}`, act)];
    }
    if (key.createdAt === undefined || daysBetween(day(key.createdAt), context.today) <= graceDays) return [];
    return [userFinding('access-key-unused', user.userName, `access key ${key.slot} never used since it was created on ${ago(key.createdAt, context.today)}`, act)];
  });
}

/** Active access keys created within `accessKeyMaxAgeDays`. */
export function everyAccessKeyIsRecent(user: UserUnderReview, context: RuleContext): Finding[] {
  return activeKeys(user).flatMap((key) => {
    if (key.createdAt === undefined || daysBetween(day(key.createdAt), context.today) <= context.thresholds.accessKeyMaxAgeDays) return [];
    return [
      userFinding(
        'access-key-old',
        user.userName,
        `access key ${key.slot} created on ${ago(key.createdAt, context.today)}, more than ${context.thresholds.accessKeyMaxAgeDays} days ago`,
        `${askOwner(user)} to rotate it: create a second key, move every use to it, then deactivate and delete access key ${key.slot}.`,
      ),
    ];
  });
}

function activeKeys(user: UserUnderReview): AccessKeyFacts[] {
  return (user.credentials?.accessKeys ?? []).filter((key) => key.active);
}

/** What still lets a user in: a console password, an active access key, a group. */
function remainingAccess(user: UserUnderReview): string[] {
  const access: string[] = [];
  if (user.credentials?.hasPassword === true) access.push('a console password');
  const keys = activeKeys(user).length;
  if (keys > 0) access.push(keys === 1 ? 'an active access key' : `${keys} active access keys`);
  for (const group of user.live.groups) access.push(`group ${group}`);
  return access;
}

/** Users past their expires date have no access left; those expiring soon are listed ahead of time. */
export function expiredUsersHaveNoAccess(user: UserUnderReview, context: RuleContext): Finding[] {
  const expires = user.expires;
  if (expires === undefined) return [];
  const days = daysBetween(context.today, expires);
  const where = user.file === undefined ? `the user's ${EXPIRES_TAG} tag` : user.file.source.file;
  if (days > 0) {
    if (days > context.thresholds.expiringWithinDays) return [];
    return [
      userFinding(
        'expiring-soon',
        user.userName,
        describeExpiry(expires, context.today),
        `${askAbout(user)} whether the contract is extended: if so, move expires later in ${where}; otherwise access is suspended on that day.`,
      ),
    ];
  }
  const access = remainingAccess(user);
  if (access.length === 0) {
    return [
      userFinding(
        'expired-suspended',
        user.userName,
        `${describeExpiry(expires, context.today)}; suspended (no password, no active access key, no group)`,
        user.file === undefined
          ? 'Remove the user by hand in IAM once nobody needs its history.'
          : `Remove ${user.file.source.file} to delete the user, or move expires later if the contract was extended.`,
      ),
    ];
  }
  return [
    userFinding(
      'expired-with-access',
      user.userName,
      `${describeExpiry(expires, context.today)}, and still has ${access.join(', ')}`,
      user.managed
        ? 'Run the apply workflow: apply suspends users whose expires has passed. If it ran, look at its report for the failure.'
        : 'This user is not managed by this repository, so apply never suspends it: remove its password, keys and groups by hand.',
    ),
  ];
}

/** Every user in the users account has a file and the managed-by tag (protected users apart). */
export function everyUserIsManaged(user: UserUnderReview): Finding[] {
  if (user.managed) return [];
  return [
    userFinding(
      'unmanaged-user',
      user.userName,
      user.file === undefined
        ? 'IAM user without the managed-by tag and without a file: nothing here reviews who it belongs to'
        : `IAM user without the managed-by tag; ${user.file.source.file} names it but does not adopt it`,
      user.file === undefined
        ? 'If it should stay, add a file for it under users/ (npm run import writes one) and adopt it; otherwise remove it by hand in IAM.'
        : `Set adopt: true in ${user.file.source.file} (see docs/migration.md), or remove the user by hand.`,
    ),
  ];
}

/** `in pull request #12 (commit 1a2b3c4)`, or `in commit 1a2b3c4`. */
function describeApproval(approval: LastApproval): string {
  const commit = `commit ${approval.sha.slice(0, 7)}`;
  return approval.pullRequest === undefined ? `in ${commit}` : `in pull request #${approval.pullRequest} (${commit})`;
}

/**
 * Everyone with access had it approved within `recertifyAfterDays`: the last merged change to their
 * user file, or the last grant of a role to them in an account file, is that recent. Users without
 * a file (listed as unmanaged), not managed yet, or whose access has ended are left out, as are
 * files no commit has approved yet (they are in the pull request that adds them).
 */
export function accessIsRecertified(user: UserUnderReview, context: RuleContext): Finding[] {
  if (context.lastApproved === undefined || user.file === undefined || !user.managed) return [];
  if (user.expires !== undefined && hasExpired(user.expires, context.today)) return [];
  const approval = context.lastApproved.get(lower(user.userName));
  if (approval === undefined) return [];
  const limit = context.thresholds.recertifyAfterDays;
  if (daysBetween(day(approval.committedAt), context.today) <= limit) return [];
  const file = user.file.source.file;
  return [
    userFinding(
      'recertification-due',
      user.userName,
      `access last approved on ${ago(approval.committedAt, context.today)} ${describeApproval(approval)}, more than ${limit} days ago`,
      `${askAbout(user)} whether ${user.userName} still needs this access. If so, an approved pull request that updates ${file} (its reason: why they still need it) records a fresh approval; if not, remove them from the account files and remove ${file}.`,
    ),
  ];
}

const USER_RULES = [
  everyUserIsManaged,
  everyConsoleUserHasMfa,
  everyPasswordIsInUse,
  everyAccessKeyIsInUse,
  everyAccessKeyIsRecent,
  expiredUsersHaveNoAccess,
  accessIsRecertified,
] as const;

/** Bootstrap roles are removed within `bootstrapRoleMaxAgeDays` of being created. */
export function bootstrapRolesAreTemporary(account: LiveAccount, role: LiveRole, context: RuleContext & { usersAccountId: string }): Finding[] {
  if (role.createdAt === undefined) return [];
  const age = daysBetween(day(role.createdAt), context.today);
  if (age <= context.thresholds.bootstrapRoleMaxAgeDays) return [];
  const trusted = summarizeTrustPolicy(context.usersAccountId, role.trustPolicy).trusted;
  return [
    {
      kind: 'bootstrap-role-old',
      severity: FINDING_SEVERITY['bootstrap-role-old'],
      subject: { type: 'role', roleName: role.name, accountName: account.name, accountId: account.id },
      fact: `administrator role created on ${ago(role.createdAt, context.today)}, more than ${context.thresholds.bootstrapRoleMaxAgeDays} days ago; trusted by ${trusted.length === 0 ? 'nobody' : trusted.join(', ')}`,
      action: isManaged(role.tags)
        ? `Once the team has its own admin role, set bootstrap: {state: removed, users: []} in accounts/${account.name}.yaml: apply then deletes the role.`
        : 'This role was not made by this repository: once the team has its own admin role, delete it by hand.',
    },
  ];
}

function subjectName(subject: FindingSubject): string {
  return subject.type === 'user' ? subject.userName : `${subject.accountName}/${subject.roleName}`;
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
    FINDING_KINDS.indexOf(a.kind) - FINDING_KINDS.indexOf(b.kind) ||
    compareText(subjectName(a.subject), subjectName(b.subject)) ||
    compareText(a.fact, b.fact)
  );
}

/** Reviews every IAM user of the users account and every bootstrap role of the active member accounts. */
export function reviewAccess(input: ReviewInput): AccessReview {
  const { desired, live, credentials, today, approvals } = input;
  const settings = desired.settings;
  const context: RuleContext = {
    today,
    thresholds: reviewThresholds(settings),
    lastApproved: approvals?.kind === 'known' ? approvals.lastApproved : undefined,
  };
  const protectedNames = new Set(settings.protected_users.map(lower));
  const files = new Map([...desired.users.values()].map((user) => [lower(user.userName), user]));
  const rows = new Map(credentials.map((row) => [lower(row.userName), row]));
  const findings: Finding[] = [];
  const notes: string[] = [];
  if (approvals?.kind === 'unknown') {
    notes.push(`Recertification (access last approved more than ${context.thresholds.recertifyAfterDays} days ago) was not checked: ${approvals.reason}.`);
  }
  const notInReport: string[] = [];
  let users = 0;

  for (const liveUser of live.usersAccount.users) {
    const name = lower(liveUser.userName);
    if (protectedNames.has(name)) continue;
    users += 1;
    const file = files.get(name);
    const row = rows.get(name);
    if (row === undefined) notInReport.push(liveUser.userName);
    const managed = isManaged(liveUser.tags);
    const tagged = findTag(liveUser.tags, EXPIRES_TAG)?.value;
    const user: UserUnderReview = {
      userName: liveUser.userName,
      file,
      live: liveUser,
      managed,
      credentials: row,
      // A managed user's file is what apply enforces: a file without expires has no end date, whatever
      // tag a failed or pending apply has left.
      expires: managed && file !== undefined ? file.data.expires : (file?.data.expires ?? tagged),
    };
    for (const rule of USER_RULES) findings.push(...rule(user, context));
  }
  if (notInReport.length > 0) {
    notes.push(
      `Not in IAM's credential report (created after it was generated; AWS makes at most one every four hours), so their passwords, keys and MFA were not checked: ${notInReport.join(', ')}.`,
    );
  }

  let bootstrapRoles = 0;
  const bootstrapName = lower(settings.organization.bootstrap_role_name);
  const roleContext = { ...context, usersAccountId: settings.users_account.id };
  for (const account of [...live.organization.accounts].sort((a, b) => compareText(a.name, b.name))) {
    if (account.status !== 'ACTIVE' || account.id === settings.organization.management_account_id) continue;
    const roles = account.roles ?? [];
    if (roles === 'unknown' || roles === 'denied') {
      notes.push(`The roles of ${account.name} (${account.id}) could not be read (${roles === 'denied' ? 'the reader role refused' : 'not reachable'}), so its bootstrap role was not checked.`);
      continue;
    }
    for (const role of roles) {
      if (lower(role.name) !== bootstrapName) continue;
      bootstrapRoles += 1;
      if (role.createdAt === undefined) notes.push(`${role.name} in ${account.name} has no creation date, so its age was not checked.`);
      findings.push(...bootstrapRolesAreTemporary(account, role, roleContext));
    }
  }

  return {
    baseline: live.baseline,
    today,
    thresholds: context.thresholds,
    findings: findings.sort(compareFindings),
    notes,
    checked: { users, bootstrapRoles },
  };
}
