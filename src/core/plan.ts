/**
 * computePlan: (desired state, live state) → Plan. Pure and deterministic: no I/O, no clock, no
 * randomness; the same inputs give the same plan, byte for byte once rendered. `apply` executes the
 * very same PlannedChange objects, so everything it needs is in the changes (and no secret is).
 */
import {
  ACCOUNT_TAG_KEYS,
  USER_TAG_KEYS,
  accountTags,
  desiredGroupPolicies,
  desiredPasswordPolicy,
  recordedAccountTagKeys,
  userTags,
} from './baseline.ts';
import {
  IMPACT_ORDER,
  assertNever,
  type BootstrapRepair,
  type Change,
  type ChangeKind,
  type CloseAccount,
  type CreateAccount,
  type Impact,
  type Plan,
  type PlannedChange,
  type ReaderRepair,
} from './changes.ts';
import { READER_POLICY_NAME, readerPermissions, readerRoleSettings, readerTrustPolicy } from './reader-role.ts';
import {
  ACCOUNT_NOTIFIED_TAG,
  CREDENTIALS_SENT_TAG,
  MANAGED_BY_TAG,
  MANAGED_BY_VALUE,
  credentialsToken,
  findTag,
  isManaged,
  type DesiredAccount,
  type DesiredState,
  type DesiredUser,
  type LiveAccount,
  type LiveAccountCreation,
  type LiveState,
  type LiveUser,
  type PasswordPolicy,
  type PolicyDocument,
  type Tags,
} from './model.ts';

/** Within one impact, changes are listed in this order (then by name). */
export const KIND_ORDER: readonly ChangeKind[] = [
  'close-account',
  'delete-user',
  'delete-bootstrap-role',
  'update-password-policy',
  'update-group',
  'create-user',
  'reset-password',
  'create-account',
  'put-bootstrap-role',
  'put-reader-role',
  'update-user',
  'update-account',
  'send-account-email',
];

/**
 * How much a change matters to a reviewer. Destructive: cannot simply be put back. Access: grants
 * or widens access (a new user, a password, joining the group that may assume roles, a role or
 * trust that adds someone, the baseline policies). A trust update that only removes users narrows
 * access and is routine, though it is still shown.
 */
export function impactOf(change: Change): Impact {
  switch (change.kind) {
    case 'close-account':
    case 'delete-user':
    case 'delete-bootstrap-role':
      return 'destructive';
    case 'create-user':
    case 'reset-password':
    case 'create-account':
    case 'update-group':
    case 'update-password-policy':
      return 'access';
    case 'put-bootstrap-role': {
      if (change.previouslyTrusted === undefined) return 'access';
      const before = new Set(change.previouslyTrusted);
      const adds = change.trustedUsers.some((user) => !before.has(user));
      return adds || (change.repairs ?? []).includes('attach-administrator-access') ? 'access' : 'routine';
    }
    case 'update-user':
      // Joining the group widens access (it grants sts:AssumeRole with MFA); leaving other groups and
      // losing the user's own policies removes access someone granted by hand. Both are for a
      // reviewer's eyes early, among the access changes; tags alone are routine.
      return change.addGroups.length + change.removeGroups.length + change.detachPolicies.length + change.deletePolicies.length > 0
        ? 'access'
        : 'routine';
    case 'update-account':
    case 'put-reader-role':
    case 'send-account-email':
      return 'routine';
    default:
      return assertNever(change);
  }
}

/** The name a change is about (user, account, group), for sorting and display. */
export function subjectOf(change: Change): string {
  switch (change.kind) {
    case 'create-user':
    case 'update-user':
    case 'reset-password':
    case 'delete-user':
      return change.userName;
    case 'update-password-policy':
      return 'password policy';
    case 'update-group':
      return change.group;
    case 'create-account':
    case 'update-account':
    case 'put-bootstrap-role':
    case 'delete-bootstrap-role':
    case 'put-reader-role':
    case 'send-account-email':
    case 'close-account':
      return change.accountName;
    default:
      return assertNever(change);
  }
}

/** Whether a change creates, changes or removes something: the plan's last line counts these. */
export function actionOf(change: Change): 'create' | 'change' | 'delete' {
  switch (change.kind) {
    case 'create-user':
    case 'create-account':
      return 'create';
    case 'update-group':
      return change.create ? 'create' : 'change';
    case 'put-bootstrap-role':
      return change.previouslyTrusted === undefined ? 'create' : 'change';
    case 'put-reader-role':
      return (change.repairs ?? []).length === 0 ? 'create' : 'change';
    case 'delete-user':
    case 'delete-bootstrap-role':
    case 'close-account':
      return 'delete';
    case 'update-user':
    case 'reset-password':
    case 'update-password-policy':
    case 'update-account':
    case 'send-account-email':
      return 'change';
    default:
      return assertNever(change);
  }
}

const PASSWORD_POLICY_FIELDS: readonly [keyof PasswordPolicy, string][] = [
  ['minimumLength', 'minimum length'],
  ['requireSymbols', 'require symbols'],
  ['requireNumbers', 'require numbers'],
  ['requireUppercase', 'require upper case'],
  ['requireLowercase', 'require lower case'],
  ['allowUsersToChangePassword', 'users may change their password'],
  ['maxAgeDays', 'maximum age (days)'],
  ['reusePrevention', 'remembered passwords'],
  ['hardExpiry', 'expired passwords need an administrator (hard expiry)'],
];

function showPolicyValue(value: number | boolean | undefined): string {
  if (value === undefined || value === 0) return 'none';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

/** `minimum length: 8 → 16` for each field that differs (every field when there is no policy yet). */
export function describePasswordPolicyChange(from: PasswordPolicy | undefined, to: PasswordPolicy): string[] {
  const lines: string[] = [];
  for (const [field, label] of PASSWORD_POLICY_FIELDS) {
    const after = showPolicyValue(to[field]);
    if (from === undefined) {
      lines.push(`${label}: ${after}`);
      continue;
    }
    const before = showPolicyValue(from[field]);
    if (before !== after) lines.push(`${label}: ${before} → ${after}`);
  }
  return lines;
}

/** Ids from a git baseline are placeholders, not account numbers (see base-ref.ts). */
function isAccountId(id: string): boolean {
  return /^\d{12}$/.test(id);
}

function showId(id: string): string {
  return isAccountId(id) ? ` (${id})` : '';
}

function list(items: readonly string[]): string {
  return items.length === 0 ? 'nobody' : items.join(', ');
}

/** One line a reviewer reads. Built only from names, paths and tag keys: never a secret. */
export function summarizeChange(change: Change): string {
  switch (change.kind) {
    case 'create-user':
      return `create user ${change.userName} (team ${change.tags['team'] ?? '?'}, requested by ${change.requestedBy}), add to group ${change.group}, email a temporary password`;
    case 'update-user': {
      const parts: string[] = [];
      if (change.addGroups.length > 0) parts.push(`add to group ${change.addGroups.join(', ')}`);
      if (change.removeGroups.length > 0) parts.push(`remove from group ${change.removeGroups.join(', ')}`);
      if (change.detachPolicies.length > 0) parts.push(`detach managed policy ${change.detachPolicies.join(', ')}`);
      if (change.deletePolicies.length > 0) parts.push(`delete inline policy ${change.deletePolicies.join(', ')}`);
      const set = Object.keys(change.setTags);
      if (set.length > 0) parts.push(`set tags ${set.join(', ')}`);
      if (change.removeTags.length > 0) parts.push(`remove tags ${change.removeTags.join(', ')}`);
      return `update user ${change.userName}: ${parts.join('; ')}`;
    }
    case 'reset-password':
      return change.why === 'password-reset-requested'
        ? `reset the password of ${change.userName} (password_reset is now ${change.credentialsToken}) and email a new temporary password`
        : `email ${change.userName} a fresh temporary password (the welcome email was never sent)`;
    case 'delete-user':
      return `delete user ${change.userName} with its password, access keys, MFA devices and group memberships`;
    case 'update-password-policy':
      return change.from === undefined
        ? 'set the account password policy (there is none)'
        : `update the account password policy: ${describePasswordPolicyChange(change.from, change.to).join('; ')}`;
    case 'update-group': {
      if (change.create) return `create group ${change.group} with policies ${Object.keys(change.putPolicies).join(', ')}`;
      const parts: string[] = [];
      const put = Object.keys(change.putPolicies);
      if (put.length > 0) parts.push(`write policies ${put.join(', ')}`);
      if (change.deletePolicies.length > 0) parts.push(`delete policies ${change.deletePolicies.join(', ')}`);
      if (change.detachPolicies.length > 0) parts.push(`detach managed policies ${change.detachPolicies.join(', ')}`);
      return `update group ${change.group}: ${parts.join('; ')}`;
    }
    case 'create-account': {
      const resume = change.resumeRequestId === undefined ? '' : `, resuming request ${change.resumeRequestId}`;
      const bootstrap = change.bootstrapUsers.length === 0 ? 'no bootstrap role' : `bootstrap role for ${list(change.bootstrapUsers)}`;
      return `create account ${change.accountName} in ${change.ouPath} (root email ${change.email}; ${bootstrap})${resume}`;
    }
    case 'update-account': {
      const parts: string[] = [];
      if (change.move) parts.push(`move ${change.move.from} → ${change.move.to}`);
      const set = Object.keys(change.setTags);
      if (set.length > 0) parts.push(`set tags ${set.join(', ')}`);
      if (change.removeTags.length > 0) parts.push(`remove tags ${change.removeTags.join(', ')}`);
      return `update account ${change.accountName}${showId(change.accountId)}: ${parts.join('; ')}`;
    }
    case 'put-bootstrap-role': {
      const where = `${change.accountName}${showId(change.accountId)}`;
      if (change.previouslyTrusted === undefined) {
        return `create the bootstrap role (administrator) in ${where}, trusting ${list(change.trustedUsers)} with MFA`;
      }
      const before = new Set(change.previouslyTrusted);
      const after = new Set(change.trustedUsers);
      const parts: string[] = [];
      const added = change.trustedUsers.filter((u) => !before.has(u));
      const removed = change.previouslyTrusted.filter((u) => !after.has(u));
      if (added.length > 0) parts.push(`trust ${added.join(', ')}`);
      if (removed.length > 0) parts.push(`stop trusting ${removed.join(', ')}`);
      for (const repair of change.repairs ?? []) {
        parts.push(repair === 'require-mfa' ? 'require MFA' : 'attach AdministratorAccess');
      }
      return `update the bootstrap role in ${where}: ${parts.join('; ')}`;
    }
    case 'delete-bootstrap-role':
      return `delete the bootstrap role in ${change.accountName}${showId(change.accountId)}`;
    case 'put-reader-role': {
      const where = `${change.accountName}${showId(change.accountId)}`;
      const repairs = change.repairs ?? [];
      if (repairs.length === 0) return `create the read-only reader role in ${where}, trusting ${list(change.trustedRoleArns)}`;
      const parts = repairs.map((repair) => (repair === 'trust' ? `trust only ${list(change.trustedRoleArns)}` : 'reset its permissions to read-only'));
      return `update the reader role in ${where}: ${parts.join('; ')}`;
    }
    case 'send-account-email':
      return `send the account email for ${change.accountName}${showId(change.accountId)} to ${list(change.recipients)}`;
    case 'close-account':
      return `close account ${change.accountName}${showId(change.accountId)}: AWS suspends it, and after 90 days it is gone for good`;
    default:
      return assertNever(change);
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Destructive first, then access, then routine; within one impact by KIND_ORDER, then by name. */
export function comparePlannedChanges(a: PlannedChange, b: PlannedChange): number {
  return (
    IMPACT_ORDER.indexOf(a.impact) - IMPACT_ORDER.indexOf(b.impact) ||
    KIND_ORDER.indexOf(a.change.kind) - KIND_ORDER.indexOf(b.change.kind) ||
    compareText(subjectOf(a.change), subjectOf(b.change)) ||
    compareText(JSON.stringify(a.change), JSON.stringify(b.change))
  );
}

export function toPlannedChange(change: Change): PlannedChange {
  return { change, impact: impactOf(change), summary: summarizeChange(change) };
}

// ---------------------------------------------------------------------------------------------
// Helpers for comparing live and desired values

const lower = (value: string): string => value.toLowerCase();

/**
 * IAM tag keys are case-insensitive (adding `team` replaces `Team`, aws-facts §1), so a user's tag
 * is looked up ignoring case; returns the live spelling of the key too.
 */

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A canonical form for comparing policy documents as IAM evaluates them: key order ignored,
 * string lists ignored in order, `["x"]` the same as `"x"`, `true` the same as `"true"`.
 */
function canonical(value: unknown): unknown {
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    const items = value.map(canonical);
    if (items.length === 1) return items[0];
    if (items.every((item) => typeof item === 'string')) return [...new Set(items as string[])].sort();
    return items;
  }
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = canonical(value[key]);
    return out;
  }
  return value;
}

/** Whether two policy documents say the same thing (deep, ignoring key and list order). */
export function isSamePolicy(a: PolicyDocument, b: PolicyDocument): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function isSamePasswordPolicy(a: PasswordPolicy, b: PasswordPolicy): boolean {
  // 0 and absent both mean "no rule" for the age and reuse fields.
  return PASSWORD_POLICY_FIELDS.every(([field]) => showPolicyValue(a[field]) === showPolicyValue(b[field]));
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

function sortedEntries<T>(map: ReadonlyMap<string, T>): [string, T][] {
  return [...map.entries()].sort(([a], [b]) => compareText(a, b));
}

interface PlanBuilder {
  changes: Change[];
  notes: string[];
  unmanagedUsers: string[];
}

// ---------------------------------------------------------------------------------------------
// Users

function planUsers(desired: DesiredState, live: LiveState, out: PlanBuilder): void {
  const settings = desired.settings;
  const group = settings.users_account.group;
  const protectedNames = new Set(settings.protected_users.map(lower));
  const liveUsers = [...live.usersAccount.users].sort((a, b) => compareText(a.userName, b.userName));
  // IAM user names are unique ignoring case; match the files that way so we never create a twin.
  const liveByName = new Map<string, LiveUser>();
  for (const user of liveUsers) if (!liveByName.has(lower(user.userName))) liveByName.set(lower(user.userName), user);
  const desiredNames = new Set([...desired.users.keys()].map(lower));

  for (const [name, user] of sortedEntries(desired.users)) {
    if (protectedNames.has(lower(name))) {
      out.notes.push(`${name} has a file but is a protected user (settings.yaml protected_users): it is never created, changed or deleted.`);
      continue;
    }
    const liveUser = liveByName.get(lower(name));
    if (liveUser === undefined) {
      out.changes.push({
        kind: 'create-user',
        userName: name,
        tags: userTags(user),
        group,
        fullName: user.data.name,
        requestedBy: user.data.requested_by,
        credentialsToken: credentialsToken(user.data),
      });
    } else if (!isManaged(liveUser.tags)) {
      out.notes.push(
        `${liveUser.userName} exists in the users account but is not managed; adopt it by tagging it ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE} (creating it would fail: IAM user names are unique ignoring case).`,
      );
    } else {
      planManagedUser(user, liveUser, group, out);
    }
  }

  for (const liveUser of liveUsers) {
    if (!isManaged(liveUser.tags)) {
      // Protected users (break-glass and the like) are expected there: not drift, not listed.
      if (!protectedNames.has(lower(liveUser.userName))) out.unmanagedUsers.push(liveUser.userName);
      continue;
    }
    if (desiredNames.has(lower(liveUser.userName))) continue;
    if (protectedNames.has(lower(liveUser.userName))) {
      out.notes.push(`${liveUser.userName} is tagged ${MANAGED_BY_TAG} and has no file, but it is a protected user: it is never deleted.`);
      continue;
    }
    out.changes.push({ kind: 'delete-user', userName: liveUser.userName });
  }
}

function planManagedUser(user: DesiredUser, liveUser: LiveUser, group: string, out: PlanBuilder): void {
  if (liveUser.userName !== user.userName) {
    out.notes.push(`${user.userName} exists in the users account as ${liveUser.userName} (IAM names ignore case); it is updated under that name.`);
  }
  const wanted = userTags(user);
  const setTags: Record<string, string> = {};
  for (const [key, value] of Object.entries(wanted)) {
    if (findTag(liveUser.tags, key)?.value !== value) setTags[key] = value;
  }
  const removeTags: string[] = [];
  for (const key of USER_TAG_KEYS) {
    if (key in wanted) continue;
    const found = findTag(liveUser.tags, key);
    if (found) removeTags.push(found.key);
  }
  const isConfiguredGroup = (name: string): boolean => lower(name) === lower(group);
  const addGroups = liveUser.groups.some(isConfiguredGroup) ? [] : [group];
  // The configured group is a managed user's only source of access: anything else was added by
  // hand, widens what the user may do, and is removed (drift the plan must show).
  const removeGroups = liveUser.groups.filter((name) => !isConfiguredGroup(name)).sort(compareText);
  const detachPolicies = [...liveUser.attachedPolicyArns].sort(compareText);
  const deletePolicies = [...liveUser.inlinePolicyNames].sort(compareText);
  const lists = [removeTags, addGroups, removeGroups, detachPolicies, deletePolicies];
  if (Object.keys(setTags).length > 0 || lists.some((items) => items.length > 0)) {
    out.changes.push({
      kind: 'update-user',
      userName: liveUser.userName,
      setTags,
      removeTags: removeTags.sort(compareText),
      addGroups,
      removeGroups,
      detachPolicies,
      deletePolicies,
    });
  }
  const token = credentialsToken(user.data);
  const sent = findTag(liveUser.tags, CREDENTIALS_SENT_TAG)?.value;
  if (sent !== token) {
    out.changes.push({
      kind: 'reset-password',
      userName: liveUser.userName,
      fullName: user.data.name,
      credentialsToken: token,
      why: sent === undefined ? 'welcome-email-not-sent' : 'password-reset-requested',
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Users-account baseline

function planBaseline(desired: DesiredState, live: LiveState, out: PlanBuilder): void {
  const settings = desired.settings;
  const policy = desiredPasswordPolicy(settings);
  const livePolicy = live.usersAccount.passwordPolicy;
  if (livePolicy === undefined) {
    out.changes.push({ kind: 'update-password-policy', to: policy });
  } else if (!isSamePasswordPolicy(livePolicy, policy)) {
    out.changes.push({ kind: 'update-password-policy', from: livePolicy, to: policy });
  }

  const group = settings.users_account.group;
  const wanted = desiredGroupPolicies(settings);
  const liveGroup = live.usersAccount.group;
  if (liveGroup === undefined) {
    out.changes.push({ kind: 'update-group', group, create: true, putPolicies: wanted, deletePolicies: [], detachPolicies: [] });
    return;
  }
  const putPolicies: Record<string, PolicyDocument> = {};
  for (const [name, document] of Object.entries(wanted)) {
    const current = liveGroup.policies[name];
    if (current === undefined || !isSamePolicy(current, document)) putPolicies[name] = document;
  }
  const deletePolicies = Object.keys(liveGroup.policies)
    .filter((name) => !(name in wanted))
    .sort();
  if (deletePolicies.length > 0) {
    out.notes.push(
      `Group ${group} has inline policies the project does not define (${deletePolicies.join(', ')}): the group belongs to this project, so they are deleted.`,
    );
  }
  const detachPolicies = [...liveGroup.attachedPolicyArns].sort(compareText);
  if (detachPolicies.length > 0) {
    out.notes.push(
      `Group ${group} has managed policies attached (${detachPolicies.join(', ')}): they widen what every member may do, and the group belongs to this project, so they are detached.`,
    );
  }
  if (Object.keys(putPolicies).length > 0 || deletePolicies.length > 0 || detachPolicies.length > 0) {
    out.changes.push({ kind: 'update-group', group, create: false, putPolicies, deletePolicies, detachPolicies });
  }
}

// ---------------------------------------------------------------------------------------------
// Accounts

/** The users the file wants the bootstrap role to trust; undefined when it wants no role. */
function wantedBootstrapUsers(account: DesiredAccount): readonly string[] | undefined {
  const bootstrap = account.data.bootstrap;
  // No bootstrap block means the same as `state: removed`: the file declares no role.
  if (bootstrap === undefined || (bootstrap.state ?? 'present') === 'removed') return undefined;
  return unique(bootstrap.users.map(lower)).sort();
}

function accountRecipients(account: DesiredAccount, bootstrapUsers: readonly string[]): string[] {
  return unique([account.data.team.email, ...bootstrapUsers, account.data.requested_by]);
}

interface AccountMatch {
  live: LiveAccount;
  by: 'id' | 'name' | 'root email';
}

/**
 * Pairs files with live accounts: by the file's id, else by name, else by root email (so an account
 * created by hand, or by a run that stopped before tagging it, is adopted rather than created twice).
 * Each live account pairs with at most one file.
 */
function matchAccounts(desired: DesiredState, accounts: readonly LiveAccount[]): Map<string, AccountMatch> {
  const matches = new Map<string, AccountMatch>();
  const used = new Set<LiveAccount>();
  const files = sortedEntries(desired.accounts);
  const passes: [AccountMatch['by'], (file: DesiredAccount, live: LiveAccount) => boolean][] = [
    ['id', (file, live) => file.data.id !== undefined && file.data.id === live.id],
    ['name', (file, live) => file.name === live.name],
    ['root email', (file, live) => lower(file.rootEmail) === lower(live.email)],
  ];
  for (const [by, isMatch] of passes) {
    for (const [name, file] of files) {
      if (matches.has(name)) continue;
      const found = accounts.find((live) => !used.has(live) && isMatch(file, live));
      if (found) {
        matches.set(name, { live: found, by });
        used.add(found);
      }
    }
  }
  return matches;
}

/** The creation request to resume for this name: one in progress, else one that succeeded. */
function pendingCreation(creations: readonly LiveAccountCreation[], name: string): LiveAccountCreation | undefined {
  const mine = creations.filter((c) => c.accountName === name).sort((a, b) => compareText(a.requestId, b.requestId));
  return mine.find((c) => c.state === 'IN_PROGRESS') ?? mine.find((c) => c.state === 'SUCCEEDED');
}

function planAccounts(desired: DesiredState, live: LiveState, out: PlanBuilder): void {
  const org = live.organization;
  const accounts = [...org.accounts].sort((a, b) => compareText(a.name, b.name) || compareText(a.id, b.id));
  const matches = matchAccounts(desired, accounts);
  // A git baseline only knows the OUs the old files named, not the organisation's: do not warn there.
  const knownOus = live.baseline.kind === 'git' ? undefined : new Set(['/', ...org.ouPaths]);
  const warnMissingOu = (name: string, ouPath: string): void => {
    if (knownOus && !knownOus.has(ouPath)) {
      out.notes.push(`${name}: organizational unit ${ouPath} does not exist in the organization; create it first, or apply fails to place the account.`);
    }
  };

  for (const [name, account] of sortedEntries(desired.accounts)) {
    const match = matches.get(name);
    const bootstrapUsers = wantedBootstrapUsers(account);
    if (match === undefined) {
      planMissingAccount(account, bootstrapUsers ?? [], org.creations, out);
      if (account.data.state === 'active') warnMissingOu(name, account.data.organizational_unit);
      continue;
    }
    const liveAccount = match.live;
    if (account.data.id !== undefined && account.data.id !== liveAccount.id && isAccountId(liveAccount.id)) {
      out.notes.push(`${name}: the file gives id ${account.data.id}, but the account found by ${match.by} has id ${liveAccount.id}; check the file.`);
    }
    if (liveAccount.status !== 'ACTIVE') {
      if (account.data.state === 'active') {
        out.notes.push(
          `${name}${showId(liveAccount.id)} is ${liveAccount.status} and cannot be reopened through the API: AWS Support can reopen it within 90 days of closure. Until then set state: closed in its file.`,
        );
      }
      continue;
    }
    const managed = isManaged(liveAccount.tags);
    if (account.data.state === 'closed') {
      if (!managed) {
        // Only what it owns: an account the project did not create or adopt is never closed by it.
        out.notes.push(
          `${name}${showId(liveAccount.id)} is marked closed in its file but has no ${MANAGED_BY_TAG} tag, so it is not closed: close it by hand, or set state: active first so the project adopts it.`,
        );
        continue;
      }
      const close: CloseAccount = {
        kind: 'close-account',
        accountName: name,
        accountId: liveAccount.id,
        recipients: unique([account.data.team.email, account.data.requested_by]),
      };
      out.changes.push(close);
      continue;
    }
    if (!managed) {
      out.notes.push(`${name}${showId(liveAccount.id)} exists (found by ${match.by}) without the ${MANAGED_BY_TAG} tag: it is adopted and tagged, not created again.`);
    }
    planAccountSettings(account, liveAccount, out);
    warnMissingOu(name, account.data.organizational_unit);
    planBootstrapRole(account, liveAccount, bootstrapUsers, out);
    planReaderRole(desired.settings, account, liveAccount, out);
    if (managed && liveAccount.tags[ACCOUNT_NOTIFIED_TAG] === undefined) {
      out.changes.push({
        kind: 'send-account-email',
        accountName: name,
        accountId: liveAccount.id,
        recipients: accountRecipients(account, bootstrapUsers ?? []),
      });
    }
  }

  const matched = new Set([...matches.values()].map((m) => m.live));
  for (const liveAccount of accounts) {
    if (matched.has(liveAccount) || !isManaged(liveAccount.tags)) continue;
    out.notes.push(
      `${liveAccount.name}${showId(liveAccount.id)} is tagged ${MANAGED_BY_TAG} but has no file in accounts/: accounts are closed with state: closed, never by deleting the file. Restore accounts/${liveAccount.name}.yaml.`,
    );
  }
  for (const creation of [...org.creations].sort((a, b) => compareText(a.requestId, b.requestId))) {
    if (creation.state === 'IN_PROGRESS' && !desired.accounts.has(creation.accountName)) {
      out.notes.push(`AWS is creating an account named ${creation.accountName} (request ${creation.requestId}) that has no file in accounts/.`);
    }
  }
}

function planMissingAccount(
  account: DesiredAccount,
  bootstrapUsers: readonly string[],
  creations: readonly LiveAccountCreation[],
  out: PlanBuilder,
): void {
  const name = account.name;
  const pending = pendingCreation(creations, name);
  if (account.data.state === 'closed') {
    out.notes.push(
      pending === undefined
        ? `${name} is closed in its file and was never created: nothing to do.`
        : `${name} is closed in its file but AWS is still creating it (request ${pending.requestId}); a later run closes it.`,
    );
    return;
  }
  if (pending === undefined) {
    const failed = creations.filter((c) => c.accountName === name && c.state === 'FAILED');
    for (const attempt of failed) {
      out.notes.push(`${name}: an earlier creation request (${attempt.requestId}) failed (${attempt.failureReason ?? 'no reason given'}); it is asked for again.`);
    }
  }
  const create: CreateAccount = {
    kind: 'create-account',
    accountName: name,
    email: account.rootEmail,
    ouPath: account.data.organizational_unit,
    tags: accountTags(account),
    bootstrapUsers,
    recipients: accountRecipients(account, bootstrapUsers),
  };
  if (pending !== undefined) create.resumeRequestId = pending.requestId;
  out.changes.push(create);
}

function planAccountSettings(account: DesiredAccount, liveAccount: LiveAccount, out: PlanBuilder): void {
  const wanted = accountTags(account);
  const setTags: Record<string, string> = {};
  // Own properties only: a tag key may be a name every object inherits (`constructor`, `toString`).
  const liveValue = (key: string): string | undefined => (Object.hasOwn(liveAccount.tags, key) ? liveAccount.tags[key] : undefined);
  for (const [key, value] of Object.entries(wanted)) {
    if (liveValue(key) !== value) Object.defineProperty(setTags, key, { value, enumerable: true, writable: true, configurable: true });
  }
  // Only keys the project set are removed: its own, and the file tags it recorded setting.
  const owned = new Set<string>([...ACCOUNT_TAG_KEYS, ...recordedAccountTagKeys(liveAccount.tags)]);
  const removeTags = [...owned].filter((key) => !Object.hasOwn(wanted, key) && liveValue(key) !== undefined).sort();
  const ouPath = account.data.organizational_unit;
  const move = liveAccount.ouPath === ouPath ? undefined : { from: liveAccount.ouPath, to: ouPath };
  if (move === undefined && Object.keys(setTags).length === 0 && removeTags.length === 0) return;
  out.changes.push({
    kind: 'update-account',
    accountName: account.name,
    accountId: liveAccount.id,
    ...(move === undefined ? {} : { move }),
    setTags,
    removeTags,
  });
}

function planBootstrapRole(
  account: DesiredAccount,
  liveAccount: LiveAccount,
  wanted: readonly string[] | undefined,
  out: PlanBuilder,
): void {
  const role = liveAccount.bootstrap;
  const name = account.name;
  if (role === 'unknown') {
    out.notes.push(`${name}: the bootstrap role could not be read, so it is not compared this time.`);
    return;
  }
  if (wanted === undefined) {
    if (role === undefined) return;
    if (role.managed) {
      out.changes.push({ kind: 'delete-bootstrap-role', accountName: name, accountId: liveAccount.id });
    } else if (account.data.bootstrap?.state === 'removed') {
      out.notes.push(`${name}: a bootstrap role exists but is not managed by this project; it is left alone.`);
    }
    return;
  }
  if (wanted.length === 0) {
    // AWS refuses a trust policy without principals; validation should catch this first.
    out.notes.push(`${name}: bootstrap.users is empty, so no bootstrap role can be created or updated; list users or set bootstrap.state: removed.`);
    return;
  }
  if (role === undefined) {
    out.changes.push({ kind: 'put-bootstrap-role', accountName: name, accountId: liveAccount.id, trustedUsers: wanted });
    return;
  }
  if (!role.managed) {
    out.notes.push(`${name}: a role with the bootstrap role's name exists but is not managed by this project; it is left alone (tag it ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE} to adopt it).`);
    return;
  }
  const previouslyTrusted = unique(role.trustedUsers.map(lower)).sort();
  const sameUsers = previouslyTrusted.length === wanted.length && previouslyTrusted.every((user, i) => user === wanted[i]);
  const repairs: BootstrapRepair[] = [];
  if (!role.requiresMfa) repairs.push('require-mfa');
  if (!role.hasAdministratorAccess) repairs.push('attach-administrator-access');
  if (sameUsers && repairs.length === 0) return;
  out.changes.push({
    kind: 'put-bootstrap-role',
    accountName: name,
    accountId: liveAccount.id,
    trustedUsers: wanted,
    previouslyTrusted,
    ...(repairs.length === 0 ? {} : { repairs }),
  });
}

function planReaderRole(settings: DesiredState['settings'], account: DesiredAccount, liveAccount: LiveAccount, out: PlanBuilder): void {
  const wanted = readerRoleSettings(settings);
  if (wanted === undefined) return;
  const name = account.name;
  const role = liveAccount.reader;
  if (role === 'unknown') {
    out.notes.push(`${name}: the reader role could not be read, so it is not compared this time.`);
    return;
  }
  const change = {
    kind: 'put-reader-role',
    accountName: name,
    accountId: liveAccount.id,
    trustedRoleArns: wanted.trustedRoleArns,
  } as const;
  if (role === undefined) {
    out.changes.push(change);
    return;
  }
  if (!role.managed) {
    out.notes.push(
      `${name}: a role named ${wanted.roleName} exists but is not managed by this project; it is left alone (rename reader_role_name, or tag it ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE} to adopt it).`,
    );
    return;
  }
  const repairs: ReaderRepair[] = [];
  if (!isSamePolicy(role.trustPolicy, readerTrustPolicy(wanted.trustedRoleArns))) repairs.push('trust');
  const permissions = readerPermissions(wanted.roleName, wanted.bootstrapRoleName);
  const policyNames = Object.keys(role.policies);
  const current = role.policies[READER_POLICY_NAME];
  const samePermissions =
    role.attachedPolicyArns.length === 0 &&
    policyNames.length === 1 &&
    current !== undefined &&
    isSamePolicy(current, permissions);
  if (!samePermissions) repairs.push('permissions');
  if (repairs.length > 0) out.changes.push({ ...change, repairs });
}

// ---------------------------------------------------------------------------------------------
// Blast radius

/** AWS lets an organisation close 10% of its member accounts (at least 10, at most 1000) in 30 days. */
export function closureQuota(memberAccountCount: number): number {
  return Math.min(1000, Math.max(10, Math.floor(memberAccountCount / 10)));
}

function noteLimits(desired: DesiredState, live: LiveState, out: PlanBuilder): void {
  const limits = desired.settings.limits;
  const deletions = out.changes.filter((c) => c.kind === 'delete-user').length;
  const closures = out.changes.filter((c) => c.kind === 'close-account').length;
  if (deletions > limits.max_deletions_per_run) {
    out.notes.push(
      `This plan deletes ${deletions} users, more than settings.yaml allows in one run (limits.max_deletions_per_run: ${limits.max_deletions_per_run}): apply refuses unless run with --allow-mass-deletion.`,
    );
  }
  if (closures > limits.max_closures_per_run) {
    out.notes.push(
      `This plan closes ${closures} accounts, more than settings.yaml allows in one run (limits.max_closures_per_run: ${limits.max_closures_per_run}): apply refuses unless run with --allow-mass-deletion.`,
    );
  }
  const org = live.organization;
  const quota = closureQuota(org.memberAccountCount);
  if (closures > 0 && org.closedInLast30Days + closures > quota) {
    out.notes.push(
      `AWS allows closing ${quota} accounts in 30 days for this organization; ${org.closedInLast30Days} were closed already, so closing ${closures} more would exceed the quota.`,
    );
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * The plan: every change that makes the live state match the files, ranked (destructive, access,
 * routine; then kind, then name), with unmanaged users listed and notes for what a reviewer should
 * know but the tool will not do. Blast-radius limits are only noted here; apply enforces them.
 */
export function computePlan(desired: DesiredState, live: LiveState): Plan {
  const out: PlanBuilder = { changes: [], notes: [], unmanagedUsers: [] };
  planBaseline(desired, live, out);
  planUsers(desired, live, out);
  planAccounts(desired, live, out);
  noteLimits(desired, live, out);
  return {
    version: 1,
    baseline: live.baseline,
    changes: out.changes.map(toPlannedChange).sort(comparePlannedChanges),
    unmanagedUsers: out.unmanagedUsers,
    notes: out.notes,
  };
}
