/**
 * The users account's alias: the first label of the sign-in URL every email carries
 * (https://<alias>.signin.aws.amazon.com/console). The plan compares settings.users_account.alias
 * with what ListAccountAliases returns, and apply sets it with CreateAccountAlias, before any email
 * is sent; IAM allows one alias per account, and a new one replaces the old
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/console-account-alias.html).
 */
import type { SetAccountAlias } from './changes.ts';
import type { LiveUsersAccount, SettingsFile } from './model.ts';

/** The change that makes the live alias the configured one; undefined when it is, or was not read. */
export function planAccountAlias(settings: SettingsFile, live: LiveUsersAccount): SetAccountAlias | undefined {
  if (live.aliases === undefined) return undefined;
  const wanted = settings.users_account.alias;
  const current = live.aliases[0];
  if (current === wanted && live.aliases.length === 1) return undefined;
  return { kind: 'set-account-alias', ...(current === undefined ? {} : { from: current }), to: wanted };
}

