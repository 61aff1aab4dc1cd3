/**
 * The leaver check: before a user is deleted or suspended, every IAM role in a managed member
 * account whose trust policy still names that user, from the roles the plan read already (no extra
 * request). A role this very plan rewrites without the user, or deletes, is not listed. Bootstrap
 * roles are not special here: validation keeps refusing a file removed while bootstrap.users names it.
 */
import type { Change, StillTrusted } from './changes.ts';
import { findTag, isManaged, type DesiredState, type LiveState } from './model.ts';

/** Set on a user once the team contacts were told which roles still trust it (just before deletion). */
export const LEAVER_NOTICE_TAG = 'leaver-notice-sent';
import { trustedPrincipals } from './roles.ts';
import { userArn } from './trust-policy.ts';

const lower = (value: string): string => value.toLowerCase();

/** The same changes, with `stillTrustedBy` set on each delete-user and suspend-user that has any. */
export function withLeaverChecks(changes: readonly Change[], live: LiveState, desired: DesiredState): Change[] {
  const settings = desired.settings;
  // Roles this plan puts (with their new trust) or deletes, by account id and lower-case role name.
  const rewritten = new Map<string, readonly string[] | 'deleted'>();
  for (const change of changes) {
    if (change.kind === 'put-role') rewritten.set(`${change.accountId} ${lower(change.after.name)}`, trustedPrincipals(change.after.trustPolicy).map(lower));
    if (change.kind === 'delete-role') rewritten.set(`${change.accountId} ${lower(change.before.name)}`, 'deleted');
  }
  return changes.map((change) => {
    if (change.kind !== 'delete-user' && change.kind !== 'suspend-user') return change;
    const liveUser = live.usersAccount.users.find((user) => lower(user.userName) === lower(change.userName));
    const told = liveUser !== undefined && findTag(liveUser.tags, LEAVER_NOTICE_TAG) !== undefined;
    const requester = liveUser === undefined ? undefined : findTag(liveUser.tags, 'requested-by')?.value;
    // The person and the requester hear of a removal once (the tag is written before the deletion).
    const tell = told ? [] : [...new Set([change.userName, ...(requester === undefined ? [] : [requester])].map(lower))];
    const base: Change = change.kind === 'delete-user' && tell.length > 0 ? { ...change, tell } : change;
    const arn = lower(userArn(settings.users_account.id, change.userName));
    const found: StillTrusted[] = [];
    for (const account of live.organization.accounts) {
      if (account.status !== 'ACTIVE' || !isManaged(account.tags) || !Array.isArray(account.roles)) continue;
      for (const role of account.roles) {
        if (!trustedPrincipals(role.trustPolicy).some((principal) => lower(principal) === arn)) continue;
        const after = rewritten.get(`${account.id} ${lower(role.name)}`);
        if (after === 'deleted' || (after !== undefined && !after.includes(arn))) continue;
        found.push({ accountName: account.name, accountId: account.id, roleName: role.name });
      }
    }
    if (found.length === 0) return base;
    found.sort((a, b) => (a.accountName + ' ' + a.roleName < b.accountName + ' ' + b.roleName ? -1 : 1));
    if (base.kind === 'suspend-user') return { ...base, stillTrustedBy: found };
    const contacts = [...new Set(found.flatMap((role) => {
      const email = desired.accounts.get(role.accountName)?.data.team.email;
      return email === undefined ? [] : [email];
    }))].sort();
    return { ...base, stillTrustedBy: found, ...(told || contacts.length === 0 ? {} : { notify: contacts }) };
  });
}
