/**
 * `npm run bench [-- --before <dir>] [-- --only validate,startup,apply,plan,tests,pure]`: how the
 * tool behaves at scale, measured (never asserted in a timed test), each figure beside its goal.
 *
 * - validate: `validate` (the compiled CLI, every rule) on 10,000 users and 1,000 accounts against
 *   ajv-cli checking the 10,000 user files against the schema alone; peak memory at 50,000 users.
 * - startup: CPU of `validate` on the repository's own files against `node -e 0`.
 * - apply: 1,000 new users applied to moto, then again with 10% of IAM requests answered
 *   `400 Throttling` by a proxy: time, failures, requests, emails.
 * - plan: AWS requests of `plan --target aws` per member account (10 accounts against none).
 * - tests: `npm test` as its script runs it (tsc --noEmit, then vitest run): wall and CPU time of
 *   each part, and the slowest test files.
 * - pure: loading, planning and rendering in-process (5,000 users, 500 accounts).
 * - pr: the trusted pull request path (pr-plan.yml): install from a warm npm cache, build, then
 *   validate and plan a pull request's commit read from git objects, and render the comment.
 *
 * `--before <dir>`: a checkout of other code (e.g. `git worktree add /tmp/before main`, with
 * node_modules) measured the same way in the same run, through its TypeScript CLI (tsx), for
 * figures before and after. Figures go to stdout as a Markdown table; bench/RESULTS.md keeps a run.
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { SESClient, VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { buildCli } from '../scripts/build.ts';
import { fsSource } from '../src/config/fs-source.ts';
import { loadDesiredState } from '../src/config/load.ts';
import { liveStateFromDesired } from '../src/core/base-ref.ts';
import { computePlan } from '../src/core/plan.ts';
import { renderPlanJson } from '../src/render/plan-json.ts';
import { renderPlanMarkdown } from '../src/render/plan-markdown.ts';
import { renderPlanText } from '../src/render/plan-text.ts';
import { hasMotoServer, motoEnv, startMoto, type MotoServer } from '../test/support/moto.ts';
import { createMotoOrganization } from '../test/support/moto-organization.ts';
import { startBenchProxy } from './proxy.ts';

const ROOT = join(import.meta.dirname, '..');
const TODAY = new Date().toISOString().slice(0, 10);
const SECTIONS = ['validate', 'startup', 'apply', 'plan', 'tests', 'pure', 'pr'] as const;
type Section = (typeof SECTIONS)[number];

const { values: flags } = parseArgs({ options: { before: { type: 'string' }, only: { type: 'string' } } });
const BEFORE = flags.before === undefined ? undefined : resolve(flags.before);
const only = new Set((flags.only ?? SECTIONS.join(',')).split(',') as Section[]);

interface Row {
  what: string;
  before: string;
  after: string;
  goal: string;
  met: string;
}
const rows: Row[] = [];

function record(what: string, figures: { before?: string; after: string; goal?: string; met?: boolean }): void {
  const row = {
    what,
    before: figures.before ?? (BEFORE === undefined ? 'not measured' : '–'),
    after: figures.after,
    goal: figures.goal ?? '',
    met: figures.met === undefined ? '' : figures.met ? 'yes' : 'NO',
  };
  rows.push(row);
  process.stderr.write(`${what}: before ${row.before} | after ${row.after} | goal ${row.goal} ${row.met}\n`);
}

// ---- processes -------------------------------------------------------------------------------

interface Measured {
  code: number;
  wallS: number;
  cpuS: number;
  maxRssMiB: number;
  stdout: string;
  stderr: string;
}

/** Runs a command under /usr/bin/time: wall and CPU seconds, peak resident memory. */
async function measure(command: string, args: string[], options: { cwd: string; env?: Record<string, string | undefined> }): Promise<Measured> {
  const dir = await mkdtemp(join(tmpdir(), 'aac-time-'));
  const timeFile = join(dir, 'time');
  const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', '-o', timeFile, command, ...args], {
    cwd: options.cwd,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => void (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => void (stderr += c.toString()));
  const code = await new Promise<number>((r) => child.on('close', (c) => r(c ?? 1)));
  const [wall = 0, user = 0, sys = 0, rssKb = 0] = (await readFile(timeFile, 'utf8')).trim().split('\n').pop()?.split(' ').map(Number) ?? [];
  await rm(dir, { recursive: true, force: true });
  return { code, wallS: wall, cpuS: user + sys, maxRssMiB: rssKb / 1024, stdout, stderr };
}

/** The CLI of this checkout (compiled) or of the --before checkout (its TypeScript, through tsx). */
function cli(which: 'after' | 'before'): { command: string; args: string[] } {
  if (which === 'after') return { command: process.execPath, args: [join(ROOT, 'dist', 'cli.js')] };
  const before = BEFORE ?? '';
  return { command: join(before, 'node_modules', '.bin', 'tsx'), args: [join(before, 'src', 'cli', 'main.ts')] };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const s = (x: number) => `${x.toFixed(2)} s`;

// ---- synthetic data ----------------------------------------------------------------------------

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

/** settings.yaml with moto's one account as users and management account (no roles to assume). */
async function motoSettings(): Promise<string> {
  return (await readFile(join(ROOT, 'settings.yaml'), 'utf8'))
    .replace(/^ {2}# Apply writes through role_to_assume[\s\S]*?reader_trusted_role_arns:\n(?: {4}- .*\n)+/m, '')
    .replace(/id: "\d{12}"/, 'id: "123456789012"')
    .replace(/management_account_id: "\d{12}"/, 'management_account_id: "123456789012"');
}

// ---- 1. validate -------------------------------------------------------------------------------

async function validateBenchmarks(): Promise<void> {
  const dir = await syntheticRepo(10_000, 1_000);
  try {
    const ajv = join(ROOT, 'node_modules', '.bin', 'ajv');
    const ajvArgs = ['validate', '-s', 'schema/user.schema.json', '-d', 'users/*.yaml', '-c', 'ajv-formats', '--all-errors'];
    const ajvRuns: Measured[] = [];
    const ours: Measured[] = [];
    for (let round = 0; round < 3; round++) {
      ajvRuns.push(await measure(ajv, ajvArgs, { cwd: dir }));
      const after = cli('after');
      ours.push(await measure(after.command, [...after.args, 'validate'], { cwd: dir }));
    }
    for (const run of [...ajvRuns, ...ours]) if (run.code !== 0) throw new Error(`validate failed:\n${run.stderr.slice(-2000)}`);
    let before: Measured | undefined;
    if (BEFORE !== undefined) {
      const b = cli('before');
      before = await measure(b.command, [...b.args, 'validate'], { cwd: dir });
    }
    const ajvWall = median(ajvRuns.map((r) => r.wallS));
    const oursWall = median(ours.map((r) => r.wallS));
    record('ajv-cli, 10,000 user files against the user schema alone (wall, median of 3)', { after: s(ajvWall) });
    record('validate, 10,000 users + 1,000 accounts, every rule (wall, median of 3; before: 1 run)', {
      ...(before ? { before: s(before.wallS) } : {}),
      after: s(oursWall),
    });
    record('validate ÷ ajv-cli, wall time (same run)', {
      ...(before ? { before: (before.wallS / ajvWall).toFixed(2) } : {}),
      after: (oursWall / ajvWall).toFixed(2),
      goal: '≤ 1.0',
      met: oursWall / ajvWall <= 1,
    });
    const ajvCpu = median(ajvRuns.map((r) => r.cpuS));
    const oursCpu = median(ours.map((r) => r.cpuS));
    record('validate ÷ ajv-cli, CPU time (user + system, same run)', {
      ...(before ? { before: (before.cpuS / ajvCpu).toFixed(2) } : {}),
      after: (oursCpu / ajvCpu).toFixed(2),
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  const big = await syntheticRepo(50_000, 0);
  try {
    const after = cli('after');
    const ours = await measure(after.command, [...after.args, 'validate'], { cwd: big });
    if (ours.code !== 0) throw new Error(`validate of 50,000 users failed:\n${ours.stderr.slice(-2000)}`);
    let before: Measured | undefined;
    if (BEFORE !== undefined) {
      const b = cli('before');
      before = await measure(b.command, [...b.args, 'validate'], { cwd: big });
    }
    record('validate, 50,000 users: peak resident memory', {
      ...(before ? { before: `${before.maxRssMiB.toFixed(0)} MiB` } : {}),
      after: `${ours.maxRssMiB.toFixed(0)} MiB`,
      goal: '< 150 MiB',
      met: ours.maxRssMiB < 150,
    });
    record('validate, 50,000 users: wall time', { ...(before ? { before: s(before.wallS) } : {}), after: s(ours.wallS) });
  } finally {
    await rm(big, { recursive: true, force: true });
  }
}

// ---- 2. startup --------------------------------------------------------------------------------

async function startupBenchmarks(): Promise<void> {
  const bare: number[] = [];
  const ours: number[] = [];
  const before: number[] = [];
  const after = cli('after');
  for (let round = 0; round < 7; round++) {
    bare.push((await measure(process.execPath, ['-e', '0'], { cwd: ROOT })).cpuS);
    const run = await measure(after.command, [...after.args, 'validate'], { cwd: ROOT });
    if (run.code !== 0) throw new Error(`validate failed:\n${run.stderr}`);
    ours.push(run.cpuS);
    if (BEFORE !== undefined && round < 3) {
      const b = cli('before');
      before.push((await measure(b.command, [...b.args, 'validate'], { cwd: BEFORE })).cpuS);
    }
  }
  const base = median(bare);
  record('node -e 0, CPU (median of 7)', { after: s(base) });
  record("validate on the repository's files, CPU ÷ node -e 0 (medians; before: tsx, 3 runs)", {
    ...(before.length > 0 ? { before: (median(before) / base).toFixed(1) } : {}),
    after: (median(ours) / base).toFixed(1),
    goal: '≤ 3',
    met: median(ours) / base <= 3,
  });
}

// ---- 3. apply under throttling -----------------------------------------------------------------

async function prepareMoto(moto: MotoServer, ouPaths: readonly string[]): Promise<void> {
  await moto.reset();
  const config = { region: 'us-east-1', endpoint: moto.url, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  await createMotoOrganization(moto.url, ouPaths);
  const settings = await motoSettings();
  const sender = /^\s*sender:\s*"?([^"\s]+)"?/m.exec(settings)?.[1] ?? '';
  const region = /^email:[\s\S]*?^\s*region:\s*"?([\w-]+)"?/m.exec(settings)?.[1] ?? 'eu-west-2';
  const ses = new SESClient({ ...config, region });
  await ses.send(new VerifyEmailIdentityCommand({ EmailAddress: sender }));
  ses.destroy();
}

interface ApplyFigures {
  wallS: number;
  failed: number;
  code: number;
  requests: number;
  throttled: number;
  emails: number;
}

async function applyOnce(moto: MotoServer, which: 'after' | 'before', repo: string, throttle: number): Promise<ApplyFigures> {
  await prepareMoto(moto, []);
  const proxy = await startBenchProxy(moto.url, { throttleIamShare: throttle, seed: 13 });
  try {
    const command = cli(which);
    const run = await measure(command.command, [...command.args, 'apply', '--target', 'aws'], {
      cwd: repo,
      env: { ...motoEnv(proxy.url), GITHUB_ACTIONS: undefined },
    });
    const failed = (run.stderr.match(/^FAILED: /gm) ?? []).length;
    return { wallS: run.wallS, failed, code: run.code, requests: proxy.total(), throttled: proxy.throttled, emails: proxy.emailsSent };
  } finally {
    await proxy.close();
  }
}

async function applyBenchmarks(): Promise<void> {
  const users = 1_000;
  const repo = await syntheticRepo(users, 0, await motoSettings());
  const moto = await startMoto();
  try {
    const figures: Partial<Record<'after' | 'before', { plain: ApplyFigures; throttled: ApplyFigures }>> = {};
    for (const which of BEFORE === undefined ? (['after'] as const) : (['before', 'after'] as const)) {
      const plain = await applyOnce(moto, which, repo, 0);
      const throttled = await applyOnce(moto, which, repo, 0.1);
      figures[which] = { plain, throttled };
    }
    const pick = (f: (x: { plain: ApplyFigures; throttled: ApplyFigures }) => string) => ({
      ...(figures.before ? { before: f(figures.before) } : {}),
      after: figures.after ? f(figures.after) : '',
    });
    const after = figures.after;
    if (after === undefined) return;
    const describe = (x: ApplyFigures) => `${s(x.wallS)}, ${x.failed} failed (exit ${x.code}), ${x.requests} requests, ${x.emails} emails`;
    record(`apply ${users} new users to moto, no throttling`, pick((x) => describe(x.plain)));
    record(`apply ${users} new users, 10% of IAM requests answered 400 Throttling`, pick((x) => `${describe(x.throttled)}, ${x.throttled.throttled} throttled`));
    record('failures with 10% throttling', pick((x) => String(x.throttled.failed)), );
    rows[rows.length - 1] = { ...(rows[rows.length - 1] as Row), goal: '0', met: after.throttled.failed === 0 && after.throttled.code === 0 ? 'yes' : 'NO' };
    const timeRatio = (x: { plain: ApplyFigures; throttled: ApplyFigures }) => x.throttled.wallS / x.plain.wallS;
    const requestRatio = (x: { plain: ApplyFigures; throttled: ApplyFigures }) => x.throttled.requests / x.plain.requests;
    record('apply time, throttled ÷ unthrottled', { ...pick((x) => timeRatio(x).toFixed(2)), goal: '≤ 1.5', met: timeRatio(after) <= 1.5 });
    record('apply requests, throttled ÷ unthrottled', { ...pick((x) => requestRatio(x).toFixed(3)), goal: '≤ 1.10', met: requestRatio(after) <= 1.1 });
  } finally {
    await moto.stop();
    await rm(repo, { recursive: true, force: true });
  }
}

// ---- 4. plan requests per member account ------------------------------------------------------

async function planRequests(moto: MotoServer, which: 'after' | 'before', accounts: number): Promise<number> {
  await prepareMoto(moto, ['/Workloads/Production']);
  const repo = await syntheticRepo(accounts + 1, accounts, await motoSettings());
  try {
    const command = cli('after'); // the same state to plan against, whichever code plans
    const applied = await measure(command.command, [...command.args, 'apply', '--target', 'aws'], { cwd: repo, env: motoEnv(moto.url) });
    if (applied.code !== 0) throw new Error(`apply of ${accounts} accounts failed:\n${applied.stderr.slice(-3000)}`);
    const proxy = await startBenchProxy(moto.url);
    try {
      const planner = cli(which);
      const planned = await measure(planner.command, [...planner.args, 'plan', '--target', 'aws', '--json'], { cwd: repo, env: motoEnv(proxy.url) });
      if (planned.code !== 0) throw new Error(`plan failed:\n${planned.stderr.slice(-3000)}`);
      return proxy.total();
    } finally {
      await proxy.close();
    }
  } finally {
    await rm(repo, { recursive: true, force: true });
  }
}

async function planBenchmarks(): Promise<void> {
  const accounts = 10;
  // Bootstrap roles get AdministratorAccess attached: moto has AWS managed policies only when asked.
  const moto = await startMoto({ managedPolicies: true });
  try {
    const perAccount: Partial<Record<'after' | 'before', string>> = {};
    let met = false;
    for (const which of BEFORE === undefined ? (['after'] as const) : (['before', 'after'] as const)) {
      const none = await planRequests(moto, which, 0);
      const some = await planRequests(moto, which, accounts);
      const each = (some - none) / accounts;
      perAccount[which] = `${each.toFixed(1)} (${none} requests with no member account, ${some} with ${accounts})`;
      if (which === 'after') met = each <= 3;
    }
    record('plan --target aws: AWS requests per member account', {
      ...(perAccount.before ? { before: perAccount.before } : {}),
      after: perAccount.after ?? '',
      goal: '≤ 3',
      met,
    });
  } finally {
    await moto.stop();
  }
}

// ---- 5. the test suite -------------------------------------------------------------------------

interface SuiteRun {
  tsc: Measured;
  vitest: Measured;
  /** Seconds per test file (vitest's JSON report), by path from the checkout's root. */
  files: Map<string, number>;
}

/** `npm test` as its script runs it (tsc --noEmit, then vitest run), each part timed with its CPU. */
async function runSuite(dir: string): Promise<SuiteRun> {
  const bin = (name: string) => join(dir, 'node_modules', '.bin', name);
  const tsc = await measure(bin('tsc'), ['--noEmit'], { cwd: dir });
  const reportDir = await mkdtemp(join(tmpdir(), 'aac-vitest-'));
  const report = join(reportDir, 'report.json');
  const vitest = await measure(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile=${report}`], { cwd: dir });
  const files = new Map<string, number>();
  try {
    const json = JSON.parse(await readFile(report, 'utf8')) as { testResults: { name: string; startTime: number; endTime: number }[] };
    for (const file of json.testResults) files.set(file.name.slice(dir.length + 1), (file.endTime - file.startTime) / 1000);
  } catch {
    // no report (vitest did not finish): the row says how it exited
  }
  await rm(reportDir, { recursive: true, force: true });
  return { tsc, vitest, files };
}

const fileRows: string[] = [];

async function testBenchmarks(): Promise<void> {
  const before = BEFORE === undefined ? undefined : await runSuite(BEFORE);
  const after = await runSuite(ROOT);
  const timing = (m: Measured) => `${s(m.wallS)} wall, ${s(m.cpuS)} CPU`;
  const summary = (m: Measured) => `${timing(m)} (${/Tests\s+(.*)/.exec(m.stdout.replace(/\x1b\[[0-9;]*m/g, ''))?.[1]?.trim().replaceAll(' | ', ', ') ?? `exit ${m.code}`})`;
  const total = (r: SuiteRun) => `${s(r.tsc.wallS + r.vitest.wallS)} wall, ${s(r.tsc.cpuS + r.vitest.cpuS)} CPU${r.tsc.code === 0 && r.vitest.code === 0 ? '' : ' (failed)'}`;
  record('tsc --noEmit (no incremental build info, as in a fresh clone)', { ...(before ? { before: timing(before.tsc) } : {}), after: timing(after.tsc) });
  record('vitest run, the whole suite', { ...(before ? { before: summary(before.vitest) } : {}), after: summary(after.vitest) });
  const afterWall = after.tsc.wallS + after.vitest.wallS;
  record('npm test (tsc, then vitest), CPU = user + system of every process', {
    ...(before ? { before: total(before) } : {}),
    after: total(after),
    goal: '≤ 120 s wall on an idle machine',
    met: after.tsc.code === 0 && after.vitest.code === 0 && afterWall <= 120,
  });
  // The slowest files, before and after (wall seconds from start to end of the file, files run in parallel).
  const names = [...new Set([...(before?.files.keys() ?? []), ...after.files.keys()])];
  const slowest = names.sort((a, b) => Math.max(before?.files.get(b) ?? 0, after.files.get(b) ?? 0) - Math.max(before?.files.get(a) ?? 0, after.files.get(a) ?? 0)).slice(0, 25);
  const cell = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(1));
  fileRows.push('| test file (wall s) | before | after |', '| --- | --- | --- |', ...slowest.map((name) => `| ${name} | ${cell(before?.files.get(name))} | ${cell(after.files.get(name))} |`), '');
}

// ---- 6. pure work, in-process ------------------------------------------------------------------

async function pureBenchmarks(): Promise<void> {
  const dir = await syntheticRepo(5000, 500);
  try {
    const start = performance.now();
    const loaded = await loadDesiredState(fsSource(dir), { today: TODAY });
    const desired = loaded.desired;
    if (!desired) throw new Error(`synthetic repository is invalid: ${JSON.stringify(loaded.problems.slice(0, 3))}`);
    record('in-process load + validate, 5,000 users and 500 accounts', { after: `${(performance.now() - start).toFixed(0)} ms` });
    const empty = liveStateFromDesired({ ...desired, users: new Map(), accounts: new Map() }, 'empty');
    const timed = <T>(fn: () => T): [T, number] => {
      const t = performance.now();
      const result = fn();
      return [result, performance.now() - t];
    };
    const [plan, planMs] = timed(() => computePlan(desired, empty));
    record(`computePlan against an empty target (${plan.changes.length} changes)`, { after: `${planMs.toFixed(1)} ms` });
    const [, selfMs] = timed(() => computePlan(desired, liveStateFromDesired(desired, 'HEAD')));
    record('computePlan against itself', { after: `${selfMs.toFixed(1)} ms` });
    const [, textMs] = timed(() => renderPlanText(plan, { color: false }));
    const [, markdownMs] = timed(() => renderPlanMarkdown(plan, {}));
    const [, jsonMs] = timed(() => renderPlanJson(plan));
    record('render text / Markdown / JSON', { after: `${textMs.toFixed(1)} / ${markdownMs.toFixed(1)} / ${jsonMs.toFixed(1)} ms` });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---- the pull request path ---------------------------------------------------------------------

/**
 * What pr-plan.yml does for a pull request, step by step, in a copy of this checkout, against what
 * the plan job of pr.yml did before (the comment came from the pull request's own code): the
 * install from the warm npm cache (before: every dependency; after: --omit=dev, the CLI's and the
 * build's), the build (before: npm run build through tsx; after: node scripts/build.ts), then
 * validate and plan of a commit adding a user (before: checked out; after: read from git objects),
 * and the comment rendered around the plan. pr.yml now runs alongside, not before, so the comment
 * waits for this one job.
 */
async function pullRequestPathBenchmarks(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'aac-bench-pr-'));
  const git = (...args: string[]) => measure('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], { cwd: dir });
  try {
    for (const entry of ['package.json', 'package-lock.json', 'tsconfig.json', 'scripts', 'src', 'schema', 'settings.yaml', 'users', 'accounts', 'CODEOWNERS']) {
      await cp(join(ROOT, entry), join(dir, entry), { recursive: true });
    }
    const npmOptions = ['--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'];
    const installBefore = await measure('npm', ['ci', ...npmOptions], { cwd: dir });
    const buildBefore = await measure('npm', ['run', 'build'], { cwd: dir });
    await rm(join(dir, 'node_modules'), { recursive: true, force: true });
    await rm(join(dir, 'dist'), { recursive: true, force: true });
    const install = await measure('npm', ['ci', '--omit=dev', ...npmOptions], { cwd: dir });
    const build = await measure(process.execPath, ['scripts/build.ts'], { cwd: dir });
    await git('init', '-q', '-b', 'main');
    await git('add', '-A');
    await git('commit', '-qm', 'base');
    await git('checkout', '-q', '-b', 'pr');
    await writeFile(join(dir, 'users', 'person.999999@digital.cabinet-office.gov.uk.yaml'), userFile(999_999));
    await git('add', '-A');
    await git('commit', '-qm', 'pr');
    const node = (args: string[]) => measure(process.execPath, [join(dir, 'dist', 'cli.js'), ...args], { cwd: dir });
    // Before: the pull request's own checkout planned from the work tree (the old plan job).
    const validateBefore = await node(['validate', '--base', 'main']);
    const planBefore = await node(['plan', '--base', 'main', '--format', 'markdown']);
    // After: the default branch checked out, the pull request's commit read from git objects.
    await git('checkout', '-q', 'main');
    const validate = await node(['validate', '--ref', 'pr', '--base', 'main']);
    const plan = await node(['plan', '--ref', 'pr', '--base', 'main', '--format', 'markdown']);
    const steps = [installBefore, buildBefore, install, build, validateBefore, planBefore, validate, plan];
    if (steps.some((m) => m.code !== 0)) {
      record('pull request path', { after: `failed: exit codes ${steps.map((m) => m.code).join(' ')}` });
      return;
    }
    const { renderPlanComment } = await import('../src/render/github-pr-comment.ts');
    const start = performance.now();
    renderPlanComment(plan.stdout, { sha: 'a'.repeat(40), date: TODAY });
    const renderMs = performance.now() - start;
    const totalBefore = installBefore.wallS + buildBefore.wallS + validateBefore.wallS + planBefore.wallS;
    const total = install.wallS + build.wallS + validate.wallS + plan.wallS;
    record('pull request path: install from a warm npm cache, wall / CPU (before: npm ci; after: npm ci --omit=dev)', {
      before: `${s(installBefore.wallS)} / ${s(installBefore.cpuS)}`,
      after: `${s(install.wallS)} / ${s(install.cpuS)}`,
    });
    record('pull request path: build, wall / CPU (before: npm run build; after: node scripts/build.ts)', {
      before: `${s(buildBefore.wallS)} / ${s(buildBefore.cpuS)}`,
      after: `${s(build.wallS)} / ${s(build.cpuS)}`,
    });
    record('pull request path: validate / plan --base, markdown (before: the PR checked out; after: --ref, git objects)', {
      before: `${s(validateBefore.wallS)} / ${s(planBefore.wallS)}`,
      after: `${s(validate.wallS)} / ${s(plan.wallS)}`,
    });
    record('pull request path: comment rendering', { after: `${renderMs.toFixed(1)} ms` });
    record('pull request path: install + build + validate + plan (the comment job)', {
      before: s(totalBefore),
      after: s(total),
      goal: 'under 60 s',
      met: total < 60,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---- main --------------------------------------------------------------------------------------

const load = () => loadavg().map((x) => x.toFixed(1)).join(', ');
const startedAt = new Date().toISOString();
const loadAtStart = load();
await buildCli();
if (only.has('validate')) await validateBenchmarks();
if (only.has('startup')) await startupBenchmarks();
if (['apply', 'plan'].some((x) => only.has(x as Section)) && !hasMotoServer()) {
  record('apply and plan against moto', { after: 'skipped: moto_server is not installed (pip install "moto[server]")' });
} else {
  if (only.has('apply')) await applyBenchmarks();
  if (only.has('plan')) await planBenchmarks();
}
if (only.has('tests')) await testBenchmarks();
if (only.has('pure')) await pureBenchmarks();
if (only.has('pr')) await pullRequestPathBenchmarks();

process.stdout.write(
  [
    `Run ${startedAt} to ${new Date().toISOString()}: ${availableParallelism()} CPUs, Node ${process.version}, ` +
      `load average (1, 5, 15 min) ${loadAtStart} at the start and ${load()} at the end.` +
      (BEFORE === undefined ? '' : ` "Before": ${BEFORE}, run through tsx as that code's npm scripts did.`),
    '',
    '| measurement | before | after | goal | met |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.what} | ${r.before} | ${r.after} | ${r.goal} | ${r.met} |`),
    '',
    ...fileRows,
  ].join('\n'),
);
