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
import { measureBlastRadius, limitsExceeded } from './blast-radius.ts';
import { wantedBootstrapUsers } from './bootstrap-role.ts';
import { type Change, type CloseAccount, type CreateAccount, type Plan } from './changes.ts';
import { AppError } from './errors.ts';
import { protectedAccounts } from './protected-accounts.ts';
import { adoptionLimitNote, hasCurrentCredentials, notAdoptedNote, nothingToAdoptNote, planAdoptUser } from './adopt.ts';
import { planAccountAlias } from './alias.ts';
import { EXPIRY_WARNING_TAG, SUSPENDED_CREDENTIALS, describeExpiry, expiringUsers, hasExpired, planExpiryWarning, planSuspension } from './expiry.ts';
import { withRoleNotices } from './bootstrap-notices.ts';
import {
  ACCOUNT_NOTIFIED_TAG,
  CREDENTIALS_SENT_TAG,
  MANAGED_BY_TAG,
  MANAGED_BY_VALUE,
  REQUESTER_NOTICE_TAG,
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
} from './model.ts';
import { compareText, isAccountId, lower, showId, sortedEntries, unique } from './plan-helpers.ts';
import { withLeaverChecks } from './leavers.ts';
import { comparePlannedChanges, toPlannedChange } from './change-kinds.ts';
import { type FacetFamily } from './facet-sources.ts';
import { facetsForNewAccount, noteMissingTrustedAccess, planAccountFacets, type WaitingForTrust } from './plan-facets.ts';
import { planAccountRoles } from './plan-roles.ts';
import { isSamePolicy } from './policy-compare.ts';
import { closureQuota } from './quota.ts';
import { wantedRoles } from './role-sources.ts';

// What each change kind means (rank, impact, subject, action, user) is one table: change-kinds.ts.
export { KIND_ORDER, actionOf, comparePlannedChanges, impactOf, subjectOf, toPlannedChange } from './change-kinds.ts';

/** The password policy fields the plan compares; render/change-summary.ts names them. */
export const PASSWORD_POLICY_FIELDS: readonly (keyof PasswordPolicy)[] = [
  'minimumLength',
  'requireSymbols',
  'requireNumbers',
  'requireUppercase',
  'requireLowercase',
  'allowUsersToChangePassword',
  'maxAgeDays',
  'reusePrevention',
  'hardExpiry',
];

/** A policy value as compared: 0 and absent both mean "no rule" for the age and reuse fields. */
export function normalPolicyValue(value: number | boolean | undefined): number | boolean | undefined {
  return value === 0 ? undefined : value;
}

// ---------------------------------------------------------------------------------------------
// Helpers for comparing live and desired values

function isSamePasswordPolicy(a: PasswordPolicy, b: PasswordPolicy): boolean {
  return PASSWORD_POLICY_FIELDS.every((field) => normalPolicyValue(a[field]) === normalPolicyValue(b[field]));
}

interface PlanBuilder {
  changes: Change[];
  notes: string[];
  unmanagedUsers: string[];
  /** What makes the plan impossible: computePlan refuses with all of them. */
  errors: string[];
}

// ---------------------------------------------------------------------------------------------
// Users

function planUsers(desired: DesiredState, live: LiveState, today: string | undefined, out: PlanBuilder): void {
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
    if (liveUser === undefined && user.data.adopt === true) {
      out.notes.push(nothingToAdoptNote(user));
    } else if (liveUser === undefined) {
      if (today !== undefined && hasExpired(user.data.expires, today)) {
        // A new user whose access has ended already would be created only to be suspended.
        out.errors.push(
          `${user.source.file}: ${name} does not exist yet and its expires (${user.data.expires ?? ''}) is not after today (${today}): a new user needs an expiry date in the future. [newUsersHaveFutureExpires]`,
        );
        continue;
      }
      out.changes.push({
        kind: 'create-user',
        userName: name,
        tags: userTags(user),
        group,
        fullName: user.data.name,
        requestedBy: user.data.requested_by,
        credentialsToken: credentialsToken(user.data),
        ...(today !== undefined && user.data.expires !== undefined ? { expiry: describeExpiry(user.data.expires, today) } : {}),
      });
      // A user created within a warning's reach is warned in the same run, after its welcome email.
      const warning = today === undefined ? undefined : planExpiryWarning(user, name, undefined, today);
      if (warning !== undefined) out.changes.push(warning);
    } else if (!isManaged(liveUser.tags)) {
      if (user.data.adopt === true) out.changes.push(planAdoptUser(user, liveUser, group));
      else out.notes.push(notAdoptedNote(user, liveUser));
    } else {
      planManagedUser(user, liveUser, group, today, out);
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

function planManagedUser(user: DesiredUser, liveUser: LiveUser, group: string, today: string | undefined, out: PlanBuilder): void {
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
  const sent = findTag(liveUser.tags, CREDENTIALS_SENT_TAG)?.value;
  const expired = today !== undefined && hasExpired(user.data.expires, today);
  // An expired user leaves every group through suspend-user instead (expiry.ts).
  const addGroups = expired || liveUser.groups.some(isConfiguredGroup) ? [] : [group];
  // The configured group is a managed user's only source of access: anything else was added by
  // hand, widens what the user may do, and is removed (drift the plan must show).
  const removeGroups = expired ? [] : liveUser.groups.filter((name) => !isConfiguredGroup(name)).sort(compareText);
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
  if (expired) {
    const suspend = planSuspension(user, liveUser, sent === SUSPENDED_CREDENTIALS, today);
    if (suspend !== undefined) out.changes.push(suspend);
    return;
  }
  const warning = today === undefined ? undefined : planExpiryWarning(user, liveUser.userName, findTag(liveUser.tags, EXPIRY_WARNING_TAG)?.value, today);
  if (warning !== undefined) out.changes.push(warning);
  const token = credentialsToken(user.data);
  if (sent === SUSPENDED_CREDENTIALS || !hasCurrentCredentials(user.data, sent)) {
    out.changes.push({
      kind: 'reset-password',
      userName: liveUser.userName,
      fullName: user.data.name,
      credentialsToken: token,
      why: sent === undefined ? 'welcome-email-not-sent' : sent === SUSPENDED_CREDENTIALS ? 'access-restored' : 'password-reset-requested',
    });
  }
  // Apply sends it after the welcome email (on the resumed path too) and then removes the tag.
  if (findTag(liveUser.tags, REQUESTER_NOTICE_TAG) !== undefined && lower(user.data.requested_by) !== lower(user.userName)) {
    out.changes.push({ kind: 'notify-requester', userName: liveUser.userName, fullName: user.data.name, requestedBy: user.data.requested_by });
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

  const alias = planAccountAlias(settings, live.usersAccount);
  if (alias !== undefined) out.changes.push(alias);

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

function accountRecipients(account: DesiredAccount, bootstrapUsers: readonly string[]): string[] {
  return unique([account.data.team.email, ...bootstrapUsers, account.data.requested_by]);
}

interface AccountMatch {
  live: LiveAccount;
  by: 'id' | 'name' | 'root email';
}

/**
 * Pairs files with live accounts: by the file's id, else, among the accounts this project created
 * (tagged managed-by at creation), by name, else by root email. An account the project did not
 * create is never paired because a name or email happens to match (see refuseLookalikes): taking
 * one over needs `adopt: true` and its id. Each live account pairs with at most one file.
 */
function matchAccounts(desired: DesiredState, accounts: readonly LiveAccount[]): Map<string, AccountMatch> {
  const matches = new Map<string, AccountMatch>();
  const used = new Set<LiveAccount>();
  const files = sortedEntries(desired.accounts);
  const passes: [AccountMatch['by'], (file: DesiredAccount, live: LiveAccount) => boolean][] = [
    ['id', (file, live) => file.data.id !== undefined && file.data.id === live.id],
    // A closed file may pair with an unmanaged account: nothing is done to it but a note.
    ['name', (file, live) => (isManaged(live.tags) || file.data.state === 'closed') && file.name === live.name],
    ['root email', (file, live) => (isManaged(live.tags) || file.data.state === 'closed') && lower(file.rootEmail) === lower(live.email)],
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

/** Plans every account file; returns the live id of each file's account, where there is one. */
function planAccounts(desired: DesiredState, live: LiveState, out: PlanBuilder): Map<string, string> {
  const org = live.organization;
  const accounts = [...org.accounts].sort((a, b) => compareText(a.name, b.name) || compareText(a.id, b.id));
  const matches = matchAccounts(desired, accounts);
  const protectedIds = protectedAccounts(desired.settings);
  refuseDuplicateAccounts(desired, accounts, out);
  refuseLookalikes(desired, accounts, matches, protectedIds, out);
  // A git baseline only knows the OUs the old files named, not the organisation's: do not warn there.
  const knownOus = live.baseline.kind === 'git' ? undefined : new Set(['/', ...org.ouPaths]);
  const warnMissingOu = (name: string, ouPath: string): void => {
    if (knownOus && !knownOus.has(ouPath)) {
      out.notes.push(`${name}: organizational unit ${ouPath} does not exist in the organization; create it first, or apply fails to place the account.`);
    }
  };

  const waiting: WaitingForTrust = new Map<FacetFamily, string[]>();
  for (const [name, account] of sortedEntries(desired.accounts)) {
    const match = matches.get(name);
    const bootstrapUsers = wantedBootstrapUsers(account);
    if (match !== undefined && protectedIds.has(match.live.id)) {
      out.errors.push(
        `accounts/${name}.yaml matches account ${match.live.id} by ${match.by}, which is ${protectedIds.get(match.live.id) ?? 'protected'}: no account file may reach it. [accountFilesAvoidProtectedAccounts]`,
      );
      continue;
    }
    if (match === undefined && account.data.adopt === true) {
      if (live.baseline.kind === 'git') {
        out.notes.push(`${name}: adopts the existing account ${account.data.id ?? '?'} (compared with AWS only when applied).`);
      } else if (account.data.state === 'active') {
        out.errors.push(
          `accounts/${name}.yaml adopts account ${account.data.id ?? '?'}, but the organization has no account with that id: check the id, or remove adopt to create a new account.`,
        );
      }
      continue;
    }
    if (match === undefined) {
      planMissingAccount(desired, account, bootstrapUsers ?? [], org, out, waiting);
      if (account.data.state === 'active') warnMissingOu(name, account.data.organizational_unit);
      continue;
    }
    const liveAccount = match.live;
    if (account.data.adopt === true && account.data.root_email !== undefined && lower(account.data.root_email) !== lower(liveAccount.email) && live.baseline.kind !== 'git') {
      // An adopted account's root email is AWS's (validation lets it be on any domain for that reason).
      out.errors.push(
        `accounts/${name}.yaml adopts account ${liveAccount.id} with root_email ${account.data.root_email}, but AWS holds ${liveAccount.email} for it: no file changes a root email, so set root_email: ${liveAccount.email}. [adoptedRootEmailIsTheLiveOne]`,
      );
      continue;
    }
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
    if (!managed && account.data.state === 'active' && account.data.adopt !== true) {
      out.errors.push(
        `accounts/${name}.yaml names account ${liveAccount.id} (${liveAccount.name}), which this project did not create (no ${MANAGED_BY_TAG} tag). To take it over, add adopt: true to the file (a bootstrap administrator role would be created in it); otherwise remove the id.`,
      );
      continue;
    }
    if (account.data.state === 'closed') {
      if (!managed) {
        // Only what it owns: an account the project did not create or adopt is never closed by it.
        out.notes.push(
          `${name}${showId(liveAccount.id)} is marked closed in its file but has no ${MANAGED_BY_TAG} tag, so it is not closed: close it by hand, or give its file the account's id and adopt: true (with state: active) so the project takes it over first.`,
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
    planAccountSettings(account, liveAccount, out, !managed && bootstrapUsers !== undefined);
    warnMissingOu(name, account.data.organizational_unit);
    planAccountRoles(desired.settings, account, liveAccount, out);
    planAccountFacets({ settings: desired.settings, account }, liveAccount, org.trustedServices, out, waiting);
    if (!managed && liveAccount.tags[ACCOUNT_NOTIFIED_TAG] === undefined) {
      // Adopted in this run (update-account tags it): the notice goes out in the same run, so the
      // next plan has nothing left to do for it.
      out.changes.push({
        kind: 'send-account-email',
        accountName: name,
        accountId: liveAccount.id,
        recipients: unique([account.data.team.email, account.data.requested_by]),
        adopted: true,
      });
    } else if (managed && liveAccount.tags[ACCOUNT_NOTIFIED_TAG] === undefined) {
      out.changes.push({
        kind: 'send-account-email',
        accountName: name,
        accountId: liveAccount.id,
        recipients: accountRecipients(account, bootstrapUsers ?? []),
      });
    }
  }

  noteMissingTrustedAccess(waiting, out.notes);
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
  const ids = new Map<string, string>();
  for (const [name, match] of matches) if (match.live.status === 'ACTIVE' && isAccountId(match.live.id)) ids.set(name, match.live.id);
  return ids;
}

function planMissingAccount(
  desired: DesiredState,
  account: DesiredAccount,
  bootstrapUsers: readonly string[],
  org: LiveState['organization'],
  out: PlanBuilder,
  waiting: WaitingForTrust,
): void {
  const creations = org.creations;
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
    roles: wantedRoles({ settings: desired.settings, account }).wanted.map((role) => ({ label: role.label, spec: role.spec })),
    facets: facetsForNewAccount({ settings: desired.settings, account }, org.trustedServices, waiting),
  };
  if (pending !== undefined) create.resumeRequestId = pending.requestId;
  out.changes.push(create);
}

/**
 * Live accounts that share a name or root email, where a file or the project cares about it: the
 * planner cannot tell which one a file means, so it refuses rather than say "No changes".
 */
function refuseDuplicateAccounts(desired: DesiredState, accounts: readonly LiveAccount[], out: PlanBuilder): void {
  const wanted = new Set<string>();
  for (const file of desired.accounts.values()) {
    wanted.add(`name ${file.name}`);
    wanted.add(`root email ${lower(file.rootEmail)}`);
  }
  const groups = new Map<string, LiveAccount[]>();
  for (const account of accounts) {
    if (account.status !== 'ACTIVE') continue;
    for (const key of [`name ${account.name}`, `root email ${lower(account.email)}`]) groups.set(key, [...(groups.get(key) ?? []), account]);
  }
  for (const [key, group] of [...groups.entries()].sort(([a], [b]) => compareText(a, b))) {
    if (group.length < 2 || !(wanted.has(key) || group.some((account) => isManaged(account.tags)))) continue;
    const listed = group.map((account) => `${account.id} (${account.name}, ${account.email}${isManaged(account.tags) ? ', managed' : ''})`).join(' and ');
    out.errors.push(
      `two live accounts have the same ${key}: ${listed}. The project cannot tell which one its file means: close or rename the extra one by hand (or give the file its id), then plan again.`,
    );
  }
}

/**
 * A file left unpaired while an account the project did not create has its name or root email:
 * refused, never adopted implicitly (and creating another would make two, or fail on the email).
 */
function refuseLookalikes(
  desired: DesiredState,
  accounts: readonly LiveAccount[],
  matches: ReadonlyMap<string, AccountMatch>,
  protectedIds: ReadonlyMap<string, string>,
  out: PlanBuilder,
): void {
  for (const [name, file] of sortedEntries(desired.accounts)) {
    if (matches.has(name) || file.data.state !== 'active' || file.data.adopt === true) continue;
    for (const liveAccount of accounts) {
      if (liveAccount.status !== 'ACTIVE' || isManaged(liveAccount.tags)) continue;
      const by = liveAccount.name === name ? 'name' : lower(liveAccount.email) === lower(file.rootEmail) ? 'root email' : undefined;
      if (by === undefined) continue;
      const why = protectedIds.get(liveAccount.id);
      out.errors.push(
        why === undefined
          ? `accounts/${name}.yaml has the ${by} of account ${liveAccount.id}, which this project did not create (no ${MANAGED_BY_TAG} tag); it is never taken over because a ${by} matches. To adopt it, add id: "${liveAccount.id}" and adopt: true; otherwise choose another ${by === 'name' ? 'name' : 'root_email'}.`
          : `accounts/${name}.yaml has the ${by} of account ${liveAccount.id}, which is ${why}: no account file may reach it; choose another ${by === 'name' ? 'name' : 'root_email'}. [accountFilesAvoidProtectedAccounts]`,
      );
    }
  }
}

function planAccountSettings(account: DesiredAccount, liveAccount: LiveAccount, out: PlanBuilder, adoptWithRole = false): void {
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
  const adopt = !isManaged(liveAccount.tags);
  out.changes.push({
    kind: 'update-account',
    accountName: account.name,
    accountId: liveAccount.id,
    ...(adopt ? { adopt: { bootstrapRole: adoptWithRole } } : {}),
    ...(move === undefined ? {} : { move }),
    setTags,
    removeTags,
  });
}

// ---------------------------------------------------------------------------------------------
// Blast radius

function noteLimits(desired: DesiredState, live: LiveState, out: PlanBuilder): void {
  const radius = measureBlastRadius(out.changes);
  out.notes.push(...limitsExceeded(radius, desired.settings.limits));
  const closures = radius.closures;
  const adoptions = adoptionLimitNote(desired.settings, out.changes);
  if (adoptions !== undefined) out.notes.push(adoptions);
  const org = live.organization;
  const quota = closureQuota(org.memberAccountCount);
  if (closures > 0 && org.closedInLast30Days + closures > quota) {
    out.notes.push(
      `AWS allows closing ${quota} accounts in 30 days for this organization; ${org.closedInLast30Days} were closed already, so closing ${closures} more would exceed the quota.`,
    );
  }
}

// ---------------------------------------------------------------------------------------------

export interface PlanOptions {
  /**
   * The day the plan is for (YYYY-MM-DD, UTC): users whose `expires` is this day or earlier are
   * suspended. The CLI always passes it; without it no date is compared (expiry.ts).
   */
  today?: string;
}

/**
 * The plan: every change that makes the live state match the files, ranked (destructive, access,
 * routine; then kind, then name), with unmanaged users listed and notes for what a reviewer should
 * know but the tool will not do. Blast-radius limits are only noted here; apply enforces them.
 */
export function computePlan(desired: DesiredState, live: LiveState, options: PlanOptions = {}): Plan {
  const out: PlanBuilder = { changes: [], notes: [], unmanagedUsers: [], errors: [] };
  planBaseline(desired, live, out);
  planUsers(desired, live, options.today, out);
  const accountIds = planAccounts(desired, live, out);
  out.changes = withLeaverChecks(out.changes, live, desired);
  // A git baseline's accounts are files: their ids are the files' own.
  out.changes = withRoleNotices(out.changes, live, desired, (account) => accountIds.get(account.name) ?? account.data.id);
  noteLimits(desired, live, out);
  if (out.errors.length > 0) {
    throw new AppError('plan-refused', `No plan: the files and the target disagree in a way only a person can settle.\n${out.errors.map((e) => `  - ${e}`).join('\n')}`, {
      fault: 'user',
      hint: 'Nothing was changed. Fix what each line says, then plan again.',
    });
  }
  return {
    version: 1,
    baseline: live.baseline,
    changes: out.changes.map(toPlannedChange).sort(comparePlannedChanges),
    unmanagedUsers: out.unmanagedUsers,
    notes: out.notes,
    ...(options.today === undefined ? {} : { expiring: expiringUsers(desired, options.today) }),
  };
}
