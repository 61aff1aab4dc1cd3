/**
 * Errors say what failed and what to do, through the real SDK against moto: a role that cannot be
 * assumed is named, AWS answering HTTP 500 again and again is "try again later" with the attempts
 * the SDK made, and a network failure names the endpoint it could not reach. A local HTTP proxy in
 * front of moto breaks one operation (moto itself never fails); a closed port and a server that
 * never answers stand for the rest.
 */
import { createServer as createHttpServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsUsersAccount, createIamClient } from '../../../src/adapters/aws/iam-users-account.ts';
import { createAwsOrganization } from '../../../src/adapters/aws/organization.ts';
import type { AppError } from '../../../src/core/errors.ts';
import { awsSettings, MOTO_ACCOUNT_ID, useMoto } from '../../support/aws.ts';
import { rejectionOf } from '../../support/errors.ts';
import { motoEnv } from '../../support/moto.ts';

const moto = useMoto();
const MANAGED = { 'managed-by': 'aws-access-as-code' };
const ANN = 'ann@example.gov.uk';
const ROLE = `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/aac-apply`;
const noSleep = async (): Promise<void> => {};

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function listen<S extends Server | ReturnType<typeof createNetServer>>(server: S): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

type Intercept = (action: string, res: ServerResponse, req: IncomingMessage) => boolean;

/** A proxy to moto that lets `intercept` answer (or break) requests by their Query API action. */
async function proxyToMoto(intercept: Intercept): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const action = new URLSearchParams(body.toString('utf8')).get('Action') ?? '';
      seen.push(action);
      if (intercept(action, res, req)) return;
      const target = new URL(moto.url);
      const forward = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.end(body);
    });
  });
  return { url: await listen(server), seen };
}

/** A port nothing listens on. */
async function closedPort(): Promise<string> {
  const server = createNetServer();
  const url = await listen(server);
  server.close();
  servers.pop();
  return url;
}

describe('AssumeRole failures name the role', () => {
  it('access denied: the role ARN and what to check, whichever call needed the credentials', async () => {
    const sts = await proxyToMoto((action, res) => {
      if (action !== 'AssumeRole') return false;
      res.writeHead(403, { 'content-type': 'text/xml' });
      res.end(
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code>' +
          '<Message>Not authorized to perform sts:AssumeRole</Message></Error><RequestId>r-1</RequestId></ErrorResponse>',
      );
      return true;
    });
    const settings = awsSettings({ users_account: { role_to_assume: ROLE } });
    const port = createAwsUsersAccount(settings, { ...motoEnv(moto.url), AWS_ENDPOINT_URL_STS: sts.url }, { sleep: noSleep });

    const error = await rejectionOf(port.readUsersAccount(settings.users_account.group));
    expect(error.code).toBe('access-denied');
    expect(error.message).toBe(`STS AssumeRole ${ROLE} failed: AccessDenied (HTTP 403): Not authorized to perform sts:AssumeRole`);
    expect(error.hint).toMatch(/trust policy must allow the caller/);
    expect(error.hint).toMatch(/role_to_assume/);
    expect(sts.seen).toContain('AssumeRole');
  });

  it('STS unreachable: the role and the endpoint', async () => {
    const sts = await closedPort();
    const settings = awsSettings({ users_account: { role_to_assume: ROLE } });
    const port = createAwsUsersAccount(settings, { ...motoEnv(moto.url), AWS_ENDPOINT_URL_STS: sts }, { sleep: noSleep });

    const error = await rejectionOf(port.readUsersAccount(settings.users_account.group));
    expect(error.code).toBe('aws-unreachable');
    expect(error.message).toBe(`STS AssumeRole ${ROLE} failed: no answer from ${sts} (ECONNREFUSED: the connection was refused; tried 6 times)`);
    expect(error.hint).toMatch(/AWS_ENDPOINT_URL/);
  });

  it('a member account role that cannot be assumed is named too (Organizations adapter)', async () => {
    const sts = await proxyToMoto((action, res) => {
      if (action !== 'AssumeRole') return false;
      res.writeHead(403, { 'content-type': 'text/xml' });
      res.end('<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>denied</Message></Error></ErrorResponse>');
      return true;
    });
    const settings = awsSettings();
    const org = createAwsOrganization(settings, { ...motoEnv(moto.url), AWS_ENDPOINT_URL_STS: sts.url }, { sleep: noSleep });
    const error = await rejectionOf(org.deleteRole('210987654321', 'bootstrap'));
    // A new account (or role) refuses AssumeRole for a while: apply retries it within a budget.
    expect(error.code).toBe('account-not-ready');
    expect(error.message).toContain('STS AssumeRole arn:aws:iam::210987654321:role/OrganizationAccountAccessRole failed: AccessDenied');
  });
});

describe('AWS failing again and again', () => {
  it('persistent HTTP 500: the operation, the attempts the SDK made, and "try again later"', async () => {
    const proxy = await proxyToMoto((action, res) => {
      if (action !== 'CreateUser') return false;
      res.writeHead(500);
      res.end();
      return true;
    });
    const port = createAwsUsersAccount(awsSettings(), motoEnv(proxy.url), { sleep: noSleep });

    const error = await rejectionOf(port.createUser(ANN, MANAGED));
    expect(error.code).toBe('aws-unavailable');
    expect(error.fault).toBe('system');
    expect(error.message).toBe(`AWS returned HTTP 500 to IAM CreateUser ${ANN} (tried 6 times); try again later`);
    expect(error.hint).toMatch(/safe to repeat/);
    expect(proxy.seen.filter((action) => action === 'CreateUser')).toHaveLength(6);
  });

  it('a 503 with an AWS error body keeps its code and message', async () => {
    const proxy = await proxyToMoto((action, res) => {
      if (action !== 'CreateUser') return false;
      res.writeHead(503, { 'content-type': 'text/xml' });
      res.end('<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>Service is unavailable</Message></Error></ErrorResponse>');
      return true;
    });
    const port = createAwsUsersAccount(awsSettings(), motoEnv(proxy.url), { sleep: noSleep });
    const error = await rejectionOf(port.createUser(ANN, MANAGED));
    expect(error.message).toBe(`AWS returned HTTP 503 (ServiceUnavailable: Service is unavailable) to IAM CreateUser ${ANN} (tried 6 times); try again later`);
  });
});

describe('network failures name the endpoint', () => {
  it('a connection reset after the request was sent', async () => {
    const proxy = await proxyToMoto((action, _res, req) => {
      if (action !== 'CreateUser') return false;
      req.socket.resetAndDestroy();
      return true;
    });
    const port = createAwsUsersAccount(awsSettings(), motoEnv(proxy.url), { sleep: noSleep });

    const error = await rejectionOf(port.createUser(ANN, MANAGED));
    expect(error.code).toBe('aws-unreachable');
    expect(error.message).toBe(`IAM CreateUser ${ANN} failed: no answer from ${proxy.url} (ECONNRESET: the connection was reset; tried 6 times)`);
    expect(error.message).not.toMatch(/TimeoutError/);
  });

  it('nothing listening', async () => {
    const url = await closedPort();
    const settings = awsSettings();
    const error = await rejectionOf(createAwsUsersAccount(settings, motoEnv(url), { sleep: noSleep }).readUsersAccount(settings.users_account.group));
    expect(error.code).toBe('aws-unreachable');
    expect(error.message).toMatch(new RegExp(`^IAM \\w+ failed: no answer from ${url} \\(ECONNREFUSED: the connection was refused; tried 6 times\\)$`));
  });

  it('an endpoint that never answers times out (clients have timeouts), named', async () => {
    const silent = createNetServer(() => {});
    const url = await listen(silent);
    const settings = awsSettings();
    // The production timeouts (TIMEOUTS in clients.ts) are a minute; this client waits 100 ms.
    const client = createIamClient(settings, motoEnv(url), { requestHandler: { connectionTimeout: 100, requestTimeout: 100, throwOnRequestTimeout: true } });
    const error: AppError = await rejectionOf(createAwsUsersAccount(settings, motoEnv(url), { client, sleep: noSleep }).createUser(ANN, MANAGED));
    expect(error.code).toBe('aws-unreachable');
    expect(error.message).toBe(`IAM CreateUser ${ANN} failed: no answer from ${url} (ETIMEDOUT: no answer in time; tried 6 times)`);
  });
});
