import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  fsSource,
  loadDesiredState
} from "./chunk-JF4YEUYF.js";
import {
  MANAGED_BY_TAG,
  MANAGED_BY_VALUE
} from "./chunk-6G5MSTI5.js";
import {
  hasErrors,
  isColorWanted,
  renderProblems
} from "./chunk-YB3UBEN7.js";
import {
  AppError
} from "./chunk-V6YHCYFW.js";
import "./chunk-6DG7BXTN.js";

// src/cli/commands/policies.ts
import { basename, dirname, isAbsolute, join, relative } from "node:path";
import { parseArgs } from "node:util";

// src/adapters/github/aws-setup-policies.ts
var GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
var OIDC_AUDIENCE = "sts.amazonaws.com";
var DEFAULT_ROLE_NAMES = {
  plan: "aws-access-as-code-plan",
  apply: "aws-access-as-code-apply",
  organization: "aws-access-as-code-organization",
  organizationRead: "aws-access-as-code-organization-read",
  usersRead: "aws-access-as-code-users-read"
};
var SetupInputError = class extends Error {
};
var REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
var SUBJECT_PART = /^[A-Za-z0-9_./-]{1,255}$/;
var SUBJECT_PREFIX = /^repo:[A-Za-z0-9_.@/-]+$/;
var ACCOUNT_ID = /^[0-9]{12}$/;
var ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
function check(input) {
  if (!REPOSITORY.test(input.repository)) throw new SetupInputError(`--repo must be owner/name, not "${input.repository}"`);
  if (!SUBJECT_PART.test(input.environment)) throw new SetupInputError(`invalid environment name "${input.environment}"`);
  if (!SUBJECT_PART.test(input.defaultBranch)) throw new SetupInputError(`invalid branch name "${input.defaultBranch}"`);
  if (input.subjectPrefix !== void 0 && !SUBJECT_PREFIX.test(input.subjectPrefix)) {
    throw new SetupInputError(`--subject-prefix must look like repo:owner/name (no wildcards), not "${input.subjectPrefix}"`);
  }
  if (input.account !== void 0 && !ACCOUNT_ID.test(input.account)) {
    throw new SetupInputError(`--account must be a 12-digit account id, not "${input.account}"`);
  }
  for (const name of [
    input.planRoleName,
    input.applyRoleName,
    input.organizationRoleName,
    input.organizationReadRoleName,
    input.usersReadRoleName
  ]) {
    if (name !== void 0 && !ROLE_NAME.test(name)) throw new SetupInputError(`invalid role name "${name}"`);
  }
}
function ciAccount(input) {
  return input.account ?? input.settings.users_account.id;
}
function subjects(input) {
  check(input);
  const prefix = input.subjectPrefix ?? `repo:${input.repository}`;
  return {
    // Pull requests (from branches of this repository: forks get no OIDC token) and the scheduled
    // drift check on the default branch. Both only read.
    plan: [`${prefix}:pull_request`, `${prefix}:ref:refs/heads/${input.defaultBranch}`],
    // A job that names an environment gets the environment subject, whatever its branch: only the
    // protected environment's jobs can write.
    apply: [`${prefix}:environment:${input.environment}`]
  };
}
function roleArns(input) {
  const account = ciAccount(input);
  const { settings } = input;
  const { management_account_id: management, role_to_assume: configured, read_role_to_assume: configuredRead } = settings.organization;
  const inManagement = account === management;
  const organization = inManagement ? void 0 : configured ?? `arn:aws:iam::${management}:role/${input.organizationRoleName ?? DEFAULT_ROLE_NAMES.organization}`;
  const organizationRead = inManagement ? void 0 : configuredRead ?? `arn:aws:iam::${management}:role/${input.organizationReadRoleName ?? DEFAULT_ROLE_NAMES.organizationRead}`;
  const users = settings.users_account.role_to_assume;
  const usersRead = users === void 0 ? void 0 : settings.users_account.read_role_to_assume ?? `arn:aws:iam::${settings.users_account.id}:role/${input.usersReadRoleName ?? DEFAULT_ROLE_NAMES.usersRead}`;
  return {
    plan: `arn:aws:iam::${account}:role/${input.planRoleName ?? DEFAULT_ROLE_NAMES.plan}`,
    apply: `arn:aws:iam::${account}:role/${input.applyRoleName ?? DEFAULT_ROLE_NAMES.apply}`,
    organization,
    organizationRead,
    users,
    usersRead
  };
}
function oidcTrust(input, sid, sub) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: sid,
        Effect: "Allow",
        Principal: { Federated: `arn:aws:iam::${ciAccount(input)}:oidc-provider/${GITHUB_OIDC_HOST}` },
        Action: "sts:AssumeRoleWithWebIdentity",
        // StringEquals, never StringLike: a wildcard in `sub` would let other repositories, branches or
        // environments in.
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: OIDC_AUDIENCE,
            [`${GITHUB_OIDC_HOST}:sub`]: sub.length === 1 && sub[0] !== void 0 ? sub[0] : sub
          }
        }
      }
    ]
  };
}
function buildPlanRoleTrust(input) {
  return oidcTrust(input, "GitHubActionsPlanAndDriftCheck", subjects(input).plan);
}
function buildApplyRoleTrust(input) {
  return oidcTrust(input, "GitHubActionsApplyEnvironment", subjects(input).apply);
}
var IAM_READ_ACCOUNT = ["iam:GetAccountAuthorizationDetails", "iam:GetAccountPasswordPolicy", "iam:ListUsers"];
var IAM_READ_USER = [
  "iam:GetUser",
  "iam:ListUserTags",
  "iam:ListGroupsForUser",
  "iam:GetLoginProfile",
  "iam:ListAccessKeys",
  "iam:ListMFADevices",
  "iam:ListSigningCertificates",
  "iam:ListSSHPublicKeys",
  "iam:ListServiceSpecificCredentials",
  "iam:ListUserPolicies",
  "iam:ListAttachedUserPolicies"
];
var IAM_READ_GROUP = ["iam:GetGroup", "iam:ListGroupPolicies", "iam:GetGroupPolicy"];
var IAM_WRITE_MANAGED_USER = [
  "iam:TagUser",
  "iam:UntagUser",
  "iam:CreateLoginProfile",
  "iam:UpdateLoginProfile",
  "iam:DeleteLoginProfile",
  "iam:DeleteAccessKey",
  "iam:DeleteSigningCertificate",
  "iam:DeleteSSHPublicKey",
  "iam:DeleteServiceSpecificCredential",
  "iam:DeactivateMFADevice",
  "iam:DeleteUserPolicy",
  "iam:DetachUserPolicy",
  "iam:DeleteUserPermissionsBoundary",
  "iam:DeleteUser"
];
var IAM_WRITE_GROUP = [
  "iam:CreateGroup",
  "iam:PutGroupPolicy",
  "iam:DeleteGroupPolicy",
  "iam:DetachGroupPolicy",
  "iam:AddUserToGroup",
  "iam:RemoveUserFromGroup"
];
var ORGANIZATIONS_READ = [
  "organizations:DescribeOrganization",
  "organizations:DescribeAccount",
  "organizations:DescribeOrganizationalUnit",
  "organizations:DescribeCreateAccountStatus",
  "organizations:ListRoots",
  "organizations:ListAccounts",
  "organizations:ListAccountsForParent",
  "organizations:ListOrganizationalUnitsForParent",
  "organizations:ListParents",
  "organizations:ListChildren",
  "organizations:ListTagsForResource",
  "organizations:ListCreateAccountStatus"
];
var ORGANIZATIONS_WRITE = [
  "organizations:CreateAccount",
  "organizations:MoveAccount",
  "organizations:TagResource",
  "organizations:UntagResource"
];
var managedCondition = { StringEquals: { [`aws:ResourceTag/${MANAGED_BY_TAG}`]: MANAGED_BY_VALUE } };
function usersAccountStatements(settings, stage) {
  const id = settings.users_account.id;
  const users = `arn:aws:iam::${id}:user/*`;
  const group = `arn:aws:iam::${id}:group/${settings.users_account.group}`;
  const read = [
    { Sid: "ReadUsersAccount", Effect: "Allow", Action: IAM_READ_ACCOUNT, Resource: "*" },
    { Sid: "ReadUsers", Effect: "Allow", Action: IAM_READ_USER, Resource: users },
    { Sid: "ReadGroup", Effect: "Allow", Action: IAM_READ_GROUP, Resource: group }
  ];
  if (stage === "plan") return read;
  const protectedArns = settings.protected_users.flatMap((name) => [
    `arn:aws:iam::${id}:user/${name}`,
    `arn:aws:iam::${id}:user/*/${name}`
  ]);
  return [
    ...read,
    {
      Sid: "CreateUsersOnlyTaggedAsManaged",
      Effect: "Allow",
      // CreateUser with Tags is also authorised as iam:TagUser on the new user. That TagUser is
      // allowed by ChangeOnlyManagedUsers below, not here: IAM documents aws:ResourceTag as present
      // "in requests that create a resource with an attached tag" (the tags being created), so the
      // new user already counts as managed. Allowing TagUser here on aws:RequestTag alone would let
      // this role tag any existing, unmanaged user managed-by=aws-access-as-code and then change or
      // delete it through ChangeOnlyManagedUsers. (IAM User Guide, "AWS global condition context
      // keys", aws:ResourceTag, Availability.)
      Action: "iam:CreateUser",
      Resource: users,
      Condition: { StringEquals: { [`aws:RequestTag/${MANAGED_BY_TAG}`]: MANAGED_BY_VALUE } }
    },
    {
      // TagUser here also covers the tags of CreateUser (see above); on an existing user it needs
      // the tag already there, so the role cannot make a user managed.
      Sid: "ChangeOnlyManagedUsers",
      Effect: "Allow",
      Action: IAM_WRITE_MANAGED_USER,
      Resource: users,
      Condition: managedCondition
    },
    {
      Sid: "DeleteVirtualMfaDevicesOfDeletedUsers",
      Effect: "Allow",
      Action: "iam:DeleteVirtualMFADevice",
      Resource: `arn:aws:iam::${id}:mfa/*`
    },
    {
      // AddUserToGroup and RemoveUserFromGroup are authorised against the group only: IAM defines
      // no condition key for the user being added, and groups cannot carry tags. So this role can
      // put any user, managed or not (a protected one too), in or out of this one group; only the
      // planner's rules stop it. The group is the one settings.yaml names, nothing wider.
      Sid: "ManageTheUsersGroup",
      Effect: "Allow",
      Action: IAM_WRITE_GROUP,
      Resource: group
    },
    {
      // Deleting a managed user, or removing its drift, takes it out of every group it is in; the
      // same limit as above applies (authorised against the group), so this covers every group.
      Sid: "RemoveUsersFromAnyGroup",
      Effect: "Allow",
      Action: "iam:RemoveUserFromGroup",
      Resource: `arn:aws:iam::${id}:group/*`
    },
    { Sid: "SetPasswordPolicy", Effect: "Allow", Action: "iam:UpdateAccountPasswordPolicy", Resource: "*" },
    ...protectedArns.length > 0 ? [
      {
        Sid: "NeverTouchProtectedUsers",
        Effect: "Deny",
        Action: ["iam:CreateUser", ...IAM_WRITE_MANAGED_USER],
        Resource: protectedArns
      }
    ] : []
  ];
}
function sesStatement(settings, account) {
  const sender = settings.email.sender;
  const domain = sender.slice(sender.indexOf("@") + 1);
  const identity = (name) => `arn:aws:ses:${settings.email.region}:${account}:identity/${name}`;
  return {
    Sid: "SendFromTheConfiguredSenderOnly",
    Effect: "Allow",
    Action: ["ses:SendEmail", "ses:SendRawEmail"],
    // SES authorises against the verified identity: the address, or its domain when the domain is verified.
    Resource: [identity(sender), identity(domain)],
    Condition: { StringEquals: { "ses:FromAddress": sender } }
  };
}
function organizationStatements(settings, stage) {
  const accessRoles = `arn:aws:iam::*:role/${settings.organization.access_role_name}`;
  const assumeAccessRoles = {
    Sid: "AssumeMemberAccessRoles",
    Effect: "Allow",
    Action: "sts:AssumeRole",
    Resource: accessRoles
  };
  const readerRoleName = settings.organization.reader_role_name;
  const read = [
    { Sid: "ReadOrganization", Effect: "Allow", Action: ORGANIZATIONS_READ, Resource: "*" },
    readerRoleName === void 0 ? (
      // Trade-off: without a reader role, reading bootstrap roles needs the access role Organizations
      // creates in each account, which is an administrator there. See the README, "Trade-offs".
      assumeAccessRoles
    ) : {
      // The read-only role the project keeps in each member account (organization.reader_role_name).
      Sid: "AssumeMemberReaderRoles",
      Effect: "Allow",
      Action: "sts:AssumeRole",
      Resource: `arn:aws:iam::*:role/${readerRoleName}`
    }
  ];
  if (stage === "plan") return read;
  return [
    ...read,
    // Writing bootstrap and reader roles needs the access role.
    ...readerRoleName === void 0 ? [] : [assumeAccessRoles],
    { Sid: "ChangeOrganization", Effect: "Allow", Action: ORGANIZATIONS_WRITE, Resource: "*" },
    {
      Sid: "CloseOnlyManagedAccounts",
      Effect: "Allow",
      Action: "organizations:CloseAccount",
      Resource: "*",
      Condition: managedCondition
    },
    {
      // CreateAccount fails with AccessDeniedForDependencyException without it (all-features organizations).
      Sid: "LetOrganizationsCreateItsServiceLinkedRole",
      Effect: "Allow",
      Action: "iam:CreateServiceLinkedRole",
      Resource: "*",
      Condition: { StringEquals: { "iam:AWSServiceName": "organizations.amazonaws.com" } }
    }
  ];
}
function rolePermissions(input, stage) {
  check(input);
  const { settings } = input;
  const account = ciAccount(input);
  const statements = [];
  const hops = [];
  const arns = roleArns(input);
  const usersRole = stage === "plan" ? arns.usersRead : arns.users;
  const organizationRole = stage === "plan" ? arns.organizationRead : arns.organization;
  if (usersRole !== void 0) hops.push(usersRole);
  else if (account === settings.users_account.id) statements.push(...usersAccountStatements(settings, stage));
  if (organizationRole === void 0) statements.push(...organizationStatements(settings, stage));
  else hops.push(organizationRole);
  if (stage === "apply") statements.push(sesStatement(settings, account));
  if (hops.length > 0) {
    statements.push({ Sid: "AssumeConfiguredRoles", Effect: "Allow", Action: "sts:AssumeRole", Resource: hops });
  }
  return { Version: "2012-10-17", Statement: statements };
}
function buildPlanRolePermissions(input) {
  return rolePermissions(input, "plan");
}
function buildApplyRolePermissions(input) {
  return rolePermissions(input, "apply");
}
function trustedBy(sid, principal) {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: sid, Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole" }]
  };
}
function buildOrganizationRoleTrust(input) {
  const arns = roleArns(input);
  if (arns.organization === void 0) return void 0;
  return trustedBy("TheApplyRoleOnly", arns.apply);
}
function buildOrganizationReadRoleTrust(input) {
  const arns = roleArns(input);
  if (arns.organizationRead === void 0) return void 0;
  return trustedBy("ThePlanRoleOnly", arns.plan);
}
function buildUsersRoleTrust(input) {
  const arns = roleArns(input);
  if (arns.users === void 0) return void 0;
  return trustedBy("TheApplyRoleOnly", arns.apply);
}
function buildUsersReadRoleTrust(input) {
  const arns = roleArns(input);
  if (arns.usersRead === void 0) return void 0;
  return trustedBy("ThePlanRoleOnly", arns.plan);
}
function buildUsersRolePermissions(input) {
  if (input.settings.users_account.role_to_assume === void 0) return void 0;
  check(input);
  return { Version: "2012-10-17", Statement: usersAccountStatements(input.settings, "apply") };
}
function buildUsersReadRolePermissions(input) {
  if (roleArns(input).usersRead === void 0) return void 0;
  return { Version: "2012-10-17", Statement: usersAccountStatements(input.settings, "plan") };
}
function buildOrganizationRolePermissions(input) {
  if (roleArns(input).organization === void 0) return void 0;
  return { Version: "2012-10-17", Statement: organizationStatements(input.settings, "apply") };
}
function buildOrganizationReadRolePermissions(input) {
  if (roleArns(input).organizationRead === void 0) return void 0;
  return { Version: "2012-10-17", Statement: organizationStatements(input.settings, "plan") };
}
function readerNotes(input) {
  const { organization } = input.settings;
  const readerRoleName = organization.reader_role_name;
  const arns = roleArns(input);
  if (readerRoleName === void 0) {
    return [
      `Trade-off: reading bootstrap roles means assuming ${organization.access_role_name} in member accounts, an administrator there, from the plan stage as well (${arns.organizationRead === void 0 ? "the plan role" : "the organization read role"} may assume it). Set organization.reader_role_name (and organization.reader_trusted_role_arns) so the plan stage reads through a read-only role instead.`
    ];
  }
  const readers = arns.organization === void 0 || arns.organizationRead === void 0 ? [arns.plan] : [arns.organizationRead];
  const trusted = new Set(organization.reader_trusted_role_arns ?? []);
  const missing = readers.filter((arn) => !trusted.has(arn));
  const extra = [...trusted].filter((arn) => !readers.includes(arn));
  const notes = [];
  if (missing.length > 0) {
    notes.push(
      `PROBLEM: organization.reader_trusted_role_arns does not list ${missing.join(", ")}, which reads member accounts: plans could not assume ${readerRoleName} there. Set it to ${readers.join(", ")}.`
    );
  }
  if (extra.length > 0) {
    notes.push(`organization.reader_trusted_role_arns also lists ${extra.join(", ")}, which these roles do not read through.`);
  }
  notes.push(
    arns.organization === void 0 ? `Bootstrap roles are read through ${readerRoleName} (read-only, created by apply in each member account); the plan role may not assume ${organization.access_role_name}.` : `Bootstrap roles are read through ${readerRoleName} (read-only, created by apply in each member account): organization.reader_trusted_role_arns lists the organization read role ${arns.organizationRead} (plans read through it; apply reads through ${organization.access_role_name}). The organization read role may not assume ${organization.access_role_name}.`
  );
  return notes;
}
function buildSetupPolicies(input) {
  const arns = roleArns(input);
  const subs = subjects(input);
  const account = ciAccount(input);
  const { settings } = input;
  const notes = [];
  if (account !== settings.users_account.id && settings.users_account.role_to_assume === void 0) {
    notes.push(
      `PROBLEM: the roles live in account ${account}, not the users account ${settings.users_account.id}, and settings.yaml names no users_account.role_to_assume: IAM calls would act on the wrong account.`
    );
  }
  if (arns.users !== void 0 && arns.usersRead !== void 0) {
    notes.push(
      settings.users_account.read_role_to_assume === void 0 ? `PROBLEM: settings.yaml names no users_account.read_role_to_assume, so plans would assume users_account.role_to_assume (${arns.users}), which writes IAM and trusts the apply role only; a plan role that may assume it could write IAM from a pull request. Create the users read role ${arns.usersRead} (usersReadRole) and set users_account.read_role_to_assume to it.` : `IAM calls go through users_account.role_to_assume (${arns.users}) for apply, which only the apply role may assume, and through users_account.read_role_to_assume (${arns.usersRead}, read-only) for plans, which only the plan role may assume.`
    );
  }
  if (arns.organization !== void 0 && arns.organizationRead !== void 0) {
    if (settings.organization.role_to_assume === void 0) {
      notes.push(
        `PROBLEM: the management account ${settings.organization.management_account_id} is not ${account}: create the organization role ${arns.organization} and set organization.role_to_assume to it in settings.yaml.`
      );
    }
    notes.push(
      settings.organization.read_role_to_assume === void 0 ? `PROBLEM: settings.yaml names no organization.read_role_to_assume, so plans would assume organization.role_to_assume (${arns.organization}), which changes the Organization and trusts the apply role only; a plan role that may assume it could make Organizations changes from a pull request. Create the organization read role ${arns.organizationRead} (organizationReadRole) and set organization.read_role_to_assume to it.` : `Organizations calls go through organization.role_to_assume (${arns.organization}) for apply, which only the apply role may assume, and through organization.read_role_to_assume (${arns.organizationRead}, read-only) for plans, which only the plan role may assume.`
    );
  }
  notes.push(...readerNotes(input));
  notes.push(
    `Trade-off: IAM authorises AddUserToGroup and RemoveUserFromGroup against the group only, so the role that writes IAM can add any user of account ${settings.users_account.id} (unmanaged or protected ones too) to ${settings.users_account.group}, or remove them; its other user actions are limited to users tagged managed-by.`,
    `Subjects are exact. If the repository uses immutable subject claims, pass --subject-prefix with the prefix GitHub shows (e.g. repo:owner-123/name-456).`
  );
  const role = (arn, trust, permissions) => arn === void 0 ? void 0 : { arn, trust: trust(input), permissions: permissions(input) };
  const organization = role(arns.organization, buildOrganizationRoleTrust, buildOrganizationRolePermissions);
  const organizationRead = role(arns.organizationRead, buildOrganizationReadRoleTrust, buildOrganizationReadRolePermissions);
  const usersRole = role(arns.users, buildUsersRoleTrust, buildUsersRolePermissions);
  const usersReadRole = role(arns.usersRead, buildUsersReadRoleTrust, buildUsersReadRolePermissions);
  return {
    repository: input.repository,
    oidcProvider: { account, url: `https://${GITHUB_OIDC_HOST}`, audience: OIDC_AUDIENCE },
    planRole: { arn: arns.plan, subjects: subs.plan, trust: buildPlanRoleTrust(input), permissions: buildPlanRolePermissions(input) },
    applyRole: {
      arn: arns.apply,
      subjects: subs.apply,
      trust: buildApplyRoleTrust(input),
      permissions: buildApplyRolePermissions(input)
    },
    ...usersRole ? { usersRole } : {},
    ...usersReadRole ? { usersReadRole } : {},
    ...organization ? { organizationRole: organization } : {},
    ...organizationRead ? { organizationReadRole: organizationRead } : {},
    notes
  };
}

// src/cli/commands/policies.ts
var BUILDERS = {
  "plan-role-trust": buildPlanRoleTrust,
  "plan-role-permissions": buildPlanRolePermissions,
  "apply-role-trust": buildApplyRoleTrust,
  "apply-role-permissions": buildApplyRolePermissions,
  "users-role-trust": buildUsersRoleTrust,
  "users-role-permissions": buildUsersRolePermissions,
  "users-read-role-trust": buildUsersReadRoleTrust,
  "users-read-role-permissions": buildUsersReadRolePermissions,
  "organization-role-trust": buildOrganizationRoleTrust,
  "organization-role-permissions": buildOrganizationRolePermissions,
  "organization-read-role-trust": buildOrganizationReadRoleTrust,
  "organization-read-role-permissions": buildOrganizationReadRolePermissions,
  all: buildSetupPolicies
};
var USAGE = `usage: npm run --silent cli -- policies [${Object.keys(BUILDERS).join("|")}] --repo OWNER/NAME [options]

Prints IAM policy JSON for the GitHub OIDC roles, from settings.yaml (default: all, with notes).
  --repo            the repository whose workflows assume the roles (default: GITHUB_REPOSITORY)
  --environment     the apply job's environment (default: production)
  --default-branch  where the scheduled drift check runs (default: main)
  --subject-prefix  OIDC subject prefix for immutable subject claims (default: repo:OWNER/NAME)
  --account         account of the OIDC provider and roles (default: the users account)
  --plan-role-name, --apply-role-name, --organization-role-name   role names (ARNs in trust policies)
  --organization-read-role-name, --users-read-role-name   names suggested for the read roles plans
                    assume, when settings.yaml names no read_role_to_assume
  --settings        path to settings.yaml (default: settings.yaml); the folder holding it is
                    validated as the repository (users/, accounts/ beside it), as by validate
`;
function isWhich(value) {
  return Object.hasOwn(BUILDERS, value);
}
function displayPath(cwd, path) {
  const fromCwd = relative(cwd, path);
  return fromCwd === "" || fromCwd.startsWith("..") || isAbsolute(fromCwd) ? path : fromCwd;
}
function usageError(message) {
  return new AppError("usage", message, { fault: "user", hint: USAGE.split("\n")[0] ?? "" });
}
var policies = async (ctx) => {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...ctx.args],
      options: {
        repo: { type: "string" },
        environment: { type: "string", default: "production" },
        "default-branch": { type: "string", default: "main" },
        "subject-prefix": { type: "string" },
        account: { type: "string" },
        "plan-role-name": { type: "string" },
        "apply-role-name": { type: "string" },
        "organization-role-name": { type: "string" },
        "organization-read-role-name": { type: "string" },
        "users-read-role-name": { type: "string" },
        settings: { type: "string", default: "settings.yaml" },
        help: { type: "boolean", short: "h" }
      },
      allowPositionals: true,
      strict: true
    });
  } catch (error) {
    throw usageError(error.message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    ctx.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length > 1) throw usageError(`one policy at a time, not "${positionals.join(" ")}"`);
  const which = positionals[0] ?? "all";
  if (!isWhich(which)) throw usageError(`unknown policy "${which}"`);
  const repository = values.repo ?? ctx.env["GITHUB_REPOSITORY"];
  if (!repository) throw usageError("--repo OWNER/NAME is required");
  const settingsPath = isAbsolute(values.settings) ? values.settings : join(ctx.cwd, values.settings);
  if (basename(settingsPath) !== "settings.yaml") {
    throw usageError(`--settings must name a file called settings.yaml, not "${values.settings}"`);
  }
  const root = dirname(settingsPath);
  const { desired, problems } = await loadDesiredState(fsSource(root), { today: ctx.today });
  if (problems.length > 0) {
    const located = problems.map((p) => ({ ...p, file: displayPath(ctx.cwd, join(root, p.file)) }));
    ctx.stderr.write(renderProblems(located, "text", { color: isColorWanted(ctx.stderr, ctx.env) }));
  }
  if (desired === void 0 || hasErrors(problems)) {
    ctx.stderr.write("policies: the files are not valid, so no policy is printed. Fix the errors above (npm run validate).\n");
    return 1;
  }
  const input = {
    settings: desired.settings,
    repository,
    environment: values.environment,
    defaultBranch: values["default-branch"],
    ...values["subject-prefix"] !== void 0 ? { subjectPrefix: values["subject-prefix"] } : {},
    ...values.account !== void 0 ? { account: values.account } : {},
    ...values["plan-role-name"] !== void 0 ? { planRoleName: values["plan-role-name"] } : {},
    ...values["apply-role-name"] !== void 0 ? { applyRoleName: values["apply-role-name"] } : {},
    ...values["organization-role-name"] !== void 0 ? { organizationRoleName: values["organization-role-name"] } : {},
    ...values["organization-read-role-name"] !== void 0 ? { organizationReadRoleName: values["organization-read-role-name"] } : {},
    ...values["users-read-role-name"] !== void 0 ? { usersReadRoleName: values["users-read-role-name"] } : {}
  };
  let document;
  try {
    document = BUILDERS[which](input);
  } catch (error) {
    if (error instanceof SetupInputError) throw usageError(error.message);
    throw error;
  }
  if (document === void 0) {
    throw new AppError("not-needed", `${which}: not needed with these settings (see \`policies all\`)`, { fault: "user" });
  }
  ctx.stdout.write(`${JSON.stringify(document, null, 2)}
`);
  return 0;
};
export {
  policies
};
