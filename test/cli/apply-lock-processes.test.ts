/**
 * One apply at a time, with real processes: the CLI spawned as separate processes racing for the
 * lock, a holder killed with SIGKILL, and force-unlock, in the sandbox and on AWS (moto). The
 * processes run the compiled CLI with plain node, as the npm scripts and workflows do (a process
 * started through tsx costs five times the CPU). What follows a race (the next apply, a plan) runs
 * in-process, to keep the suite quick.
 */
import { GetPolicyCommand } from '@aws-sdk/client-iam';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, editFile, listUserNames, prepareRepo as prepareRepoOnTheDay, removeRepo, runCommandOn, usersAccountIam } from '../e2e/support.ts';
import { compiledCli, type CompiledCli } from '../support/compiled-cli.ts';
import { useAwsE2e } from '../support/e2e.ts';

// node itself running the compiled files (no wrapper process): the pid we kill is then the process
// that holds the lock.
let compiled: CompiledCli;
beforeAll(async () => {
  compiled = await compiledCli();
});

/**
 * The child's environment: no real AWS credentials or CI variables leak in, but the test's clock
 * does (libfaketime's variables), so a child compares lock leases on the same clock as the test.
 */
function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const clock = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => /^(FAKETIME|LD_PRELOAD$|DONT_FAKE_MONOTONIC$)/.test(entry[0]) && entry[1] !== undefined));
  return { ...clock, PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', NO_COLOR: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...extra };
}

/**
 * The CLI processes take today from the clock, which the test's clock is (childEnv passes a faked
 * one on). The outcomes here do not depend on the day; only the data must be valid on it: every
 * expiry date in the copied files is moved to 90 days after the clock's today, and the in-process
 * commands run on that same day.
 */
const today = new Date().toISOString().slice(0, 10);

async function validOnTheClocksDay(repo: string): Promise<string> {
  const later = new Date(Date.parse(`${today}T00:00:00Z`) + 90 * 86_400_000).toISOString().slice(0, 10);
  for (const file of await readdir(join(repo, 'users'))) {
    await editFile(repo, join('users', file), (text) => text.replace(/^expires: .*$/m, `expires: "${later}"`));
  }
  return repo;
}

async function prepareRepo(): Promise<string> {
  return validOnTheClocksDay(await prepareRepoOnTheDay());
}

function runCommand(repo: string, env: Readonly<Record<string, string | undefined>>, command: string, ...args: string[]): ReturnType<typeof runCommandOn> {
  return runCommandOn(today, repo, env, command, ...args);
}

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCliProcess(repo: string, env: Record<string, string>, ...args: string[]): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [compiled.cli, ...args], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const holders: ChildProcess[] = [];
afterAll(() => {
  for (const holder of holders) if (holder.exitCode === null) holder.kill('SIGKILL');
});

/** Starts a process that takes the lock and holds it; resolves once it does. */
function holdLock(repo: string, kind: 'sandbox' | 'aws', env: Record<string, string>): Promise<{ child: ChildProcess; id: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [compiled.holder, repo, kind], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
    holders.push(child);
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => void (err += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const id = /^held (\S+)$/m.exec(out)?.[1];
      if (id !== undefined) resolve({ child, id });
    });
    child.on('exit', (code) => reject(new Error(`the lock holder exited (${code}): ${err}`)));
  });
}

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/**
 * A loopback proxy in front of moto that holds the first request with this IAM action until the
 * test lets it go: a request in flight, for as long as the test needs.
 */
async function startGate(upstream: string, action: string) {
  const target = new URL(upstream);
  const actions: string[] = [];
  let caught!: () => void;
  const held = new Promise<void>((resolve) => (caught = resolve));
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  let holding = false;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const name = req.headers['x-amz-target'] === undefined ? (new URLSearchParams(body.toString()).get('Action') ?? '') : String(req.headers['x-amz-target']);
      actions.push(name);
      const forward = (): void => {
        const out = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(res);
        });
        out.on('error', () => res.destroy());
        out.end(body);
      };
      if (name === action && !holding) {
        holding = true;
        caught();
        void opened.then(forward);
      } else forward();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    actions,
    held,
    open,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const HELD = /error: an apply is already running \(held by pid (\d+) on host (\S+), since (\S+)\)\. Nothing was read or changed\./;

describe('the sandbox: one apply at a time', () => {
  it('a second apply, in another process, exits 1 naming the holder and changes nothing; after kill -9 of the holder the next apply proceeds', async () => {
    const repo = await prepareRepo();
    try {
      const holder = await holdLock(repo, 'sandbox', childEnv());
      const refused = await runCliProcess(repo, childEnv(), 'apply');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(HELD);
      expect(HELD.exec(refused.stderr)?.slice(1, 3)).toEqual([String(holder.child.pid), hostname()]);
      expect(refused.stdout).toBe('');
      // Nothing was changed: no state, no mail; only the holder's lock.
      expect(await readdir(join(repo, '.sandbox'))).toEqual(['apply.lock']);

      await killHard(holder.child);
      const next = await runCommand(repo, {}, 'apply');
      expect(next.stderr).toContain(`Taking over a stale apply lock held by pid ${holder.child.pid} on host ${hostname()}`);
      expect(next.stderr).toContain(`process ${holder.child.pid} no longer runs on this machine`);
      expect(next.code).toBe(0);
      expect(await readdir(join(repo, '.sandbox'))).not.toContain('apply.lock');
    } finally {
      await removeRepo(repo);
    }
  }, 120_000);

  it('two applies started together: one applies, the other refuses or finds nothing to do; every user is emailed once', async () => {
    const repo = await prepareRepo();
    try {
      const [a, b] = await Promise.all([runCliProcess(repo, childEnv(), 'apply'), runCliProcess(repo, childEnv(), 'apply')]);
      const outcomes = [a, b].map((run) => (run.code === 1 && HELD.test(run.stderr) ? 'refused' : run.code === 0 && /Nothing to apply/.test(run.stdout) ? 'nothing' : run.code === 0 ? 'applied' : `failed: ${run.stderr}`));
      // Exactly one applied; the other refused or found nothing to do (a crash is none of these).
      expect(outcomes.filter((o) => o === 'applied'), outcomes.join('\n')).toHaveLength(1);
      expect(outcomes.filter((o) => o !== 'applied'), outcomes.join('\n')).toSatisfy((others: string[]) => others.length === 1 && ['nothing', 'refused'].includes(others[0] ?? ''));
      const mails = await readdir(join(repo, '.sandbox', 'outbox'));
      const welcomes = new Map<string, number>();
      for (const mail of mails) {
        const text = await readFile(join(repo, '.sandbox', 'outbox', mail), 'utf8');
        if (!/Temporary password:/.test(text)) continue;
        const to = /^To: (.*)$/m.exec(text)?.[1] ?? '?';
        welcomes.set(to, (welcomes.get(to) ?? 0) + 1);
      }
      expect(welcomes.size).toBeGreaterThan(0);
      expect([...welcomes.values()].every((n) => n === 1)).toBe(true);
      const plan = await runCommand(repo, {}, 'plan');
      expect(plan.stdout).toContain('No changes. The target matches the files.');
    } finally {
      await removeRepo(repo);
    }
  }, 120_000);

  it('a lock from another machine blocks until its lease ends, or until force-unlock with its id', async () => {
    const repo = await prepareRepo();
    try {
      await mkdir(join(repo, '.sandbox'), { recursive: true });
      const far = new Date(Date.now() + 60_000).toISOString();
      const record = { id: 'lock-from-elsewhere', host: 'another-machine', pid: 4242, run: '99', since: '2026-11-30T01:00:00.000Z', expires: far };
      await writeFile(join(repo, '.sandbox', 'apply.lock'), JSON.stringify(record));
      const refused = await runCommand(repo, {}, 'apply');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('error: an apply is already running (held by pid 4242 on host another-machine, run 99, since 2026-11-30T01:00:00.000Z).');
      expect(refused.stderr).toContain('npm run cli -- force-unlock lock-from-elsewhere');
      const asked = await runCommand(repo, {}, 'force-unlock');
      expect(asked.code).toBe(1);
      expect(asked.stderr).toContain('its id is lock-from-elsewhere');
      const released = await runCommand(repo, {}, 'force-unlock', 'lock-from-elsewhere');
      expect(released.code).toBe(0);
      expect(released.stdout).toMatch(/^Released the apply lock \(in the file .*apply\.lock\) held by pid 4242 on host another-machine, run 99/);
      expect((await runCommand(repo, {}, 'apply')).code).toBe(0);
    } finally {
      await removeRepo(repo);
    }
  }, 120_000);
});

describe('AWS (moto): one apply at a time', () => {
  const e2e = useAwsE2e();
  beforeAll(() => validOnTheClocksDay(e2e.repo));

  it('apply --target aws in another process is refused while the IAM lock is held, and proceeds after kill -9 of the holder', async () => {
    const env = childEnv(e2e.env);
    const holder = await holdLock(e2e.repo, 'aws', env);
    const refused = await runCliProcess(e2e.repo, env, 'apply', '--target', 'aws');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(HELD);
    expect(refused.stderr).toContain('The lock is the IAM policy /aws-access-as-code/aws-access-as-code-apply-lock in the users account 111111111111');
    // Nothing was changed: no user in the users account.
    const iam = await usersAccountIam(e2e.moto.url);
    expect(await listUserNames(iam)).toEqual([]);
    // Plans take no lock.
    expect((await runCommand(e2e.repo, e2e.env, 'plan', '--target', 'aws')).code).toBe(0);

    await killHard(holder.child);
    const next = await runCommand(e2e.repo, e2e.env, 'apply', '--target', 'aws');
    expect(next.stderr).toContain(`process ${holder.child.pid} no longer runs on this machine`);
    expect(next.code).toBe(0);
    const users = await listUserNames(iam);
    expect(users.length).toBeGreaterThan(0);
    // Released on exit.
    await expect(iam.send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::111111111111:policy/aws-access-as-code/aws-access-as-code-apply-lock' }))).rejects.toMatchObject({
      name: expect.stringMatching(/NoSuchEntity/),
    });
  }, 180_000);

  it('SIGTERM during an apply: the request in flight finishes, no new change starts, the lock is released, exit 1 naming what was left; the next run resumes', async () => {
    const iam = await usersAccountIam(e2e.moto.url);
    const before = await listUserNames(iam);
    // Two new people to create, one change at a time; the first CreateUser is held in flight.
    const newcomers = { 'zara.ahmed@digital.cabinet-office.gov.uk': 'Zara Ahmed', 'yusuf.ali@digital.cabinet-office.gov.uk': 'Yusuf Ali' };
    for (const [email, name] of Object.entries(newcomers)) {
      await writeFile(
        join(e2e.repo, 'users', `${email}.yaml`),
        `# yaml-language-server: $schema=../schema/user.schema.json\nemail: ${email}\nname: ${name}\nteam: govuk-platform\nrequested_by: amara.okafor@digital.cabinet-office.gov.uk\n`,
      );
    }
    const gate = await startGate(e2e.moto.url, 'CreateUser');
    try {
      const child = spawn(process.execPath, [compiled.cli, 'apply', '--target', 'aws', '--concurrency', '1'], {
        cwd: e2e.repo,
        env: childEnv(cliEnv(gate.url)),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      holders.push(child);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      // If the apply ends without ever creating a user, say how rather than wait for the timeout.
      const early = await Promise.race([gate.held.then(() => undefined), exited.then((code) => ({ code }))]);
      expect(early, `the apply ended before its first CreateUser: ${stderr}`).toBeUndefined();
      child.kill('SIGTERM');
      await expect.poll(() => stderr, { timeout: 10_000 }).toContain('SIGTERM: stopping. No new change starts; the requests in flight finish, then the apply lock is released.');
      gate.open();
      expect(await exited).toBe(1);

      // The creation in flight finished; the other one never started.
      expect(gate.actions.filter((a) => a === 'CreateUser')).toHaveLength(1);
      const after = await listUserNames(iam);
      const created = after.filter((name) => !before.includes(name));
      expect(created).toHaveLength(1);
      // (and whatever else the plan holds on the day, e.g. an expiry warning)
      expect(stdout).toMatch(/Stopped before the end: \d+ changes? (was|were) not started; the next run resumes (it|them)\.\n$/);
      expect(stderr).toMatch(/\[\d+\/\d+\] not started: create user (zara\.ahmed|yusuf\.ali)@digital\.cabinet-office\.gov\.uk /);
      expect(stderr).toContain('Stopped before the end: The run was cancelled (SIGTERM).');
      // Released at once, not left for its lease to end.
      await expect(iam.send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::111111111111:policy/aws-access-as-code/aws-access-as-code-apply-lock' }))).rejects.toMatchObject({
        name: expect.stringMatching(/NoSuchEntity/),
      });
    } finally {
      await gate.stop();
    }
    const next = await runCommand(e2e.repo, e2e.env, 'apply', '--target', 'aws');
    expect(next.code).toBe(0);
    expect(await listUserNames(iam)).toEqual(expect.arrayContaining(Object.keys(newcomers)));
    expect((await runCommand(e2e.repo, e2e.env, 'plan', '--target', 'aws')).stdout).toContain('No changes. The target matches the files.');
  }, 180_000);
});
