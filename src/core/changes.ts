/**
 * The plan's vocabulary: a discriminated union of typed changes. `computePlan` builds them,
 * the renderers show them, `applyPlan` executes the very same objects. Every change is plain
 * JSON (no functions, no Maps) so the plan can be printed and stored as a value.
 */
import type { Baseline, PasswordPolicy, PolicyDocument, Tags } from './model.ts';

export interface CreateUser {
  kind: 'create-user';
  userName: string;
  /** Every tag the user gets, managed-by included. */
  tags: Tags;
  group: string;
  fullName: string;
  requestedBy: string;
  /** Recorded in the credentials-sent tag once the welcome email went out. */
  credentialsToken: string;
}

export interface UpdateUser {
  kind: 'update-user';
  userName: string;
  setTags: Tags;
  removeTags: readonly string[];
  /** Groups the user must join (the configured group when missing). */
  addGroups: readonly string[];
  /**
   * Access a managed user has outside the configured group, removed so the group stays its only
   * source of permissions: other groups to leave, managed policy ARNs to detach, inline policy
   * names to delete.
   */
  removeGroups: readonly string[];
  detachPolicies: readonly string[];
  deletePolicies: readonly string[];
}

/** A new temporary password, emailed to the user. Nothing else about the user changes. */
export interface ResetPassword {
  kind: 'reset-password';
  userName: string;
  fullName: string;
  credentialsToken: string;
  why: 'password-reset-requested' | 'welcome-email-not-sent';
}

export interface DeleteUser {
  kind: 'delete-user';
  userName: string;
}

export interface UpdatePasswordPolicy {
  kind: 'update-password-policy';
  /** Absent when the account has no policy yet. */
  from?: PasswordPolicy;
  to: PasswordPolicy;
}

export interface UpdateGroup {
  kind: 'update-group';
  group: string;
  /** True when the group does not exist yet. */
  create: boolean;
  /** Inline policies to create or overwrite, by name. */
  putPolicies: Readonly<Record<string, PolicyDocument>>;
  deletePolicies: readonly string[];
  /** ARNs of managed policies to detach: the group's permissions are the project's inline policies only. */
  detachPolicies: readonly string[];
}

export interface CreateAccount {
  kind: 'create-account';
  accountName: string;
  email: string;
  ouPath: string;
  tags: Tags;
  /** Users the bootstrap role trusts; empty when the file says the bootstrap is removed. */
  bootstrapUsers: readonly string[];
  /** Who gets the account email: team contact, bootstrap users, requester (deduplicated). */
  recipients: readonly string[];
  /** Set when AWS is already working on this account: carry on polling instead of asking again. */
  resumeRequestId?: string;
}

export interface UpdateAccount {
  kind: 'update-account';
  accountName: string;
  accountId: string;
  move?: { from: string; to: string };
  setTags: Tags;
  removeTags: readonly string[];
}

/** Creates the bootstrap role, or rewrites its trust policy to name exactly these users. */
export interface PutBootstrapRole {
  kind: 'put-bootstrap-role';
  accountName: string;
  accountId: string;
  trustedUsers: readonly string[];
  /** Absent when the role does not exist yet. */
  previouslyTrusted?: readonly string[];
  /**
   * For an existing role: what else is wrong with it and gets fixed (absent or empty when only the
   * trusted users change). `attach-administrator-access` widens access, so it ranks as `access`.
   */
  repairs?: readonly BootstrapRepair[];
}

export type BootstrapRepair = 'require-mfa' | 'attach-administrator-access';

export interface DeleteBootstrapRole {
  kind: 'delete-bootstrap-role';
  accountName: string;
  accountId: string;
}

/**
 * Creates the read-only reader role (settings.organization.reader_role_name), or rewrites its trust
 * and permissions to what settings describe (reader-role.ts). It grants no write access: routine.
 */
export interface PutReaderRole {
  kind: 'put-reader-role';
  accountName: string;
  accountId: string;
  /** The only principals the role trusts (settings.organization.reader_trusted_role_arns). */
  trustedRoleArns: readonly string[];
  /** Absent or empty: the role is missing (or cannot be assumed) and is created. */
  repairs?: readonly ReaderRepair[];
}

export type ReaderRepair = 'trust' | 'permissions';

/** The account email that a previous run did not get to send. */
export interface SendAccountEmail {
  kind: 'send-account-email';
  accountName: string;
  accountId: string;
  recipients: readonly string[];
}

export interface CloseAccount {
  kind: 'close-account';
  accountName: string;
  accountId: string;
  recipients: readonly string[];
}

export type Change =
  | CreateUser
  | UpdateUser
  | ResetPassword
  | DeleteUser
  | UpdatePasswordPolicy
  | UpdateGroup
  | CreateAccount
  | UpdateAccount
  | PutBootstrapRole
  | DeleteBootstrapRole
  | PutReaderRole
  | SendAccountEmail
  | CloseAccount;

export type ChangeKind = Change['kind'];

/**
 * How much a change matters to a reviewer, most dangerous first:
 * - `destructive`: removes something that cannot simply be put back (closing, deleting);
 * - `access`: grants, widens or otherwise changes access (new users, credentials, trust, admin roles,
 *   baseline policies, an account moving to another OU); the renderers tell grants from removals
 *   (src/render/plan-sections.ts);
 * - `routine`: bookkeeping (tags, emails).
 */
export type Impact = 'destructive' | 'access' | 'routine';

export const IMPACT_ORDER: readonly Impact[] = ['destructive', 'access', 'routine'];

export interface PlannedChange {
  change: Change;
  impact: Impact;
  /** One line a reviewer reads, e.g. `create user ada@x.gov.uk`. Never contains a secret. */
  summary: string;
}

export interface Plan {
  /** Version of the JSON shape; bump on breaking changes (documented in README). */
  version: 1;
  baseline: Baseline;
  /** Sorted: by impact (destructive first), then by kind, then by name. */
  changes: readonly PlannedChange[];
  /** IAM users in the users account without the managed-by tag: listed, never touched. */
  unmanagedUsers: readonly string[];
  /** Things a reviewer should know that are not changes (e.g. a protected user that is tagged as managed). */
  notes: readonly string[];
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
