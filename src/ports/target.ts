/**
 * A target is what a plan is computed against and applied to: the local sandbox (the default) or
 * AWS (only when chosen explicitly). Both implement the same ports.
 */
import pLimit from 'p-limit';
import type { Baseline, LiveState, SettingsFile } from '../core/model.ts';
import type { MailerPort } from './mailer.ts';
import type { OrganizationPort } from './organization.ts';
import type { UsersAccountPort } from './users-account.ts';

export interface Target {
  baseline: Baseline;
  usersAccount: UsersAccountPort;
  organization: OrganizationPort;
  mailer: MailerPort;
}

/** Member accounts whose roles are read at once: each read is a few IAM requests in that account. */
const ROLE_READS_IN_FLIGHT = 5;

/**
 * Reads everything the planner compares the files against: the users account, the Organization,
 * and the roles of every active member account (the management account is never looked into).
 */
export async function readLiveState(target: Target, settings: SettingsFile): Promise<LiveState> {
  const [usersAccount, read] = await Promise.all([
    target.usersAccount.readUsersAccount(settings.users_account.group),
    target.organization.readOrganization(),
  ]);
  const limit = pLimit(ROLE_READS_IN_FLIGHT);
  const reader = settings.organization.reader_role_name;
  const accounts = await Promise.all(
    read.accounts.map((account) =>
      account.status !== 'ACTIVE' || account.id === settings.organization.management_account_id
        ? { ...account, roles: 'unknown' as const }
        : limit(async () => ({ ...account, roles: await target.organization.readRoles(account.id, reader) })),
    ),
  );
  return { baseline: target.baseline, usersAccount, organization: { ...read, accounts } };
}
