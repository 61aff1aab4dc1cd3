/**
 * Starts a real moto server (test/support/moto-install.ts finds or installs it) on a free loopback port for one test file, so files can
 * run in parallel without resetting each other's state. Use in beforeAll/afterAll.
 *
 * Tests reach moto through a small recording proxy in this process (`url`): it forwards every
 * request and keeps the SES emails moto accepted, so reading sent mail costs nothing. (moto's own
 * record, GET /moto-api/data.json, dumps every backend: tens of MB and seconds per call once IAM's
 * managed policies are loaded, and it answers 500 after some IAM deletions.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, createServer as createHttpServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer } from 'node:net';
import { ensureMotoServer } from './moto-install.ts';

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
  /**
   * From now on, moto authenticates and authorises every request with the IAM policies of its
   * caller (POST /moto-api/reset-auth 0). Only on a server started with `iamAuthorization`.
   */
  enforceIam(): Promise<void>;
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
  /**
   * A server of its own (never a shared one) started with INITIAL_NO_AUTH_ACTION_COUNT set, so IAM
   * authorisation can be switched on with enforceIam() once the set-up is done (moto's
   * docs/docs/iam.rst). Until then every request is allowed, as without it.
   */
  iamAuthorization?: boolean;
}

/** A running moto server process. */
interface MotoProcess {
  port: number;
  stop(): Promise<void>;
}

/** Starts moto server on a free port and waits until it answers. */
async function spawnMoto(managedPolicies: boolean, iamAuthorization = false): Promise<MotoProcess> {
  const moto = ensureMotoServer();
  const port = await freePort();
  const motoUrl = `http://127.0.0.1:${port}`;
  const env = { ...process.env };
  if (managedPolicies) env['MOTO_IAM_LOAD_MANAGED_POLICIES'] = 'true';
  else delete env['MOTO_IAM_LOAD_MANAGED_POLICIES'];
  // moto counts requests and authorises from this many on; enforceIam() sets it to 0 when the
  // set-up is done. Never inherited: a shared server must not enforce by accident.
  if (iamAuthorization) env['INITIAL_NO_AUTH_ACTION_COUNT'] = '1000000000';
  else delete env['INITIAL_NO_AUTH_ACTION_COUNT'];
  const child: ChildProcess = spawn(moto.program, [...moto.args, '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto server (${moto.source}) exited early (${child.exitCode}):\n${stderr}`);
    try {
      const response = await fetch(`${motoUrl}/moto-api/reset`, { method: 'POST' });
      if (response.ok) break;
    } catch {
      // not listening yet: keep polling until the deadline
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto server (${moto.source}) did not start on ${motoUrl} within 20 s:\n${stderr}`);
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
 * is one (in a clean state), else started. `managedPolicies` defaults to MOTO_IAM_LOAD_MANAGED_POLICIES.
 */
export async function startMoto(options: MotoOptions = {}): Promise<MotoServer> {
  const managed = options.managedPolicies ?? process.env['MOTO_IAM_LOAD_MANAGED_POLICIES'] === 'true';
  const broker = options.iamAuthorization === true ? undefined : process.env[BROKER_ENV];
  let port: number;
  let release: () => Promise<void>;
  if (broker === undefined) {
    const moto = await spawnMoto(managed, options.iamAuthorization === true);
    port = moto.port;
    release = () => moto.stop();
  } else {
    const response = await fetch(`${broker}/borrow?managed=${managed}`, { method: 'POST' });
    if (!response.ok) throw new Error(`the moto broker could not lend a server: ${await response.text()}`);
    port = Number(await response.text());
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
    async enforceIam() {
      if (options.iamAuthorization !== true) throw new Error('enforceIam() needs a server started with iamAuthorization');
      const response = await fetch(`${motoUrl}/moto-api/reset-auth`, { method: 'POST', body: '0' });
      if (!response.ok) throw new Error(`moto reset-auth answered ${response.status}`);
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
 * For the global set-up: lends moto servers to test files, one borrower at a time, each in a clean
 * state, so that test files no longer pay a moto start-up each.
 *
 * - Without AWS managed policies, a returned server is reset (POST /moto-api/reset, milliseconds)
 *   and lent again.
 * - With them, a returned server is stopped and the next borrower gets a new one, started ahead
 *   (one spare at a time). moto's reset rebuilds every backend it holds before dropping it, and
 *   with managed policies each account's IAM backend parses and builds all ~1,500 AWS managed
 *   policies again (about 0.2 s of CPU per account and partition): a reset after an end-to-end
 *   file cost 3 to 7 s of CPU, a new server costs about 0.7 s.
 */
export async function startMotoBroker(): Promise<{ stop(): Promise<void> }> {
  const all: Promise<MotoProcess>[] = [];
  const lent = new Map<number, { moto: MotoProcess; managed: boolean }>();
  const idle = new Map<boolean, Promise<MotoProcess>[]>([
    [true, []],
    [false, []],
  ]);
  let stopping = false;
  const start = (managed: boolean): Promise<MotoProcess> => {
    const starting = spawnMoto(managed);
    all.push(starting);
    starting.catch(() => undefined); // the borrower that awaits it reports the failure
    return starting;
  };
  /** One idle server of each kind, started ahead, so a borrower seldom waits for moto to start. */
  const spare = (managed: boolean): void => {
    const pool = idle.get(managed) ?? [];
    if (!stopping && pool.length === 0) pool.push(start(managed));
  };
  const retire = (moto: MotoProcess): void => void moto.stop();
  const server = createHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://broker');
    void (async () => {
      if (url.pathname === '/borrow') {
        const managed = url.searchParams.get('managed') === 'true';
        const moto = await (idle.get(managed)?.shift() ?? start(managed));
        lent.set(moto.port, { moto, managed });
        if (managed) spare(true);
        res.end(String(moto.port));
      } else if (url.pathname === '/return') {
        const port = Number(url.searchParams.get('port'));
        const loan = lent.get(port);
        lent.delete(port);
        if (loan?.managed === true) retire(loan.moto);
        else if (loan !== undefined) {
          const reset = await fetch(`http://127.0.0.1:${port}/moto-api/reset`, { method: 'POST' }).catch(() => undefined);
          if (reset?.ok === true) idle.get(false)?.push(Promise.resolve(loan.moto));
          else retire(loan.moto);
        }
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
  // The first test files need both kinds: start one of each while vitest collects them.
  spare(true);
  spare(false);
  return {
    async stop() {
      stopping = true;
      delete process.env[BROKER_ENV];
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await Promise.all(all.map((p) => p.then((m) => m.stop(), () => undefined)));
    },
  };
}

/** The access key id a SigV4 request is signed with (`Credential=<key>/<date>/…` in Authorization). */
function accessKeyOf(req: IncomingMessage): string | undefined {
  return /Credential=([^/,\s]+)\//.exec(req.headers.authorization ?? '')?.[1];
}

/**
 * A loopback proxy to moto on `port` that records the emails SES SendEmail accepted, and tells
 * moto which account each request is for (below).
 *
 * moto finds a request's account from its access key by looking for the key in every account it
 * knows, one IAM backend per partition (six), creating each backend it looks in; with AWS managed
 * policies loaded, each new backend parses ~1,500 policies (about 0.2 s of CPU). Every request
 * signed with the dummy key (never found) so cost about a second of CPU per account in the
 * Organization, and most of moto's time in the end-to-end files. moto skips the search when the
 * request names its account in the `x-moto-account-id` header (moto's documented multi-account
 * header), so the proxy adds it for the keys whose account it knows, the same account moto's search
 * would find: the dummy key lands in moto's default account, and a key AssumeRole returned in the
 * account of the role assumed (moto creates it there). Any other key is left to moto's search.
 */
async function startRecordingProxy(port: number): Promise<{ url: string; emails: MotoEmail[]; close(): Promise<void> }> {
  const emails: MotoEmail[] = [];
  const accountOfKey = new Map<string, string>([[MOTO_DUMMY_ACCESS_KEY, MOTO_DEFAULT_ACCOUNT]]);
  const agent = new Agent({ keepAlive: true });
  const server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = req.method === 'POST' ? body.toString('utf8') : '';
      const callerAccount = accountOfKey.get(accessKeyOf(req) ?? '');
      const forwarded = callerAccount === undefined ? req.headers : { ...req.headers, 'x-moto-account-id': callerAccount };
      if (/(?:^|&)Action=ListServiceSpecificCredentials(?:&|$)/.test(text)) {
        answerNoServiceSpecificCredentials(res);
        return;
      }
      const form = text.includes('AssumeRole') ? new URLSearchParams(text) : undefined;
      const assumed = form?.get('Action') === 'AssumeRole' ? form.get('RoleArn') : null;
      const forward = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: forwarded, agent }, (answer) => {
        if (answer.statusCode === 200 && text !== '') recordEmail(text, emails);
        // moto (werkzeug) closes every connection (`Connection: close`); the proxy's own clients keep
        // theirs open instead of connecting again for every request.
        const { connection: _connection, 'keep-alive': _keepAlive, ...headers } = answer.headers;
        if (answer.statusCode === 403 && req.headers['x-amz-target'] !== undefined) {
          answerAccessDeniedAsJson(answer, res);
          return;
        }
        res.writeHead(answer.statusCode ?? 502, headers);
        if (assumed === null || answer.statusCode !== 200) {
          answer.pipe(res);
          return;
        }
        // AssumeRole: moto creates the key in the role's account (or, for an ARN without one, the caller's).
        const reply: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => reply.push(chunk));
        answer.on('end', () => {
          const xml = Buffer.concat(reply);
          const key = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(xml.toString('utf8'))?.[1];
          const account = /^arn:[^:]+:iam::(\d+):/.exec(assumed)?.[1] ?? callerAccount;
          if (key !== undefined && account !== undefined) accountOfKey.set(key, account);
          res.end(xml);
        });
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

/**
 * moto 5.2.1 does not implement IAM's ListServiceSpecificCredentials (it answers HTTP 500 with an
 * HTML page). In moto no user can hold such a credential, so the proxy answers as AWS does for a user
 * without any: an empty list
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListServiceSpecificCredentials.html).
 */
function answerNoServiceSpecificCredentials(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/xml' });
  res.end(
    '<ListServiceSpecificCredentialsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">' +
      '<ListServiceSpecificCredentialsResult><ServiceSpecificCredentials/><IsTruncated>false</IsTruncated></ListServiceSpecificCredentialsResult>' +
      '<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>' +
      '</ListServiceSpecificCredentialsResponse>',
  );
}

/**
 * With IAM authorisation on, moto refuses a request of a JSON-protocol service (Organizations:
 * X-Amz-Target) with the XML error body of its query services, which the SDK cannot parse. AWS
 * answers HTTP 400 with `{"__type": "AccessDeniedException", "Message": ...}` (Organizations API
 * reference, Common Errors): the proxy gives moto's refusal that shape.
 */
function answerAccessDeniedAsJson(answer: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  answer.on('data', (chunk: Buffer) => chunks.push(chunk));
  answer.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
    const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? '';
    if (code !== 'AccessDenied') {
      res.writeHead(403, { 'content-type': answer.headers['content-type'] ?? 'text/xml' });
      res.end(text);
      return;
    }
    res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify({ __type: 'AccessDeniedException', Message: message }));
  });
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

/** The access key of motoEnv(): moto knows no such key, so it serves it in its default account. */
const MOTO_DUMMY_ACCESS_KEY = 'testing';
const MOTO_DEFAULT_ACCOUNT = '123456789012';

/** Environment for SDK clients pointed at moto: dummy credentials, no real AWS reachable. */
export function motoEnv(url: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: url,
    AWS_ACCESS_KEY_ID: MOTO_DUMMY_ACCESS_KEY,
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
  };
}
