/**
 * The read-only role (settings.organization.reader_role_name) the project keeps in each member
 * account so plans can read the account's roles without the administrator access role. Its trust
 * and permissions are built here, in one place, so the planner, the apply engine, the adapters and
 * a git baseline agree on what "as configured" means.
 */
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, type PolicyDocument, type SettingsFile } from './model.ts';
import type { RoleSource } from './roles.ts';

/** The reader role's one inline policy. */
export const READER_POLICY_NAME = 'read-bootstrap-role';

/** The reader role's settings, when settings name one. */
export interface ReaderRoleSettings {
  roleName: string;
  trustedRoleArns: readonly string[];
}

export function readerRoleSettings(settings: SettingsFile): ReaderRoleSettings | undefined {
  const { reader_role_name: roleName, reader_trusted_role_arns: trusted } = settings.organization;
  if (roleName === undefined) return undefined;
  return { roleName, trustedRoleArns: sortedUnique(trusted ?? []) };
}

function sortedUnique(items: readonly string[]): string[] {
  return [...new Set(items)].sort();
}

/**
 * Only the named roles (by ARN, never an account root: that would delegate to the whole account,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts)
 * may assume the reader role. Sorted and deduplicated: the same ARNs give the same document.
 */
export function readerTrustPolicy(trustedRoleArns: readonly string[]): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: sortedUnique(trustedRoleArns) }, Action: 'sts:AssumeRole' }],
  };
}

/**
 * Reads the account's roles in one paginated GetAccountAuthorizationDetails (Filter Role), the
 * same few requests however many roles there are, and nothing else: no write action at all.
 * GetAccountAuthorizationDetails takes no resource-level permissions, so the resource is `*`
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html).
 */
export function readerPermissions(): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 'ReadRoles', Effect: 'Allow', Action: 'iam:GetAccountAuthorizationDetails', Resource: '*' }],
  };
}

export const readerRole: RoleSource = {
  rolesFor({ settings, account }) {
    const reader = readerRoleSettings(settings);
    if (reader === undefined) return { wanted: [], notes: [] };
    return {
      wanted: [
        {
          label: 'the reader role',
          readsTheAccount: true,
          unmanagedNote: `${account.name}: a role named ${reader.roleName} exists but is not managed by this project; it is left alone (rename reader_role_name, or tag it ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE} to adopt it).`,
          spec: {
            name: reader.roleName,
            path: '/',
            description: 'Read-only: lets aws-access-as-code plans read the bootstrap role.',
            trustPolicy: readerTrustPolicy(reader.trustedRoleArns),
            inlinePolicies: { [READER_POLICY_NAME]: readerPermissions() },
            attachedPolicyArns: [],
            tags: { [MANAGED_BY_TAG]: MANAGED_BY_VALUE },
          },
        },
      ],
      notes: [],
    };
  },
  // Kept when settings stop naming it, as before: the project never deletes it.
  ownsUnwanted: () => undefined,
};
