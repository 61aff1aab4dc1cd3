/**
 * The local sandbox target: the default for `plan` and `apply`, so a fresh clone shows the whole
 * flow without an AWS account. State lives in `<dir>/state.json`, mail in `<dir>/outbox/*.eml`.
 *
 * OUs: AWS OUs are made by hand by an organisation's admins, and the tool never creates them. The
 * sandbox stands in for that admin: every path in `ouPaths` (and its ancestors) is made to exist
 * when the target is first used. The CLI passes the OU paths the account files name; `moveAccount`
 * to any other path fails, as it would in AWS.
 */
import { join } from 'node:path';
import type { SettingsFile } from '../../core/model.ts';
import { protectedAccounts } from '../../core/protected-accounts.ts';
import type { Target } from '../../ports/target.ts';
import { OutboxMailer } from './mailer.ts';
import { SandboxOrganization } from './organization.ts';
import { emptySandboxState, SandboxStore, withAncestors } from './state.ts';
import { SandboxUsersAccount } from './users-account.ts';

export { passwordMatches, SandboxStore, type SandboxState } from './state.ts';

export interface SandboxOptions {
  /** The sandbox folder; by convention `<repo>/.sandbox` (the CLI's default). */
  dir: string;
  settings: SettingsFile;
  /** OU paths that exist in the sandbox organization (ancestors implied). */
  ouPaths?: readonly string[];
  /** The sandbox's clock (timestamps of users, requests, closures, mail). */
  now?: () => Date;
}

export interface SandboxTarget extends Target {
  baseline: { kind: 'sandbox'; path: string };
  /** The state file, for tests and demos (seeding access keys, inspecting login profiles). */
  store: SandboxStore;
  /** Where the `.eml` files go. */
  outbox: string;
}

export function createSandboxTarget(options: SandboxOptions): SandboxTarget {
  const { dir, settings } = options;
  const now = options.now ?? (() => new Date());
  const usersAccountId = settings.users_account.id;
  const ouPaths = withAncestors(options.ouPaths ?? []);
  const store = new SandboxStore(
    dir,
    () => emptySandboxState(usersAccountId, settings.organization.management_account_id),
    (state) => {
      for (const path of ouPaths) if (!state.organization.ouPaths.includes(path)) state.organization.ouPaths.push(path);
      // Like the OUs, the alias people sign in with was set up by hand before the project ran.
      state.usersAccount.aliases ??= [settings.users_account.alias];
    },
  );
  const mailer = new OutboxMailer(dir, settings.email.sender, now);
  return {
    baseline: { kind: 'sandbox', path: join(dir, 'state.json') },
    usersAccount: new SandboxUsersAccount(store, usersAccountId, now, settings.protected_users),
    organization: new SandboxOrganization(store, usersAccountId, now, protectedAccounts(settings)),
    mailer,
    store,
    outbox: mailer.outbox,
  };
}
