import { describe, expect, it } from 'vitest';
import { parseTrustPolicy } from '../../../src/adapters/aws/organization-trust.ts';
import { isAppError } from '../../../src/core/errors.ts';

const USERS = '222222222222';
const user = (name: string, account = USERS): string => `arn:aws:iam::${account}:user/${name}`;
const MFA = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };

function statement(principal: unknown, condition?: unknown, effect = 'Allow'): Record<string, unknown> {
  return {
    Effect: effect,
    Principal: principal,
    Action: 'sts:AssumeRole',
    ...(condition === undefined ? {} : { Condition: condition }),
  };
}

const policy = (...statements: unknown[]): string =>
  encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: statements }));

describe('parseTrustPolicy', () => {
  it.each([
    ['URL-encoded, as IAM returns it', policy(statement({ AWS: [user('b@x.gov.uk'), user('a@x.gov.uk')] }, MFA)), ['a@x.gov.uk', 'b@x.gov.uk'], true],
    ['plain JSON, a single statement object', JSON.stringify({ Statement: statement({ AWS: user('a@x.gov.uk') }, MFA) }), ['a@x.gov.uk'], true],
    ['a user with a path', policy(statement({ AWS: `arn:aws:iam::${USERS}:user/people/a@x.gov.uk` }, MFA)), ['a@x.gov.uk'], true],
    ['no MFA condition', policy(statement({ AWS: user('a@x.gov.uk') })), ['a@x.gov.uk'], false],
    ['MFA on only one of two statements', policy(statement({ AWS: user('a@x.gov.uk') }, MFA), statement({ AWS: user('b@x.gov.uk') })), ['a@x.gov.uk', 'b@x.gov.uk'], false],
    ['BoolIfExists, any case', policy(statement({ AWS: user('a@x.gov.uk') }, { boolifexists: { 'AWS:MultiFactorAuthPresent': true } })), ['a@x.gov.uk'], true],
    ['MFA present false', policy(statement({ AWS: user('a@x.gov.uk') }, { Bool: { 'aws:MultiFactorAuthPresent': 'false' } })), ['a@x.gov.uk'], false],
    ['Deny statements name nobody', policy(statement({ AWS: user('a@x.gov.uk') }, MFA), statement({ AWS: user('z@x.gov.uk') }, undefined, 'Deny')), ['a@x.gov.uk'], true],
  ])('%s', (_name, document, users, mfa) => {
    expect(parseTrustPolicy(document, USERS)).toEqual({ trustedUsers: users, requiresMfa: mfa });
  });

  it('keeps principals that are not users of the users account as raw text, so they show as drift', () => {
    const parsed = parseTrustPolicy(
      policy(
        statement(
          {
            AWS: [`arn:aws:iam::${USERS}:root`, user('a@x.gov.uk', '999999999999'), 'AIDAEXAMPLEDELETEDUSER', '999999999999'],
            Service: 'ec2.amazonaws.com',
          },
          MFA,
        ),
        statement('*', MFA),
      ),
      USERS,
    );
    expect(parsed.trustedUsers).toEqual([
      '*',
      '999999999999',
      'AIDAEXAMPLEDELETEDUSER',
      'Service:ec2.amazonaws.com',
      `arn:aws:iam::${USERS}:root`,
      user('a@x.gov.uk', '999999999999'),
    ]);
  });

  it('rejects a document that is not JSON', () => {
    let error: unknown;
    try {
      parseTrustPolicy('%7Bnot json', USERS);
    } catch (caught) {
      error = caught;
    }
    expect(isAppError(error) && error.code).toBe('aws-error');
  });
});
