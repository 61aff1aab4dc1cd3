/**
 * The core's own vocabulary: desired state (from the files), live state (from a target), and the
 * names of the tags the project uses to own things. No SDK types here.
 */
import type { AccountFile, SettingsFile, UserFile } from '../config/schema-types.ts';

export type { AccountFile, SettingsFile, UserFile };

/** Where a value came from, so every problem can name file, line and column. */
export interface SourceRef {
  /** Path relative to the repository root, with forward slashes, e.g. `users/a@b.gov.uk.yaml`. */
  file: string;
  line: number;
  col: number;
}

export interface DesiredUser {
  /** The IAM user name: the lower-case email. */
  userName: string;
  data: UserFile;
  source: SourceRef;
}

export interface DesiredAccount {
  name: string;
  data: AccountFile;
  /** Root email: the file's `root_email` or the settings template applied to the name. */
  rootEmail: string;
  source: SourceRef;
}

/** Everything the files say, after validation. Keys are user names / account names. */
export interface DesiredState {
  settings: SettingsFile;
  users: ReadonlyMap<string, DesiredUser>;
  accounts: ReadonlyMap<string, DesiredAccount>;
}

export type Tags = Readonly<Record<string, string>>;

/** The tag every resource the project creates carries, and its value. */
export const MANAGED_BY_TAG = 'managed-by';
export const MANAGED_BY_VALUE = 'aws-access-as-code';
/**
 * Set on a user only after the email carrying its current temporary password went out. Its value is
 * the credentials token (see `credentialsToken`): a user whose tag differs gets a fresh password.
 */
export const CREDENTIALS_SENT_TAG = 'credentials-sent';
/**
 * Written on a user, with the credentials token, before its password is set or changed: proof that
 * apply may tag this user, so a missing iam:TagUser stops a run before any password change or email
 * (otherwise every run would reset and email the password again, for ever). Removed once the
 * credentials-sent tag is written.
 */
export const CREDENTIALS_PENDING_TAG = 'credentials-pending';
/**
 * Set on a user when it is created by someone on another person's behalf, and removed once the
 * requester's notice went out: tracked like the welcome email, so an interrupted run sends the
 * notice on the next one.
 */
export const REQUESTER_NOTICE_TAG = 'requester-notice-pending';
/** Set on an account once its welcome email went out. */
export const ACCOUNT_NOTIFIED_TAG = 'account-email-sent';
/**
 * Written on an account just before CloseAccount, with the date: AWS records no closure date, and
 * the 30-day closure quota needs one.
 */
export const CLOSURE_REQUESTED_TAG = 'closure-requested';

/** A tag by key, ignoring case: IAM treats user and role tag keys case-insensitively. */
export function findTag(tags: Tags, key: string): { key: string; value: string } | undefined {
  const wanted = key.toLowerCase();
  for (const [k, v] of Object.entries(tags)) if (k.toLowerCase() === wanted) return { key: k, value: v };
  return undefined;
}

/** Whether something carries the project's managed-by tag: the one test of ownership everywhere. */
export function isManaged(tags: Tags): boolean {
  return findTag(tags, MANAGED_BY_TAG)?.value === MANAGED_BY_VALUE;
}

/** The token a user's credentials must have been sent for: `password_reset` date, else `initial`. */
export function credentialsToken(user: UserFile): string {
  return user.password_reset ?? 'initial';
}

export interface LiveUser {
  userName: string;
  arn?: string;
  tags: Tags;
  groups: readonly string[];
  /** Names of the user's own inline policies. A managed user gets its access from the group only. */
  inlinePolicyNames: readonly string[];
  /** ARNs of managed policies attached to the user directly. */
  attachedPolicyArns: readonly string[];
}

export interface PasswordPolicy {
  minimumLength: number;
  requireSymbols: boolean;
  requireNumbers: boolean;
  requireUppercase: boolean;
  requireLowercase: boolean;
  allowUsersToChangePassword: boolean;
  /** 0 or absent: never expires. */
  maxAgeDays?: number;
  reusePrevention?: number;
  /** Whether an expired password can only be reset by an administrator (AWS's HardExpiry). */
  hardExpiry: boolean;
}

/** A JSON policy document, already parsed (AWS returns them URL-encoded; adapters decode). */
export type PolicyDocument = Readonly<Record<string, unknown>>;

export interface LiveGroup {
  name: string;
  /** Inline policies by name. */
  policies: Readonly<Record<string, PolicyDocument>>;
  /** ARNs of managed policies attached to the group. */
  attachedPolicyArns: readonly string[];
}

export interface LiveUsersAccount {
  users: readonly LiveUser[];
  /** Absent when the account has no password policy at all. */
  passwordPolicy?: PasswordPolicy;
  /** Absent when the configured group does not exist. */
  group?: LiveGroup;
  /** The account's aliases (IAM allows one); absent when not read, and then not compared. */
  aliases?: readonly string[];
}

/**
 * One user's row of IAM's credential report, for import and the access review: how the user signs
 * in and when it last did.
 * Dates are ISO 8601 strings; absent when AWS has none (never used, or not recorded).
 */
export interface LiveUserCredentials {
  userName: string;
  createdAt: string;
  hasPassword: boolean;
  passwordLastUsed?: string;
  passwordLastChanged?: string;
  mfaActive: boolean;
  /** The user's access keys (IAM allows two), active or not. */
  accessKeys: readonly AccessKeyFacts[];
}

/** One access key's row facts: the credential report names keys by slot (1 or 2), not by id. */
export interface AccessKeyFacts {
  slot: 1 | 2;
  active: boolean;
  /** When the key was created (AWS's `last_rotated`). */
  createdAt?: string;
  lastUsed?: string;
}

export type LiveAccountStatus = 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE';

/**
 * An IAM role in a member account as read back (raw documents, already decoded), or as the core
 * wants it (see RoleSpec in roles.ts). Whatever the role is for, it is compared by one diff.
 */
export interface LiveRole {
  name: string;
  /** IAM path, `/` for most roles. A role's path cannot be changed once it exists. */
  path: string;
  trustPolicy: PolicyDocument;
  /** Inline policies by name. */
  inlinePolicies: Readonly<Record<string, PolicyDocument>>;
  /** ARNs of attached managed policies, sorted. */
  attachedPolicyArns: readonly string[];
  tags: Tags;
  /** When IAM created the role (ISO 8601); absent where the reader does not say. Never compared. */
  createdAt?: string;
}

/**
 * The roles of a member account: every role it has (managed or not), `unknown` when the account
 * could not be looked into (suspended, the management account, not reachable yet), `denied` when
 * the role that reads it (settings.organization.reader_role_name) refused: missing, or without the
 * permission to read. The planner then puts that reader role and compares nothing else.
 */
export type LiveRoles = readonly LiveRole[] | 'unknown' | 'denied';

export interface LiveAccount {
  id: string;
  name: string;
  email: string;
  status: LiveAccountStatus;
  /** OU path from the root, e.g. `/Workloads/Production`; `/` for the root. */
  ouPath: string;
  tags: Tags;
  /** Absent: the account has no roles the readers saw (as a freshly created account). */
  roles?: LiveRoles;
  /**
   * The account's facets (core/facets.ts) that were read, by id (`contacts/security`); an id read
   * but not set is absent. Absent, or `unknown`: not read (then not compared).
   */
  facets?: LiveFacets;
}

/** Facet values by id, as read; `unknown` when the account could not be looked into. */
export type LiveFacets = Readonly<Record<string, Readonly<Record<string, string>>>> | 'unknown';

/** A CreateAccount request AWS is still working on (or finished since the last run). */
export interface LiveAccountCreation {
  requestId: string;
  accountName: string;
  state: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
  accountId?: string;
  failureReason?: string;
}

export interface LiveOrganization {
  accounts: readonly LiveAccount[];
  /** OU paths that exist. */
  ouPaths: readonly string[];
  creations: readonly LiveAccountCreation[];
  /** Accounts closed in the last 30 days and member-account count, for the closure quota. */
  closedInLast30Days: number;
  memberAccountCount: number;
  /**
   * AWS services with trusted access in the Organization (`account.amazonaws.com`, ...): a facet
   * family that needs one is neither read nor written without it. Absent: not known (not compared).
   */
  trustedServices?: readonly string[];
}

/** What the plan was compared against; every rendering names it. */
export type Baseline =
  | { kind: 'sandbox'; path: string }
  | {
      kind: 'aws';
      usersAccountId: string;
      managementAccountId: string;
      /** The principals STS confirmed before the first read (absent only where nothing was asked). */
      usersPrincipalArn?: string;
      managementPrincipalArn?: string;
    }
  | { kind: 'git'; ref: string };

export interface LiveState {
  baseline: Baseline;
  usersAccount: LiveUsersAccount;
  organization: LiveOrganization;
}
