/**
 * Planning the roles of one member account: every role the sources want (role-sources.ts) against
 * the roles read back, by one diff. Only roles carrying the managed-by tag are ever changed or
 * deleted; unmanaged roles that trust people of the users account are listed in a note.
 */
import type { Change } from './changes.ts';
import { isManaged, type DesiredAccount, type LiveAccount, type LiveRole, type SettingsFile } from './model.ts';
import { compareText, lower, showId } from './plan-helpers.ts';
import { wantedRoles, ROLE_SOURCES } from './role-sources.ts';
import { isRoleAsWanted, trustsUsersOf, type RoleContext } from './roles.ts';

export function planAccountRoles(
  settings: SettingsFile,
  account: DesiredAccount,
  liveAccount: LiveAccount,
  out: { changes: Change[]; notes: string[] },
): void {
  const context: RoleContext = { settings, account };
  const { wanted, notes } = wantedRoles(context);
  out.notes.push(...notes);
  const name = account.name;
  const base = { accountName: name, accountId: liveAccount.id };
  const live = liveAccount.roles ?? [];

  if (live === 'unknown' || live === 'denied') {
    for (const role of wanted) {
      if (live === 'denied' && role.readsTheAccount === true) {
        out.changes.push({ kind: 'put-role', ...base, label: role.label, after: role.spec });
      } else {
        out.notes.push(`${name}: ${role.label} could not be read, so it is not compared this time.`);
      }
    }
    return;
  }

  const byName = new Map<string, LiveRole>();
  for (const role of live) byName.set(lower(role.name), role);
  const wantedNames = new Set(wanted.map((role) => lower(role.spec.name)));
  for (const role of wanted) {
    const current = byName.get(lower(role.spec.name));
    if (current === undefined) {
      out.changes.push({ kind: 'put-role', ...base, label: role.label, after: role.spec });
    } else if (!isManaged(current.tags)) {
      out.notes.push(role.unmanagedNote);
    } else if (current.path !== role.spec.path) {
      out.notes.push(
        `${name}: ${role.label} has path ${current.path}, not ${role.spec.path}; IAM cannot move a role to another path, so delete it by hand and the next run creates it.`,
      );
    } else if (!isRoleAsWanted(current, role.spec)) {
      out.changes.push({ kind: 'put-role', ...base, label: role.label, before: current, after: role.spec });
    }
  }

  const leftAlone: string[] = [];
  for (const role of [...live].sort((a, b) => compareText(a.name, b.name))) {
    if (wantedNames.has(lower(role.name))) continue;
    const owner = ROLE_SOURCES.map((source) => source.ownsUnwanted(role, context)).find((owned) => owned !== undefined);
    if (owner !== undefined) {
      if (isManaged(role.tags)) out.changes.push({ kind: 'delete-role', ...base, label: owner.label, before: role });
      else if (owner.unmanagedNote !== undefined) out.notes.push(owner.unmanagedNote);
    } else if (!isManaged(role.tags) && trustsUsersOf(settings.users_account.id, role)) {
      leftAlone.push(role.name);
    }
  }
  if (leftAlone.length > 0) {
    out.notes.push(
      `${name}${showId(liveAccount.id)}: roles people of the users account may assume that this project does not manage (no managed-by tag), left alone: ${leftAlone.join(', ')}.`,
    );
  }
}
