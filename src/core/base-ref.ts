/**
 * A git ref as a baseline: the live state as if the files at that ref had been applied perfectly.
 * `computePlan(head, liveStateFromDesired(base, ref))` then shows exactly what a pull request
 * changes, with no AWS access (the PR check runs read-only, on `pull_request`).
 */
import { accountTags, desiredGroupPolicies, desiredPasswordPolicy, encodeTagKeys, userTags } from './baseline.ts';
import { wantedFacets } from './facet-sources.ts';
import { FACETS_TAG, facetId } from './facets.ts';
import {
  ACCOUNT_NOTIFIED_TAG,
  CREDENTIALS_SENT_TAG,
  credentialsToken,
  type DesiredAccount,
  type DesiredState,
  type DesiredUser,
  type LiveAccount,
  type LiveRole,
  type LiveState,
  type LiveUser,
  type SettingsFile,
} from './model.ts';
import { EXPIRY_WARNING_TAG, SUSPENDED_CREDENTIALS, dueExpiryWarning, expiryWarningTagValue, hasExpired } from './expiry.ts';
import { anError, START_OF_FILE, type Problem } from './problems.ts';
import { wantedRoles } from './role-sources.ts';
import { userArn } from './trust-policy.ts';

/** Every ancestor of an OU path, itself included: `/A/B` gives `/`, `/A`, `/A/B`. */
function ouAncestors(path: string): string[] {
  const parts = path.split('/').filter((part) => part !== '');
  return ['/', ...parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`)];
}

function accountAsApplied(account: DesiredAccount, ref: string, settings: SettingsFile): LiveAccount {
  const data = account.data;
  const active = data.state === 'active';
  // Every role as its spec says (the description aside: reads do not return it).
  const roles: LiveRole[] = wantedRoles({ settings, account }).wanted.map(({ spec: { description: _description, ...role } }) => role);
  // Every setting as the files name it, recorded as set by the project.
  const facets = wantedFacets({ settings, account });
  const ids = facets.map((facet) => facetId(facet.family, facet.key));
  return {
    // A placeholder, not an account number: renderers show only 12-digit ids.
    id: data.id ?? `(${account.name} at ${ref})`,
    name: account.name,
    email: account.rootEmail,
    // Closing an account suspends it (PENDING_CLOSURE, then SUSPENDED).
    status: active ? 'ACTIVE' : 'SUSPENDED',
    ouPath: data.organizational_unit,
    tags: { ...accountTags(account), [ACCOUNT_NOTIFIED_TAG]: 'true', ...(ids.length === 0 ? {} : { [FACETS_TAG]: encodeTagKeys(ids) }) },
    roles: active ? roles : 'unknown',
    facets: active ? Object.fromEntries(facets.map((facet) => [facetId(facet.family, facet.key), facet.value])) : 'unknown',
  };
}

/**
 * The live state the files at `ref` describe, once applied: every user managed, tagged, in the
 * group (and in no other, with no policies of its own) and with its credentials sent; the baseline
 * in place (no managed policies on the group); accounts ACTIVE (or SUSPENDED when closed) in their
 * OU with their tags, every role and every setting the files want. Planning a state against its own `liveStateFromDesired`
 * gives no changes.
 */
export function liveStateFromDesired(desired: DesiredState, ref: string, today?: string): LiveState {
  const settings = desired.settings;
  const group = settings.users_account.group;
  // With `today`, a user whose access has ended at the base is suspended there, as apply leaves it.
  const suspended = (user: DesiredUser): boolean => today !== undefined && hasExpired(user.data.expires, today);
  // ... and one whose end date is near has had the warning due.
  const warned = (user: DesiredUser): Record<string, string> => {
    const warning = today === undefined ? undefined : dueExpiryWarning(user.data.expires, today);
    return warning === undefined || user.data.expires === undefined ? {} : { [EXPIRY_WARNING_TAG]: expiryWarningTagValue(warning, user.data.expires) };
  };
  const users: LiveUser[] = [...desired.users.values()].map((user) => ({
    userName: user.userName,
    arn: userArn(settings.users_account.id, user.userName),
    tags: { ...userTags(user), ...warned(user), [CREDENTIALS_SENT_TAG]: suspended(user) ? SUSPENDED_CREDENTIALS : credentialsToken(user.data) },
    groups: suspended(user) ? [] : [group],
    inlinePolicyNames: [],
    attachedPolicyArns: [],
  }));
  const accounts = [...desired.accounts.values()].map((account) => accountAsApplied(account, ref, settings));
  const ouPaths = new Set<string>();
  for (const account of desired.accounts.values()) for (const path of ouAncestors(account.data.organizational_unit)) ouPaths.add(path);
  return {
    baseline: { kind: 'git', ref },
    usersAccount: {
      users,
      passwordPolicy: desiredPasswordPolicy(settings),
      group: { name: group, policies: desiredGroupPolicies(settings), attachedPolicyArns: [] },
      aliases: [settings.users_account.alias],
    },
    organization: {
      accounts,
      ouPaths: [...ouPaths].sort(),
      creations: [],
      closedInLast30Days: 0,
      memberAccountCount: accounts.length,
    },
  };
}

/**
 * accountFilesAreNeverDeleted: an account file present at the base ref must still exist. Deleting
 * it would leave the account running unmanaged; closing is done with `state: closed`.
 */
export function accountsRemovedSinceBase(head: DesiredState, base: DesiredState): Problem[] {
  const problems: Problem[] = [];
  const names = [...base.accounts.keys()].sort();
  for (const name of names) {
    if (head.accounts.has(name)) continue;
    const account = base.accounts.get(name);
    if (account === undefined) continue;
    problems.push(
      anError(
        'accountFilesAreNeverDeleted',
        account.source.file,
        START_OF_FILE,
        `${account.source.file} was deleted. Accounts are never removed by deleting their file: restore the file and set state: closed to close the account.`,
      ),
    );
  }
  return problems;
}
