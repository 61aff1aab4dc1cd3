/**
 * A bootstrap role's trust policy as IAM returns it, read back in the core's terms. What counts as
 * "trusts exactly these users, with MFA" lives in the core (summarizeTrustPolicy), so the planner,
 * the sandbox and this adapter agree; this file only undoes IAM's encoding.
 */
import { AppError } from '../../core/errors.ts';
import type { PolicyDocument } from '../../core/model.ts';
import { summarizeTrustPolicy, type TrustSummary } from '../../core/trust-policy.ts';

/** IAM returns policy documents as URL-encoded (RFC 3986) JSON; plain JSON is accepted too. */
export function decodePolicyDocument(encoded: string): PolicyDocument {
  let document: unknown;
  try {
    document = JSON.parse(decodeURIComponent(encoded));
  } catch (cause) {
    throw new AppError('aws-error', 'A policy document returned by IAM is not valid JSON.', { cause });
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new AppError('aws-error', 'A policy document returned by IAM is not a JSON object.');
  }
  return document as PolicyDocument;
}

export function readTrustPolicy(encoded: string, usersAccountId: string): TrustSummary {
  return summarizeTrustPolicy(usersAccountId, decodePolicyDocument(encoded));
}
