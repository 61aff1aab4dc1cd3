/**
 * Team roles: the roles a team's people assume in its account, opt-in under `roles:` in the account
 * file, named and shaped as the GDS Way's "Working with AWS accounts" page describes:
 * - `admin`: can do everything in the account, IAM administration included (AdministratorAccess);
 * - `trusted-user`: most things, excluding IAM administration (PowerUserAccess, and IAM writes
 *   denied outside service-linked roles);
 * - `read-only`: reads, no side effects, and not secrets: the page's example is
 *   ssm:DescribeParameters (ReadOnlyAccess, with parameter and secret reads denied);
 * - `custom`: the managed policies the file names.
 * Every team role trusts the users it names, with MFA, and the named conditions from settings.
 * Only roles carrying the managed-by and team-role tags are changed or deleted.
 */
import { findTag, isManaged, MANAGED_BY_TAG, MANAGED_BY_VALUE, type AccountFile, type PolicyDocument } from './model.ts';
import type { RoleSource } from './roles.ts';
import { usersTrustPolicy, type ConditionBlock } from './trust-policy.ts';

export type TeamRole = NonNullable<AccountFile['roles']>[number];
export type TeamRoleKind = TeamRole['kind'];

/** The tag that marks a role as a team role (its value: the kind), so a removed one is deleted. */
export const TEAM_ROLE_TAG = 'team-role';

interface KindDefinition {
  /** What the role may do, in the page's words. */
  description: string;
  /** AWS managed policies attached (absent for `custom`: the file names them). */
  policies: readonly string[];
  /** Inline policies with the denials the kind implies. */
  denials: Readonly<Record<string, PolicyDocument>>;
}

const AWS_POLICY = 'arn:aws:iam::aws:policy';

/** Every kind, typed so a kind added to the schema but not here fails to compile. */
export const TEAM_ROLE_KINDS: Readonly<Record<TeamRoleKind, KindDefinition>> = {
  admin: {
    description: 'Admin: can do everything in the account including IAM administration',
    policies: [`${AWS_POLICY}/AdministratorAccess`],
    denials: {},
  },
  'trusted-user': {
    description: 'Trusted user: can do most things in the account excluding IAM administration',
    // PowerUserAccess (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/PowerUserAccess.html)
    // already leaves IAM out but for service-linked roles; the denial keeps it so whatever else is attached.
    policies: [`${AWS_POLICY}/PowerUserAccess`],
    denials: {
      'deny-iam-administration': {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'NoIamAdministration',
            Effect: 'Deny',
            Action: ['iam:Add*', 'iam:Attach*', 'iam:Create*', 'iam:Delete*', 'iam:Detach*', 'iam:PassRole', 'iam:Put*', 'iam:Remove*', 'iam:Set*', 'iam:Tag*', 'iam:Untag*', 'iam:Update*', 'iam:Upload*'],
            NotResource: 'arn:aws:iam::*:role/aws-service-role/*',
          },
        ],
      },
    },
  },
  'read-only': {
    description: 'Read only: can read things in the account but not perform any side-effects, nor read parameters and secrets',
    // ReadOnlyAccess (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/ReadOnlyAccess.html)
    // includes ssm:DescribeParameters and ssm:GetParameter*, which the page rules out.
    policies: [`${AWS_POLICY}/ReadOnlyAccess`],
    denials: {
      'deny-secrets': {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'NoParametersOrSecrets',
            Effect: 'Deny',
            Action: ['ssm:DescribeParameters', 'ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath', 'ssm:GetParameterHistory', 'secretsmanager:GetSecretValue', 'kms:Decrypt'],
            Resource: '*',
          },
        ],
      },
    },
  },
  custom: { description: 'Custom: the managed policies its account file names', policies: [], denials: {} },
};

/** The page's naming: a role's name ends with its kind (`admin`, `platform-admin`); a custom one never does. */
export function teamRoleNameProblem(role: Pick<TeamRole, 'name' | 'kind'>): string | undefined {
  const endsWith = (kind: string): boolean => role.name === kind || role.name.endsWith(`-${kind}`);
  const named = (Object.keys(TEAM_ROLE_KINDS) as TeamRoleKind[]).filter((kind) => kind !== 'custom' && endsWith(kind));
  if (role.kind === 'custom') {
    return named.length === 0 ? undefined : `a custom role may not be named like a ${named[0]} role; pick a name that says what it may do`;
  }
  return endsWith(role.kind) ? undefined : `a ${role.kind} role is named "${role.kind}" or ends with "-${role.kind}" (e.g. "platform-${role.kind}"), as the GDS Way names roles`;
}

export const teamRoles: RoleSource = {
  rolesFor({ settings, account }) {
    const conditions = settings.role_conditions ?? {};
    const wanted = (account.data.roles ?? []).map((role) => {
      const kind = TEAM_ROLE_KINDS[role.kind];
      const blocks = (role.conditions ?? []).flatMap((name): ConditionBlock[] => {
        const block = conditions[name];
        return block === undefined ? [] : [block];
      });
      return {
        label: `team role ${role.name} (${role.kind})`,
        unmanagedNote: `${account.name}: a role named ${role.name} exists but is not managed by this project; it is left alone (rename the team role, or tag it ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE} to adopt it).`,
        spec: {
          name: role.name,
          path: '/',
          description: `${kind.description} (aws-access-as-code).`,
          trustPolicy: usersTrustPolicy(settings.users_account.id, role.users, blocks),
          inlinePolicies: kind.denials,
          attachedPolicyArns: [...new Set(role.kind === 'custom' ? (role.policies ?? []) : kind.policies)].sort(),
          tags: { [MANAGED_BY_TAG]: MANAGED_BY_VALUE, [TEAM_ROLE_TAG]: role.kind },
        },
      };
    });
    return { wanted, notes: [] };
  },

  ownsUnwanted(role) {
    const kind = isManaged(role.tags) ? findTag(role.tags, TEAM_ROLE_TAG)?.value : undefined;
    return kind === undefined ? undefined : { label: `team role ${role.name} (${kind})` };
  },
};
