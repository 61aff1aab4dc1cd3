/**
 * `npm run bench [-- --before <dir> | --before-ref <ref>] [--only validate,startup,apply,plan,tests,pure]
 * [--samples 3] [--apply-users 1000] [--no-write]`: how the tool behaves at scale, measured (never asserted in a timed
 * test), each figure beside its goal.
 *
 * - validate: `validate` (the compiled CLI, every rule) on 10,000 users and 1,000 accounts against
 *   ajv-cli checking the 10,000 user files against the schema alone; peak memory at 50,000 users.
 * - startup: CPU of `validate` on the repository's own files against `node -e 0`.
 * - apply: 1,000 new users applied to moto, then again behind a proxy that throttles IAM as AWS does,
 *   with a token bucket per account and API whose steady rate is below what the unthrottled apply
 *   sent (THROTTLED_QUOTA of it): time, failures, requests refused and retried, and when.
 * - plan: AWS requests of `plan --target aws` per member account (10 accounts against none).
 * - tests: `npm test` as a person runs it: wall and CPU time, and the slowest test files.
 * - pure: loading, planning and rendering in-process (5,000 users, 500 accounts).
 * - pr: the trusted pull request path (pr-plan.yml): install from a warm npm cache, build, then
 *   validate and plan a pull request's commit read from git objects, and render the comment.
 *
 * Every timing is the median of `--samples` runs per side (at least 3), before and after taking
 * turns in the same run, each with the machine's load average (1 min) at its start and end.
 * `--before <dir>`: a checkout of other code with node_modules; `--before-ref <ref>`: this
 * repository at that ref, extracted to a temporary folder. The "before" code is built with its own
 * build script and run compiled, as "after" is. The figures go to stdout and, unless --no-write,
 * are appended to bench/RESULTS.md as a new run (earlier runs are kept as they were written).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
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
import { motoEnv, startMoto, type MotoServer } from '../test/support/moto.ts';
import { ensureMotoServer, MOTO_VERSION, MotoInstallError } from '../test/support/moto-install.ts';
import { createMotoOrganization } from '../test/support/moto-organization.ts';
import { startBenchProxy, type BenchProxy } from '../test/support/aws-proxy.ts';

const ROOT = join(import.meta.dirname, '..');
/** The day the synthetic data is checked on: fixed, so every run measures the same work. */
const TODAY = '2026-12-01';
const SECTIONS = ['validate', 'startup', 'apply', 'plan', 'tests', 'pure', 'pr'] as const;
type Section = (typeof SECTIONS)[number];

const { values: flags } = parseArgs({
  options: {
    before: { type: 'string' },
    'before-ref': { type: 'string' },
    only: { type: 'string' },
    samples: { type: 'string', default: '3' },
    'apply-users': { type: 'string', default: '1000' },
    'no-write': { type: 'boolean', default: false },
  },
});
const only = new Set((flags.only ?? SECTIONS.join(',')).split(',') as Section[]);
const SAMPLES = Math.max(3, Number(flags.samples));
let BEFORE: string | undefined = flags.before === undefined ? undefined : resolve(flags.before);
let beforeLabel = BEFORE ?? '';

interface Row {
  what: string;
  before: string;
  after: string;
  goal: string;
  met: string;
}
const rows: Row[] = [];
const notes: string[] = [];

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
  /** The 1-minute load average when the command started and when it ended. */
  load: [number, number];
  stdout: string;
  stderr: string;
}

/** Runs a command under /usr/bin/time: wall and CPU seconds, peak resident memory, load around it. */
async function measure(command: string, args: string[], options: { cwd: string; env?: Record<string, string | undefined> }): Promise<Measured> {
  const dir = await mkdtemp(join(tmpdir(), 'aac-time-'));
  const timeFile = join(dir, 'time');
  const loadBefore = loadavg()[0] ?? 0;
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
  return { code, wallS: wall, cpuS: user + sys, maxRssMiB: rssKb / 1024, load: [loadBefore, loadavg()[0] ?? 0], stdout, stderr };
}

type Side = 'before' | 'after';

/** The compiled CLI of this checkout, or of the "before" checkout. */
function cli(which: Side): { command: string; args: string[] } {
  return { command: process.execPath, args: [join(which === 'after' ? ROOT : (BEFORE ?? ''), 'dist', 'cli.js')] };
}

const sides = (): Side[] => (BEFORE === undefined ? ['after'] : ['before', 'after']);

/**
 * `SAMPLES` runs of `run` per side, the sides taking turns (before, after, before, after, …) so
 * that a change in the machine's load falls on both.
 */
async function sampled<T>(run: (side: Side, round: number) => Promise<T>): Promise<Record<Side, T[]>> {
  const out: Record<Side, T[]> = { before: [], after: [] };
  for (let round = 0; round < SAMPLES; round++) {
    for (const side of sides()) {
      const started = performance.now();
      out[side].push(await run(side, round));
      process.stderr.write(`  sample ${round + 1}/${SAMPLES}, ${side}: ${((performance.now() - started) / 1000).toFixed(1)} s (load ${loadavg()[0]?.toFixed(1)})\n`);
    }
  }
  return out;
}

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const s = (x: number) => `${x.toFixed(2)} s`;
/** The load range over some samples: "load 0.3–1.9". */
const loadOf = (runs: { load: [number, number] }[]) => {
  const all = runs.flatMap((r) => r.load);
  return `load ${Math.min(...all).toFixed(1)}–${Math.max(...all).toFixed(1)}`;
};
/** Median wall time of samples, with their count and load. */
const wallCell = (runs: Measured[]) => `${s(median(runs.map((r) => r.wallS)))} (median of ${runs.length}, ${loadOf(runs)})`;
const failIfAny = (runs: Measured[], what: string) => {
  for (const run of runs) if (run.code !== 0) throw new Error(`${what} failed:\n${run.stderr.slice(-2000)}`);
};

/** Extracts `ref` of this repository into a temporary folder and builds it: the "before" code. */
async function prepareBefore(): Promise<void> {
  const ref = flags['before-ref'];
  if (ref !== undefined) {
    const dir = await mkdtemp(join(tmpdir(), 'aac-bench-before-'));
    execFileSync('sh', ['-c', `git -C "$1" archive "$2" | tar -x -C "$3"`, 'sh', ROOT, ref, dir]);
    await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    BEFORE = dir;
    beforeLabel = `${ref} (${execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', ref], { encoding: 'utf8' }).trim()})`;
  }
  if (BEFORE === undefined) return;
  if (!existsSync(join(BEFORE, 'scripts', 'build.ts'))) throw new Error(`${BEFORE} has no scripts/build.ts: the bench compares compiled code with compiled code`);
  execFileSync(join(BEFORE, 'node_modules', '.bin', 'tsx'), [join(BEFORE, 'scripts', 'build.ts')], { cwd: BEFORE, stdio: 'inherit' });
}

// ---- synthetic data ----------------------------------------------------------------------------

/** 0 → `A`, 25 → `Z`, 26 → `Ba`: a name has letters only, no digits. */
function letters(i: number): string {
  let out = '';
  let n = i;
  do {
    out = String.fromCharCode(97 + (n % 26)) + out;
    n = Math.floor(n / 26);
  } while (n > 0);
  return out.charAt(0).toUpperCase() + out.slice(1);
}

const userFile = (i: number) => `# yaml-language-server: $schema=../schema/user.schema.json
email: person.${i}@digital.cabinet-office.gov.uk
name: Person ${letters(i)}
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
    const runs = await sampled(async (side) => {
      if (side === 'after') ajvRuns.push(await measure(ajv, ajvArgs, { cwd: dir }));
      const c = cli(side);
      return measure(c.command, [...c.args, 'validate'], { cwd: dir });
    });
    failIfAny([...ajvRuns, ...runs.before, ...runs.after], 'validate or ajv-cli');
    const ajvWall = median(ajvRuns.map((r) => r.wallS));
    const ajvCpu = median(ajvRuns.map((r) => r.cpuS));
    const wallRatio = (side: Side) => median(runs[side].map((r) => r.wallS)) / ajvWall;
    const cpuRatio = (side: Side) => median(runs[side].map((r) => r.cpuS)) / ajvCpu;
    const has = (side: Side) => runs[side].length > 0;
    record('ajv-cli, 10,000 user files against the user schema alone (wall)', { after: wallCell(ajvRuns) });
    record('validate, 10,000 users + 1,000 accounts, every rule (wall)', {
      ...(has('before') ? { before: wallCell(runs.before) } : {}),
      after: wallCell(runs.after),
    });
    record('validate ÷ ajv-cli, wall time (medians, same run)', {
      ...(has('before') ? { before: wallRatio('before').toFixed(2) } : {}),
      after: wallRatio('after').toFixed(2),
      goal: '≤ 1.0',
      met: wallRatio('after') <= 1,
    });
    record('validate ÷ ajv-cli, CPU time (user + system, medians)', {
      ...(has('before') ? { before: cpuRatio('before').toFixed(2) } : {}),
      after: cpuRatio('after').toFixed(2),
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  const big = await syntheticRepo(50_000, 0);
  try {
    const runs = await sampled((side) => {
      const c = cli(side);
      return measure(c.command, [...c.args, 'validate'], { cwd: big });
    });
    failIfAny([...runs.before, ...runs.after], 'validate of 50,000 users');
    const rss = (side: Side) => median(runs[side].map((r) => r.maxRssMiB));
    record('validate, 50,000 users: peak resident memory (median)', {
      ...(runs.before.length > 0 ? { before: `${rss('before').toFixed(0)} MiB` } : {}),
      after: `${rss('after').toFixed(0)} MiB`,
      goal: '< 150 MiB',
      met: rss('after') < 150,
    });
    record('validate, 50,000 users: wall time', { ...(runs.before.length > 0 ? { before: wallCell(runs.before) } : {}), after: wallCell(runs.after) });
  } finally {
    await rm(big, { recursive: true, force: true });
  }
}

// ---- 2. startup --------------------------------------------------------------------------------

/** Runs a command `times` times in a row under one measurement (CPU times are counted in 10 ms steps). */
function measureBatch(times: number, command: string, args: string[], cwd: string): Promise<Measured> {
  const quoted = [command, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  return measure('sh', ['-c', `i=0; while [ $i -lt ${times} ]; do ${quoted} >/dev/null || exit 1; i=$((i+1)); done`], { cwd });
}

async function startupBenchmarks(): Promise<void> {
  const batch = 10;
  const bare: Measured[] = [];
  const runs = await sampled(async (side) => {
    if (side === 'after') bare.push(await measureBatch(batch, process.execPath, ['-e', '0'], ROOT));
    const c = cli(side);
    return measureBatch(batch, c.command, [...c.args, 'validate'], ROOT);
  });
  failIfAny([...runs.before, ...runs.after], 'validate');
  const base = median(bare.map((r) => r.cpuS)) / batch;
  const ratio = (side: Side) => median(runs[side].map((r) => r.cpuS)) / batch / base;
  record(`node -e 0, CPU per run (median of ${bare.length} batches of ${batch}, ${loadOf(bare)})`, { after: `${(base * 1000).toFixed(0)} ms` });
  record("validate on the repository's files, CPU ÷ node -e 0 (medians)", {
    ...(runs.before.length > 0 ? { before: `${ratio('before').toFixed(1)} (${loadOf(runs.before)})` } : {}),
    after: `${ratio('after').toFixed(1)} (${loadOf(runs.after)})`,
    goal: '≤ 3',
    met: ratio('after') <= 3,
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

/**
 * The throttled apply's IAM quota, as a share of the IAM requests per second the unthrottled apply
 * sent: below 1, the apply must slow down to the quota, and retrying blindly piles refusals up. The
 * quota is derived from the machine's own unthrottled run so that it bites on any machine; an ideal
 * client then takes 1 / THROTTLED_QUOTA of the unthrottled time.
 */
const THROTTLED_QUOTA = 0.9;
/** Requests a full IAM bucket lets through at once. */
const THROTTLED_BURST = 20;

interface ApplyFigures extends Measured {
  failed: number;
  requests: number;
  iamRequests: number;
  refused: number;
  /** Refused requests in the first and the last half of the run. */
  refusedHalves: [number, number];
  emails: number;
}

async function applyOnce(moto: MotoServer, which: Side, repo: string, iamPerSecond: number | undefined): Promise<ApplyFigures> {
  await prepareMoto(moto, []);
  const proxy: BenchProxy = await startBenchProxy(moto.url, {
    ...(iamPerSecond === undefined ? {} : { throttling: { iam: { burst: THROTTLED_BURST, perSecond: iamPerSecond } } }),
  });
  try {
    const command = cli(which);
    const run = await measure(command.command, [...command.args, 'apply', '--target', 'aws'], {
      cwd: repo,
      env: { ...motoEnv(proxy.url), GITHUB_ACTIONS: undefined },
    });
    // `[n/N] FAILED: ` since apply prints its progress; `FAILED: ` from code before (--before).
    const failed = (run.stderr.match(/^(?:\[ *\d+\/\d+\] )?FAILED: /gm) ?? []).length;
    const half = (run.wallS * 1000) / 2;
    const refusedAt = proxy.timeline.filter((t) => t.refused).map((t) => t.at);
    const iamRequests = [...proxy.counts.entries()].filter(([action]) => !['SendEmail', 'AssumeRole', 'GetCallerIdentity'].includes(action)).reduce((a, [, n]) => a + n, 0);
    return {
      ...run,
      failed,
      requests: proxy.total(),
      iamRequests,
      refused: proxy.buckets.refusedTotal,
      refusedHalves: [refusedAt.filter((at) => at < half).length, refusedAt.filter((at) => at >= half).length],
      emails: proxy.emailsSent,
    };
  } finally {
    await proxy.close();
  }
}

async function applyBenchmarks(): Promise<void> {
  const users = Number(flags['apply-users']);
  const repo = await syntheticRepo(users, 0, await motoSettings());
  const moto = await startMoto();
  try {
    // The quota: a share of the IAM request rate of a first unthrottled run of the "after" code.
    // Then each sample is a pair, unthrottled and throttled one after the other, so that a change
    // in the machine's load falls on both sides of the ratio alike.
    const first = await applyOnce(moto, 'after', repo, undefined);
    const iamRate = (first.iamRequests - first.refused) / first.wallS;
    const quota = Math.max(1, iamRate * THROTTLED_QUOTA);
    const pairs = await sampled(async (side) => ({ plain: await applyOnce(moto, side, repo, undefined), throttled: await applyOnce(moto, side, repo, quota) }));
    const plain = { before: pairs.before.map((p) => p.plain), after: pairs.after.map((p) => p.plain) };
    const throttled = { before: pairs.before.map((p) => p.throttled), after: pairs.after.map((p) => p.throttled) };
    const has = (side: Side) => plain[side].length > 0;
    const pick = (f: (side: Side) => string) => ({ ...(has('before') ? { before: f('before') } : {}), after: f('after') });
    const describe = (runs: ApplyFigures[]) => {
      const mid = runs.map((r) => r.wallS);
      const m = runs.find((r) => r.wallS === median(mid)) ?? runs[0];
      return `${wallCell(runs)}; ${runs.reduce((a, r) => a + r.failed, 0)} failed in all; per run ${m?.requests} requests, ${m?.emails} emails`;
    };
    record(`apply ${users} new users to moto, no throttling`, pick((side) => describe(plain[side])));
    record(
      `apply ${users} new users, IAM throttled by a token bucket (burst ${THROTTLED_BURST}, ${quota.toFixed(1)} requests/s: ${THROTTLED_QUOTA * 100}% of a first unthrottled run's ${iamRate.toFixed(1)}), each sample run straight after an unthrottled one`,
      pick((side) => {
        const runs = throttled[side];
        const refused = median(runs.map((r) => r.refused));
        const halves = runs.map((r) => `${r.refusedHalves[0]} then ${r.refusedHalves[1]}`).join('; ');
        return `${describe(runs)}; median ${refused} requests refused with 400 Throttling and retried (first half then second half of each run: ${halves})`;
      }),
    );
    const failures = (side: Side) => throttled[side].reduce((a, r) => a + r.failed + (r.code === 0 ? 0 : 1), 0);
    record('failures under throttling (all samples)', { ...pick((side) => String(failures(side))), goal: '0', met: failures('after') === 0 });
    // The median of each pair's ratio: both runs of a pair ran under much the same load.
    const timeRatio = (side: Side) => median(pairs[side].map((p) => p.throttled.wallS / p.plain.wallS));
    record('apply time, throttled ÷ unthrottled (median of the pairs\' ratios)', { ...pick((side) => timeRatio(side).toFixed(2)), goal: '≤ 1.3', met: timeRatio('after') <= 1.3 });
    const requestRatio = (side: Side) => median(throttled[side].map((r) => r.requests)) / median(plain[side].map((r) => r.requests));
    record('apply requests, throttled ÷ unthrottled (medians)', pick((side) => requestRatio(side).toFixed(3)));
    notes.push(
      `apply: an ideal client under the quota takes ${(1 / THROTTLED_QUOTA).toFixed(2)} times the unthrottled time; ` +
        'refusals falling from the first half of a run to the second show the client-side pacer (src/adapters/aws/pacing.ts) settling on the quota.',
    );
  } finally {
    await moto.stop();
    await rm(repo, { recursive: true, force: true });
  }
}

// ---- 4. plan requests per member account ------------------------------------------------------

async function planRequests(moto: MotoServer, accounts: number): Promise<Record<Side, number[]>> {
  await prepareMoto(moto, ['/Workloads/Production']);
  const repo = await syntheticRepo(accounts + 1, accounts, await motoSettings());
  try {
    const command = cli('after'); // the same state to plan against, whichever code plans
    const applied = await measure(command.command, [...command.args, 'apply', '--target', 'aws'], { cwd: repo, env: motoEnv(moto.url) });
    if (applied.code !== 0) throw new Error(`apply of ${accounts} accounts failed:\n${applied.stderr.slice(-3000)}`);
    return await sampled(async (side) => {
      const proxy = await startBenchProxy(moto.url);
      try {
        const planner = cli(side);
        const planned = await measure(planner.command, [...planner.args, 'plan', '--target', 'aws', '--json'], { cwd: repo, env: motoEnv(proxy.url) });
        if (planned.code !== 0) throw new Error(`plan failed:\n${planned.stderr.slice(-3000)}`);
        return proxy.total();
      } finally {
        await proxy.close();
      }
    });
  } finally {
    await rm(repo, { recursive: true, force: true });
  }
}

async function planBenchmarks(): Promise<void> {
  const accounts = 10;
  // Bootstrap roles get AdministratorAccess attached: moto has AWS managed policies only when asked.
  const moto = await startMoto({ managedPolicies: true });
  try {
    const none = await planRequests(moto, 0);
    const some = await planRequests(moto, accounts);
    const each = (side: Side) => (median(some[side]) - median(none[side])) / accounts;
    const cell = (side: Side) => `${each(side).toFixed(1)} (medians of ${some[side].length}: ${median(none[side])} requests with no member account, ${median(some[side])} with ${accounts})`;
    record('plan --target aws: AWS requests per member account', {
      ...(some.before.length > 0 ? { before: cell('before') } : {}),
      after: cell('after'),
      goal: '≤ 3',
      met: each('after') <= 3,
    });
  } finally {
    await moto.stop();
  }
}

// ---- 5. the test suite -------------------------------------------------------------------------

interface SuiteRun {
  /** `npm test`: the type check and every test file, as the script runs them. */
  npmTest: Measured;
  /** Seconds per test file (vitest's JSON report), by path from the checkout's root. */
  files: Map<string, number>;
}

/** `npm test` as a person runs it, with vitest's JSON report added for the time of each file. */
async function runSuite(dir: string): Promise<SuiteRun> {
  const reportDir = await mkdtemp(join(tmpdir(), 'aac-vitest-'));
  const report = join(reportDir, 'report.json');
  const npmTest = await measure('npm', ['test', '--', '--reporter=default', '--reporter=json', `--outputFile=${report}`], { cwd: dir });
  const files = new Map<string, number>();
  try {
    const json = JSON.parse(await readFile(report, 'utf8')) as { testResults: { name: string; startTime: number; endTime: number }[] };
    for (const file of json.testResults) files.set(file.name.slice(dir.length + 1), (file.endTime - file.startTime) / 1000);
  } catch {
    // no report (vitest did not finish): the row says how it exited
  }
  await rm(reportDir, { recursive: true, force: true });
  return { npmTest, files };
}

const fileRows: string[] = [];

async function testBenchmarks(): Promise<void> {
  const runs = await sampled((side) => runSuite(side === 'after' ? ROOT : (BEFORE ?? '')));
  const has = (side: Side) => runs[side].length > 0;
  const tests = (m: Measured) => /Tests\s+(.*)/.exec(m.stdout.replace(/\x1b\[[0-9;]*m/g, ''))?.[1]?.trim().replaceAll(' | ', ', ') ?? `exit ${m.code}`;
  const cell = (side: Side) => {
    const ms = runs[side].map((r) => r.npmTest);
    return `${wallCell(ms)}, ${s(median(ms.map((m) => m.cpuS)))} CPU; ${ms.map(tests).join(' / ')}`;
  };
  const afterRuns = runs.after.map((r) => r.npmTest);
  const wall = median(afterRuns.map((r) => r.wallS));
  record(`npm test on Node ${process.version} (CPU: every process it waited for)`, {
    ...(has('before') ? { before: cell('before') } : {}),
    after: cell('after'),
    goal: '≤ 90 s wall on an idle machine',
    met: afterRuns.every((r) => r.code === 0) && wall <= 90,
  });
  if (Math.max(...afterRuns.flatMap((r) => r.load)) >= 1) {
    notes.push('tests: the 1-minute load reached 1 or more around some samples (see the load range): the machine was not idle for all of them.');
  }
  // The slowest files (median wall seconds from start to end of the file; files run in parallel).
  const fileMedian = (side: Side, name: string) => {
    const xs = runs[side].flatMap((r) => (r.files.has(name) ? [r.files.get(name) ?? 0] : []));
    return xs.length === 0 ? undefined : median(xs);
  };
  const names = [...new Set(runs.after.flatMap((r) => [...r.files.keys()]))];
  const slowest = names.sort((a, b) => (fileMedian('after', b) ?? 0) - (fileMedian('after', a) ?? 0)).slice(0, 20);
  const fmt = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(1));
  fileRows.push('| test file (median wall s) | before | after |', '| --- | --- | --- |', ...slowest.map((name) => `| ${name} | ${fmt(fileMedian('before', name))} | ${fmt(fileMedian('after', name))} |`), '');
}

// ---- 6. pure work, in-process ------------------------------------------------------------------

async function pureBenchmarks(): Promise<void> {
  const dir = await syntheticRepo(5000, 500);
  try {
    const timed = <T>(fn: () => T): [T, number] => {
      const t = performance.now();
      const result = fn();
      return [result, performance.now() - t];
    };
    const load: number[] = [];
    const plan: number[] = [];
    const self: number[] = [];
    const renders: [number, number, number][] = [];
    let changes = 0;
    for (let round = 0; round < SAMPLES; round++) {
      const start = performance.now();
      const loaded = await loadDesiredState(fsSource(dir), { today: TODAY });
      const desired = loaded.desired;
      if (!desired) throw new Error(`synthetic repository is invalid: ${JSON.stringify(loaded.problems.slice(0, 3))}`);
      load.push(performance.now() - start);
      const empty = liveStateFromDesired({ ...desired, users: new Map(), accounts: new Map() }, 'empty');
      const [computed, planMs] = timed(() => computePlan(desired, empty));
      changes = computed.changes.length;
      plan.push(planMs);
      self.push(timed(() => computePlan(desired, liveStateFromDesired(desired, 'HEAD')))[1]);
      renders.push([timed(() => renderPlanText(computed, { color: false }))[1], timed(() => renderPlanMarkdown(computed, {}))[1], timed(() => renderPlanJson(computed))[1]]);
    }
    const ms = (xs: number[]) => `${median(xs).toFixed(1)} ms`;
    record(`in-process load + validate, 5,000 users and 500 accounts (median of ${SAMPLES})`, { after: ms(load) });
    record(`computePlan against an empty target (${changes} changes)`, { after: ms(plan) });
    record('computePlan against itself', { after: ms(self) });
    record('render text / Markdown / JSON', { after: [0, 1, 2].map((i) => ms(renders.map((r) => r[i] ?? 0))).join(' / ') });
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
await prepareBefore();
if (only.has('validate')) await validateBenchmarks();
if (only.has('startup')) await startupBenchmarks();
if (only.has('apply') || only.has('plan')) {
  try {
    ensureMotoServer();
    if (only.has('apply')) await applyBenchmarks();
    if (only.has('plan')) await planBenchmarks();
  } catch (error) {
    if (!(error instanceof MotoInstallError)) throw error;
    record('apply and plan against moto', { after: `skipped: ${error.message.split('\n')[0]}` });
  }
}
if (only.has('tests')) await testBenchmarks();
if (only.has('pure')) await pureBenchmarks();
if (only.has('pr')) await pullRequestPathBenchmarks();

const argv = process.argv.slice(2).join(' ');
const report = [
  `Command: \`npm run bench${argv === '' ? '' : ` -- ${argv}`}\`, from ${startedAt} to ${new Date().toISOString()}, on ${availableParallelism()} CPUs, ` +
    `Node ${process.version}, moto ${MOTO_VERSION}. Load average (1, 5, 15 min): ${loadAtStart} at the start, ${load()} at the end.` +
    (BEFORE === undefined ? ' No "before" code.' : ` "Before": ${beforeLabel}, built with its own build script and run compiled, as "after" is.`),
  '',
  '| measurement | before | after | goal | met |',
  '| --- | --- | --- | --- | --- |',
  ...rows.map((r) => `| ${r.what} | ${r.before} | ${r.after} | ${r.goal} | ${r.met} |`),
  '',
  ...fileRows,
  ...notes.map((note) => `- ${note}`),
].join('\n');
process.stdout.write(`${report}\n`);

if (!flags['no-write']) {
  const results = join(ROOT, 'bench', 'RESULTS.md');
  const runs = (await readFile(results, 'utf8')).match(/^## Run \d+/gm)?.length ?? 0;
  await appendFile(results, `\n## Run ${runs + 1}: ${[...only].join(', ')} (written by the bench)\n\n${report}\n`);
  process.stderr.write(`appended as run ${runs + 1} to ${results}\n`);
}
