/**
 * AWS SDK exceptions, translated into the project's error vocabulary at the edge. Also the bounded
 * retry the SDK does not do for us: IAM's transient conflicts (409s), which the SDK treats as final.
 */
import type { MiddlewareStack, Pluggable } from '@smithy/types';
import { AppError, type ErrorFault } from '../../core/errors.ts';

interface Translation {
  code: string;
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

/**
 * Failures where no answer came from AWS, by Node's error code (the SDK retries them, then throws
 * the last one as it is, e.g. "read ECONNRESET" named TimeoutError).
 */
const NETWORK_FAILURES: Readonly<Record<string, string>> = {
  ECONNRESET: 'the connection was reset',
  ECONNREFUSED: 'the connection was refused',
  ECONNABORTED: 'the connection was aborted',
  EPIPE: 'the connection closed while the request was sent',
  ETIMEDOUT: 'no answer in time',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved (DNS)',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
};

const NETWORK_HINT =
  'Check the network and any proxy (HTTPS_PROXY), and AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> if set; ' +
  'then run again (a run is safe to repeat).';

const SERVER_ERROR_HINT =
  'AWS had an internal error or was unavailable, even after the retries. A run is safe to repeat; if it keeps ' +
  'failing, check the AWS Health Dashboard.';

const ASSUME_ROLE_HINT =
  "The role must exist, its trust policy must allow the caller (your credentials, or the workflow's OIDC role) " +
  'to assume it, and the caller needs sts:AssumeRole on it. settings.yaml names the roles assumed: ' +
  'role_to_assume and read_role_to_assume, and the access and reader role names in member accounts.';

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

/** Where the request went, recorded by `endpointInErrors`, or the address Node reports. */
function endpointOf(error: object): string | undefined {
  const recorded = (error as { $endpoint?: unknown }).$endpoint;
  if (typeof recorded === 'string') return recorded;
  const { address, port } = error as { address?: unknown; port?: unknown };
  return typeof address === 'string' ? `${address}${typeof port === 'number' ? `:${port}` : ''}` : undefined;
}

/** `tried 6 times`, from the SDK's count of attempts, when it gives one. */
function attemptsOf(error: object): string | undefined {
  const attempts = (error as { $metadata?: { attempts?: unknown } }).$metadata?.attempts;
  return typeof attempts === 'number' && attempts > 1 ? `tried ${attempts} times` : undefined;
}

/** The network failure's Node code (ECONNRESET, ...), or ETIMEDOUT for the SDK's TimeoutError. */
function networkFailureOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_FAILURES[code] !== undefined) return code;
  return awsErrorName(error) === 'TimeoutError' && httpStatus(error) === undefined ? 'ETIMEDOUT' : undefined;
}

/**
 * A client plugin that records on every error where its request was sent (`protocol://host:port`),
 * so a network failure can name the endpoint it could not reach.
 */
export function endpointInErrors<I extends object, O extends object>(): Pluggable<I, O> {
  return {
    applyToStack(stack) {
      stack.add(
        (next) => async (args) => {
          try {
            return await next(args);
          } catch (error) {
            const request = args.request as { protocol?: unknown; hostname?: unknown; port?: unknown } | undefined;
            if (typeof error === 'object' && error !== null && !(error instanceof AppError) && typeof request?.hostname === 'string') {
              const port = typeof request.port === 'number' ? `:${request.port}` : '';
              Object.defineProperty(error, '$endpoint', { value: `${String(request.protocol)}//${request.hostname}${port}`, configurable: true });
            }
            throw error;
          }
        },
        { step: 'build', name: 'endpointInErrors', override: true },
      );
    },
  };
}

/** `client`, with `endpointInErrors` installed. */
export function withEndpointInErrors<I extends object, O extends object, C extends { middlewareStack: MiddlewareStack<I, O> }>(
  client: C & { middlewareStack: MiddlewareStack<I, O> },
): C {
  client.middlewareStack.use(endpointInErrors<I, O>());
  return client;
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
  const network = networkFailureOf(error);
  if (network !== undefined && typeof error === 'object' && error !== null) {
    const tried = attemptsOf(error);
    return new AppError(
      'aws-unreachable',
      `${context} failed: no answer from ${endpointOf(error) ?? 'the AWS endpoint'} (${network}: ${NETWORK_FAILURES[network]}${tried ? `; ${tried}` : ''})`,
      { fault: 'system', hint: NETWORK_HINT, cause: error },
    );
  }
  const detail = `${name}${status === undefined ? '' : ` (HTTP ${status})`}${awsMessage ? `: ${awsMessage}` : ''}`;
  const translation = TRANSLATIONS[name];
  if (translation === undefined && status !== undefined && status >= 500 && typeof error === 'object' && error !== null) {
    // The SDK names an error it cannot parse "Unknown" with the message "Unknown": say only what is known.
    const known = name === 'Unknown' ? '' : ` (${name}${awsMessage && awsMessage !== name ? `: ${awsMessage}` : ''})`;
    const tried = attemptsOf(error);
    return new AppError('aws-unavailable', `AWS returned HTTP ${status}${known} to ${context}${tried ? ` (${tried})` : ''}; try again later`, {
      fault: 'system',
      hint: SERVER_ERROR_HINT,
      cause: error,
    });
  }
  if (translation === undefined) return new AppError('aws-error', `${context} failed: ${detail}`, { cause: error });
  return new AppError(translation.code, `${context} failed: ${detail}`, {
    fault: translation.fault,
    ...(translation.hint === undefined ? {} : { hint: translation.hint }),
    cause: error,
  });
}

/**
 * An AppError for a failure to assume `roleArn` (STS AssumeRole, run by the SDK when a client first
 * needs credentials): it names the role, whichever call needed it.
 */
export function translateAssumeRoleError(error: unknown, roleArn: string): AppError {
  if (error instanceof AppError) return error;
  const translated = translateAwsError(error, `STS AssumeRole ${roleArn}`);
  if (translated.code !== 'access-denied' && translated.code !== 'aws-error') return translated;
  return new AppError(translated.code, translated.message, { fault: 'user', hint: ASSUME_ROLE_HINT, cause: error });
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
