/**
 * Every kind of role the project keeps in member accounts, in the order they are created in a new
 * account (the bootstrap role first, then the reader role that lets plans read it, then the team's
 * roles). A new kind is one RoleSource in its own module, listed here.
 */
import { bootstrapRole } from './bootstrap-role.ts';
import { readerRole } from './reader-role.ts';
import type { RoleContext, RoleSource, WantedRole } from './roles.ts';
import { teamRoles } from './team-roles.ts';

export const ROLE_SOURCES: readonly RoleSource[] = [bootstrapRole, readerRole, teamRoles];

/** Every role the files and settings want in an account, with the notes the sources add. */
export function wantedRoles(context: RoleContext): { wanted: WantedRole[]; notes: string[] } {
  const wanted: WantedRole[] = [];
  const notes: string[] = [];
  for (const source of ROLE_SOURCES) {
    const out = source.rolesFor(context);
    wanted.push(...out.wanted);
    notes.push(...out.notes);
  }
  return { wanted, notes };
}
