/**
 * The plan's vocabulary: a discriminated union of typed changes. `computePlan` builds them,
 * the renderers show them, `applyPlan` executes the very same objects. Every change is plain
 * JSON (no functions, no Maps) so the plan can be printed and stored as a value.
 */
import type { Baseline, LiveRole, PasswordPolicy, PolicyDocument, Tags } from './model.ts';
import type { FacetFamily, WantedFacet } from './facet-sources.ts';
import type { FacetValue } from './facets.ts';
import type { RoleGrant } from './profiles.ts';
import type { RoleSpec } from './roles.ts';

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
  /** How `expires` reads against the plan's day, e.g. `expires 2027-03-31, in 12 days`; absent without a date. */
  expiry?: string;
  /** Every role the files give the user, for the profiles in the welcome email (profiles.ts). */
  roles?: readonly RoleGrant[];
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
  /** `access-restored`: the user was suspended at expiry and its `expires` was extended since. */
  why: 'password-reset-requested' | 'welcome-email-not-sent' | 'access-restored';
  /** As on create-user: a welcome email that was never sent is sent whole, profiles included. */
  roles?: readonly RoleGrant[];
}

/**
 * A managed user whose `expires` is today or earlier loses its access but stays (see expiry.ts):
 * console password removed, access keys deactivated, out of every group, then tagged
 * credentials-sent `suspended`.
 */
export interface SuspendUser {
  kind: 'suspend-user';
  userName: string;
  expires: string;
  /** How the date reads against the plan's day, e.g. `expired 2026-03-01, 3 days ago`. */
  expiry: string;
  /** Every group the user is in (the configured one included). */
  leaveGroups: readonly string[];
  /** As on delete-user. */
  stillTrustedBy?: readonly StillTrusted[];
  /** The person and the requester, emailed once the access is gone (before the suspended tag). */
  tell: readonly string[];
}

/**
 * The notice to whoever asked for a user ("X now has a user"), which a previous run did not get to
 * send (the user still carries the requester-notice-pending tag).
 */
export interface NotifyRequester {
  kind: 'notify-requester';
  userName: string;
  fullName: string;
  requestedBy: string;
}

/**
 * The warning before `expires` (14 and 3 days before, expiry.ts): the person and the requester are
 * emailed, then the user is tagged expiry-warning-sent `<days>:<expires>`, so each warning goes out
 * once for each date (a later date re-arms both).
 */
export interface WarnExpiry {
  kind: 'warn-expiry';
  userName: string;
  expires: string;
  /** Which warning: 14 or 3 (days before `expires`), the closest one at or above the days left. */
  warning: number;
  /** How the date reads against the plan's day, e.g. `expires 2026-03-13, in 12 days`. */
  expiry: string;
  tell: readonly string[];
}

/** Who a person's role's trust change adds and removes (user names), for the emails. */
export interface RoleNotice {
  added: readonly string[];
  removed: readonly string[];
}

/** One person's roles, as the files give them, for the profiles in an email. */
export interface PersonRoles {
  userName: string;
  roles: readonly RoleGrant[];
}

/**
 * The emails to the people a role that trusts people (the bootstrap role, a team role: any kind)
 * now trusts or no longer trusts (bootstrap-notices.ts), sent after the role's trust change. Each
 * person is tagged (roleNoticeTag) before the trust change and untagged after the email, so a run
 * stopped in between sends it on the next one. The kind keeps its first name (the plan's JSON
 * shape) though it covers every role kind.
 */
export interface NotifyBootstrapUsers {
  kind: 'notify-bootstrap-users';
  accountName: string;
  /** Not an account id (empty) when the account is created in the same run: apply knows it by then. */
  accountId: string;
  roleName: string;
  /** What the role may do, in words (its description). */
  description?: string;
  added: readonly string[];
  removed: readonly string[];
  /** Each added person's roles, for the ~/.aws/config in their email. */
  profiles?: readonly PersonRoles[];
}

/**
 * Takes over an IAM user that exists without the managed-by tag (its file says `adopt: true`):
 * tags it (credentials-sent `adopted`: it has its password already), puts it in the configured
 * group and removes its access outside the group, in that order. Its password, access keys, MFA
 * devices and creation date stay as they are; nobody is emailed. See adopt.ts.
 */
export interface AdoptUser {
  kind: 'adopt-user';
  /** The live name (IAM names ignore case; it may differ in case from the file). */
  userName: string;
  /** Every tag the user gets: the file's, managed-by, and credentials-sent `adopted`. */
  tags: Tags;
  /** Empty when the user is in the configured group already. */
  addGroups: readonly string[];
  /** Access outside the configured group, removed after tagging (as update-user does for managed users). */
  removeGroups: readonly string[];
  detachPolicies: readonly string[];
  deletePolicies: readonly string[];
}

/** A role in a managed member account whose trust policy names a leaving user (leavers.ts). */
export interface StillTrusted {
  accountName: string;
  accountId: string;
  roleName: string;
}

export interface DeleteUser {
  kind: 'delete-user';
  userName: string;
  /** Roles that still trust the user after this plan: the reviewer and team contacts should look. */
  stillTrustedBy?: readonly StillTrusted[];
  /**
   * The team contacts of those roles' accounts, emailed before the user is deleted (then the user
   * is tagged leaver-notice-sent, so a run stopped before the deletion does not email again).
   */
  notify?: readonly string[];
  /** The person and whoever asked for the user, told it is removed (same tag, same moment). */
  tell?: readonly string[];
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
  /** The roles put in the new account once it exists, in this order (bootstrap role first). */
  roles: readonly NewRole[];
  /** The settings (facets.ts) put in the new account once its roles are, so one apply settles it. */
  facets: readonly WantedFacet[];
  /** Set when AWS is already working on this account: carry on polling instead of asking again. */
  resumeRequestId?: string;
}

/** A role a new account gets: what it is, how the plan names it, and whom it tells. */
export interface NewRole {
  /** As on put-role, e.g. `team role pay-admin (admin)`. */
  label: string;
  spec: RoleSpec;
  /** The people it trusts, tagged once the account id is known and before the role is put. */
  notice?: RoleNotice;
}

export interface UpdateAccount {
  kind: 'update-account';
  accountName: string;
  accountId: string;
  /**
   * Set when the account exists without the managed-by tag and its file says `adopt: true`: this
   * change takes it over (ranked `access`). `bootstrapRole`: the plan also creates the bootstrap
   * administrator role in it.
   */
  adopt?: { bootstrapRole: boolean };
  move?: { from: string; to: string };
  setTags: Tags;
  removeTags: readonly string[];
}

/**
 * Makes a role in a member account exactly its spec: creates it, or rewrites what differs. Its
 * impact is derived from the difference (roles.ts, roleChangeImpact).
 */
export interface PutRole {
  kind: 'put-role';
  accountName: string;
  accountId: string;
  /** How summaries name it, e.g. `the bootstrap role`. */
  label: string;
  /** The managed role as it is; absent when it does not exist (or could not be read). */
  before?: LiveRole;
  after: RoleSpec;
  /** The bootstrap role: people whose pending notice is recorded before the trust changes. */
  notice?: RoleNotice;
}

/** Deletes a managed role no file or setting wants any more, with its policies. */
export interface DeleteRole {
  kind: 'delete-role';
  accountName: string;
  accountId: string;
  label: string;
  before: LiveRole;
  /** As on put-role (everyone the deleted bootstrap role trusted is removed). */
  notice?: RoleNotice;
}

/**
 * Makes one setting of a member account (a facet, see facets.ts: an alternate contact, ...) the
 * value the files name. Its impact is the source's, derived from the difference.
 */
export interface PutAccountFacet {
  kind: 'put-account-facet';
  accountName: string;
  accountId: string;
  family: FacetFamily;
  key: string;
  /** How summaries name it, e.g. `the security contact`. */
  label: string;
  /** The value as it is; absent when it is not set. */
  before?: FacetValue;
  after: FacetValue;
  /** The facet ids the account's record (facets.ts, FACETS_TAG) held when planned; apply rewrites it from them. */
  recorded: readonly string[];
}

/** Removes a setting the project set (recorded on the account) that no file or setting names any more. */
export interface DeleteAccountFacet {
  kind: 'delete-account-facet';
  accountName: string;
  accountId: string;
  family: FacetFamily;
  key: string;
  label: string;
  /** The value as it is; absent when it is gone already and only the record is left. */
  before?: FacetValue;
  /** As on put-account-facet. */
  recorded: readonly string[];
}

/**
 * The account email that a previous run did not get to send; or, with `adopted`, the short notice
 * that an existing account is now managed by its file (to the team contact and requester only),
 * sent in the run that adopts it.
 */
export interface SendAccountEmail {
  kind: 'send-account-email';
  accountName: string;
  accountId: string;
  recipients: readonly string[];
  adopted?: true;
}

/**
 * Sets the users account's alias (the sign-in URL's first label) to settings.users_account.alias.
 * IAM allows one alias per account: the new one replaces the old, and the old URL stops working.
 */
export interface SetAccountAlias {
  kind: 'set-account-alias';
  /** Absent when the account has no alias. */
  from?: string;
  to: string;
}

export interface CloseAccount {
  kind: 'close-account';
  accountName: string;
  accountId: string;
  recipients: readonly string[];
}

export type Change =
  | CreateUser
  | AdoptUser
  | UpdateUser
  | ResetPassword
  | NotifyRequester
  | WarnExpiry
  | NotifyBootstrapUsers
  | DeleteUser
  | SuspendUser
  | UpdatePasswordPolicy
  | UpdateGroup
  | CreateAccount
  | UpdateAccount
  | PutRole
  | DeleteRole
  | PutAccountFacet
  | DeleteAccountFacet
  | SendAccountEmail
  | SetAccountAlias
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

/** A change with its rank. The words a reviewer reads are the renderers' (render/change-summary.ts). */
export interface PlannedChange {
  change: Change;
  impact: Impact;
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
  /**
   * Users whose `expires` falls within the next 30 days (today included), soonest first, for the
   * drift issue. Only in plans computed for a day.
   */
  expiring?: readonly ExpiringUser[];
}

export interface ExpiringUser {
  userName: string;
  expires: string;
  /** Days from the plan's day to `expires` (0: today). */
  days: number;
  requestedBy: string;
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
