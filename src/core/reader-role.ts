/**
 * The read-only role (settings.organization.reader_role_name) the project keeps in each member
 * account so plans can read the bootstrap role without the administrator access role. Its trust
 * and permissions are built here, in one place, so the planner, the apply engine, the adapters and
 * a git baseline agree on what "as configured" means.
 */
import type { PolicyDocument, SettingsFile } from './model.ts';

/** The reader role's one inline policy. */
export const READER_POLICY_NAME = 'read-bootstrap-role';

/** The reader role's settings, when settings name one. */
export interface ReaderRoleSettings {
  roleName: string;
  trustedRoleArns: readonly string[];
  bootstrapRoleName: string;
}

export function readerRoleSettings(settings: SettingsFile): ReaderRoleSettings | undefined {
  const { reader_role_name: roleName, reader_trusted_role_arns: trusted, bootstrap_role_name } = settings.organization;
  if (roleName === undefined) return undefined;
  return { roleName, trustedRoleArns: sortedUnique(trusted ?? []), bootstrapRoleName: bootstrap_role_name };
}

function sortedUnique(items: readonly string[]): string[] {
  return [...new Set(items)].sort();
}

/**
 * Only the named roles (by ARN, never an account root: that would delegate to the whole account,
 * aws-facts §3) may assume the reader role. Sorted and deduplicated: the same ARNs give the same
 * document.
 */
export function readerTrustPolicy(trustedRoleArns: readonly string[]): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: sortedUnique(trustedRoleArns) }, Action: 'sts:AssumeRole' }],
  };
}

/**
 * Reads the bootstrap role (what `plan` compares) and nothing else, plus its own definition so a
 * plan can tell the reader role is as configured. No write action at all. The account part of the
 * ARNs is `*`: IAM calls act on the caller's own account only, so this is the role's own account,
 * and the document is the same in every account (and for a git baseline's placeholder ids).
 */
export function readerPermissions(roleName: string, bootstrapRoleName: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ReadTheBootstrapRole',
        Effect: 'Allow',
        Action: ['iam:GetRole', 'iam:ListAttachedRolePolicies', 'iam:ListRoleTags'],
        Resource: `arn:aws:iam::*:role/${bootstrapRoleName}`,
      },
      {
        Sid: 'ReadThisRole',
        Effect: 'Allow',
        Action: ['iam:GetRole', 'iam:ListRolePolicies', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies'],
        Resource: `arn:aws:iam::*:role/${roleName}`,
      },
    ],
  };
}
