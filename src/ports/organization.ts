/**
 * The AWS Organization and the roles in its member accounts, as the core needs them.
 * Implemented by the sandbox and the AWS adapter. Methods throw AppError.
 */
import type { LiveAccountCreation, LiveOrganization, LiveRoles, Tags } from '../core/model.ts';
import type { RoleSpec } from '../core/roles.ts';

export interface CreateAccountInput {
  accountName: string;
  email: string;
  tags: Tags;
  /** The role Organizations creates in the new account (settings.organization.access_role_name). */
  accessRoleName: string;
}

export interface OrganizationPort {
  /** Accounts with OU paths and tags (not their roles), OU paths, creation requests, closure-quota figures. */
  readOrganization(): Promise<LiveOrganization>;

  /** Asks for a new account; returns the request id (`car-…`). */
  startAccountCreation(input: CreateAccountInput): Promise<string>;
  /** One look at a creation request. */
  describeAccountCreation(requestId: string): Promise<LiveAccountCreation>;
  /** Moves the account from its current parent to the OU at this path (which must exist). */
  moveAccount(accountId: string, ouPath: string): Promise<void>;
  tagAccount(accountId: string, tags: Tags): Promise<void>;
  untagAccount(accountId: string, keys: readonly string[]): Promise<void>;
  closeAccount(accountId: string): Promise<void>;

  /**
   * Every role in an active member account, raw documents decoded, read in one paginated
   * GetAccountAuthorizationDetails (Filter Role) so the cost does not grow with the number of roles.
   * With a reader role name it reads through that role (never the access role): `denied` when that
   * role refuses (missing, or without the permission). `unknown` when the account cannot be looked
   * into at all (not reachable yet, suspended).
   */
  readRoles(accountId: string, readerRoleName?: string): Promise<LiveRoles>;
  /**
   * Makes the role exactly `spec`: creates it, or rewrites its trust policy, description and tags,
   * writes and deletes inline policies and attaches and detaches managed policies until they are the
   * spec's. Tags the spec does not name are kept. Refuses a role without the managed-by tag.
   */
  putRole(accountId: string, spec: RoleSpec): Promise<void>;
  /** Detaches and deletes its policies, leaves its instance profiles, deletes it. Refuses an unmanaged role; a missing one is done. */
  deleteRole(accountId: string, roleName: string): Promise<void>;
}
