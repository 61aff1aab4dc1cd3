/**
 * The AWS Organization and the member accounts' bootstrap roles, as the core needs them.
 * Implemented by the sandbox and the AWS adapter. Methods throw AppError.
 */
import type { LiveAccountCreation, LiveOrganization, PolicyDocument, Tags } from '../core/model.ts';

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

export interface BootstrapRoleInput {
  accountId: string;
  roleName: string;
  trustPolicy: PolicyDocument;
  tags: Tags;
}

/** The read-only reader role: exactly this trust, this one inline policy, nothing attached. */
export interface ReaderRoleInput {
  accountId: string;
  roleName: string;
  trustPolicy: PolicyDocument;
  policyName: string;
  policy: PolicyDocument;
  tags: Tags;
}

export interface OrganizationPort {
  /**
   * Accounts with OU paths and tags, OU paths, creation requests, closure-quota figures. With a
   * reader role name, each member account's bootstrap role is read through that role (never the
   * access role), and the reader role itself is read back.
   */
  readOrganization(bootstrapRoleName: string, readerRoleName?: string): Promise<LiveOrganization>;

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

  /** Creates the role (with AdministratorAccess) or updates its trust policy. Refuses an unmanaged role. */
  putBootstrapRole(input: BootstrapRoleInput): Promise<void>;
  /** Detaches its policies and deletes it. Refuses an unmanaged role. */
  deleteBootstrapRole(accountId: string, roleName: string): Promise<void>;

  /**
   * Creates the reader role or makes it exactly `input` (trust, the one inline policy; other inline
   * policies deleted, managed policies detached). Refuses an unmanaged role.
   */
  putReaderRole(input: ReaderRoleInput): Promise<void>;
}
