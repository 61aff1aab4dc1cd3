/**
 * SDK client configuration shared by every AWS adapter, built from an explicit environment (not only
 * process.env) so the CLI can run in-process against moto: the endpoint from
 * `AWS_ENDPOINT_URL_<SERVICE>` or `AWS_ENDPOINT_URL` (the precedence the SDK documents), static
 * credentials when `AWS_ACCESS_KEY_ID` is given (otherwise the SDK's standard chain), and a role
 * assumed through STS on top of them. Retries are chosen here, deliberately.
 */
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { endpointInErrors, translateAssumeRoleError } from './errors.ts';

export type Env = Readonly<Record<string, string | undefined>>;

/** The service part of `AWS_ENDPOINT_URL_<SERVICE>`, as the SDK spells it. */
export type AwsService = 'IAM' | 'SES' | 'ORGANIZATIONS' | 'STS' | 'ACCOUNT';

export type AwsCredentials = AwsCredentialIdentity | AwsCredentialIdentityProvider;

/**
 * What a target may do: `read` (plan, the pull-request and drift jobs) or `write` (apply). It picks
 * the role to assume: in read mode `read_role_to_assume` when settings name one, so the plan stage
 * never holds a role that can write.
 */
export type AwsAccess = 'read' | 'write';

/** The role a settings section (users_account, organization) says to assume for `access`, if any. */
export function roleToAssume(
  section: { role_to_assume?: string | undefined; read_role_to_assume?: string | undefined },
  access: AwsAccess,
): string | undefined {
  return access === 'read' ? (section.read_role_to_assume ?? section.role_to_assume) : section.role_to_assume;
}

export interface AwsClientOptions {
  region: string;
  /** Role to assume (through STS) before any call; absent: use the base credentials as they are. */
  roleArn?: string | undefined;
  /** Environment to read endpoints and static credentials from. */
  env: Env;
  /**
   * Base credentials (e.g. those of an already assumed role); absent: static credentials from `env`
   * when it holds access keys, else the SDK's standard chain.
   */
  masterCredentials?: AwsCredentials | undefined;
  /** The STS SourceIdentity to assume `roleArn` with (apply passes its pull request's, core/approval.ts). */
  sourceIdentity?: string | undefined;
  /** The role session's name, when it should say more than `sourceIdentity` does (see roleSessionName). */
  sessionName?: string | undefined;
}

export interface AwsClientConfig {
  region: string;
  retryMode: 'standard';
  maxAttempts: number;
  requestHandler: typeof TIMEOUTS.requestHandler;
  endpoint?: string;
  credentials?: AwsCredentials;
}

/**
 * `standard` retry mode (jittered exponential back-off with a retry quota; `adaptive` would
 * rate-limit the whole client, which suits one hot resource, not a reconciler) with 6 attempts:
 * IAM's account-level rate quota cannot be raised, so throttling is expected on large runs.
 */
export const RETRY = { retryMode: 'standard', maxAttempts: 6 } as const;

/**
 * Without them a silent endpoint holds a run for ever: 10 s to connect, and a request fails (then is
 * retried) after 60 s without a byte; the SDK otherwise only logs a warning.
 */
export const TIMEOUTS = { requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000, throwOnRequestTimeout: true } } as const;

/** Config for one service client: endpoint, retries, and credentials (assuming `roleArn` when given). */
export function awsClientConfig(service: AwsService, options: AwsClientOptions): AwsClientConfig {
  const { env, region } = options;
  const endpoint = endpointFromEnv(service, env);
  const base = options.masterCredentials ?? staticCredentialsFromEnv(env);
  const credentials = options.roleArn === undefined ? base : assumeRole(options.roleArn, region, env, base, options.sourceIdentity, options.sessionName);
  return {
    region,
    ...RETRY,
    ...TIMEOUTS,
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials } : {}),
  };
}

/**
 * Credentials of `roleArn`, assumed with `masterCredentials` (or the standard chain). The inner STS
 * client does not inherit the outer client's endpoint (aws-sdk-js-v3 credential-providers), so it is
 * passed on. With `sourceIdentity`, the session carries it (and its name says it): AWS then records
 * it in CloudTrail for everything the session does, and it cannot be changed further down a role
 * chain (IAM User Guide, "Monitor and control actions taken with assumed roles"). The role's trust
 * policy must allow sts:SetSourceIdentity.
 */
export function assumeRole(
  roleArn: string,
  region: string,
  env: Env,
  masterCredentials?: AwsCredentials,
  sourceIdentity?: string,
  sessionName: string = roleSessionName(sourceIdentity),
): AwsCredentialIdentityProvider {
  const endpoint = endpointFromEnv('STS', env);
  const provider = fromTemporaryCredentials({
    params: {
      RoleArn: roleArn,
      RoleSessionName: sessionName,
      DurationSeconds: 3600,
      ...(sourceIdentity === undefined ? {} : { SourceIdentity: sourceIdentity }),
    },
    ...(masterCredentials ? { masterCredentials } : {}),
    clientConfig: { region, ...RETRY, ...TIMEOUTS, ...(endpoint ? { endpoint } : {}) },
    clientPlugins: [endpointInErrors()],
  });
  // A failure surfaces in whichever call first needed credentials: name the role instead.
  return async (...args: Parameters<typeof provider>) => {
    try {
      return await provider(...args);
    } catch (error) {
      throw translateAssumeRoleError(error, roleArn);
    }
  };
}

/** `aws-access-as-code`, or `aws-access-as-code-pr-1234`: STS allows 2 to 64 characters of `[\w+=,.@-]`. */
export function roleSessionName(sourceIdentity?: string): string {
  return sourceIdentity === undefined ? 'aws-access-as-code' : `aws-access-as-code-${sourceIdentity}`.slice(0, 64);
}

function endpointFromEnv(service: AwsService, env: Env): string | undefined {
  return env[`AWS_ENDPOINT_URL_${service}`] ?? env['AWS_ENDPOINT_URL'];
}

function staticCredentialsFromEnv(env: Env): AwsCredentialIdentity | undefined {
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = env['AWS_SESSION_TOKEN'];
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}
