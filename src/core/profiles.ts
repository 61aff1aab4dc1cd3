/**
 * Which roles a person can assume, as AWS CLI profiles: one base profile for the users account and
 * one per role, in any member account, whose trust policy names their user (the roles they can
 * actually assume, whoever manages them). Pure: from settings, the user name and live accounts.
 */
import type { LiveAccount, SettingsFile } from './model.ts';
import { compareText } from './plan-helpers.ts';
import { grantsOf } from './policy-compare.ts';
import { userArn } from './trust-policy.ts';

export interface RoleProfile {
  /** `<account name>-<role name>`: unique, and what people type (`--profile`, `assume`, `aws-vault exec`). */
  name: string;
  accountName: string;
  accountId: string;
  roleName: string;
  roleArn: string;
}

export interface ProfileSet {
  userName: string;
  /** The users account's profile: its alias (the page's `gds-users`). */
  baseProfile: string;
  usersAccountId: string;
  region: string;
  /**
   * The MFA device: its name must start with the user name (the group policy allows
   * `mfa/${aws:username}*` only), so a device named exactly the user name has this ARN.
   */
  mfaSerial: string;
  roles: readonly RoleProfile[];
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

export function profilesFor(settings: SettingsFile, userName: string, accounts: readonly LiveAccount[]): ProfileSet {
  const usersAccountId = settings.users_account.id;
  const arn = userArn(usersAccountId, userName);
  const roles: RoleProfile[] = [];
  for (const account of accounts) {
    if (account.status !== 'ACTIVE' || !Array.isArray(account.roles)) continue;
    for (const role of account.roles) {
      if (!trusts(role.trustPolicy, arn)) continue;
      roles.push({
        name: `${account.name}-${role.name}`.replace(/[^A-Za-z0-9_.@+=-]/g, '-'),
        accountName: account.name,
        accountId: account.id,
        roleName: role.name,
        roleArn: `arn:aws:iam::${account.id}:role${role.path}${role.name}`,
      });
    }
  }
  return {
    userName,
    baseProfile: settings.users_account.alias,
    usersAccountId,
    region: settings.users_account.region,
    mfaSerial: `arn:aws:iam::${usersAccountId}:mfa/${userName}`,
    roles: roles.sort((a, b) => compareText(a.name, b.name)),
  };
}
