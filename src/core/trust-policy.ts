/**
 * The bootstrap role's trust policy, built and read back in one place so the planner, the apply
 * engine and the adapters agree on what "trusts exactly these users, with MFA" means.
 */
import { AppError } from './errors.ts';
import type { PolicyDocument } from './model.ts';
import { isRecord } from './plan-helpers.ts';

/** ARN of an IAM user in the users account. The user name is the lower-case email. */
export function userArn(usersAccountId: string, userName: string): string {
  return `arn:aws:iam::${usersAccountId}:user/${userName}`;
}

/** An IAM condition block: operator → condition key → value(s), as in a policy's `Condition`. */
export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

/**
 * One statement: the listed users (by ARN, never the account root, which would delegate to the
 * whole account) may call sts:AssumeRole, only with MFA, and only under `conditions` as well (e.g.
 * a source IP range). `Bool` rather than `BoolIfExists`: the key is absent for requests signed with
 * long-term access keys, and `BoolIfExists` would let those through
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent).
 * Principals are sorted and deduplicated so the same users always give the same document.
 */
export function usersTrustPolicy(usersAccountId: string, userNames: readonly string[], conditions: readonly ConditionBlock[] = []): PolicyDocument {
  const names = [...new Set(userNames.map((name) => name.toLowerCase()))].sort();
  if (names.length === 0) {
    // AWS rejects a statement without principals (MalformedPolicyDocument); say why instead.
    throw new AppError('no-trusted-users', 'A role for people must trust at least one user.', {
      fault: 'user',
      hint: 'List the users who may assume it, or remove the role from the file.',
    });
  }
  const condition: Record<string, Record<string, string | readonly string[]>> = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };
  for (const block of conditions) {
    for (const [operator, keys] of Object.entries(block)) condition[operator] = { ...condition[operator], ...keys };
  }
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: names.map((name) => userArn(usersAccountId, name)) },
        Action: 'sts:AssumeRole',
        Condition: condition,
      },
    ],
  };
}

/** The bootstrap role's trust: exactly these users, with MFA. */
export function bootstrapTrustPolicy(usersAccountId: string, userNames: readonly string[]): PolicyDocument {
  if (userNames.length === 0) {
    throw new AppError('no-bootstrap-users', 'A bootstrap role must trust at least one user.', {
      fault: 'user',
      hint: 'List users under bootstrap.users, or set bootstrap.state: removed.',
    });
  }
  return usersTrustPolicy(usersAccountId, userNames);
}

/** What a trust policy grants, read back: who, and whether every Allow requires MFA. */
export interface TrustSummary {
  /**
   * User names for user ARNs of the users account; any other principal verbatim (an account root,
   * another account's user, or the unique id AWS leaves behind when a trusted user is deleted).
   */
  trusted: readonly string[];
  requiresMfa: boolean;
}

function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function requiresMfa(statement: Record<string, unknown>): boolean {
  const condition = statement['Condition'];
  if (!isRecord(condition)) return false;
  const bool = condition['Bool'];
  if (!isRecord(bool)) return false;
  const value = bool['aws:MultiFactorAuthPresent'];
  return value === 'true' || value === true;
}

/** Reads a trust policy (already decoded and parsed) back into who it trusts. */
export function summarizeTrustPolicy(usersAccountId: string, document: PolicyDocument): TrustSummary {
  const trusted = new Set<string>();
  let allRequireMfa = true;
  let allows = 0;
  const userPrefix = `arn:aws:iam::${usersAccountId}:user/`;
  for (const statement of asArray(document['Statement'])) {
    if (!isRecord(statement) || statement['Effect'] !== 'Allow') continue;
    allows += 1;
    if (!requiresMfa(statement)) allRequireMfa = false;
    const principal = statement['Principal'];
    const principals = principal === '*' ? ['*'] : isRecord(principal) ? asArray(principal['AWS']) : [];
    for (const entry of principals) {
      if (typeof entry !== 'string') continue;
      // A user ARN may carry a path (`user/path/name`); the name is the last segment.
      trusted.add(entry.startsWith(userPrefix) ? (entry.slice(userPrefix.length).split('/').pop() ?? entry) : entry);
    }
  }
  return { trusted: [...trusted].sort(), requiresMfa: allows > 0 && allRequireMfa };
}
