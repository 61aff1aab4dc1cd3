/**
 * The users account (IAM), as the core needs it. Implemented by the sandbox and the AWS adapter;
 * the same contract tests run against both. Methods throw AppError.
 */
import type { LiveUsersAccount, PasswordPolicy, PolicyDocument, Tags } from '../core/model.ts';

export interface UsersAccountPort {
  /** Users (with tags and groups), the configured group's inline policies, the password policy. */
  readUsersAccount(group: string): Promise<LiveUsersAccount>;
  /** ARN of a user name in this account (no call needed). */
  userArn(userName: string): string;

  /** Fails with code `user-exists` if a user with this name ignoring case exists. */
  createUser(userName: string, tags: Tags): Promise<void>;
  tagUser(userName: string, tags: Tags): Promise<void>;
  untagUser(userName: string, keys: readonly string[]): Promise<void>;
  addUserToGroup(userName: string, group: string): Promise<void>;
  /** Creates or replaces the login profile with this password and PasswordResetRequired. */
  setTemporaryPassword(userName: string, password: string): Promise<void>;
  /**
   * Removes every dependency AWS requires (login profile, access keys, signing certificates, SSH keys,
   * service-specific credentials, MFA devices, inline and attached policies, group memberships), then
   * the user. Refuses (code `not-managed`) a user without the managed-by tag.
   */
  deleteUser(userName: string): Promise<void>;

  /** Sets the whole policy (AWS resets omitted fields); users may change their own password. */
  putPasswordPolicy(policy: PasswordPolicy): Promise<void>;
  createGroup(group: string): Promise<void>;
  putGroupPolicy(group: string, policyName: string, document: PolicyDocument): Promise<void>;
  deleteGroupPolicy(group: string, policyName: string): Promise<void>;
}
