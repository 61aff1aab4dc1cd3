/**
 * `npm run bench`: how the tool behaves at scale, measured (never asserted in a timed test).
 *
 * 1. Pure work on a synthetic repository (5,000 users, 500 accounts): loading and validating the
 *    files, computing the plan (against nothing, and against itself), rendering it.
 * 2. AWS requests: `plan --target aws` for 1,000 existing users, through a counting proxy in front of
 *    moto server, by operation. (Skipped, with a message, when moto_server is not installed.)
 *
 * Figures go to stdout as a Markdown table; bench/RESULTS.md keeps the ones from a recorded run.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import pLimit from 'p-limit';
import { runCli } from '../src/cli/main.ts';
import { fsSource } from '../src/config/fs-source.ts';
import { loadDesiredState } from '../src/config/load.ts';
import { liveStateFromDesired } from '../src/core/base-ref.ts';
import { computePlan } from '../src/core/plan.ts';
import { renderPlanJson } from '../src/render/plan-json.ts';
import { renderPlanMarkdown } from '../src/render/plan-markdown.ts';
import { renderPlanText } from '../src/render/plan-text.ts';
import { hasMotoServer, motoEnv, startMoto } from '../test/support/moto.ts';

const ROOT = join(import.meta.dirname, '..');
const TODAY = new Date().toISOString().slice(0, 10);
const rows: string[][] = [];

function record(what: string, value: string): void {
  rows.push([what, value]);
  process.stderr.write(`${what}: ${value}\n`);
}

async function time<T>(runs: number, fn: () => Promise<T> | T): Promise<{ median: number; result: T }> {
  const times: number[] = [];
  let result!: T;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    result = await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)] ?? 0, result };
}

const userFile = (i: number) => `# yaml-language-server: $schema=../schema/user.schema.json
email: person.${i}@digital.cabinet-office.gov.uk
name: Person ${i}
team: team-${i % 40}
requested_by: lead.${i % 40}@digital.cabinet-office.gov.uk
reason: Synthetic user for the benchmark
`;

const accountFile = (i: number) => `# yaml-language-server: $schema=../schema/account.schema.json
name: bench-account-${i}
description: Synthetic account for the benchmark.
organizational_unit: /Workloads/Production
team:
  name: Team ${i % 40}
  email: team-${i % 40}@digital.cabinet-office.gov.uk
requested_by: person.${i}@digital.cabinet-office.gov.uk
billing:
  cost_centre: "${10000 + i}"
  business_unit: GOV.UK
bootstrap:
  users:
    - person.${i}@digital.cabinet-office.gov.uk
    - person.${i + 1}@digital.cabinet-office.gov.uk
state: active
`;

async function syntheticRepo(users: number, accounts: number, settings?: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aac-bench-'));
  await cp(join(ROOT, 'schema'), join(dir, 'schema'), { recursive: true });
  await cp(join(ROOT, 'CODEOWNERS'), join(dir, 'CODEOWNERS'));
  await writeFile(join(dir, 'settings.yaml'), settings ?? (await readFile(join(ROOT, 'settings.yaml'), 'utf8')));
  await mkdir(join(dir, 'users'));
  await mkdir(join(dir, 'accounts'));
  for (let i = 0; i < users; i++) await writeFile(join(dir, 'users', `person.${i}@digital.cabinet-office.gov.uk.yaml`), userFile(i));
  for (let i = 0; i < accounts; i++) await writeFile(join(dir, 'accounts', `bench-account-${i}.yaml`), accountFile(i));
  return dir;
}

async function pureBenchmarks(): Promise<void> {
  const users = 5000;
  const accounts = 500;
  const dir = await syntheticRepo(users, accounts);
  try {
    const loaded = await time(3, () => loadDesiredState(fsSource(dir), { today: TODAY }));
    const desired = loaded.result.desired;
    if (!desired) throw new Error(`synthetic repository is invalid: ${JSON.stringify(loaded.result.problems.slice(0, 3))}`);
    record(`load + validate ${users} users, ${accounts} accounts (median of 3)`, `${loaded.median.toFixed(0)} ms`);

    const empty = liveStateFromDesired({ ...desired, users: new Map(), accounts: new Map() }, 'empty');
    const fromNothing = await time(5, () => computePlan(desired, empty));
    record(`computePlan against an empty target (${fromNothing.result.changes.length} changes)`, `${fromNothing.median.toFixed(1)} ms`);
    const self = liveStateFromDesired(desired, 'HEAD');
    const noChanges = await time(5, () => computePlan(desired, self));
    record(`computePlan against itself (${noChanges.result.changes.length} changes)`, `${noChanges.median.toFixed(1)} ms`);

    const plan = fromNothing.result;
    const text = await time(5, () => renderPlanText(plan, { color: false }));
    record(`render text (${(text.result.length / 1024).toFixed(0)} KiB)`, `${text.median.toFixed(1)} ms`);
    const markdown = await time(5, () => renderPlanMarkdown(plan, {}));
    record(`render Markdown, cut to the PR comment limit (${markdown.result.length} characters)`, `${markdown.median.toFixed(1)} ms`);
    const json = await time(5, () => renderPlanJson(plan));
    record(`render JSON (${(json.result.length / 1024).toFixed(0)} KiB)`, `${json.median.toFixed(1)} ms`);
    record('heap used after the pure benchmarks', `${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A loopback proxy that forwards to moto and counts requests by AWS operation. */
async function countingProxy(target: string): Promise<{ url: string; counts: Map<string, number>; close: () => Promise<void> }> {
  const counts = new Map<string, number>();
  const upstream = new URL(target);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const action =
        (req.headers['x-amz-target'] as string | undefined)?.split('.').pop() ??
        new URLSearchParams(body.toString()).get('Action') ??
        `${req.method} ${req.url}`;
      counts.set(action, (counts.get(action) ?? 0) + 1);
      const forward = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, counts, close: () => new Promise((r) => server.close(() => r())) };
}

async function awsRequestCount(): Promise<void> {
  if (!hasMotoServer()) {
    record('AWS requests for a plan of 1,000 users', 'skipped: moto_server is not installed (pip install "moto[server]")');
    return;
  }
  const users = 1000;
  const moto = await startMoto();
  const env = motoEnv(moto.url);
  // One moto account for everything: no organization roles to assume.
  const settings = (await readFile(join(ROOT, 'settings.yaml'), 'utf8'))
    .replace(/^ {2}# Apply writes through role_to_assume[\s\S]*?reader_trusted_role_arns:\n(?: {4}- .*\n)+/m, '')
    .replace(/id: "\d{12}"/, 'id: "123456789012"')
    .replace(/management_account_id: "\d{12}"/, 'management_account_id: "123456789012"');
  const dir = await syntheticRepo(users, 0, settings);
  try {
    const config = { region: 'us-east-1', endpoint: moto.url, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
    await new OrganizationsClient(config).send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const iam = new IAMClient(config);
    const limit = pLimit(16);
    await Promise.all(
      Array.from({ length: users }, (_, i) =>
        limit(() => iam.send(new CreateUserCommand({ UserName: `person.${i}@digital.cabinet-office.gov.uk`, Tags: [{ Key: 'managed-by', Value: 'aws-access-as-code' }] }))),
      ),
    );
    const proxy = await countingProxy(moto.url);
    let out = '';
    let err = '';
    const start = performance.now();
    const code = await runCli('plan', {
      args: ['--target', 'aws', '--json'],
      cwd: dir,
      env: { ...env, AWS_ENDPOINT_URL: proxy.url },
      stdout: { write: (t) => void (out += t), isTTY: false },
      stderr: { write: (t) => void (err += t), isTTY: false },
      today: TODAY,
    });
    const elapsed = performance.now() - start;
    await proxy.close();
    if (code !== 0) throw new Error(`plan --target aws exited ${code}:\n${err}`);
    const total = [...proxy.counts.values()].reduce((a, b) => a + b, 0);
    const byOperation = [...proxy.counts.entries()].sort().map(([op, n]) => `${op} ${n}`).join(', ');
    record(`AWS requests for plan --target aws with ${users} users (against moto)`, `${total} (${byOperation})`);
    record(`plan --target aws with ${users} users, wall time against moto`, `${elapsed.toFixed(0)} ms`);
  } finally {
    await moto.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await pureBenchmarks();
await awsRequestCount();
process.stdout.write(`\n| measurement | figure |\n| --- | --- |\n${rows.map(([a, b]) => `| ${a} | ${b} |`).join('\n')}\n`);
