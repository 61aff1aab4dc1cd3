/**
 * The roles the project keeps in member accounts (core/roles.ts), on AWS: IAM in each member
 * account, reached by assuming a role there from the management account (the access role to write,
 * the reader role, when settings name one, to read). One API family of the OrganizationPort.
 */
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  PutRolePolicyCommand,
  RemoveRoleFromInstanceProfileCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
  paginateGetAccountAuthorizationDetails,
  paginateListAttachedRolePolicies,
  paginateListInstanceProfilesForRole,
  paginateListRolePolicies,
  type Role,
  type RoleDetail,
} from '@aws-sdk/client-iam';
import { AppError, isAppError } from '../../core/errors.ts';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, findTag, isManaged, type LiveRole, type LiveRoles, type PolicyDocument, type Tags } from '../../core/model.ts';
import { isSamePolicy } from '../../core/policy-compare.ts';
import { refuseProtectedAccount } from '../../core/protected-accounts.ts';
import type { RoleSpec } from '../../core/roles.ts';
import type { OrganizationPort } from '../../ports/organization.ts';
import type { AwsAccess } from './clients.ts';
import { isAwsError, translateAwsError } from './errors.ts';
import { decodePolicyDocument } from './policy-document.ts';

export interface MemberRolesDeps {
  /** IAM acting in a member account as `roleName`. */
  iamForAccount: (accountId: string, roleName: string) => IAMClient;
  /** Whether the clients iamForAccount makes are this adapter's to destroy after use. */
  ownsIamClients: boolean;
  accessRoleName: string;
  access: AwsAccess;
  protectedIds: ReadonlyMap<string, string>;
}

export function createAwsMemberRoles(deps: MemberRolesDeps): Pick<OrganizationPort, 'readRoles' | 'putRole' | 'deleteRole'> {
  const { iamForAccount, ownsIamClients, accessRoleName, access, protectedIds } = deps;

  /**
   * Runs `fn` with IAM in the member account. Credentials are resolved first, so a failed AssumeRole
   * (a brand-new account answers AccessDenied for a few minutes, https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccount.html) is told apart from an
   * IAM error and becomes `account-not-ready`, which the apply engine retries with back-off.
   */
  async function withMemberIam<T>(
    accountId: string,
    fn: (iam: IAMClient) => Promise<T>,
    roleName: string = accessRoleName,
  ): Promise<T> {
    const iam = iamForAccount(accountId, roleName);
    try {
      try {
        await iam.config.credentials();
      } catch (cause) {
        // The credential provider (clients.ts assumeRole) has already named the role: its AppError
        // says access-denied for STS's AccessDenied.
        const refused = isAwsError(cause, 'AccessDenied') || (isAppError(cause) && cause.code === 'access-denied');
        if (!refused) {
          throw translateAwsError(cause, `STS AssumeRole ${roleName} in account ${accountId}`);
        }
        throw new AppError(
          'account-not-ready',
          `Cannot act in account ${accountId}: STS refused AssumeRole on ${roleName} there (AccessDenied${isAppError(cause) ? `: ${cause.message}` : ''}).`,
          {
            cause,
            hint:
              'A new account refuses AssumeRole for a few minutes after it is created; run again shortly. ' +
              `If it persists, check that ${roleName} exists in the account and trusts ${roleName === accessRoleName ? 'the management account' : 'organization.reader_trusted_role_arns'}.`,
          },
        );
      }
      return await fn(iam);
    } finally {
      if (ownsIamClients) iam.destroy();
    }
  }

  async function getRole(iam: IAMClient, roleName: string, context: string): Promise<Role | undefined> {
    try {
      return (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role;
    } catch (error) {
      if (isAwsError(error, 'NoSuchEntity')) return undefined;
      throw translateAwsError(error, context);
    }
  }

  async function attachedPolicyArns(iam: IAMClient, roleName: string): Promise<string[]> {
    const arns: string[] = [];
    for await (const page of paginateListAttachedRolePolicies({ client: iam }, { RoleName: roleName })) {
      for (const policy of page.AttachedPolicies ?? []) if (policy.PolicyArn) arns.push(policy.PolicyArn);
    }
    return arns;
  }

  /**
   * Every role of the account in one paginated GetAccountAuthorizationDetails with the Role filter:
   * trust policy, inline policies, attached policies and tags come in the same answer, so the cost
   * does not grow with the number of roles (moto never truncates; AWS may, hence the paginator).
   */
  async function rolesIn(iam: IAMClient, accountId: string): Promise<LiveRole[]> {
    const roles: LiveRole[] = [];
    for await (const page of paginateGetAccountAuthorizationDetails({ client: iam, pageSize: 1000 }, { Filter: ['Role'] })) {
      for (const detail of page.RoleDetailList ?? []) roles.push(toLiveRole(detail, accountId));
    }
    return roles.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  return {
    async readRoles(accountId: string, readerRoleName?: string): Promise<LiveRoles> {
      // Plans read through the reader role when settings name one; apply reads with the role it writes with.
      const through = access === 'read' && readerRoleName !== undefined ? readerRoleName : accessRoleName;
      const refused: LiveRoles = through === accessRoleName ? 'unknown' : 'denied';
      try {
        return await withMemberIam(
          accountId,
          async (iam) => {
            try {
              return await rolesIn(iam, accountId);
            } catch (error) {
              throw translateAwsError(error, `reading the roles of account ${accountId} as ${through}`);
            }
          },
          through,
        );
      } catch (error) {
        // The account cannot be looked into: say so rather than fail the whole read.
        if (isAppError(error) && (error.code === 'account-not-ready' || error.code === 'access-denied')) return refused;
        throw error;
      }
    },

    async putRole(accountId: string, spec: RoleSpec): Promise<void> {
      refuseProtectedAccount(protectedIds, accountId, `put role ${spec.name} in`);
      const roleName = spec.name;
      const context = `putting role ${roleName} in account ${accountId}`;
      const where = `role ${roleName} in account ${accountId}`;
      const trust = JSON.stringify(spec.trustPolicy);
      // Written with the access role: a reader role may not change anything, itself included.
      await withMemberIam(accountId, async (iam) => {
        try {
          const role = await getRole(iam, roleName, context);
          if (role === undefined) {
            const created = await createManagedRole(iam, spec, trust);
            // Someone (or this request, retried by the SDK after a lost answer) made it meanwhile:
            // only a managed one is taken over, its trust set to this spec's.
            if (!created) {
              const found = await getRole(iam, roleName, context);
              if (found === undefined) {
                // IAM said it exists, and then that it does not: not visible everywhere yet
                // (IAM is eventually consistent). Retried like a new account, within its budget.
                throw new AppError('account-not-ready', `Role ${roleName} in account ${accountId} exists (CreateRole said so) but GetRole cannot see it yet.`, {
                  hint: 'IAM is eventually consistent: a new role can take seconds to be visible. Run again shortly.',
                });
              }
              if (!isManaged(roleTags(found))) throw notManaged(roleName, accountId);
              await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: trust }));
            }
          } else {
            const tags = roleTags(role);
            if (!isManaged(tags)) throw notManaged(roleName, accountId);
            // Write only what differs, so a re-run changes nothing (and leaves nothing in CloudTrail).
            const current = decodePolicyDocument(role.AssumeRolePolicyDocument ?? '{}', `trust policy of ${where}`);
            if (!isSamePolicy(current, spec.trustPolicy)) {
              await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: trust }));
            }
            if ((role.Description ?? '') !== spec.description) {
              await iam.send(new UpdateRoleCommand({ RoleName: roleName, Description: spec.description }));
            }
            await tagRoleWhereDifferent(iam, roleName, tags, spec.tags);
          }
          const written = new Set<string>();
          if (role !== undefined) {
            for await (const page of paginateListRolePolicies({ client: iam }, { RoleName: roleName })) {
              for (const name of page.PolicyNames ?? []) {
                const wanted = spec.inlinePolicies[name];
                if (wanted === undefined) {
                  await iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
                  continue;
                }
                const got = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
                if (isSamePolicy(decodePolicyDocument(got.PolicyDocument ?? '{}', `policy ${name} of ${where}`), wanted)) written.add(name);
              }
            }
          }
          for (const [name, document] of Object.entries(spec.inlinePolicies)) {
            if (written.has(name)) continue;
            await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: name, PolicyDocument: JSON.stringify(document) }));
          }
          const attached = role === undefined ? [] : await attachedPolicyArns(iam, roleName);
          for (const arn of attached) {
            if (!spec.attachedPolicyArns.includes(arn)) await iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: arn }));
          }
          // A run stopped between CreateRole and here leaves the role without them: attached on the next put.
          for (const arn of spec.attachedPolicyArns) {
            if (!attached.includes(arn)) await iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: arn }));
          }
        } catch (error) {
          if (isAppError(error)) throw error;
          throw translateAwsError(error, context);
        }
      });
    },

    async deleteRole(accountId: string, roleName: string): Promise<void> {
      refuseProtectedAccount(protectedIds, accountId, `delete role ${roleName} in`);
      const context = `deleting role ${roleName} in account ${accountId}`;
      await withMemberIam(accountId, async (iam) => {
        try {
          const role = await getRole(iam, roleName, context);
          if (role === undefined) return;
          if (!isManaged(roleTags(role))) throw notManaged(roleName, accountId);
          // DeleteRole fails with DeleteConflict while anything below remains attached
          // (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage_delete.html).
          for (const arn of await attachedPolicyArns(iam, roleName)) {
            await iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: arn }));
          }
          for await (const page of paginateListRolePolicies({ client: iam }, { RoleName: roleName })) {
            for (const name of page.PolicyNames ?? []) {
              await iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
            }
          }
          for await (const page of paginateListInstanceProfilesForRole({ client: iam }, { RoleName: roleName })) {
            for (const profile of page.InstanceProfiles ?? []) {
              if (profile.InstanceProfileName === undefined) continue;
              await iam.send(
                new RemoveRoleFromInstanceProfileCommand({
                  RoleName: roleName,
                  InstanceProfileName: profile.InstanceProfileName,
                }),
              );
            }
          }
          await iam.send(new DeleteRoleCommand({ RoleName: roleName }));
        } catch (error) {
          if (isAppError(error)) throw error;
          // Deleted by someone else meanwhile: the goal is reached.
          if (isAwsError(error, 'NoSuchEntity')) return;
          throw translateAwsError(error, context);
        }
      });
    },
  };
}
/** IAM role tags as the core's Tags, for `isManaged` (which compares keys ignoring case, as IAM does). */
function roleTags(role: Role): Tags {
  const tags: Record<string, string> = {};
  for (const tag of role.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
  return tags;
}

function notManaged(roleName: string, accountId: string): AppError {
  return new AppError(
    'not-managed',
    `Role ${roleName} in account ${accountId} exists but was not created by this tool (no ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE} tag); it is left untouched.`,
    {
      fault: 'user',
      hint: `If the tool should own it, tag it ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE} in that account; otherwise give the role another name in the settings or the account file.`,
    },
  );
}



function toIamTags(tags: Tags): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/**
 * A role tagged managed-by, with a one-hour session limit; false when one of that name exists already: role chaining caps sessions at one hour
 * anyway (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use.html#id_roles_use_view-role-max-session).
 */
async function createManagedRole(iam: IAMClient, spec: RoleSpec, trustPolicy: string): Promise<boolean> {
  try {
    await iam.send(
      new CreateRoleCommand({
        RoleName: spec.name,
        Path: spec.path,
        AssumeRolePolicyDocument: trustPolicy,
        MaxSessionDuration: 3600,
        Description: spec.description,
        Tags: toIamTags(withManagedBy(spec.tags)),
      }),
    );
    return true;
  } catch (error) {
    if (isAwsError(error, 'EntityAlreadyExists')) return false;
    throw error;
  }
}

/** A role as GetAccountAuthorizationDetails returns it, its URL-encoded documents decoded. */
function toLiveRole(detail: RoleDetail, accountId: string): LiveRole {
  const name = detail.RoleName ?? '';
  const where = `role ${name} in account ${accountId}`;
  const inlinePolicies: Record<string, PolicyDocument> = {};
  for (const policy of detail.RolePolicyList ?? []) {
    if (policy.PolicyName === undefined) continue;
    inlinePolicies[policy.PolicyName] = decodePolicyDocument(policy.PolicyDocument ?? '{}', `policy ${policy.PolicyName} of ${where}`);
  }
  const tags: Record<string, string> = {};
  for (const tag of detail.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
  return {
    name,
    path: detail.Path ?? '/',
    trustPolicy: decodePolicyDocument(detail.AssumeRolePolicyDocument ?? '{}', `trust policy of ${where}`),
    inlinePolicies,
    attachedPolicyArns: (detail.AttachedManagedPolicies ?? []).flatMap((p) => (p.PolicyArn === undefined ? [] : [p.PolicyArn])).sort(),
    tags,
    ...(detail.CreateDate === undefined ? {} : { createdAt: detail.CreateDate.toISOString() }),
  };
}

/** Writes only the tags whose value differs (keys compared ignoring case, as IAM does for roles). */
async function tagRoleWhereDifferent(iam: IAMClient, roleName: string, current: Tags, wanted: Tags): Promise<void> {
  const changed = Object.fromEntries(Object.entries(wanted).filter(([key, value]) => findTag(current, key)?.value !== value));
  if (Object.keys(changed).length > 0) await iam.send(new TagRoleCommand({ RoleName: roleName, Tags: toIamTags(changed) }));
}

function withManagedBy(tags: Tags): Tags {
  return { ...tags, [MANAGED_BY_TAG]: MANAGED_BY_VALUE };
}
