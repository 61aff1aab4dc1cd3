/**
 * Everyone told: the people a role's trust change adds or removes are emailed once the change is
 * applied, the added ones with the switch-role link and their ~/.aws/config. Every kind of role that
 * trusts people (the bootstrap role, team roles, whatever comes next) is told about by this one
 * module, from the trust policies alone: a role is "for people" when its trust names users of the
 * users account (the reader role trusts roles, so nobody is told about it). A new account's roles
 * tell the people they trust too, as the same roles would in an existing account.
 *
 * Tracked on each person, in the users account: apply tags them (roleNoticeTag, value `added` or
 * `removed`) before the trust change, and removes the tag after the email. The key holds the
 * prefix, the account id and, but for the bootstrap role (whose key predates the others), the role
 * name (lower-case words, schema/account.schema.json); the value one word: well within IAM's tag
 * alphabet and lengths, however many people one change names. A run stopped after the trust change
 * leaves the tags, and the next plan sends what they say (a `notify-bootstrap-users` change with no
 * trust change beside it), provided the role still says the same: a tag whose change was undone
 * before it was applied is ignored.
 *
 * Only users the project manages (or creates or adopts in this plan) are tagged and told; protected
 * and unmanaged users are never touched. The welcome email (create-user, or the reset that re-sends
 * it) and each notice carry the person's roles as the files give them (profiles.ts, roleGrantsOf).
 */
import type { Change, NotifyBootstrapUsers, PersonRoles, RoleNotice } from './changes.ts';
import { isManaged, type DesiredAccount, type DesiredState, type LiveState, type PolicyDocument } from './model.ts';
import { compareText, lower } from './plan-helpers.ts';
import { roleGrantsOf } from './profiles.ts';
import { trustedPrincipals } from './roles.ts';
import { userArn } from './trust-policy.ts';

const TAG_PREFIX = 'bootstrap-notice:';

/** The tag a person carries while the email about the bootstrap role of this account is owed. */
export function bootstrapNoticeTag(accountId: string): string {
  return `${TAG_PREFIX}${accountId}`;
}

/** The tag a person carries while the email about their membership of this role is owed. */
export function roleNoticeTag(accountId: string, roleName: string, bootstrapRoleName: string): string {
  return lower(roleName) === lower(bootstrapRoleName) ? bootstrapNoticeTag(accountId) : `${TAG_PREFIX}${accountId}:${roleName}`;
}

/** The account id and role name a notice tag is about; undefined for any other tag. */
function parseNoticeTag(key: string, bootstrapRoleName: string): { accountId: string; roleName: string } | undefined {
  if (!lower(key).startsWith(TAG_PREFIX)) return undefined;
  const [accountId = '', roleName] = key.slice(TAG_PREFIX.length).split(':');
  return { accountId, roleName: roleName ?? bootstrapRoleName };
}

type Membership = 'added' | 'removed';

/**
 * The same changes, with `notice` set on each put-role and delete-role (and each role of a new
 * account) whose trust adds or removes someone, a notify-bootstrap-users change for each such role
 * (also for notices a previous run recorded and did not send), and the roles the files give each
 * person a welcome email or notice goes to. `idOf` says which accounts' ids are known.
 */
export function withRoleNotices(
  changes: readonly Change[],
  live: LiveState,
  desired: DesiredState,
  idOf: (account: DesiredAccount) => string | undefined,
): Change[] {
  const settings = desired.settings;
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
  const noticeOf = (before: PolicyDocument | undefined, after: PolicyDocument | undefined): RoleNotice | undefined => {
    const was = usersIn(before);
    const is = usersIn(after);
    const notice = { added: named(is.filter((u) => !was.includes(u))), removed: named(was.filter((u) => !is.includes(u))) };
    return notice.added.length + notice.removed.length === 0 ? undefined : notice;
  };
  const profilesOf = (people: readonly string[]): PersonRoles[] =>
    people.map((userName) => ({ userName, roles: roleGrantsOf(settings, desired.accounts.values(), userName, idOf) }));
  const notify = (accountName: string, accountId: string, roleName: string, description: string | undefined, notice: RoleNotice): NotifyBootstrapUsers => ({
    kind: 'notify-bootstrap-users',
    accountName,
    accountId,
    roleName,
    ...(description === undefined ? {} : { description }),
    ...notice,
    ...(notice.added.length === 0 ? {} : { profiles: profilesOf(notice.added) }),
  });

  const out: Change[] = [];
  const notices: NotifyBootstrapUsers[] = [];
  const covered = new Set<string>();
  for (const change of changes) {
    if (change.kind === 'create-user' || (change.kind === 'reset-password' && change.why === 'welcome-email-not-sent')) {
      const roles = roleGrantsOf(settings, desired.accounts.values(), change.userName, idOf);
      out.push(roles.length === 0 ? change : { ...change, roles });
      continue;
    }
    if (change.kind === 'create-account') {
      const roles = change.roles.map((role) => {
        const notice = noticeOf(undefined, role.spec.trustPolicy);
        if (notice === undefined) return role;
        notices.push(notify(change.accountName, '', role.spec.name, role.spec.description, notice));
        return { ...role, notice };
      });
      out.push({ ...change, roles });
      continue;
    }
    if (change.kind !== 'put-role' && change.kind !== 'delete-role') {
      out.push(change);
      continue;
    }
    const notice = noticeOf(change.before?.trustPolicy, change.kind === 'put-role' ? change.after.trustPolicy : undefined);
    if (notice === undefined) {
      out.push(change);
      continue;
    }
    out.push({ ...change, notice });
    const role = change.kind === 'put-role' ? change.after : change.before;
    notices.push(notify(change.accountName, change.accountId, role.name, change.kind === 'put-role' ? change.after.description : undefined, notice));
    for (const user of [...notice.added, ...notice.removed]) covered.add(`${change.accountId} ${lower(role.name)} ${lower(user)}`);
  }
  const owed = owedNotices(live, settings.organization.bootstrap_role_name, names, covered, settings.users_account.id);
  return [...out, ...notices, ...owed.map((o) => notify(o.accountName, o.accountId, o.roleName, undefined, { added: o.added, removed: o.removed }))];
}

interface Owed {
  accountName: string;
  accountId: string;
  roleName: string;
  added: string[];
  removed: string[];
}

/** Notices a previous run recorded on people (the tag) and did not send, while the role still says the same. */
function owedNotices(
  live: LiveState,
  bootstrapRoleName: string,
  names: ReadonlyMap<string, string>,
  covered: ReadonlySet<string>,
  usersAccountId: string,
): Owed[] {
  const owed = new Map<string, Owed>();
  for (const user of live.usersAccount.users) {
    if (!names.has(lower(user.userName))) continue;
    for (const [key, value] of Object.entries(user.tags)) {
      const about = parseNoticeTag(key, bootstrapRoleName);
      if (about === undefined) continue;
      const { accountId } = about;
      if (covered.has(`${accountId} ${lower(about.roleName)} ${lower(user.userName)}`)) continue;
      const account = live.organization.accounts.find((a) => a.id === accountId);
      if (account === undefined || account.status !== 'ACTIVE' || !Array.isArray(account.roles)) continue;
      const role = account.roles.find((r) => lower(r.name) === lower(about.roleName));
      const arn = lower(userArn(usersAccountId, user.userName));
      const trusts = role !== undefined && trustedPrincipals(role.trustPolicy).some((principal) => lower(principal) === arn);
      const membership: Membership | undefined = value === 'added' && trusts ? 'added' : value === 'removed' && !trusts ? 'removed' : undefined;
      if (membership === undefined) continue;
      const id = `${accountId} ${lower(about.roleName)}`;
      const entry: Owed = owed.get(id) ?? { accountName: account.name, accountId, roleName: role?.name ?? about.roleName, added: [], removed: [] };
      entry[membership].push(user.userName);
      owed.set(id, entry);
    }
  }
  return [...owed.values()].map((entry) => ({ ...entry, added: entry.added.sort(compareText), removed: entry.removed.sort(compareText) }));
}
