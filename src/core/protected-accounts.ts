/**
 * The project's own accounts: the management account, the users account and settings.yaml's
 * `protected_accounts`. Account files are reviewed by the user-management code owners, not the
 * platform team, so no account file may reach these: validation refuses an id naming one, the
 * planner refuses a file that matches one by any means, and both organization adapters refuse to
 * change one whatever asks them (defence in depth).
 */
import { AppError } from './errors.ts';
import type { SettingsFile } from './model.ts';

/** Why an account is protected, by id. */
export function protectedAccounts(settings: Pick<SettingsFile, 'protected_accounts' | 'users_account' | 'organization'>): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const id of settings.protected_accounts ?? []) out.set(id, 'listed in settings.yaml protected_accounts');
  out.set(settings.users_account.id, 'the users account');
  out.set(settings.organization.management_account_id, 'the management account');
  return out;
}

/** Throws `protected-account` when `accountId` is one of the project's own accounts. */
export function refuseProtectedAccount(protectedIds: ReadonlyMap<string, string>, accountId: string, action: string): void {
  const why = protectedIds.get(accountId);
  if (why === undefined) return;
  throw new AppError(
    'protected-account',
    `Refusing to ${action} account ${accountId}: it is ${why}, which no account file may reach.`,
    {
      fault: 'user',
      hint: 'Account files may only name member accounts the project manages; remove the id (or the file) that points at this account.',
    },
  );
}

/** Where a root email must be: organization.root_email_domains, else the template's domain. */
export function allowedRootEmailDomains(settings: Pick<SettingsFile, 'organization'>): readonly string[] {
  const configured = settings.organization.root_email_domains;
  if (configured !== undefined && configured.length > 0) return configured.map((d) => d.toLowerCase());
  const template = settings.organization.root_email_template;
  return [template.slice(template.lastIndexOf('@') + 1).toLowerCase()];
}
