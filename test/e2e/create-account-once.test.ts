/**
 * Account creation exactly once, against moto: a proxy in front of moto's Organizations endpoint
 * passes CreateAccount on, lets moto process it, and then resets the connection instead of
 * answering. The SDK would retry that (a transient network error) and create a second account; the
 * adapter sends CreateAccount with one attempt only, then finds the request it made.
 */
import { request as httpRequest, createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsByName, organizationsClient, runCommand } from './support.ts';
import { useAwsE2e } from '../support/e2e.ts';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';

const e2e = useAwsE2e();

interface ResettingProxy {
  url: string;
  /** CreateAccount requests that reached moto (each one processed there). */
  createAccounts: number;
  close(): Promise<void>;
}

async function startResettingProxy(target: string): Promise<ResettingProxy> {
  const upstream = new URL(target);
  const state = { createAccounts: 0 };
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const isCreateAccount = String(req.headers['x-amz-target'] ?? '').endsWith('.CreateAccount');
      const forward = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => body.push(chunk));
          answer.on('end', () => {
            if (isCreateAccount) {
              // moto has created the account; the caller never hears of it.
              state.createAccounts += 1;
              req.socket.resetAndDestroy();
              return;
            }
            res.writeHead(answer.statusCode ?? 500, answer.headers);
            res.end(Buffer.concat(body));
          });
        },
      );
      forward.on('error', () => req.socket.destroy());
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    get createAccounts() {
      return state.createAccounts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('a connection reset after CreateAccount was processed', () => {
  let proxy: ResettingProxy | undefined;
  beforeAll(async () => {
    proxy = await startResettingProxy(e2e.moto.url);
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it('one run, one account per file: the request made is found and followed, never asked again', async () => {
    if (proxy === undefined) throw new Error('no proxy');
    const env = { ...e2e.env, AWS_ENDPOINT_URL_ORGANIZATIONS: proxy.url };
    const result = await runCommand(e2e.repo, env, 'apply', '--target', 'aws');
    expect(result.stderr).not.toContain('FAILED');
    expect(result.code).toBe(0);
    // The repository has two active account files: each asked for exactly once, each created once.
    expect(proxy.createAccounts).toBe(2);
    const org = organizationsClient(e2e.moto.url);
    const names = ((await org.send(new ListAccountsCommand({}))).Accounts ?? []).map((a) => a.Name);
    for (const name of ['govuk-platform-production', 'notify-staging']) expect(names.filter((n) => n === name)).toHaveLength(1);
    expect((await accountsByName(org)).get('govuk-platform-production')?.Status).toBe('ACTIVE');
    const again = await runCommand(e2e.repo, env, 'plan', '--target', 'aws');
    expect(again.stdout).toContain('No changes. The target matches the files.');
  }, 120_000);
});
