/**
 * Which roles a person can assume, as AWS CLI profiles: one base profile for the users account and
 * one per role. Two sources, one shape and one MFA rule:
 * - the files (`roleGrantsOf`): every role an account file gives the person (bootstrap and team
 *   roles, built by the same role sources the plan uses), with the account ids the caller knows;
 *   `npm run profiles` and every email use this;
 * - the live accounts (`profilesFor`): every role whose trust policy names the user, whoever
 *   manages it (`profiles --target`).
 * Pure: from settings, the user name and accounts.
 */
import type { DesiredAccount, LiveAccount, SettingsFile } from './model.ts';
import { compareText } from './plan-helpers.ts';
import { grantsOf } from './policy-compare.ts';
import { wantedRoles } from './role-sources.ts';
import { userArn } from './trust-policy.ts';

export interface RoleProfile {
  /** `<account name>-<role name>`: unique, and what people type (`--profile`, `assume`, `aws-vault exec`). */
  name: string;
  accountName: string;
  accountId: string;
  roleName: string;
  roleArn: string;
}

/** A role the files give a person in an account whose id is not known (not created yet, or not recorded in its file). */
export interface PendingRole {
  accountName: string;
  roleName: string;
}

export interface ProfileSet {
  userName: string;
  /** The users account's profile: its alias (the page's `gds-users`). */
  baseProfile: string;
  usersAccountId: string;
  region: string;
  /** The MFA device every profile names: mfaSerialOf. */
  mfaSerial: string;
  roles: readonly RoleProfile[];
  /** Roles without a profile because their account's id is not known; empty from live accounts. */
  pending: readonly PendingRole[];
}

/**
 * A role the files give a person, for the emails and `npm run profiles`: plain JSON, so a plan
 * carries it. `accountId` is absent while the account does not exist yet (or, read from the files
 * alone, while its file has no `id`).
 */
export interface RoleGrant {
  accountName: string;
  roleName: string;
  /** The role's IAM path (`/` for every role the project makes). */
  path: string;
  accountId?: string;
}

/**
 * The one MFA rule every email and `npm run profiles` state: name your (first) MFA device exactly
 * your user name. IAM lets a user name a device anything its group policy allows, and that policy
 * allows only names starting with the user name (`mfa/${aws:username}*`, as the GDS Way page says);
 * the device named exactly that has this ARN.
 */
export function mfaSerialOf(usersAccountId: string, userName: string): string {
  return `arn:aws:iam::${usersAccountId}:mfa/${userName}`;
}

/** Whether a trust policy lets this user ARN call sts:AssumeRole (named explicitly, not through a wildcard). */
function trusts(trustPolicy: Readonly<Record<string, unknown>>, arn: string): boolean {
  const grants = grantsOf(trustPolicy);
  const allowed = grants.some(
    (g) => g.effect === 'Allow' && g.principal.toLowerCase() === `aws:${arn}`.toLowerCase() && ['sts:AssumeRole', 'sts:*', '*'].includes(g.action),
  );
  const denied = grants.some((g) => g.effect === 'Deny' && g.conditions.length === 0 && (g.principal === 'AWS:*' || g.principal.toLowerCase() === `aws:${arn}`.toLowerCase()) && ['sts:AssumeRole', 'sts:*', '*'].includes(g.action));
  return allowed && !denied;
}

function roleProfile(accountName: string, accountId: string, roleName: string, path: string): RoleProfile {
  return {
    name: `${accountName}-${roleName}`.replace(/[^A-Za-z0-9_.@+=-]/g, '-'),
    accountName,
    accountId,
    roleName,
    roleArn: `arn:aws:iam::${accountId}:role${path}${roleName}`,
  };
}

function profileSet(settings: SettingsFile, userName: string, roles: RoleProfile[], pending: PendingRole[]): ProfileSet {
  const usersAccountId = settings.users_account.id;
  return {
    userName,
    baseProfile: settings.users_account.alias,
    usersAccountId,
    region: settings.users_account.region,
    mfaSerial: mfaSerialOf(usersAccountId, userName),
    roles: roles.sort((a, b) => compareText(a.name, b.name)),
    pending: pending.sort((a, b) => compareText(a.accountName, b.accountName) || compareText(a.roleName, b.roleName)),
  };
}

/** Every role a live account has whose trust policy names the user, managed or not. */
export function profilesFor(settings: SettingsFile, userName: string, accounts: readonly LiveAccount[]): ProfileSet {
  const arn = userArn(settings.users_account.id, userName);
  const roles: RoleProfile[] = [];
  for (const account of accounts) {
    if (account.status !== 'ACTIVE' || !Array.isArray(account.roles)) continue;
    for (const role of account.roles) {
      if (trusts(role.trustPolicy, arn)) roles.push(roleProfile(account.name, account.id, role.name, role.path));
    }
  }
  return profileSet(settings, userName, roles, []);
}

/**
 * Every role the account files give this person (active accounts only), as the plan wants it:
 * the same role sources, the same trust policies. `idOf` says each account's id where known.
 */
export function roleGrantsOf(
  settings: SettingsFile,
  accounts: Iterable<DesiredAccount>,
  userName: string,
  idOf: (account: DesiredAccount) => string | undefined,
): RoleGrant[] {
  const arn = userArn(settings.users_account.id, userName);
  const grants: RoleGrant[] = [];
  for (const account of accounts) {
    if (account.data.state !== 'active') continue;
    const accountId = idOf(account);
    for (const { spec } of wantedRoles({ settings, account }).wanted) {
      if (!trusts(spec.trustPolicy, arn)) continue;
      grants.push({ accountName: account.name, roleName: spec.name, path: spec.path, ...(accountId === undefined ? {} : { accountId }) });
    }
  }
  return grants.sort((a, b) => compareText(a.accountName, b.accountName) || compareText(a.roleName, b.roleName));
}

/** A person's profiles from the roles the files give them: one per role whose account id is known, the rest pending. */
export function profilesFromGrants(settings: SettingsFile, userName: string, grants: readonly RoleGrant[]): ProfileSet {
  const roles: RoleProfile[] = [];
  const pending: PendingRole[] = [];
  for (const grant of grants) {
    if (grant.accountId === undefined) pending.push({ accountName: grant.accountName, roleName: grant.roleName });
    else roles.push(roleProfile(grant.accountName, grant.accountId, grant.roleName, grant.path));
  }
  return profileSet(settings, userName, roles, pending);
}
