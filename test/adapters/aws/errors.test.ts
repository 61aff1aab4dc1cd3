import { DeleteConflictException, EntityTemporarilyUnmodifiableException } from '@aws-sdk/client-iam';
import { MessageRejected } from '@aws-sdk/client-ses';
import { describe, expect, it } from 'vitest';
import { translateAwsError, withRetry } from '../../../src/adapters/aws/errors.ts';
import { translateOrganizationsError } from '../../../src/adapters/aws/organization-errors.ts';
import { AppError } from '../../../src/core/errors.ts';

/** An error shaped as the SDK throws unmodelled AWS errors: `name` is the wire code. */
function awsError(name: string, message = 'boom', status = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

describe('translateAwsError', () => {
  it.each([
    ['NoSuchEntity', 'not-found', 'system'],
    ['NoSuchEntityException', 'not-found', 'system'],
    ['EntityAlreadyExistsException', 'user-exists', 'user'],
    ['DeleteConflictException', 'delete-conflict', 'system'],
    ['EntityTemporarilyUnmodifiableException', 'temporarily-unmodifiable', 'system'],
    ['ConcurrentModificationException', 'temporarily-unmodifiable', 'system'],
    ['Throttling', 'throttled', 'system'],
    ['ThrottlingException', 'throttled', 'system'],
    ['TooManyRequestsException', 'throttled', 'system'],
    ['LimitExceededException', 'limit-exceeded', 'system'],
    ['PasswordPolicyViolationException', 'password-policy-violation', 'system'],
    ['MessageRejected', 'email-rejected', 'user'],
    ['AccessDenied', 'access-denied', 'user'],
    ['AccessDeniedException', 'access-denied', 'user'],
    ['CredentialsProviderError', 'no-credentials', 'user'],
    ['ExpiredToken', 'no-credentials', 'user'],
    ['ExpiredTokenException', 'no-credentials', 'user'],
    ['InvalidClientTokenId', 'no-credentials', 'user'],
    ['ServiceFailureException', 'aws-error', 'system'],
    ['SomethingNew', 'aws-error', 'system'],
  ])('%s → %s (%s fault)', (name, code, fault) => {
    const cause = awsError(name);
    const error = translateAwsError(cause, 'IAM DeleteUser alice@example.gov.uk');
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe(code);
    expect(error.fault).toBe(fault);
    expect(error.cause).toBe(cause);
    expect(error.message).toContain('IAM DeleteUser alice@example.gov.uk');
    // Named by the AWS wire code, without the SDK's `Exception` suffix.
    expect(error.message).toContain(name.replace(/Exception$/, ''));
  });

  it('maps the SDK exception classes, not only plain names', () => {
    const error = translateAwsError(new MessageRejected({ message: 'Email address is not verified.', $metadata: {} }), 'SES SendEmail');
    expect(error.code).toBe('email-rejected');
    expect(error.hint).toMatch(/verify the sender identity/);
    expect(error.hint).toMatch(/sandbox/);
  });

  it('points at the standard credential chain', () => {
    const error = translateAwsError(awsError('CredentialsProviderError', 'Could not load credentials from any providers'), 'IAM GetAccountAuthorizationDetails');
    expect(error.hint).toMatch(/AWS_ACCESS_KEY_ID/);
    expect(error.hint).toMatch(/AWS_PROFILE/);
  });

  it('names the role to check on access denied', () => {
    expect(translateAwsError(awsError('AccessDenied', 'not authorized', 403), 'IAM CreateUser x').hint).toMatch(/role_to_assume/);
  });

  it('keeps request values out of the message', () => {
    const cause = awsError('ValidationError', "1 validation error detected: Value 'hunter2-secret' at 'password' failed to satisfy constraint");
    const error = translateAwsError(cause, 'IAM CreateLoginProfile alice');
    expect(error.message).not.toContain('hunter2-secret');
    expect(error.message).toContain("Value '***' at 'password'");
  });

  it('scrubs named secrets from the message and the cause', () => {
    const cause = awsError('PasswordPolicyViolation', 'Password S3cret-Value! is too short');
    const error = translateAwsError(cause, 'IAM CreateLoginProfile alice', { secrets: ['S3cret-Value!'] });
    expect(error.message).not.toContain('S3cret-Value!');
    expect(cause.message).not.toContain('S3cret-Value!');
  });

  it('passes AppErrors through and copes with non-errors', () => {
    const app = new AppError('not-managed', 'x');
    expect(translateAwsError(app, 'ctx')).toBe(app);
    expect(translateAwsError('weird', 'ctx').code).toBe('aws-error');
  });
});

describe('withRetry', () => {
  const conflict = () => new DeleteConflictException({ message: 'must delete login profile first', $metadata: {} });

  it('retries the listed codes with growing back-off, then succeeds', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw conflict();
        return 'done';
      },
      { codes: ['DeleteConflict'], attempts: 5, sleep: async (ms) => void sleeps.push(ms), baseDelayMs: 100 },
    );
    expect(result).toBe('done');
    expect(calls).toBe(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(50);
    expect(sleeps[0]).toBeLessThanOrEqual(100);
    expect(sleeps[1]).toBeGreaterThanOrEqual(100);
    expect(sleeps[1]).toBeLessThanOrEqual(200);
  });

  it('stops after the bounded attempts and rethrows the SDK error untranslated', async () => {
    let calls = 0;
    const failing = withRetry(
      async () => {
        calls++;
        throw new EntityTemporarilyUnmodifiableException({ message: 'being created', $metadata: {} });
      },
      { codes: ['EntityTemporarilyUnmodifiable'], attempts: 3, sleep: async () => {} },
    );
    await expect(failing).rejects.toBeInstanceOf(EntityTemporarilyUnmodifiableException);
    expect(calls).toBe(3);
  });

  it('does not retry other errors', async () => {
    let calls = 0;
    const failing = withRetry(
      async () => {
        calls++;
        throw awsError('AccessDenied');
      },
      { codes: ['DeleteConflict'], attempts: 5, sleep: async () => {} },
    );
    await expect(failing).rejects.toThrow('boom');
    expect(calls).toBe(1);
  });
});

describe('failures with no usable answer from AWS', () => {
  const withAttempts = (error: Error, attempts: number): Error => Object.assign(error, { $metadata: { ...(error as { $metadata?: object }).$metadata, attempts } });

  it('any 5xx is "try again later", with what was called and how often', () => {
    const error = translateAwsError(withAttempts(awsError('Unknown', 'Unknown', 500), 6), 'IAM CreateUser alice@example.gov.uk');
    expect(error.code).toBe('aws-unavailable');
    expect(error.message).toBe('AWS returned HTTP 500 to IAM CreateUser alice@example.gov.uk (tried 6 times); try again later');
    const organizations = translateOrganizationsError(withAttempts(awsError('ServiceException', 'internal error', 500), 6), 'creating account "team-a"');
    expect(organizations.message).toBe('AWS returned HTTP 500 (Service: internal error) to creating account "team-a" (tried 6 times); try again later');
  });

  it('a network failure names the endpoint the SDK recorded, or the address Node gives', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { name: 'TimeoutError', code: 'ECONNRESET', $endpoint: 'https://iam.amazonaws.com' });
    expect(translateAwsError(withAttempts(reset, 6), 'IAM ListUsers').message).toBe(
      'IAM ListUsers failed: no answer from https://iam.amazonaws.com (ECONNRESET: the connection was reset; tried 6 times)',
    );
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED', address: '10.0.0.1', port: 443 });
    expect(translateAwsError(refused, 'SES SendEmail').message).toBe('SES SendEmail failed: no answer from 10.0.0.1:443 (ECONNREFUSED: the connection was refused)');
    const timeout = Object.assign(new Error('timed out'), { name: 'TimeoutError' });
    expect(translateAwsError(timeout, 'IAM GetUser x').code).toBe('aws-unreachable');
  });
});
