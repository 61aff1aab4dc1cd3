/**
 * Starts a real moto server (`moto_server`) on a free loopback port for one test file, so files can
 * run in parallel without resetting each other's state. Use in beforeAll/afterAll.
 *
 * Tests reach moto through a small recording proxy in this process (`url`): it forwards every
 * request and keeps the SES emails moto accepted, so reading sent mail costs nothing. (moto's own
 * record, GET /moto-api/data.json, dumps every backend: tens of MB and seconds per call once IAM's
 * managed policies are loaded, and it answers 500 after some IAM deletions.)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Agent, createServer as createHttpServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer } from 'node:net';

export const MOTO_INSTALL_HINT =
  'moto_server was not found on PATH. The AWS tests run against moto server; install it with\n' +
  '  pip install "moto[server]"\n' +
  '(or pipx install "moto[server]"), then run the tests again.';

let installed: boolean | undefined;

export function hasMotoServer(): boolean {
  installed ??= spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;
  return installed;
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
  /** The recording proxy in front of moto: point SDK clients here. */
  url: string;
  /** Clears every backend (POST /moto-api/reset) and the recorded emails. */
  reset(): Promise<void>;
  /** moto's view of its backends (GET /moto-api/data.json): slow, avoid. */
  data(): Promise<MotoData>;
  /** The SES messages moto accepted (SendEmail answered 200), in the order they were sent. */
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

/** A running moto_server process. */
interface MotoProcess {
  port: number;
  stop(): Promise<void>;
}

/** Starts moto_server on a free port and waits until it answers. */
async function spawnMoto(managedPolicies: boolean): Promise<MotoProcess> {
  if (!hasMotoServer()) throw new Error(MOTO_INSTALL_HINT);
  const port = await freePort();
  const motoUrl = `http://127.0.0.1:${port}`;
  const env = { ...process.env };
  if (managedPolicies) env['MOTO_IAM_LOAD_MANAGED_POLICIES'] = 'true';
  else delete env['MOTO_IAM_LOAD_MANAGED_POLICIES'];
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited early (${child.exitCode}):\n${stderr}`);
    try {
      const response = await fetch(`${motoUrl}/moto-api/reset`, { method: 'POST' });
      if (response.ok) break;
    } catch {
      // not listening yet: keep polling until the deadline
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not start on ${motoUrl} within 20 s:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/**
 * Set by the test run's global set-up (startMotoBroker): where test files borrow moto servers, so
 * the next file reuses a server (reset) instead of starting its own.
 */
const BROKER_ENV = 'AAC_MOTO_BROKER';

/**
 * A moto server for the caller alone until stop(): borrowed from the test run's broker when there
 * is one (and reset), else started. `managedPolicies` defaults to MOTO_IAM_LOAD_MANAGED_POLICIES.
 */
export async function startMoto(options: MotoOptions = {}): Promise<MotoServer> {
  const managed = options.managedPolicies ?? process.env['MOTO_IAM_LOAD_MANAGED_POLICIES'] === 'true';
  const broker = process.env[BROKER_ENV];
  let port: number;
  let release: () => Promise<void>;
  if (broker === undefined) {
    const moto = await spawnMoto(managed);
    port = moto.port;
    release = () => moto.stop();
  } else {
    const response = await fetch(`${broker}/borrow?managed=${managed}`, { method: 'POST' });
    if (!response.ok) throw new Error(`the moto broker could not lend a server: ${await response.text()}`);
    port = Number(await response.text());
    await fetch(`http://127.0.0.1:${port}/moto-api/reset`, { method: 'POST' });
    release = async () => void (await fetch(`${broker}/return?port=${port}`, { method: 'POST' }));
  }
  const motoUrl = `http://127.0.0.1:${port}`;
  const data = async (): Promise<MotoData> => {
    const response = await fetch(`${motoUrl}/moto-api/data.json`);
    if (!response.ok) throw new Error(`moto data.json answered ${response.status}`);
    return (await response.json()) as MotoData;
  };
  const proxy = await startRecordingProxy(port);
  let stopped = false;
  return {
    url: proxy.url,
    data,
    async reset() {
      await fetch(`${motoUrl}/moto-api/reset`, { method: 'POST' });
      proxy.emails.length = 0;
    },
    async sentEmails() {
      return [...proxy.emails];
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await proxy.close();
      await release();
    },
  };
}

/**
 * For the global set-up: lends idle moto servers (one kind with AWS managed policies, one without)
 * to test files, one borrower at a time, starting one only when none is idle. Test files then no
 * longer pay a moto start-up each.
 */
export async function startMotoBroker(): Promise<{ stop(): Promise<void> }> {
  const all: MotoProcess[] = [];
  const idle = new Map<boolean, MotoProcess[]>([
    [true, []],
    [false, []],
  ]);
  const kindOf = new Map<number, boolean>();
  const server = createHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://broker');
    void (async () => {
      if (url.pathname === '/borrow') {
        const managed = url.searchParams.get('managed') === 'true';
        let moto = idle.get(managed)?.pop();
        if (moto === undefined) {
          moto = await spawnMoto(managed);
          all.push(moto);
          kindOf.set(moto.port, managed);
        }
        res.end(String(moto.port));
      } else if (url.pathname === '/return') {
        const port = Number(url.searchParams.get('port'));
        const moto = all.find((m) => m.port === port);
        if (moto !== undefined) idle.get(kindOf.get(port) ?? false)?.push(moto);
        res.end('ok');
      } else {
        res.statusCode = 404;
        res.end();
      }
    })().catch((error: unknown) => {
      res.statusCode = 500;
      res.end(error instanceof Error ? error.message : String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  process.env[BROKER_ENV] = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    async stop() {
      delete process.env[BROKER_ENV];
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await Promise.all(all.map((m) => m.stop()));
    },
  };
}

/** A loopback proxy to moto on `port` that records the emails SES SendEmail accepted. */
async function startRecordingProxy(port: number): Promise<{ url: string; emails: MotoEmail[]; close(): Promise<void> }> {
  const emails: MotoEmail[] = [];
  const agent = new Agent({ keepAlive: true });
  const server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const forward = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
        if (answer.statusCode === 200 && req.method === 'POST') recordEmail(body.toString('utf8'), emails);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const proxyPort = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${proxyPort}`,
    emails,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** SES v1 SendEmail is a form-encoded query request: Source, Destination.*.member.N, Message.*.Data. */
function recordEmail(body: string, emails: MotoEmail[]): void {
  if (!body.includes('Action=SendEmail')) return;
  const form = new URLSearchParams(body);
  if (form.get('Action') !== 'SendEmail') return;
  const list = (name: string): string[] => {
    const values: string[] = [];
    for (let i = 1; form.has(`Destination.${name}.member.${i}`); i++) values.push(form.get(`Destination.${name}.member.${i}`) ?? '');
    return values;
  };
  emails.push({
    source: form.get('Source') ?? '',
    destinations: { ToAddresses: list('ToAddresses'), CcAddresses: list('CcAddresses'), BccAddresses: list('BccAddresses') },
    subject: form.get('Message.Subject.Data') ?? '',
    body: form.get('Message.Body.Text.Data') ?? form.get('Message.Body.Html.Data') ?? '',
  });
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
