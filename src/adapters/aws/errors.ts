/**
 * AWS SDK exceptions, translated into the project's error vocabulary at the edge. Also the bounded
 * retry the SDK does not do for us: IAM's transient conflicts (409s), which the SDK treats as final.
 */
import { AppError, type ErrorCode, type ErrorFault } from '../../core/errors.ts';

interface Translation {
  code: ErrorCode;
  fault: ErrorFault;
  hint?: string;
}

const CREDENTIALS_HINT =
  'No usable AWS credentials. The tool uses the SDK standard chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY ' +
  '(and AWS_SESSION_TOKEN), AWS_PROFILE with ~/.aws/config (run `aws sso login` if it is an SSO profile), ' +
  'a web identity token (GitHub OIDC), or the instance/container role. Refresh expired credentials and retry.';

/**
 * By error name, with any `Exception` suffix removed: the SDK names modelled errors
 * `DeleteConflictException` while the wire code (and unmodelled errors) is `DeleteConflict`.
 */
const TRANSLATIONS: Readonly<Record<string, Translation>> = {
  NoSuchEntity: { code: 'not-found', fault: 'system' },
  EntityAlreadyExists: { code: 'user-exists', fault: 'user', hint: 'IAM names are unique ignoring case.' },
  DeleteConflict: { code: 'delete-conflict', fault: 'system' },
  EntityTemporarilyUnmodifiable: { code: 'temporarily-unmodifiable', fault: 'system', hint: 'Retry in a minute.' },
  ConcurrentModification: { code: 'temporarily-unmodifiable', fault: 'system', hint: 'Retry in a minute.' },
  Throttling: {
    code: 'throttled',
    fault: 'system',
    hint: 'AWS rate limit hit after the SDK retries; the IAM quota cannot be raised, retry later.',
  },
  TooManyRequests: { code: 'throttled', fault: 'system', hint: 'AWS rate limit hit after the SDK retries; retry later.' },
  LimitExceeded: { code: 'limit-exceeded', fault: 'system', hint: 'An AWS quota was reached (see the IAM quotas page).' },
  PasswordPolicyViolation: { code: 'password-policy-violation', fault: 'system' },
  MessageRejected: {
    code: 'email-rejected',
    fault: 'user',
    hint:
      'SES refused the message: verify the sender identity (settings.email.sender, or its domain) in SES in ' +
      'settings.email.region, and, if the account is still in the SES sandbox, verify the recipients or request ' +
      'production access.',
  },
  AccessDenied: {
    code: 'access-denied',
    fault: 'user',
    hint:
      'The caller lacks this permission. Check the policy of the role the tool runs as ' +
      '(settings.users_account.role_to_assume / settings.organization.role_to_assume, or the CI role).',
  },
  CredentialsProviderError: { code: 'no-credentials', fault: 'user', hint: CREDENTIALS_HINT },
  ExpiredToken: { code: 'no-credentials', fault: 'user', hint: CREDENTIALS_HINT },
  InvalidClientTokenId: { code: 'no-credentials', fault: 'user', hint: CREDENTIALS_HINT },
  UnrecognizedClient: { code: 'no-credentials', fault: 'user', hint: CREDENTIALS_HINT },
};

/** The error's AWS code without the SDK's `Exception` suffix, or undefined for non-errors. */
export function awsErrorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const name = (error as { name?: unknown }).name;
  if (typeof name !== 'string') return undefined;
  return name.endsWith('Exception') && name !== 'Exception' ? name.slice(0, -'Exception'.length) : name;
}

/** Whether the error is the AWS error with this code (`DeleteConflict` matches `DeleteConflictException`). */
export function isAwsError(error: unknown, code: string): boolean {
  return awsErrorName(error) === code;
}

function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * AWS validation messages can echo request values ("Value 'x' at 'password' failed to satisfy
 * constraint"). Strip quoted values, and any caller-named secret, from the text we surface.
 */
function redact(text: string, secrets: readonly string[]): string {
  let out = text.replace(/Value '[^']*' at/g, "Value '***' at");
  for (const secret of secrets) if (secret !== '') out = out.split(secret).join('***');
  return out;
}

export interface TranslateOptions {
  /** Values (a password) that must never reach the message; also scrubbed from the cause's message. */
  secrets?: readonly string[];
}

/**
 * An AppError for an SDK exception. `context` names the operation and the resource, e.g.
 * `IAM DeleteUser alice@example.gov.uk`; it must not hold secrets. The message never includes request
 * parameters; the cause is kept for debugging.
 */
export function translateAwsError(error: unknown, context: string, options: TranslateOptions = {}): AppError {
  if (error instanceof AppError) return error;
  const secrets = options.secrets ?? [];
  const name = awsErrorName(error) ?? 'UnknownError';
  const rawMessage = error instanceof Error ? error.message : String(error);
  if (secrets.length > 0 && error instanceof Error) error.message = redact(error.message, secrets);
  const awsMessage = redact(rawMessage, secrets).split('\n')[0]?.trim() ?? '';
  const status = httpStatus(error);
  const detail = `${name}${status === undefined ? '' : ` (HTTP ${status})`}${awsMessage ? `: ${awsMessage}` : ''}`;
  const translation = TRANSLATIONS[name];
  if (translation === undefined) return new AppError('aws-error', `${context} failed: ${detail}`, { cause: error });
  return new AppError(translation.code, `${context} failed: ${detail}`, {
    fault: translation.fault,
    ...(translation.hint === undefined ? {} : { hint: translation.hint }),
    cause: error,
  });
}

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryOptions {
  /** AWS error codes (without `Exception`) worth retrying. */
  codes: readonly string[];
  /** Total attempts, including the first. */
  attempts: number;
  sleep?: Sleep;
  /** First back-off; doubles each time, with jitter, up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Runs `fn`, retrying the listed AWS errors with exponential back-off. IAM answers some changes
 * with 409s that clear by themselves (DeleteConflict right after DeleteLoginProfile because of
 * eventual consistency, EntityTemporarilyUnmodifiable while a login profile is being created;
 * rebuy-de/aws-nuke#750, hashicorp/terraform-provider-aws#4205) and the SDK does not retry them.
 * Throws the last error untranslated, so the caller translates it with its own context.
 */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 8000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const name = awsErrorName(error);
      if (attempt >= options.attempts || name === undefined || !options.codes.includes(name)) throw error;
      const delay = Math.min(max, base * 2 ** (attempt - 1));
      await sleep(Math.round(delay / 2 + (Math.random() * delay) / 2));
    }
  }
}
