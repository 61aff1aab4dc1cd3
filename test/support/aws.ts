/**
 * Set-up shared by the AWS tests: settings for the AWS under test, a moto server per file or block,
 * SDK clients for a test's own look at moto, moto's Organization, and client-level fakes.
 */
import type { Client } from '@smithy/types';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { assumeRole, type AwsCredentials } from '../../src/adapters/aws/clients.ts';
import type { SettingsFile } from '../../src/core/model.ts';
import { someSettings } from './builders.ts';
import { motoEnv, startMoto, type MotoOptions, type MotoServer } from './moto.ts';

export { createMotoOrganization } from './moto-organization.ts';

/** moto's default account: calls without a role land there, and it manages the Organization moto creates. */
export const MOTO_ACCOUNT_ID = '123456789012';
/** The dummy credentials of motoEnv(). */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

type Sections = Pick<SettingsFile, 'users_account' | 'organization' | 'email'>;
type SettingsOverrides = { [K in keyof Sections]?: Partial<Sections[K]> } & Partial<Omit<SettingsFile, keyof Sections>>;

/** someSettings() with the users account in moto's default account; the sections given are merged in. */
export function awsSettings(overrides: SettingsOverrides = {}): SettingsFile {
  const { users_account, organization, email, ...rest } = overrides;
  const base = someSettings(rest);
  return {
    ...base,
    users_account: { ...base.users_account, id: MOTO_ACCOUNT_ID, ...users_account },
    organization: { ...base.organization, ...organization },
    email: { ...base.email, ...email },
  };
}

/**
 * One moto server for the calling file or describe block: started before its tests, stopped after
 * them, and with `reset` cleared before each test. Use it only inside hooks and tests.
 */
export function useMoto(options: MotoOptions & { reset?: boolean } = {}): MotoServer {
  let server: MotoServer | undefined;
  const started = (): MotoServer => {
    if (server === undefined) throw new Error('moto is not running: use it inside hooks and tests');
    return server;
  };
  beforeAll(async () => {
    server = await startMoto(options);
  });
  afterAll(async () => {
    await server?.stop();
  });
  if (options.reset) beforeEach(() => started().reset());
  return {
    get url() {
      return started().url;
    },
    reset: () => started().reset(),
    data: () => started().data(),
    sentEmails: () => started().sentEmails(),
    enforceIam: () => started().enforceIam(),
    stop: () => started().stop(),
  };
}

/** An SDK client for a test's own look at moto: moto's dummy credentials, assuming `roleArn` when given. */
export function motoClient<C>(
  Client: new (config: { region: string; endpoint: string; credentials: AwsCredentials }) => C,
  url: string,
  options: { region?: string; roleArn?: string } = {},
): C {
  const region = options.region ?? 'us-east-1';
  const credentials = options.roleArn === undefined ? MOTO_CREDENTIALS : assumeRole(options.roleArn, region, motoEnv(url), MOTO_CREDENTIALS);
  return new Client({ region, endpoint: url, credentials });
}

/** A client whose commands an aws-sdk-client-mock stub answers: no request leaves the process. */
export function fakeClient<C extends Client<object, { $metadata: object }, unknown>>(
  Client: new (config: { region: string; credentials: AwsCredentials }) => C,
): { client: C; fake: AwsClientStub<C> } {
  const client = new Client({ region: 'us-east-1', credentials: MOTO_CREDENTIALS });
  return { client, fake: mockClient(client) as AwsClientStub<C> };
}
