/**
 * Reading a bootstrap role's trust policy back into the core's terms (who may assume it, whether MFA
 * is required). Pure: no SDK calls.
 */
import { AppError } from '../../core/errors.ts';

export interface ParsedTrust {
  /**
   * User names of the users account that Allow statements name, sorted. Any other principal (an
   * account root, a role, a user of another account, a deleted user's unique id, `*`, a service) is
   * kept as its raw text, so it never matches a desired user and the plan shows it as drift.
   */
  trustedUsers: string[];
  /** Every Allow statement carries `aws:MultiFactorAuthPresent: true` (Bool or BoolIfExists). */
  requiresMfa: boolean;
}

const USER_ARN = /^arn:aws[\w-]*:iam::(\d{12}):user\/(?:.*\/)?([^/]+)$/;

/**
 * IAM returns policy documents URL-encoded (RFC 3986) JSON; this takes that string, or plain JSON.
 */
export function parseTrustPolicy(encoded: string, usersAccountId: string): ParsedTrust {
  let document: unknown;
  try {
    document = JSON.parse(decodeURIComponent(encoded));
  } catch (cause) {
    throw new AppError('aws-error', 'The bootstrap role trust policy returned by IAM is not valid JSON.', { cause });
  }
  const statements = asArray(isRecord(document) ? document['Statement'] : undefined).filter(isRecord);
  const allows = statements.filter((s) => s['Effect'] === 'Allow');
  const trusted = new Set<string>();
  for (const statement of allows) {
    for (const principal of principalsOf(statement['Principal'])) {
      const match = USER_ARN.exec(principal);
      trusted.add(match && match[1] === usersAccountId && match[2] !== undefined ? match[2] : principal);
    }
  }
  return {
    trustedUsers: [...trusted].sort(),
    requiresMfa: allows.every(requiresMfa),
  };
}

function principalsOf(principal: unknown): string[] {
  if (typeof principal === 'string') return [principal];
  if (!isRecord(principal)) return [];
  const out: string[] = [];
  for (const [kind, value] of Object.entries(principal)) {
    for (const item of asArray(value)) {
      if (typeof item !== 'string') continue;
      // Only AWS principals can be users; keep the kind on the others so they stay recognisable.
      out.push(kind === 'AWS' ? item : `${kind}:${item}`);
    }
  }
  return out;
}

/**
 * Condition operators and keys are case-insensitive in IAM. BoolIfExists counts, as the brief asks,
 * although `aws:MultiFactorAuthPresent` is absent for long-term access keys, so `Allow` +
 * `BoolIfExists true` lets key-only callers through (aws-facts §3): the project writes `Bool`.
 */
function requiresMfa(statement: Record<string, unknown>): boolean {
  const condition = statement['Condition'];
  if (!isRecord(condition)) return false;
  for (const [operator, block] of Object.entries(condition)) {
    const op = operator.toLowerCase();
    if (op !== 'bool' && op !== 'boolifexists') continue;
    if (!isRecord(block)) continue;
    for (const [key, value] of Object.entries(block)) {
      if (key.toLowerCase() !== 'aws:multifactorauthpresent') continue;
      const values = asArray(value).map((v) => String(v).toLowerCase());
      if (values.length > 0 && values.every((v) => v === 'true')) return true;
    }
  }
  return false;
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
