/**
 * A bootstrap role's trust policy as IAM returns it, read back in the core's terms. What counts as
 * "trusts exactly these users, with MFA" lives in the core (summarizeTrustPolicy), so the planner,
 * the sandbox and this adapter agree; this file only undoes IAM's encoding.
 */
import { summarizeTrustPolicy, type TrustSummary } from '../../core/trust-policy.ts';
import { decodePolicyDocument } from './policy-document.ts';

export function readTrustPolicy(encoded: string, usersAccountId: string): TrustSummary {
  return summarizeTrustPolicy(usersAccountId, decodePolicyDocument(encoded, 'trust policy of the bootstrap role'));
}
