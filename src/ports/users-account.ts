/**
 * The users account (IAM), as the core needs it. Implemented by the sandbox and the AWS adapter;
 * the same contract tests run against both. Methods throw AppError.
 */
import type { LiveUserCredentials, LiveUsersAccount, PasswordPolicy, PolicyDocument, Tags } from '../core/model.ts';

export interface UsersAccountPort {
  /**
   * Users (with tags, groups, inline policy names and attached policy ARNs), the configured group
   * (inline policies and attached policy ARNs), the password policy.
   */
  readUsersAccount(group: string): Promise<LiveUsersAccount>;
  /**
   * Every user's sign-in facts (password, MFA, access keys, last use), for import. Read-only: in
   * AWS, IAM's credential report (one account-wide report instead of three calls per user).
   */
  readCredentialReport(): Promise<readonly LiveUserCredentials[]>;
  /** ARN of a user name in this account (no call needed). */
  userArn(userName: string): string;

  /** Fails with code `user-exists` if a user with this name ignoring case exists. */
  createUser(userName: string, tags: Tags): Promise<void>;
  tagUser(userName: string, tags: Tags): Promise<void>;
  untagUser(userName: string, keys: readonly string[]): Promise<void>;
  addUserToGroup(userName: string, group: string): Promise<void>;
  /**
   * Takes the user out of a group. This and the next two remove access, and only from users the
   * project owns: like deleteUser they refuse a protected user (code `protected`) and one without
   * the managed-by tag (code `not-managed`), and fail with `not-found` when there is nothing to remove.
   */
  removeUserFromGroup(userName: string, group: string): Promise<void>;
  /** Detaches a managed policy (by ARN) attached to the user directly (see removeUserFromGroup). */
  detachUserPolicy(userName: string, policyArn: string): Promise<void>;
  /** Deletes one of the user's own inline policies (see removeUserFromGroup). */
  deleteUserPolicy(userName: string, policyName: string): Promise<void>;
  /**
   * Takes the user's credentials away without deleting anything it may get back: removes the
   * console password (none is fine) and makes every access key Inactive. Refuses protected and
   * unmanaged users as removeUserFromGroup does.
   */
  suspendUser(userName: string): Promise<void>;
  /** Creates or replaces the login profile with this password and PasswordResetRequired. */
  setTemporaryPassword(userName: string, password: string): Promise<void>;
  /**
   * Removes every dependency AWS requires (login profile, access keys, signing certificates, SSH keys,
   * service-specific credentials, MFA devices, inline and attached policies, group memberships), then
   * the user. Refuses (code `not-managed`) a user without the managed-by tag.
   */
  deleteUser(userName: string): Promise<void>;

  /** Sets the account's one alias (replacing any other); `alias-taken` when another AWS account has it. */
  setAccountAlias(alias: string): Promise<void>;

  /** Sets the whole policy, every field as given (AWS resets omitted fields). */
  putPasswordPolicy(policy: PasswordPolicy): Promise<void>;
  /** Creates the group; one that exists already (a re-run) is not an error. */
  createGroup(group: string): Promise<void>;
  putGroupPolicy(group: string, policyName: string, document: PolicyDocument): Promise<void>;
  deleteGroupPolicy(group: string, policyName: string): Promise<void>;
  /** Detaches a managed policy (by ARN) from the group; `not-found` when it is not attached. */
  detachGroupPolicy(group: string, policyArn: string): Promise<void>;
}
