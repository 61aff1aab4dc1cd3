/**
 * Organizations (and member-account IAM) exceptions, translated into the project's AppError at the
 * edge. Organizations names its exceptions differently from IAM, and ConstraintViolationException
 * carries the real cause in `Reason`, so it gets its own table; anything else (credentials, IAM in
 * member accounts) goes to the shared translateAwsError.
 */
import { AppError, isAppError, type ErrorCode } from '../../core/errors.ts';
import { translateAwsError } from './errors.ts';

/** The exception name the SDK gives a service error (`error.name`), if any. */
export function errorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}

function reasonOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const reason = (error as { Reason?: unknown }).Reason;
  return typeof reason === 'string' ? reason : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * `context` says what was being done, e.g. `creating account "team-a"`; it starts the message.
 * AppErrors pass through unchanged.
 */
export function translateOrganizationsError(error: unknown, context: string): AppError {
  if (isAppError(error)) return error;
  const name = errorName(error) ?? 'Error';
  const detail = messageOf(error);
  const make = (code: ErrorCode, what: string, hint: string, fault: 'user' | 'system' = 'system'): AppError =>
    new AppError(code, `${context}: ${what}`, { fault, hint, cause: error });

  switch (name) {
    case 'ConstraintViolationException':
      return translateConstraint(reasonOf(error), detail, make);
    case 'FinalizingOrganizationException':
      return make(
        'organization-finalizing',
        'the Organization is still being set up (FinalizingOrganizationException).',
        'AWS is finalising the Organization, which can take up to an hour. Run again later.',
      );
    case 'ConcurrentModificationException':
      return make(
        'concurrent-modification',
        'another request was changing the same Organizations resource (ConcurrentModificationException).',
        'Run again: the change is safe to retry once the other request has finished.',
      );
    case 'TooManyRequestsException':
    case 'ThrottlingException':
    case 'Throttling':
      return make(
        'throttled',
        `AWS throttled the request after every retry (${name}).`,
        'Organizations allows only a few requests per second for the whole Organization. Run again in a few minutes.',
      );
    case 'AWSOrganizationsNotInUseException':
      return make(
        'organization-not-found',
        'the credentials belong to an account that is not in an AWS Organization.',
        'Use credentials of the management account (settings.organization.management_account_id), ' +
          'or set settings.organization.role_to_assume to a role there.',
      );
    case 'AccessDeniedException':
    case 'AccessDenied':
    case 'AccessDeniedForDependencyException':
      return make(
        'access-denied',
        `access denied (${detail}).`,
        'Organizations calls must come from the management account, with organizations:* permissions ' +
          '(check settings.organization.role_to_assume).',
      );
    case 'AccountNotFoundException':
      return make('not-found', 'no such account in the Organization.', 'Check the account id in the account file.', 'user');
    case 'CreateAccountStatusNotFoundException':
      return make('not-found', 'no such account creation request.', 'Requests are kept for 90 days; run again to start a new one.');
    case 'ParentNotFoundException':
    case 'SourceParentNotFoundException':
    case 'DestinationParentNotFoundException':
    case 'OrganizationalUnitNotFoundException':
      return make(
        'ou-not-found',
        `the organizational unit does not exist (${name}).`,
        'Create the OU in AWS Organizations first, or fix organizational_unit in the account file.',
        'user',
      );
    case 'AccountAlreadyClosedException':
      return make('account-closed', 'the account is already closed.', 'Nothing to do: set `state: closed` in the account file.', 'user');
    default:
      return translateAwsError(error, context);
  }
}

function translateConstraint(
  reason: string | undefined,
  detail: string,
  make: (code: ErrorCode, what: string, hint: string, fault?: 'user' | 'system') => AppError,
): AppError {
  switch (reason) {
    case 'ACCOUNT_NUMBER_LIMIT_EXCEEDED':
      return make(
        'account-limit',
        'the Organization has reached its maximum number of accounts (ACCOUNT_NUMBER_LIMIT_EXCEEDED).',
        'Ask for a higher "Default maximum number of accounts" in Service Quotas (AWS Organizations), ' +
          'or wait for closed accounts to be removed (they count for 90 days).',
      );
    case 'ACCOUNT_CREATION_RATE_LIMIT_EXCEEDED':
      return make(
        'account-creation-rate-limit',
        'too many accounts were created today (ACCOUNT_CREATION_RATE_LIMIT_EXCEEDED).',
        'AWS caps account creations per day. Run again tomorrow, or ask AWS Support to raise the cap.',
      );
    case 'CLOSE_ACCOUNT_QUOTA_EXCEEDED':
    case 'CLOSE_ACCOUNT_REQUESTS_LIMIT_EXCEEDED':
      return make(
        'closure-quota',
        `AWS refused to close more accounts for now (${reason}).`,
        'Only 10% of member accounts (at least 10) may be closed in a rolling 30-day window. ' +
          'Keep `state: closed` in the file; a later run closes the account once the window allows it.',
      );
    default:
      return make(
        'constraint-violation',
        `an Organizations limit was hit (${reason ?? 'no reason given'}): ${detail}`,
        'See the reason above in the AWS Organizations quotas documentation.',
      );
  }
}
