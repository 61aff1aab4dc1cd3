/**
 * The AWS Organization and the roles in its member accounts, as the core needs them.
 * Implemented by the sandbox and the AWS adapter. Methods throw AppError.
 */
import type { FacetFamily } from '../core/facet-sources.ts';
import type { FacetValue } from '../core/facets.ts';
import type { LiveAccountCreation, LiveFacets, LiveOrganization, LiveRoles, Tags } from '../core/model.ts';
import type { RoleSpec } from '../core/roles.ts';

export interface CreateAccountInput {
  accountName: string;
  email: string;
  tags: Tags;
  /** The role Organizations creates in the new account (settings.organization.access_role_name). */
  accessRoleName: string;
}

export interface FoundAccount {
  id: string;
  name: string;
  email: string;
  /** As AWS reports it (ACTIVE, SUSPENDED, PENDING_CLOSURE, ...). */
  state: string;
  managed: boolean;
}

export interface OrganizationPort {
  /**
   * Accounts with OU paths and tags (not their roles), OU paths, creation requests, closure-quota
   * figures, and the services with trusted access (left out when they may not be listed).
   */
  readOrganization(): Promise<LiveOrganization>;

  /**
   * Asks for a new account, exactly once; returns the request id (`car-…`). The request is never
   * repeated blindly: after any error or timeout the adapter looks for a request or an account with
   * this name or root email, and returns that request instead of asking again (or fails).
   */
  startAccountCreation(input: CreateAccountInput): Promise<string>;
  /** Accounts in the Organization (any state) with this name or this root email (ignoring case). */
  findAccounts(query: { name: string; email: string }): Promise<FoundAccount[]>;
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

  /**
   * The account's facets among `ids` (`contacts/security`, see core/facets.ts): those set, by id,
   * as whole values; an id not set is absent. `unknown` when the account cannot be looked into.
   * Read from the management account; never called for the management account itself.
   */
  readFacets(accountId: string, ids: readonly string[]): Promise<LiveFacets>;
  /** Sets one facet of a member account to exactly `value`. Refuses protected accounts. */
  putFacet(accountId: string, family: FacetFamily, key: string, value: FacetValue): Promise<void>;
  /** Removes one facet of a member account; one not set is done. Refuses protected accounts. */
  deleteFacet(accountId: string, family: FacetFamily, key: string): Promise<void>;
}
