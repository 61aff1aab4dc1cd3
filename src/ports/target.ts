/**
 * A target is what a plan is computed against and applied to: the local sandbox (the default) or
 * AWS (only when chosen explicitly). Both implement the same ports.
 */
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

/** Reads everything the planner compares the files against. */
export async function readLiveState(target: Target, settings: SettingsFile): Promise<LiveState> {
  const [usersAccount, organization] = await Promise.all([
    target.usersAccount.readUsersAccount(settings.users_account.group),
    target.organization.readOrganization(settings.organization.bootstrap_role_name, settings.organization.reader_role_name),
  ]);
  return { baseline: target.baseline, usersAccount, organization };
}
