/**
 * Everyone told: the people a bootstrap role's trust change adds or removes (an account's
 * bootstrap.users edited, the role removed, or put back) are emailed once the change is applied,
 * the added ones with the switch-role link. A new account's people get the account email instead.
 *
 * Tracked on each person, in the users account: apply tags them `bootstrap-notice:<account id>`
 * (value `added` or `removed`) before the trust change, and removes the tag after the email. The
 * key holds only digits and the prefix, the value one word: well within IAM's tag alphabet and
 * lengths, however many people one change names (a single tag on the role listing them would not
 * fit IAM's 256 characters). A run stopped after the trust change leaves the tags, and the next plan
 * sends what they say (a `notify-bootstrap-users` change with no trust change beside it), provided
 * the role still says the same: a tag whose change was undone before it was applied is ignored.
 *
 * Only users the project manages (or creates or adopts in this plan) are tagged and told; protected
 * and unmanaged users are never touched.
 */
import type { BootstrapNotice, Change, NotifyBootstrapUsers } from './changes.ts';
import { isManaged, type DesiredState, type LiveState, type PolicyDocument } from './model.ts';
import { compareText, lower } from './plan-helpers.ts';
import { trustedPrincipals } from './roles.ts';
import { userArn } from './trust-policy.ts';

const TAG_PREFIX = 'bootstrap-notice:';

/** The tag a person carries while the email about their membership of this account's bootstrap role is owed. */
export function bootstrapNoticeTag(accountId: string): string {
  return `${TAG_PREFIX}${accountId}`;
}

type Membership = 'added' | 'removed';

/**
 * The same changes, with `notice` set on each bootstrap put-role and delete-role whose trust adds or
 * removes someone, and a notify-bootstrap-users change for each such account (also for notices a
 * previous run recorded and did not send).
 */
export function withBootstrapNotices(changes: readonly Change[], live: LiveState, desired: DesiredState): Change[] {
  const settings = desired.settings;
  const roleName = lower(settings.organization.bootstrap_role_name);
  const protectedNames = new Set(settings.protected_users.map(lower));
  // Who may be tagged and told, by lower-case name, with the name IAM knows them by.
  const names = new Map<string, string>();
  // IAM names ignore case: a name an unmanaged user also answers to is left alone, as the planner does.
  const unmanaged = new Set(live.usersAccount.users.filter((user) => !isManaged(user.tags)).map((user) => lower(user.userName)));
  for (const user of live.usersAccount.users) {
    const name = lower(user.userName);
    if (isManaged(user.tags) && !protectedNames.has(name) && !unmanaged.has(name)) names.set(name, user.userName);
  }
  for (const change of changes) {
    if (change.kind === 'create-user' || change.kind === 'adopt-user') names.set(lower(change.userName), change.userName);
  }
  const prefix = lower(userArn(settings.users_account.id, ''));
  const usersIn = (trust: PolicyDocument | undefined): string[] =>
    trust === undefined
      ? []
      : trustedPrincipals(trust)
          .map(lower)
          .filter((principal) => principal.startsWith(prefix))
          .map((principal) => principal.slice(prefix.length))
          .filter((name) => names.has(name));
  const named = (list: readonly string[]): string[] => list.map((name) => names.get(name) ?? name).sort(compareText);

  const out: Change[] = [];
  const notices: NotifyBootstrapUsers[] = [];
  const covered = new Set<string>();
  for (const change of changes) {
    const isBootstrap =
      (change.kind === 'put-role' && lower(change.after.name) === roleName) || (change.kind === 'delete-role' && lower(change.before.name) === roleName);
    if (!isBootstrap || (change.kind !== 'put-role' && change.kind !== 'delete-role')) {
      out.push(change);
      continue;
    }
    const before = usersIn(change.before?.trustPolicy);
    const after = change.kind === 'put-role' ? usersIn(change.after.trustPolicy) : [];
    const notice: BootstrapNotice = { added: named(after.filter((u) => !before.includes(u))), removed: named(before.filter((u) => !after.includes(u))) };
    if (notice.added.length + notice.removed.length === 0) {
      out.push(change);
      continue;
    }
    out.push({ ...change, notice });
    const name = change.kind === 'put-role' ? change.after.name : change.before.name;
    notices.push({ kind: 'notify-bootstrap-users', accountName: change.accountName, accountId: change.accountId, roleName: name, ...notice });
    for (const user of [...notice.added, ...notice.removed]) covered.add(`${change.accountId} ${lower(user)}`);
  }
  return [...out, ...notices, ...owedNotices(live, settings.organization.bootstrap_role_name, names, covered, settings.users_account.id)];
}

/** Notices a previous run recorded on people (the tag) and did not send, while the role still says the same. */
function owedNotices(
  live: LiveState,
  bootstrapRoleName: string,
  names: ReadonlyMap<string, string>,
  covered: ReadonlySet<string>,
  usersAccountId: string,
): NotifyBootstrapUsers[] {
  const roleName = lower(bootstrapRoleName);
  const owed = new Map<string, { added: string[]; removed: string[] }>();
  for (const user of live.usersAccount.users) {
    if (!names.has(lower(user.userName))) continue;
    for (const [key, value] of Object.entries(user.tags)) {
      if (!lower(key).startsWith(TAG_PREFIX)) continue;
      const accountId = key.slice(TAG_PREFIX.length);
      if (covered.has(`${accountId} ${lower(user.userName)}`)) continue;
      const account = live.organization.accounts.find((a) => a.id === accountId);
      if (account === undefined || account.status !== 'ACTIVE' || !Array.isArray(account.roles)) continue;
      const role = account.roles.find((r) => lower(r.name) === roleName);
      const arn = lower(userArn(usersAccountId, user.userName));
      const trusts = role !== undefined && trustedPrincipals(role.trustPolicy).some((principal) => lower(principal) === arn);
      const membership: Membership | undefined = value === 'added' && trusts ? 'added' : value === 'removed' && !trusts ? 'removed' : undefined;
      if (membership === undefined) continue;
      const entry = owed.get(accountId) ?? { added: [], removed: [] };
      entry[membership].push(user.userName);
      owed.set(accountId, entry);
    }
  }
  return [...owed.entries()].map(([accountId, entry]) => {
    const account = live.organization.accounts.find((a) => a.id === accountId);
    const role = Array.isArray(account?.roles) ? account.roles.find((r) => lower(r.name) === roleName) : undefined;
    return {
      kind: 'notify-bootstrap-users',
      accountName: account?.name ?? accountId,
      accountId,
      roleName: role?.name ?? bootstrapRoleName,
      added: entry.added.sort(compareText),
      removed: entry.removed.sort(compareText),
    };
  });
}
