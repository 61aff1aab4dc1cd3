/**
 * Small builders of core values for tests: valid by default, overridable where a test cares.
 */
import { liveStateFromDesired } from '../../src/core/base-ref.ts';
import { ADMINISTRATOR_ACCESS } from '../../src/core/bootstrap-role.ts';
import type { PlannedChange } from '../../src/core/changes.ts';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE } from '../../src/core/model.ts';
import type { RoleSpec } from '../../src/core/roles.ts';
import { bootstrapTrustPolicy } from '../../src/core/trust-policy.ts';
import { summarizeChange } from '../../src/render/change-summary.ts';
import type {
  AccountFile,
  Baseline,
  DesiredAccount,
  DesiredState,
  DesiredUser,
  LiveAccount,
  LiveRole,
  LiveState,
  LiveUser,
  SettingsFile,
  UserFile,
} from '../../src/core/model.ts';

export const USERS_ACCOUNT_ID = '111111111111';
export const MANAGEMENT_ACCOUNT_ID = '222222222222';

export function someSettings(overrides: Partial<SettingsFile> = {}): SettingsFile {
  return {
    users_account: {
      id: USERS_ACCOUNT_ID,
      alias: 'test-users',
      region: 'eu-west-2',
      group: 'CrossAccountAccess',
      password_policy: { minimum_length: 16 },
    },
    organization: {
      management_account_id: MANAGEMENT_ACCOUNT_ID,
      access_role_name: 'OrganizationAccountAccessRole',
      bootstrap_role_name: 'bootstrap',
      root_email_template: 'aws-root+{name}@example.gov.uk',
    },
    email: { sender: 'aws@example.gov.uk', region: 'eu-west-2', support_mailbox: 'help@example.gov.uk' },
    email_domains: { staff: ['example.gov.uk'], contractor: ['contractor.example.com'] },
    protected_users: ['break-glass'],
    limits: { max_deletions_per_run: 5, max_closures_per_run: 1 },
    ...overrides,
  };
}

/** A user file for `email` (default ada@example.gov.uk). */
export function aUser(email = 'ada@example.gov.uk', overrides: Partial<UserFile> = {}): DesiredUser {
  const data: UserFile = {
    email,
    name: 'Ada Lovelace',
    team: 'platform',
    requested_by: 'lead@example.gov.uk',
    ...overrides,
  };
  return { userName: email.toLowerCase(), data, source: { file: `users/${email.toLowerCase()}.yaml`, line: 1, col: 1 } };
}

/** An active account file named `name`, with a bootstrap role for ada@example.gov.uk. */
export function anAccount(name = 'team-production', overrides: Partial<AccountFile> = {}, settings = someSettings()): DesiredAccount {
  const data: AccountFile = {
    name,
    description: 'Test account.',
    organizational_unit: '/Workloads/Production',
    team: { name: 'Platform', email: 'platform@example.gov.uk' },
    requested_by: 'lead@example.gov.uk',
    billing: { cost_centre: '10023', business_unit: 'Digital' },
    bootstrap: { users: ['ada@example.gov.uk'] },
    state: 'active',
    ...overrides,
  };
  const rootEmail = data.root_email ?? settings.organization.root_email_template.replace('{name}', name);
  return { name, data, rootEmail, source: { file: `accounts/${name}.yaml`, line: 1, col: 1 } };
}

export function aDesiredState(
  parts: { settings?: SettingsFile; users?: readonly DesiredUser[]; accounts?: readonly DesiredAccount[] } = {},
): DesiredState {
  return {
    settings: parts.settings ?? someSettings(),
    users: new Map((parts.users ?? []).map((user) => [user.userName, user])),
    accounts: new Map((parts.accounts ?? []).map((account) => [account.name, account])),
  };
}

export const SANDBOX_BASELINE: Baseline = { kind: 'sandbox', path: '.sandbox/state.json' };

/** A users account and organisation with nothing in them (no password policy, no group). */
export function anEmptyLiveState(baseline: Baseline = SANDBOX_BASELINE): LiveState {
  return {
    baseline,
    usersAccount: { users: [] },
    organization: { accounts: [], ouPaths: ['/', '/Workloads', '/Workloads/Production', '/Sandbox'], creations: [], closedInLast30Days: 0, memberAccountCount: 0 },
  };
}

/** A 12-digit id derived from a name, so tests see real-looking, stable account ids. */
export function accountIdFor(name: string): string {
  let hash = 7;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_000_000;
  return `9${String(hash).padStart(11, '0')}`;
}

/**
 * The live state after `desired` was applied perfectly, as a sandbox baseline with real-looking
 * account ids: the starting point for "and then this drifted" tests.
 */
export function anAppliedLiveState(desired: DesiredState, baseline: Baseline = SANDBOX_BASELINE): LiveState {
  const live = liveStateFromDesired(desired, 'test');
  return {
    ...live,
    baseline,
    organization: {
      ...live.organization,
      ouPaths: [...new Set([...live.organization.ouPaths, ...anEmptyLiveState().organization.ouPaths])].sort(),
      accounts: live.organization.accounts.map((account) => ({ ...account, id: /^\d{12}$/.test(account.id) ? account.id : accountIdFor(account.name) })),
    },
  };
}

export function aLiveUser(userName: string, overrides: Partial<LiveUser> = {}): LiveUser {
  return { userName, tags: {}, groups: [], inlinePolicyNames: [], attachedPolicyArns: [], ...overrides };
}

export function aLiveAccount(name: string, overrides: Partial<LiveAccount> = {}): LiveAccount {
  return {
    id: accountIdFor(name),
    name,
    email: `aws-root+${name}@example.gov.uk`,
    status: 'ACTIVE',
    ouPath: '/',
    tags: {},
    ...overrides,
  };
}

/** Replaces one live user (by name) using `change`. */
export function withLiveUser(live: LiveState, userName: string, change: (user: LiveUser) => LiveUser): LiveState {
  return {
    ...live,
    usersAccount: { ...live.usersAccount, users: live.usersAccount.users.map((u) => (u.userName === userName ? change(u) : u)) },
  };
}

/** Replaces one live account (by name) using `change`. */
export function withLiveAccount(live: LiveState, name: string, change: (account: LiveAccount) => LiveAccount): LiveState {
  return {
    ...live,
    organization: { ...live.organization, accounts: live.organization.accounts.map((a) => (a.name === name ? change(a) : a)) },
  };
}

/**
 * A bootstrap role as read back: trusting `users` (with MFA unless `mfa: false`), with
 * AdministratorAccess unless `admin: false`, managed unless `managed: false`.
 */
export function aLiveBootstrapRole(
  users: readonly string[],
  options: { managed?: boolean; mfa?: boolean; admin?: boolean; settings?: SettingsFile } = {},
): LiveRole {
  const settings = options.settings ?? someSettings();
  const trust = bootstrapTrustPolicy(settings.users_account.id, users);
  const statement = (trust['Statement'] as Record<string, unknown>[])[0] ?? {};
  return {
    name: settings.organization.bootstrap_role_name,
    path: '/',
    trustPolicy: options.mfa === false ? { ...trust, Statement: [Object.fromEntries(Object.entries(statement).filter(([key]) => key !== 'Condition'))] } : trust,
    inlinePolicies: {},
    attachedPolicyArns: options.admin === false ? [] : [ADMINISTRATOR_ACCESS],
    tags: options.managed === false ? {} : { [MANAGED_BY_TAG]: MANAGED_BY_VALUE },
  };
}

/** A spec as an adapter reads it back (reads do not return the description). */
export function asLiveRole({ description: _description, ...role }: RoleSpec): LiveRole {
  return role;
}

/** The one line a reviewer reads for a planned change (render/change-summary.ts). */
export function summaryOf(planned: PlannedChange | undefined): string | undefined {
  return planned === undefined ? undefined : summarizeChange(planned.change);
}

/** The role named `roleName` in a live account (`undefined` when absent or the roles are not known). */
export function liveRoleOf(account: LiveAccount | undefined, roleName: string): LiveRole | undefined {
  const roles = account?.roles;
  return Array.isArray(roles) ? roles.find((role: LiveRole) => role.name.toLowerCase() === roleName.toLowerCase()) : undefined;
}
