/**
 * Starts a real moto server (`moto_server`) on a free loopback port for one test file, so files can
 * run in parallel without resetting each other's state. Use in beforeAll/afterAll.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export const MOTO_INSTALL_HINT =
  'moto_server was not found on PATH. The AWS tests run against moto server; install it with\n' +
  '  pip install "moto[server]"\n' +
  '(or pipx install "moto[server]"), then run the tests again.';

export function hasMotoServer(): boolean {
  return spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface MotoServer {
  url: string;
  /** Clears every backend (POST /moto-api/reset). */
  reset(): Promise<void>;
  /** moto's view of its backends (GET /moto-api/data.json). */
  data(): Promise<MotoData>;
  /** Sent SES messages, as moto records them. */
  sentEmails(): Promise<MotoEmail[]>;
  stop(): Promise<void>;
}

export interface MotoEmail {
  source: string;
  destinations: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  subject: string;
  body: string;
}

export type MotoData = Record<string, Record<string, unknown[]>>;

export interface MotoOptions {
  /** AWS managed policies (AdministratorAccess …) in every account's IAM: moto loads them only when asked. */
  managedPolicies?: boolean;
}

export async function startMoto(options: MotoOptions = {}): Promise<MotoServer> {
  if (!hasMotoServer()) throw new Error(MOTO_INSTALL_HINT);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(options.managedPolicies ? { env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' } } : {}),
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited early (${child.exitCode}):\n${stderr}`);
    try {
      const response = await fetch(`${url}/moto-api/data.json`);
      if (response.ok) break;
    } catch {
      // not listening yet: keep polling until the deadline
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not start on ${url} within 20 s:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const data = async (): Promise<MotoData> => {
    const response = await fetch(`${url}/moto-api/data.json`);
    if (!response.ok) throw new Error(`moto data.json answered ${response.status}`);
    return (await response.json()) as MotoData;
  };
  return {
    url,
    data,
    async reset() {
      await fetch(`${url}/moto-api/reset`, { method: 'POST' });
    },
    async sentEmails() {
      const all = await data();
      return (all['ses']?.['Message'] ?? []) as MotoEmail[];
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** Environment for SDK clients pointed at moto: dummy credentials, no real AWS reachable. */
export function motoEnv(url: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: url,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
  };
}
