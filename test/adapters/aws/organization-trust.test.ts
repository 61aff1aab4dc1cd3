/** Undoing IAM's encoding of trust policies; what the policy means is the core's (trust-policy.ts). */
import { describe, expect, it } from 'vitest';
import { decodePolicyDocument, readTrustPolicy } from '../../../src/adapters/aws/organization-trust.ts';
import { isAppError } from '../../../src/core/errors.ts';
import { bootstrapTrustPolicy } from '../../../src/core/trust-policy.ts';

const USERS = '222222222222';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
  return undefined;
}

describe('reading a trust policy as IAM returns it', () => {
  const policy = bootstrapTrustPolicy(USERS, ['b@x.gov.uk', 'a@x.gov.uk']);

  it('decodes URL-encoded JSON (IAM) and plain JSON alike', () => {
    expect(decodePolicyDocument(encodeURIComponent(JSON.stringify(policy)))).toEqual(policy);
    expect(decodePolicyDocument(JSON.stringify(policy))).toEqual(policy);
  });

  it('reads back the users and the MFA requirement the project writes', () => {
    expect(readTrustPolicy(encodeURIComponent(JSON.stringify(policy)), USERS)).toEqual({
      trusted: ['a@x.gov.uk', 'b@x.gov.uk'],
      requiresMfa: true,
    });
  });

  it('keeps an account-root principal verbatim, so it shows as drift', () => {
    const wide = { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${USERS}:root` }, Action: 'sts:AssumeRole' }] };
    expect(readTrustPolicy(encodeURIComponent(JSON.stringify(wide)), USERS)).toEqual({
      trusted: [`arn:aws:iam::${USERS}:root`],
      requiresMfa: false,
    });
  });

  it.each([['not JSON', '%7Bnot json'], ['not an object', encodeURIComponent('[1,2]')], ['bad escape', '%E0%A4%A']])(
    'refuses a document that is %s',
    (_name, text) => {
      expect(codeOf(() => decodePolicyDocument(text))).toBe('bad-policy-document');
    },
  );
});
