/**
 * SDK client configuration shared by every AWS adapter. Credentials come from the SDK's standard
 * chain; the endpoint from `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` as the SDK documents,
 * so the same code runs against moto, LocalStack or AWS. Retries are chosen here, deliberately.
 */
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

export interface AwsClientOptions {
  region: string;
  /** Role to assume (through STS) before any call; absent: use the standard chain as is. */
  roleArn?: string;
  /** Environment to read endpoint overrides from (defaults to process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * `standard` retry mode (jittered exponential back-off with a retry quota; `adaptive` would
 * rate-limit the whole client, which suits one hot resource, not a reconciler) with 6 attempts:
 * IAM's account-level rate quota cannot be raised, so throttling is expected on large runs.
 */
export const RETRY = { retryMode: 'standard', maxAttempts: 6 } as const;

export interface ClientConfig {
  region: string;
  retryMode: 'standard';
  maxAttempts: number;
  credentials?: AwsCredentialIdentityProvider;
}

/** The endpoint override the SDK itself would use for STS, so an inner STS client uses it too. */
export function stsEndpointFromEnv(env: Readonly<Record<string, string | undefined>>): string | undefined {
  return env['AWS_ENDPOINT_URL_STS'] ?? env['AWS_ENDPOINT_URL'];
}

/** Client config for one service client, assuming `roleArn` first when given. */
export function clientConfig(options: AwsClientOptions): ClientConfig {
  const base: ClientConfig = { region: options.region, ...RETRY };
  if (options.roleArn === undefined) return base;
  return { ...base, credentials: assumeRole(options.roleArn, options.region, options.env ?? process.env) };
}

/**
 * Credentials of `roleArn`, assumed with the caller's current credentials. The inner STS client does
 * not inherit the outer client's endpoint (aws-sdk-js-v3 credential-providers), so pass it on.
 */
export function assumeRole(
  roleArn: string,
  region: string,
  env: Readonly<Record<string, string | undefined>>,
  masterCredentials?: AwsCredentialIdentityProvider,
): AwsCredentialIdentityProvider {
  const endpoint = stsEndpointFromEnv(env);
  return fromTemporaryCredentials({
    params: { RoleArn: roleArn, RoleSessionName: 'aws-access-as-code', DurationSeconds: 3600 },
    ...(masterCredentials ? { masterCredentials } : {}),
    clientConfig: { region, ...RETRY, ...(endpoint ? { endpoint } : {}) },
  });
}
