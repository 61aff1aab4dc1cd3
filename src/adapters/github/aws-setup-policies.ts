/**
 * The IAM policies a platform engineer creates once so GitHub Actions can plan and apply: an OIDC
 * trust per role, pinned to exact subjects, and permissions limited to what the reconciler calls.
 * Pure functions of settings.yaml and the repository name, printed by `npm run cli -- policies`, so
 * nobody copies a policy by hand.
 *
 * Layout. The GitHub OIDC provider and two roles (plan: read-only; apply: writes) live in one account,
 * `account` (default: the users account, where almost every change happens). Organizations calls
 * must come from the management account; when that is another account they go through
 * `organization.role_to_assume` (the "organization role", whose policies are printed too), and so do
 * the AssumeRole calls into member accounts' access roles, which trust the management account only.
 *
 * Read and write stay apart across that hop: the organization role writes and trusts only the apply
 * role; the "organization read role" (`organization.read_role_to_assume`, which plans assume
 * instead) only reads and trusts only the plan role. Likewise `users_account.role_to_assume` and
 * `users_account.read_role_to_assume` when IAM calls go through a role. So no role the plan role can
 * reach may write.
 */
import { ADOPTED_CREDENTIALS, DEFAULT_MAX_ADOPTIONS_PER_RUN } from '../../core/adopt.ts';
import { desiredGroupPolicies, GROUP_POLICY_NAMES, groupPolicyArn, groupPolicyPath } from '../../core/baseline.ts';
import { CREDENTIALS_SENT_TAG, MANAGED_BY_TAG, MANAGED_BY_VALUE, type PolicyDocument as CorePolicyDocument, type SettingsFile } from '../../core/model.ts';
import { applyLockArn } from '../../ports/apply-lock.ts';

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
export const OIDC_AUDIENCE = 'sts.amazonaws.com';

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: Record<string, string | string[]>;
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** The parts of settings.yaml the policies depend on. */
export type SetupSettings = Pick<SettingsFile, 'users_account' | 'organization' | 'email' | 'protected_users'> & {
  /** Only max_adoptions_per_run matters here: above 0, apply may tag unmanaged users to adopt them. */
  limits?: SettingsFile['limits'];
  /** Accounts no role may reach, with the management and users accounts. */
  protected_accounts?: SettingsFile['protected_accounts'];
};

/** What the files in accounts/ and users/ say to adopt (`adopt: true`): the only things apply may mark managed. */
export interface Adoptions {
  /** Ids of the account files with `adopt: true`. */
  accountIds: readonly string[];
  /** User names (lower-case emails) of the user files with `adopt: true`. */
  userNames: readonly string[];
}

/** The workflow files that assume each role (.github/workflows/). The trust pins each, on the default branch. */
export const ROLE_WORKFLOWS = {
  plan: ['pr-plan.yml', 'drift.yml', 'access-review.yml'],
  apply: ['apply.yml', 'lifecycle.yml'],
} as const;

export interface SetupInput {
  settings: SetupSettings;
  /** `owner/name` of the repository whose workflows assume the roles. */
  repository: string;
  /** The environment the apply job uses (its OIDC subject names it). */
  environment: string;
  /** The default branch: the scheduled drift check runs on it with the plan role. */
  defaultBranch: string;
  /**
   * The `sub` prefix GitHub puts in tokens, `repo:owner/name` unless the repository uses immutable
   * subject claims (owner and repository ids in the subject); read it from GitHub before setting up.
   */
  subjectPrefix?: string;
  /** Account holding the OIDC provider and the two roles; default: the users account. */
  account?: string;
  planRoleName?: string;
  applyRoleName?: string;
  /** Name suggested for the organization role when settings do not name one. */
  organizationRoleName?: string;
  /** Name suggested for the organization read role when settings do not name one. */
  organizationReadRoleName?: string;
  /** Name suggested for the users read role (users account) when settings do not name one. */
  usersReadRoleName?: string;
  /** The files' `adopt: true` entries; none when not given. */
  adoptions?: Adoptions;
}

export const DEFAULT_ROLE_NAMES = {
  plan: 'aws-access-as-code-plan',
  apply: 'aws-access-as-code-apply',
  organization: 'aws-access-as-code-organization',
  organizationRead: 'aws-access-as-code-organization-read',
  usersRead: 'aws-access-as-code-users-read',
} as const;

export class SetupInputError extends Error {}

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
/** Environment and branch names go into an exact-match subject: no wildcards, no `:`. */
const SUBJECT_PART = /^[A-Za-z0-9_./-]{1,255}$/;
const SUBJECT_PREFIX = /^repo:[A-Za-z0-9_.@/-]+$/;
const ACCOUNT_ID = /^[0-9]{12}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

function check(input: SetupInput): void {
  if (!REPOSITORY.test(input.repository)) throw new SetupInputError(`--repo must be owner/name, not "${input.repository}"`);
  if (!SUBJECT_PART.test(input.environment)) throw new SetupInputError(`invalid environment name "${input.environment}"`);
  if (!SUBJECT_PART.test(input.defaultBranch)) throw new SetupInputError(`invalid branch name "${input.defaultBranch}"`);
  if (input.subjectPrefix !== undefined && !SUBJECT_PREFIX.test(input.subjectPrefix)) {
    throw new SetupInputError(`--subject-prefix must look like repo:owner/name (no wildcards), not "${input.subjectPrefix}"`);
  }
  if (input.account !== undefined && !ACCOUNT_ID.test(input.account)) {
    throw new SetupInputError(`--account must be a 12-digit account id, not "${input.account}"`);
  }
  for (const name of [
    input.planRoleName,
    input.applyRoleName,
    input.organizationRoleName,
    input.organizationReadRoleName,
    input.usersReadRoleName,
  ]) {
    if (name !== undefined && !ROLE_NAME.test(name)) throw new SetupInputError(`invalid role name "${name}"`);
  }
}

function ciAccount(input: SetupInput): string {
  return input.account ?? input.settings.users_account.id;
}

/**
 * The exact `sub` values each role accepts. The repository's OIDC subject template must include
 * `job_workflow_ref` (README: `repo`, `context`, `job_workflow_ref`), so each subject names the
 * workflow file and the branch it was read from, as well as the context (ref or environment): a
 * workflow a pull request adds or changes, or any workflow run from another branch, never matches.
 */
export function subjects(input: SetupInput): { plan: string[]; apply: string[] } {
  check(input);
  const prefix = input.subjectPrefix ?? `repo:${input.repository}`;
  const ref = `refs/heads/${input.defaultBranch}`;
  const workflow = (file: string) => `job_workflow_ref:${input.repository}/.github/workflows/${file}@${ref}`;
  return {
    // The trusted pull request plan (workflow_run), the drift check and the access review: all run
    // on the default branch, without an environment, and only read.
    plan: ROLE_WORKFLOWS.plan.map((file) => `${prefix}:ref:${ref}:${workflow(file)}`),
    // The protected environment's jobs, and only from these files on the default branch.
    apply: ROLE_WORKFLOWS.apply.map((file) => `${prefix}:environment:${input.environment}:${workflow(file)}`),
  };
}

export interface RoleArns {
  plan: string;
  apply: string;
  /** The organization role (writes; apply only), when the management account is not the CI account. */
  organization: string | undefined;
  /** The organization read role (plans only), whenever there is an organization role. */
  organizationRead: string | undefined;
  /** users_account.role_to_assume (writes IAM; apply only), when settings name one. */
  users: string | undefined;
  /** The users read role (plans only), whenever there is a users role. */
  usersRead: string | undefined;
}

export function roleArns(input: SetupInput): RoleArns {
  const account = ciAccount(input);
  const { settings } = input;
  const { management_account_id: management, role_to_assume: configured, read_role_to_assume: configuredRead } = settings.organization;
  const inManagement = account === management;
  const organization = inManagement
    ? undefined
    : (configured ?? `arn:aws:iam::${management}:role/${input.organizationRoleName ?? DEFAULT_ROLE_NAMES.organization}`);
  const organizationRead = inManagement
    ? undefined
    : (configuredRead ?? `arn:aws:iam::${management}:role/${input.organizationReadRoleName ?? DEFAULT_ROLE_NAMES.organizationRead}`);
  const users = settings.users_account.role_to_assume;
  const usersRead =
    users === undefined
      ? undefined
      : (settings.users_account.read_role_to_assume ??
        `arn:aws:iam::${settings.users_account.id}:role/${input.usersReadRoleName ?? DEFAULT_ROLE_NAMES.usersRead}`);
  return {
    plan: `arn:aws:iam::${account}:role/${input.planRoleName ?? DEFAULT_ROLE_NAMES.plan}`,
    apply: `arn:aws:iam::${account}:role/${input.applyRoleName ?? DEFAULT_ROLE_NAMES.apply}`,
    organization,
    organizationRead,
    users,
    usersRead,
  };
}

function oidcTrust(input: SetupInput, sid: string, sub: string[]): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: sid,
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${ciAccount(input)}:oidc-provider/${GITHUB_OIDC_HOST}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        // StringEquals, never StringLike: a wildcard in `sub` would let other repositories, branches or
        // environments in.
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: OIDC_AUDIENCE,
            [`${GITHUB_OIDC_HOST}:sub`]: sub.length === 1 && sub[0] !== undefined ? sub[0] : sub,
          },
        },
      },
    ],
  };
}

export function buildPlanRoleTrust(input: SetupInput): PolicyDocument {
  return oidcTrust(input, 'GitHubActionsPlanAndDriftCheck', subjects(input).plan);
}

export function buildApplyRoleTrust(input: SetupInput): PolicyDocument {
  return oidcTrust(input, 'GitHubActionsApplyEnvironment', subjects(input).apply);
}

// --- permissions ---------------------------------------------------------------------------------

// GenerateCredentialReport creates no resource (it asks IAM to build the account's credential
// report, which import and the access review read); ListAccountAliases is how plan compares the
// alias. The access review needs nothing else: roles' creation dates come in the
// GetAccountAuthorizationDetails answer the reader role already reads.
const IAM_READ_ACCOUNT = [
  'iam:GetAccountAuthorizationDetails',
  'iam:GetAccountPasswordPolicy',
  'iam:ListUsers',
  'iam:ListAccountAliases',
  'iam:GenerateCredentialReport',
  'iam:GetCredentialReport',
];
const IAM_READ_USER = [
  'iam:GetUser',
  'iam:ListUserTags',
  'iam:ListGroupsForUser',
  'iam:GetLoginProfile',
  'iam:ListAccessKeys',
  'iam:ListMFADevices',
  'iam:ListSigningCertificates',
  'iam:ListSSHPublicKeys',
  'iam:ListServiceSpecificCredentials',
  'iam:ListUserPolicies',
  'iam:ListAttachedUserPolicies',
];
const IAM_READ_GROUP = ['iam:GetGroup', 'iam:ListGroupPolicies', 'iam:GetGroupPolicy'];

/** Everything apply does to an existing user; allowed only on users carrying the managed-by tag. */
const IAM_WRITE_MANAGED_USER = [
  'iam:TagUser',
  'iam:UntagUser',
  'iam:CreateLoginProfile',
  'iam:UpdateLoginProfile',
  'iam:DeleteLoginProfile',
  'iam:DeleteAccessKey',
  // Suspension at expiry (expiry.ts) makes every key Inactive.
  'iam:UpdateAccessKey',
  'iam:DeleteSigningCertificate',
  'iam:DeleteSSHPublicKey',
  'iam:DeleteServiceSpecificCredential',
  'iam:DeactivateMFADevice',
  'iam:DeleteUserPolicy',
  'iam:DetachUserPolicy',
  'iam:DeleteUserPermissionsBoundary',
  'iam:DeleteUser',
];
// No PutGroupPolicy: IAM cannot limit what an inline policy says. The group's documents are managed
// policies at fixed ARNs (groupPolicyArn) that an administrator creates; apply may attach only those.
const IAM_WRITE_GROUP = ['iam:CreateGroup', 'iam:DeleteGroupPolicy', 'iam:AddUserToGroup', 'iam:RemoveUserFromGroup'];

const ORGANIZATIONS_READ = [
  'organizations:DescribeOrganization',
  'organizations:DescribeAccount',
  'organizations:DescribeOrganizationalUnit',
  'organizations:DescribeCreateAccountStatus',
  'organizations:ListRoots',
  'organizations:ListAccounts',
  'organizations:ListAccountsForParent',
  'organizations:ListOrganizationalUnitsForParent',
  'organizations:ListParents',
  'organizations:ListChildren',
  'organizations:ListTagsForResource',
  'organizations:ListCreateAccountStatus',
  // Whether trusted access for account.amazonaws.com is on, which alternate contacts need.
  'organizations:ListAWSServiceAccessForOrganization',
];
const ORGANIZATIONS_TAG = ['organizations:TagResource', 'organizations:UntagResource'];

const managedCondition = { StringEquals: { [`aws:ResourceTag/${MANAGED_BY_TAG}`]: MANAGED_BY_VALUE } };

/** The ARNs of a user name, with any path: a Deny must hold even for a user someone created with one. */
function userArns(accountId: string, name: string): string[] {
  return [`arn:aws:iam::${accountId}:user/${name}`, `arn:aws:iam::${accountId}:user/*/${name}`];
}

/** The fixed ARNs of the group's managed policies. */
export function groupPolicyArns(settings: SetupSettings): string[] {
  return GROUP_POLICY_NAMES.map((name) => groupPolicyArn(settings.users_account.id, settings.users_account.group, name));
}

function usersAccountStatements(settings: SetupSettings, stage: 'plan' | 'apply', adoptions: Adoptions): PolicyStatement[] {
  const id = settings.users_account.id;
  const users = `arn:aws:iam::${id}:user/*`;
  const group = `arn:aws:iam::${id}:group/${settings.users_account.group}`;
  const read: PolicyStatement[] = [
    { Sid: 'ReadUsersAccount', Effect: 'Allow', Action: IAM_READ_ACCOUNT, Resource: '*' },
    { Sid: 'ReadUsers', Effect: 'Allow', Action: IAM_READ_USER, Resource: users },
    { Sid: 'ReadGroup', Effect: 'Allow', Action: IAM_READ_GROUP, Resource: group },
  ];
  if (stage === 'plan') return read;
  const protectedArns = settings.protected_users.flatMap((name) => userArns(id, name));
  const ownGroupPolicyArns = groupPolicyArns(settings);
  const windowOpen = (settings.limits?.max_adoptions_per_run ?? DEFAULT_MAX_ADOPTIONS_PER_RUN) > 0;
  // The path-less ARN only, as everywhere the project names a user (trust policies): one ARN per
  // user keeps a migration batch within IAM's size limits.
  const adoptUsers = adoptions.userNames.map((name) => `arn:aws:iam::${id}:user/${name}`);
  return [
    ...read,
    {
      Sid: 'CreateUsersOnlyTaggedAsManaged',
      Effect: 'Allow',
      // CreateUser with Tags is also authorised as iam:TagUser on the new user. That TagUser is
      // allowed by ChangeOnlyManagedUsers below, not here: IAM documents aws:ResourceTag as present
      // "in requests that create a resource with an attached tag" (the tags being created), so the
      // new user already counts as managed. Allowing TagUser here on aws:RequestTag alone would let
      // this role tag any existing, unmanaged user managed-by=aws-access-as-code and then change or
      // delete it through ChangeOnlyManagedUsers. (IAM User Guide, "AWS global condition context
      // keys", aws:ResourceTag, Availability.)
      Action: 'iam:CreateUser',
      Resource: users,
      Condition: { StringEquals: { [`aws:RequestTag/${MANAGED_BY_TAG}`]: MANAGED_BY_VALUE } },
    },
    {
      // TagUser here also covers the tags of CreateUser (see above); on an existing user it needs
      // the tag already there, so the role cannot make a user managed.
      Sid: 'ChangeOnlyManagedUsers',
      Effect: 'Allow',
      Action: IAM_WRITE_MANAGED_USER,
      Resource: users,
      Condition: managedCondition,
    },
    {
      Sid: 'DeleteVirtualMfaDevicesOfDeletedUsers',
      Effect: 'Allow',
      Action: 'iam:DeleteVirtualMFADevice',
      Resource: `arn:aws:iam::${id}:mfa/*`,
    },
    {
      // AddUserToGroup and RemoveUserFromGroup are authorised against the group only: IAM defines
      // no condition key for the user being added, and groups cannot carry tags. So this role can
      // put any user, managed or not (a protected one too), in or out of this one group; only the
      // planner's rules stop it. The group is the one settings.yaml names, nothing wider.
      // DeleteGroupPolicy removes inline policies, which are never the project's (see below).
      Sid: 'ManageTheUsersGroup',
      Effect: 'Allow',
      Action: IAM_WRITE_GROUP,
      Resource: group,
    },
    {
      // The group's permissions are the project's fixed documents: managed policies at these ARNs,
      // created by an administrator from `npm run policies` (groupPolicies). Apply may read and
      // attach them and nothing else; it may not write a document (no PutGroupPolicy, no
      // CreatePolicyVersion), so it cannot grant the group more than those documents say.
      Sid: 'AttachOnlyTheProjectsGroupPolicies',
      Effect: 'Allow',
      Action: 'iam:AttachGroupPolicy',
      Resource: group,
      Condition: { ArnEquals: { 'iam:PolicyARN': ownGroupPolicyArns } },
    },
    { Sid: 'ReadTheProjectsGroupPolicies', Effect: 'Allow', Action: ['iam:GetPolicy', 'iam:GetPolicyVersion'], Resource: ownGroupPolicyArns },
    {
      // Drift: a managed policy someone attached by hand is detached; the project's own never are.
      Sid: 'DetachOnlyOtherGroupPolicies',
      Effect: 'Allow',
      Action: 'iam:DetachGroupPolicy',
      Resource: group,
      Condition: { ArnNotEquals: { 'iam:PolicyARN': ownGroupPolicyArns } },
    },
    { Sid: 'NeverWriteGroupPolicies', Effect: 'Deny', Action: 'iam:PutGroupPolicy', Resource: `arn:aws:iam::${id}:group/*` },
    {
      Sid: 'NeverChangeTheProjectsGroupPolicies',
      Effect: 'Deny',
      Action: ['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicyVersion', 'iam:DeletePolicy'],
      Resource: ownGroupPolicyArns,
    },
    {
      // Deleting a managed user, or removing its drift, takes it out of every group it is in; the
      // same limit as above applies (authorised against the group), so this covers every group.
      Sid: 'RemoveUsersFromAnyGroup',
      Effect: 'Allow',
      Action: 'iam:RemoveUserFromGroup',
      Resource: `arn:aws:iam::${id}:group/*`,
    },
    { Sid: 'SetPasswordPolicy', Effect: 'Allow', Action: 'iam:UpdateAccountPasswordPolicy', Resource: '*' },
    {
      // One apply at a time: the lock is this one managed policy, never attached (src/adapters/aws/
      // apply-lock.ts): created (with tags, so TagPolicy) to take it, read to see who holds it,
      // tagged to renew its lease, deleted to release it.
      Sid: 'ApplyLock',
      Effect: 'Allow',
      Action: ['iam:CreatePolicy', 'iam:GetPolicy', 'iam:TagPolicy', 'iam:DeletePolicy'],
      Resource: applyLockArn(id),
    },
    { Sid: 'SetAccountAlias', Effect: 'Allow', Action: 'iam:CreateAccountAlias', Resource: '*' },
    ...(windowOpen && adoptUsers.length > 0
      ? [
          {
            // Only while settings.yaml opens a migration window (limits.max_adoptions_per_run above
            // 0), and only the users whose files say adopt: true, by exact ARN: adopting tags an
            // existing, unmanaged user managed-by, which then lets ChangeOnlyManagedUsers change it.
            // Close the window (0) after the migration and re-print the policies.
            Sid: 'AdoptListedUsersDuringMigration',
            Effect: 'Allow' as const,
            Action: 'iam:TagUser',
            Resource: adoptUsers,
            Condition: {
              StringEquals: { [`aws:RequestTag/${MANAGED_BY_TAG}`]: MANAGED_BY_VALUE, [`aws:RequestTag/${CREDENTIALS_SENT_TAG}`]: ADOPTED_CREDENTIALS },
            },
          },
        ]
      : []),
    ...(protectedArns.length > 0
      ? [
          {
            Sid: 'NeverTouchProtectedUsers',
            Effect: 'Deny' as const,
            Action: ['iam:CreateUser', ...IAM_WRITE_MANAGED_USER],
            Resource: protectedArns,
          },
        ]
      : []),
  ];
}

function sesStatement(settings: SetupSettings, account: string): PolicyStatement {
  const sender = settings.email.sender;
  const domain = sender.slice(sender.indexOf('@') + 1);
  const identity = (name: string) => `arn:aws:ses:${settings.email.region}:${account}:identity/${name}`;
  return {
    Sid: 'SendFromTheConfiguredSenderOnly',
    Effect: 'Allow',
    Action: ['ses:SendEmail', 'ses:SendRawEmail'],
    // SES authorises against the verified identity: the address, or its domain when the domain is verified.
    Resource: [identity(sender), identity(domain)],
    Condition: { StringEquals: { 'ses:FromAddress': sender } },
  };
}

/** An account's ARN in Organizations (the organization id is not known when the policies are printed). */
function accountArn(settings: SetupSettings, accountId: string): string {
  return `arn:aws:organizations::${settings.organization.management_account_id}:account/o-*/${accountId}`;
}

/** The accounts no account file may reach: the management account, the users account, protected_accounts. */
export function projectAccountIds(settings: SetupSettings): string[] {
  return [...new Set([settings.organization.management_account_id, settings.users_account.id, ...(settings.protected_accounts ?? [])])];
}

/** The role names the CI roles assume in every member account, by pattern (`arn:aws:iam::*:role/NAME`). */
function memberRoleNames(settings: SetupSettings): string[] {
  const { access_role_name: access, reader_role_name: reader } = settings.organization;
  return reader === undefined ? [access] : [access, reader];
}

/**
 * The explicit Deny behind "never the project's own accounts" for a document that may assume roles:
 * no role at all in the management account, the users account or protected_accounts, except the
 * exact configured roles (`hops`, e.g. organization.role_to_assume) the document is allowed to
 * assume there. In an account holding such a role the Deny names the member-role patterns instead,
 * since a Deny on `role/*` would also refuse that role, and no other role there is allowed anyway.
 */
function assumeRoleDeny(settings: SetupSettings, hops: readonly string[]): PolicyStatement {
  const accountOf = (arn: string) => /^arn:aws:iam::(\d{12}):/.exec(arn)?.[1];
  const withHop = new Set(hops.map(accountOf));
  return {
    Sid: 'NeverAssumeRolesInTheProjectsOwnAccounts',
    Effect: 'Deny',
    Action: 'sts:AssumeRole',
    Resource: projectAccountIds(settings).flatMap((id) =>
      withHop.has(id) ? memberRoleNames(settings).map((name) => `arn:aws:iam::${id}:role/${name}`) : [`arn:aws:iam::${id}:role/*`],
    ),
  };
}

function organizationStatements(settings: SetupSettings, stage: 'plan' | 'apply', adoptions: Adoptions): PolicyStatement[] {
  const accessRoles = `arn:aws:iam::*:role/${settings.organization.access_role_name}`;
  const assumeAccessRoles: PolicyStatement = {
    Sid: 'AssumeMemberAccessRoles',
    Effect: 'Allow',
    Action: assumeActions(stage),
    Resource: accessRoles,
  };
  const readerRoleName = settings.organization.reader_role_name;
  // Member accounts as the Account Management API names them (never the management account itself).
  const memberAccounts = `arn:aws:account::${settings.organization.management_account_id}:account/o-*/*`;
  const read: PolicyStatement[] = [
    { Sid: 'ReadOrganization', Effect: 'Allow', Action: ORGANIZATIONS_READ, Resource: '*' },
    // Apply reads and writes contacts in one statement (below): a role's inline policies are limited in size.
    ...(stage === 'plan' ? [{ Sid: 'ReadAlternateContacts', Effect: 'Allow' as const, Action: 'account:GetAlternateContact', Resource: memberAccounts }] : []),
    readerRoleName === undefined
      ? // Trade-off: without a reader role, reading bootstrap roles needs the access role Organizations
        // creates in each account, which is an administrator there. See the README, "Trade-offs".
        assumeAccessRoles
      : {
          // The read-only role the project keeps in each member account (organization.reader_role_name).
          Sid: 'AssumeMemberReaderRoles',
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Resource: `arn:aws:iam::*:role/${readerRoleName}`,
        },
  ];
  if (stage === 'plan') return read;
  const adoptArns = adoptions.accountIds.map((id) => accountArn(settings, id));
  return [
    ...read,
    // Writing bootstrap and reader roles needs the access role.
    ...(readerRoleName === undefined ? [] : [assumeAccessRoles]),
    {
      Sid: 'CreateAccountsTaggedAsManaged',
      Effect: 'Allow',
      Action: 'organizations:CreateAccount',
      Resource: '*',
      Condition: { StringEquals: { [`aws:RequestTag/${MANAGED_BY_TAG}`]: MANAGED_BY_VALUE } },
    },
    // Moving into an OU is authorised against the OUs too, which carry no tag: not limited by tag.
    { Sid: 'MoveAccounts', Effect: 'Allow', Action: 'organizations:MoveAccount', Resource: '*' },
    { Sid: 'TagAccounts', Effect: 'Allow', Action: ORGANIZATIONS_TAG, Resource: '*' },
    {
      // Taking over an account is explicit in its file (adopt: true and its id): only those ids may
      // be given the managed-by tag while lacking it. Every other account without the tag stays
      // unmanaged, whatever a file or the code says.
      Sid: 'NeverMarkUnmanagedAccountsManaged',
      Effect: 'Deny',
      Action: 'organizations:TagResource',
      ...(adoptArns.length > 0 ? { NotResource: adoptArns } : { Resource: '*' }),
      Condition: { Null: { [`aws:ResourceTag/${MANAGED_BY_TAG}`]: 'true' }, 'ForAnyValue:StringEquals': { 'aws:TagKeys': [MANAGED_BY_TAG] } },
    },
    {
      Sid: 'NeverChangeTheProjectsOwnAccounts',
      Effect: 'Deny',
      Action: ['organizations:MoveAccount', 'organizations:CloseAccount', ...ORGANIZATIONS_TAG],
      Resource: projectAccountIds(settings).map((id) => accountArn(settings, id)),
    },
    // GetAlternateContact, PutAlternateContact and DeleteAlternateContact: the Account Management
    // API has no other action ending so.
    { Sid: 'AlternateContacts', Effect: 'Allow', Action: 'account:*AlternateContact', Resource: memberAccounts },
    {
      Sid: 'CloseOnlyManagedAccounts',
      Effect: 'Allow',
      Action: 'organizations:CloseAccount',
      Resource: '*',
      Condition: managedCondition,
    },
    {
      // CreateAccount fails with AccessDeniedForDependencyException without it (all-features organizations).
      Sid: 'LetOrganizationsCreateItsServiceLinkedRole',
      Effect: 'Allow',
      Action: 'iam:CreateServiceLinkedRole',
      Resource: '*',
      Condition: { StringEquals: { 'iam:AWSServiceName': 'organizations.amazonaws.com' } },
    },
  ];
}

const NO_ADOPTIONS: Adoptions = { accountIds: [], userNames: [] };

function rolePermissions(input: SetupInput, stage: 'plan' | 'apply'): PolicyDocument {
  check(input);
  const { settings } = input;
  const account = ciAccount(input);
  const statements: PolicyStatement[] = [];
  const hops: string[] = [];
  const arns = roleArns(input);
  // The plan role reaches only the read roles, the apply role only the write roles.
  const usersRole = stage === 'plan' ? arns.usersRead : arns.users;
  const organizationRole = stage === 'plan' ? arns.organizationRead : arns.organization;

  const adoptions = input.adoptions ?? NO_ADOPTIONS;
  if (usersRole !== undefined) hops.push(usersRole);
  else if (account === settings.users_account.id) statements.push(...usersAccountStatements(settings, stage, adoptions));

  if (organizationRole === undefined) statements.push(...organizationStatements(settings, stage, adoptions));
  else hops.push(organizationRole);

  if (stage === 'apply') statements.push(sesStatement(settings, account));
  if (hops.length > 0) {
    statements.push({ Sid: 'AssumeConfiguredRoles', Effect: 'Allow', Action: assumeActions(stage), Resource: hops });
  }
  statements.push(assumeRoleDeny(settings, hops));
  return { Version: '2012-10-17', Statement: statements };
}

export function buildPlanRolePermissions(input: SetupInput): PolicyDocument {
  return rolePermissions(input, 'plan');
}

export function buildApplyRolePermissions(input: SetupInput): PolicyDocument {
  return rolePermissions(input, 'apply');
}

/**
 * What a stage does when it assumes a role. Apply assumes every role with the SourceIdentity of its
 * pull request (`pr-1234`, core/approval.ts), so that CloudTrail ties each call to it: STS allows that
 * only when both the caller's policy and the assumed role's trust policy allow sts:SetSourceIdentity
 * (IAM User Guide, "Monitor and control actions taken with assumed roles"). Plans set none.
 */
function assumeActions(stage: 'plan' | 'apply'): string | string[] {
  return stage === 'apply' ? ['sts:AssumeRole', 'sts:SetSourceIdentity'] : 'sts:AssumeRole';
}

/** A trust policy for exactly one CI role, by ARN (never the whole account). */
function trustedBy(sid: string, principal: string, stage: 'plan' | 'apply'): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: sid, Effect: 'Allow', Principal: { AWS: principal }, Action: assumeActions(stage) }],
  };
}

/** Trust of the organization role, which writes: the apply role only. */
export function buildOrganizationRoleTrust(input: SetupInput): PolicyDocument | undefined {
  const arns = roleArns(input);
  if (arns.organization === undefined) return undefined;
  return trustedBy('TheApplyRoleOnly', arns.apply, 'apply');
}

/** Trust of the organization read role, which only reads: the plan role only. */
export function buildOrganizationReadRoleTrust(input: SetupInput): PolicyDocument | undefined {
  const arns = roleArns(input);
  if (arns.organizationRead === undefined) return undefined;
  return trustedBy('ThePlanRoleOnly', arns.plan, 'plan');
}

/** Trust of users_account.role_to_assume, when settings name one: the apply role only. */
export function buildUsersRoleTrust(input: SetupInput): PolicyDocument | undefined {
  const arns = roleArns(input);
  if (arns.users === undefined) return undefined;
  return trustedBy('TheApplyRoleOnly', arns.apply, 'apply');
}

/** Trust of the users read role (users_account.read_role_to_assume): the plan role only. */
export function buildUsersReadRoleTrust(input: SetupInput): PolicyDocument | undefined {
  const arns = roleArns(input);
  if (arns.usersRead === undefined) return undefined;
  return trustedBy('ThePlanRoleOnly', arns.plan, 'plan');
}

export function buildUsersRolePermissions(input: SetupInput): PolicyDocument | undefined {
  if (input.settings.users_account.role_to_assume === undefined) return undefined;
  check(input);
  return { Version: '2012-10-17', Statement: usersAccountStatements(input.settings, 'apply', input.adoptions ?? NO_ADOPTIONS) };
}

/** The users read role: the IAM reads of the plan stage, nothing else. */
export function buildUsersReadRolePermissions(input: SetupInput): PolicyDocument | undefined {
  if (roleArns(input).usersRead === undefined) return undefined;
  return { Version: '2012-10-17', Statement: usersAccountStatements(input.settings, 'plan', NO_ADOPTIONS) };
}

export function buildOrganizationRolePermissions(input: SetupInput): PolicyDocument | undefined {
  if (roleArns(input).organization === undefined) return undefined;
  return {
    Version: '2012-10-17',
    Statement: [...organizationStatements(input.settings, 'apply', input.adoptions ?? NO_ADOPTIONS), assumeRoleDeny(input.settings, [])],
  };
}

/**
 * The organization read role: read-only Organizations, and sts:AssumeRole on the member accounts'
 * reader roles (or, without reader_role_name, their access roles: see the notes).
 */
export function buildOrganizationReadRolePermissions(input: SetupInput): PolicyDocument | undefined {
  if (roleArns(input).organizationRead === undefined) return undefined;
  return { Version: '2012-10-17', Statement: [...organizationStatements(input.settings, 'plan', NO_ADOPTIONS), assumeRoleDeny(input.settings, [])] };
}

/** How the plan stage reads member accounts, and whether the reader role trusts who reads. */
function readerNotes(input: SetupInput): string[] {
  const { organization } = input.settings;
  const readerRoleName = organization.reader_role_name;
  const arns = roleArns(input);
  if (readerRoleName === undefined) {
    return [
      `Trade-off: reading bootstrap roles means assuming ${organization.access_role_name} in member accounts, ` +
        `an administrator there, from the plan stage as well (${arns.organizationRead === undefined ? 'the plan role' : 'the organization read role'} may assume it). ` +
        'Set organization.reader_role_name (and organization.reader_trusted_role_arns) so the plan stage reads through a read-only role instead.',
    ];
  }
  // The sessions that read member accounts through the reader role: plans only (apply reads
  // through the access role it writes with). With an organization role, the organization read role.
  const readers = arns.organization === undefined || arns.organizationRead === undefined ? [arns.plan] : [arns.organizationRead];
  const trusted = new Set(organization.reader_trusted_role_arns ?? []);
  const missing = readers.filter((arn) => !trusted.has(arn));
  const extra = [...trusted].filter((arn) => !readers.includes(arn));
  const notes: string[] = [];
  if (missing.length > 0) {
    notes.push(
      `PROBLEM: organization.reader_trusted_role_arns does not list ${missing.join(', ')}, which reads member accounts: ` +
        `plans could not assume ${readerRoleName} there. Set it to ${readers.join(', ')}.`,
    );
  }
  if (extra.length > 0) {
    notes.push(`organization.reader_trusted_role_arns also lists ${extra.join(', ')}, which these roles do not read through.`);
  }
  notes.push(
    arns.organization === undefined
      ? `Bootstrap roles are read through ${readerRoleName} (read-only, created by apply in each member account); ` +
          `the plan role may not assume ${organization.access_role_name}.`
      : `Bootstrap roles are read through ${readerRoleName} (read-only, created by apply in each member account): ` +
          `organization.reader_trusted_role_arns lists the organization read role ${arns.organizationRead} (plans read through it; ` +
          `apply reads through ${organization.access_role_name}). The organization read role may not assume ${organization.access_role_name}.`,
  );
  return notes;
}

/** The group's documents, as the managed policies an administrator creates (`aws iam create-policy`). */
export interface GroupPolicy {
  arn: string;
  path: string;
  name: string;
  document: CorePolicyDocument;
}

export function buildGroupPolicies(input: SetupInput): GroupPolicy[] {
  check(input);
  const { settings } = input;
  const documents = desiredGroupPolicies(settings as SettingsFile);
  return GROUP_POLICY_NAMES.map((name) => ({
    arn: groupPolicyArn(settings.users_account.id, settings.users_account.group, name),
    path: groupPolicyPath(settings.users_account.group),
    name,
    document: documents[name] as CorePolicyDocument,
  }));
}

/**
 * Why each statement is there, by Sid: printed with the policies (`rationale`) and next to each
 * statement that changed (`policies --compare`), so a reviewer of the IAM change reads the reason.
 */
export const RATIONALE: Readonly<Record<string, string>> = {
  GitHubActionsPlanAndDriftCheck:
    'Read-only jobs only: the trusted pull request plan, the drift check and the access review, each pinned by workflow file on the default branch (job_workflow_ref), so no workflow a pull request brings matches.',
  GitHubActionsApplyEnvironment: 'Writes only from apply.yml and lifecycle.yml on the default branch, in the protected environment.',
  TheApplyRoleOnly:
    'A role that writes is reachable from the apply role only, which sets the SourceIdentity of the pull request it applies (sts:SetSourceIdentity) so CloudTrail records it.',
  ThePlanRoleOnly: 'A role that reads is reachable from the plan role only.',
  ReadUsersAccount: 'Account-level IAM reads for the plan, the import and the access review (no resource).',
  ReadUsers: 'Per-user reads before a deletion and for the plan.',
  ReadGroup: 'Reads the one configured group.',
  CreateUsersOnlyTaggedAsManaged: 'Users are created only carrying managed-by, so everything created is owned.',
  ChangeOnlyManagedUsers: 'Every change to a user needs the managed-by tag already there: unmanaged users are never touched.',
  DeleteVirtualMfaDevicesOfDeletedUsers: 'Deleting a user deletes its virtual MFA devices.',
  ManageTheUsersGroup: 'The one group: created, members added and removed, inline policies (never the project\'s) removed.',
  AttachOnlyTheProjectsGroupPolicies: 'The group gets exactly the project\'s documents, at fixed ARNs an administrator created; IAM refuses any other policy ARN.',
  ReadTheProjectsGroupPolicies: 'Apply checks a managed group policy says what this version wants before attaching it.',
  DetachOnlyOtherGroupPolicies: 'Policies attached to the group by hand are detached; the project\'s own cannot be.',
  NeverWriteGroupPolicies: 'IAM cannot limit what an inline policy grants, so no group policy is ever written by this role.',
  NeverChangeTheProjectsGroupPolicies: 'The documents behind the group are changed by an administrator only.',
  RemoveUsersFromAnyGroup: 'Deleting a managed user takes it out of every group first.',
  SetPasswordPolicy: 'The account password policy from settings.yaml.',
  ApplyLock: 'One apply at a time: a managed policy that grants nothing, at one fixed ARN.',
  SetAccountAlias: 'The sign-in URL in every email.',
  AdoptListedUsersDuringMigration:
    'Only during a migration window, and only the users whose files say adopt: true, by exact ARN, may be tagged managed.',
  NeverTouchProtectedUsers: 'protected_users are never created, changed or deleted, whatever the code does.',
  SendFromTheConfiguredSenderOnly: 'Email from email.sender only.',
  ReadOrganization: 'Organizations reads for the plan.',
  ReadAlternateContacts: "The plan reads member accounts' alternate contacts (Account Management API, from the management account); never the management account's own.",
  AlternateContacts:
    "Apply reads, sets and removes member accounts' alternate contacts; which ones it may change (only those the files or settings name) is the code's rule, as IAM cannot see a contact's type.",
  AssumeMemberAccessRoles:
    'The access role in member accounts, to write bootstrap, reader and team roles (reached from a session named after the pull request).',
  AssumeMemberReaderRoles: 'The read-only role the project keeps in member accounts.',
  CreateAccountsTaggedAsManaged: 'Accounts are created only carrying managed-by.',
  MoveAccounts: 'Accounts move to the OU their file names.',
  TagAccounts: 'Account tags from the files.',
  NeverMarkUnmanagedAccountsManaged:
    'An account without managed-by can be given it only if its file says adopt: true (its id is listed); no other account becomes the project\'s.',
  NeverChangeTheProjectsOwnAccounts: 'The management account, the users account and protected_accounts are never moved, tagged or closed.',
  CloseOnlyManagedAccounts: 'Only accounts the project manages can be closed.',
  LetOrganizationsCreateItsServiceLinkedRole: 'CreateAccount needs it in an all-features organization.',
  AssumeConfiguredRoles:
    'The roles settings.yaml names for this stage (read roles for plans, write roles for apply, with the SourceIdentity of the pull request: sts:SetSourceIdentity).',
  NeverAssumeRolesInTheProjectsOwnAccounts:
    'No role in the management account, the users account or protected_accounts, except the exact roles settings.yaml names to reach them.',
};

/**
 * IAM's size limits, in characters not counting white space (IAM User Guide, "IAM and AWS STS
 * quotas"): the inline policies of one role together, a managed policy, a role trust policy (the
 * default; it can be raised to 4,096).
 */
export const IAM_SIZE_LIMITS = { rolePolicy: 10_240, managedPolicy: 6_144, trustPolicy: 2_048 } as const;

/** A document's size as IAM counts it. */
export function policySize(document: unknown): number {
  return JSON.stringify(document).replace(/\s/g, '').length;
}

export interface SetupPolicies {
  repository: string;
  oidcProvider: { account: string; url: string; audience: string };
  planRole: { arn: string; subjects: string[]; trust: PolicyDocument; permissions: PolicyDocument };
  applyRole: { arn: string; subjects: string[]; trust: PolicyDocument; permissions: PolicyDocument };
  /** users_account.role_to_assume (writes IAM), trusted by the apply role only. */
  usersRole?: { arn: string; trust: PolicyDocument; permissions: PolicyDocument };
  /** users_account.read_role_to_assume (reads IAM), trusted by the plan role only. */
  usersReadRole?: { arn: string; trust: PolicyDocument; permissions: PolicyDocument };
  /** organization.role_to_assume (writes), trusted by the apply role only. */
  organizationRole?: { arn: string; trust: PolicyDocument; permissions: PolicyDocument };
  /** organization.read_role_to_assume (reads), trusted by the plan role only. */
  organizationReadRole?: { arn: string; trust: PolicyDocument; permissions: PolicyDocument };
  /** The group's documents: managed policies an administrator creates once; apply attaches them. */
  groupPolicies: GroupPolicy[];
  /** Why each statement is there, by Sid (only the Sids used above). */
  rationale: Record<string, string>;
  /** What a reader must know before creating these (problems first). */
  notes: string[];
}

export function buildSetupPolicies(input: SetupInput): SetupPolicies {
  const arns = roleArns(input);
  const subs = subjects(input);
  const account = ciAccount(input);
  const { settings } = input;
  const notes: string[] = [];
  if (account !== settings.users_account.id && settings.users_account.role_to_assume === undefined) {
    notes.push(
      `PROBLEM: the roles live in account ${account}, not the users account ${settings.users_account.id}, and settings.yaml ` +
        'names no users_account.role_to_assume: IAM calls would act on the wrong account.',
    );
  }
  if (arns.users !== undefined && arns.usersRead !== undefined) {
    notes.push(
      settings.users_account.read_role_to_assume === undefined
        ? `PROBLEM: settings.yaml names no users_account.read_role_to_assume, so plans would assume users_account.role_to_assume ` +
            `(${arns.users}), which writes IAM and trusts the apply role only; a plan role that may assume it could write IAM ` +
            `from a pull request. Create the users read role ${arns.usersRead} (usersReadRole) and set users_account.read_role_to_assume to it.`
        : `IAM calls go through users_account.role_to_assume (${arns.users}) for apply, which only the apply role may assume, and ` +
            `through users_account.read_role_to_assume (${arns.usersRead}, read-only) for plans, which only the plan role may assume.`,
    );
  }
  if (arns.organization !== undefined && arns.organizationRead !== undefined) {
    if (settings.organization.role_to_assume === undefined) {
      notes.push(
        `PROBLEM: the management account ${settings.organization.management_account_id} is not ${account}: create the organization ` +
          `role ${arns.organization} and set organization.role_to_assume to it in settings.yaml.`,
      );
    }
    notes.push(
      settings.organization.read_role_to_assume === undefined
        ? `PROBLEM: settings.yaml names no organization.read_role_to_assume, so plans would assume organization.role_to_assume ` +
            `(${arns.organization}), which changes the Organization and trusts the apply role only; a plan role that may assume it ` +
            `could make Organizations changes from a pull request. Create the organization read role ${arns.organizationRead} ` +
            '(organizationReadRole) and set organization.read_role_to_assume to it.'
        : `Organizations calls go through organization.role_to_assume (${arns.organization}) for apply, which only the apply role ` +
            `may assume, and through organization.read_role_to_assume (${arns.organizationRead}, read-only) for plans, which only ` +
            'the plan role may assume.',
    );
  }
  notes.push(...readerNotes(input));
  const adoptions = settings.limits?.max_adoptions_per_run ?? DEFAULT_MAX_ADOPTIONS_PER_RUN;
  const adoptUsers = input.adoptions?.userNames.length ?? 0;
  if (adoptions > 0) {
    notes.push(
      `Migration window open: limits.max_adoptions_per_run is ${adoptions}, so the role that writes IAM may tag the ${adoptUsers} ` +
        'unmanaged users whose files say adopt: true managed-by, by exact ARN (AdoptListedUsersDuringMigration). Set it back to 0 ' +
        'after the migration and update the policy.',
    );
  }
  const hopNames = [arns.organization, arns.organizationRead, arns.users, arns.usersRead].flatMap((arn) =>
    arn === undefined ? [] : [/:role\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1] ?? ''],
  );
  const clash = memberRoleNames(settings).filter((name) => hopNames.includes(name));
  if (clash.length > 0) {
    notes.push(
      `PROBLEM: a role settings.yaml names to assume is called ${clash.join(', ')}, like the member-account roles; the Deny that keeps every ` +
        "role out of the project's own accounts would refuse it. Give it another name.",
    );
  }
  notes.push(
    `Trade-off: IAM authorises AddUserToGroup and RemoveUserFromGroup against the group only, so the role that writes IAM ` +
      `can add any user of account ${settings.users_account.id} (unmanaged or protected ones too) to ${settings.users_account.group}, ` +
      'or remove them; its other user actions are limited to users tagged managed-by.',
    `Apply assumes the project's own roles with the SourceIdentity of its pull request (pr-<number>, push-<commit> without one), which ` +
      `CloudTrail records for everything the session does; the trust policies above allow sts:SetSourceIdentity. Member accounts are reached ` +
      `from a session without it, named after the pull request, because ${settings.organization.access_role_name} (created by Organizations) ` +
      'trusts sts:AssumeRole alone and STS refuses to carry a SourceIdentity into it. The apply role itself (GitHub\'s OIDC) sets none: ' +
      'GitHub cannot pass a SourceIdentity claim, so the first hop is named by its session name (the run id) instead.',
    `Subjects are exact. If the repository uses immutable subject claims, pass --subject-prefix with the prefix GitHub shows (e.g. repo:owner-123/name-456).`,
  );
  const role = (arn: string | undefined, trust: (i: typeof input) => unknown, permissions: (i: typeof input) => unknown) =>
    arn === undefined ? undefined : { arn, trust: trust(input) as PolicyDocument, permissions: permissions(input) as PolicyDocument };
  const organization = role(arns.organization, buildOrganizationRoleTrust, buildOrganizationRolePermissions);
  const organizationRead = role(arns.organizationRead, buildOrganizationReadRoleTrust, buildOrganizationReadRolePermissions);
  const usersRole = role(arns.users, buildUsersRoleTrust, buildUsersRolePermissions);
  const usersReadRole = role(arns.usersRead, buildUsersReadRoleTrust, buildUsersReadRolePermissions);
  const planRole = { arn: arns.plan, subjects: subs.plan, trust: buildPlanRoleTrust(input), permissions: buildPlanRolePermissions(input) };
  const applyRole = { arn: arns.apply, subjects: subs.apply, trust: buildApplyRoleTrust(input), permissions: buildApplyRolePermissions(input) };
  const groupPolicies = buildGroupPolicies(input);
  const roles = { planRole, applyRole, usersRole, usersReadRole, organizationRole: organization, organizationReadRole: organizationRead };
  for (const [name, r] of Object.entries(roles)) {
    if (r === undefined) continue;
    if (policySize(r.permissions) > IAM_SIZE_LIMITS.rolePolicy) {
      notes.unshift(
        `PROBLEM: ${name}.permissions is ${policySize(r.permissions)} characters, over IAM's ${IAM_SIZE_LIMITS.rolePolicy} for a role's inline policies: ` +
          'adopt in smaller batches (fewer files with adopt: true at a time) or list fewer protected accounts.',
      );
    }
    if (policySize(r.trust) > IAM_SIZE_LIMITS.trustPolicy) {
      notes.unshift(`PROBLEM: ${name}.trust is ${policySize(r.trust)} characters, over IAM's default ${IAM_SIZE_LIMITS.trustPolicy} for a trust policy.`);
    }
  }
  for (const g of groupPolicies) {
    if (policySize(g.document) > IAM_SIZE_LIMITS.managedPolicy) notes.unshift(`PROBLEM: group policy ${g.name} is over IAM's ${IAM_SIZE_LIMITS.managedPolicy} characters.`);
  }
  const sids = new Set(
    Object.values(roles).flatMap((r) => (r === undefined ? [] : [...r.trust.Statement, ...r.permissions.Statement].map((st) => st.Sid))),
  );
  const rationale = Object.fromEntries([...sids].sort().flatMap((sid) => (RATIONALE[sid] === undefined ? [] : [[sid, RATIONALE[sid]]])));
  return {
    repository: input.repository,
    oidcProvider: { account, url: `https://${GITHUB_OIDC_HOST}`, audience: OIDC_AUDIENCE },
    planRole,
    applyRole,
    ...(usersRole ? { usersRole } : {}),
    ...(usersReadRole ? { usersReadRole } : {}),
    ...(organization ? { organizationRole: organization } : {}),
    ...(organizationRead ? { organizationReadRole: organizationRead } : {}),
    groupPolicies,
    rationale,
    notes,
  };
}
