/**
 * One error vocabulary for the whole project. Adapters translate SDK and Octokit exceptions into
 * AppError at the edge; the CLI prints `message` (and `hint`), never a stack trace.
 */
export type ErrorFault = 'user' | 'system';

/**
 * Every error code the project raises. Codes drive behaviour (`account-not-ready` is retried,
 * `not-managed` is reported as the user's to fix), so they are a union: a typo does not compile.
 */
export type ErrorCode =
  | 'access-denied'
  | 'account-closed'
  | 'account-creation-conflict'
  | 'account-creation-failed'
  | 'account-creation-rate-limit'
  | 'account-creation-timeout'
  | 'account-email-invalid'
  | 'account-email-taken'
  | 'account-exists'
  | 'account-limit'
  | 'account-not-ready'
  | 'account-suspended'
  | 'alias-taken'
  | 'apply-lock-lost'
  | 'apply-locked'
  | 'apply-stopped'
  | 'aws-error'
  | 'aws-unavailable'
  | 'aws-unreachable'
  | 'bad-date'
  | 'bad-git-ref'
  | 'bad-policy-document'
  | 'baseline-mismatch'
  | 'closure-quota'
  | 'concurrent-modification'
  | 'constraint-violation'
  | 'credential-report-timeout'
  | 'delete-conflict'
  | 'email-failed'
  | 'email-rejected'
  | 'file-not-found'
  | 'git-failed'
  | 'github-forbidden'
  | 'github-not-configured'
  | 'github-not-found'
  | 'github-rate-limited'
  | 'github-rejected'
  | 'github-unauthorized'
  | 'github-unavailable'
  | 'group-policy-not-set-up'
  | 'group-policy-outdated'
  | 'invalid-email'
  | 'invalid-event'
  | 'invalid-input'
  | 'invalid-input-file'
  | 'limit-exceeded'
  | 'lock-id-mismatch'
  | 'malformed-policy'
  | 'management-account'
  | 'no-bootstrap-users'
  | 'no-credentials'
  | 'no-trusted-users'
  | 'not-a-directory'
  | 'not-a-regular-file'
  | 'not-found'
  | 'not-managed'
  | 'not-needed'
  | 'organization-finalizing'
  | 'organization-not-found'
  | 'ou-not-found'
  | 'password-policy-violation'
  | 'plan-refused'
  | 'protected'
  | 'protected-account'
  | 'read-failed'
  | 'read-only-target'
  | 'sandbox-corrupt'
  | 'sandbox-not-private'
  | 'sandbox-unreadable'
  | 'sandbox-unwritable'
  | 'temporarily-unmodifiable'
  | 'throttled'
  | 'too-many-adoptions'
  | 'too-many-creations'
  | 'too-many-deletions'
  | 'usage'
  | 'user-exists'
  | 'write-failed'
  | 'wrong-account';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fault: ErrorFault;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { fault?: ErrorFault; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.fault = options.fault ?? 'system';
    this.hint = options.hint;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
