/**
 * Hard mode under kill -9: the compiled CLI applies the repository's data through the fault proxy
 * (paging, eventual consistency, creations in progress, resets after processing) and is killed with
 * SIGKILL at seeded moments, three times; then apply runs until a plan has nothing to do. Every user
 * and account exists once, every user and account got its email, and no temporary password was
 * mailed twice. (A notice killed between SES accepting it and its tag is sent again: at least once.)
 */
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { startBenchProxy } from '../support/aws-proxy.ts';
import { compiledCli, type CompiledCli } from '../support/compiled-cli.ts';
import { useAwsE2e } from '../support/e2e.ts';
import { seededRandom } from '../support/random.ts';
import { cliEnv, editFile, listUserNames, organizationsClient, passwordIn, runCommandOn, usersAccountIam } from './support.ts';

vi.setConfig({ testTimeout: 120_000 });

const e2e = useAwsE2e();
let compiled: CompiledCli;
// The child processes take today from the real clock: the data must be valid on it.
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  compiled = await compiledCli();
  const later = new Date(Date.parse(`${today}T00:00:00Z`) + 90 * 86_400_000).toISOString().slice(0, 10);
  for (const file of await readdir(join(e2e.repo, 'users'))) {
    await editFile(e2e.repo, join('users', file), (text) => text.replace(/^expires: .*$/m, `expires: "${later}"`));
  }
});

/** Runs apply in a process of its own and kills it with SIGKILL after `ms`; whether it was still running. */
function applyKilledAfter(env: Record<string, string>, ms: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [compiled.cli, 'apply', '--target', 'aws'], { cwd: e2e.repo, env, stdio: ['ignore', 'ignore', 'ignore'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal === 'SIGKILL');
    });
  });
}

describe('kill -9 at seeded moments, through the fault proxy', () => {
  it('converges: each user and account once, every email owed sent, no password mailed twice', async () => {
    const proxy = await startBenchProxy(e2e.moto.url, {
      faults: {
        seed: 9,
        pageSize: 3,
        consistencyMs: 300,
        organizations: { inProgressPolls: 1 },
        resetAfter: { actions: ['CreateUser', 'CreateAccount', 'CreateRole', 'TagUser', 'TagResource'], probability: 0.2 },
      },
    });
    const started = performance.now();
    try {
      const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', NO_COLOR: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...cliEnv(proxy.url) };
      const random = seededRandom(9);
      const killed: number[] = [];
      for (let i = 0; i < 3; i++) {
        const at = Math.round(400 + random() * 2600);
        if (await applyKilledAfter(env, at)) killed.push(at);
      }
      expect(killed.length).toBeGreaterThan(0);

      let converged = false;
      for (let run = 0; run < 4 && !converged; run++) {
        await runCommandOn(today, e2e.repo, cliEnv(proxy.url), 'apply', '--target', 'aws');
        const plan = await runCommandOn(today, e2e.repo, cliEnv(e2e.moto.url), 'plan', '--target', 'aws', '--detailed-exitcode');
        converged = plan.code === 0;
      }
      expect(converged).toBe(true);

      const iam = await usersAccountIam(e2e.moto.url);
      const org = organizationsClient(e2e.moto.url);
      try {
        const users = await listUserNames(iam);
        const files = (await readdir(join(e2e.repo, 'users'))).map((f) => f.replace(/\.yaml$/, '')).sort();
        expect(users).toEqual(files);
        const names = ((await org.send(new ListAccountsCommand({}))).Accounts ?? []).map((a) => a.Name ?? '');
        for (const name of ['govuk-platform-production', 'notify-staging']) expect(names.filter((n) => n === name), name).toHaveLength(1);

        const emails = await e2e.moto.sentEmails();
        const welcomes = emails.filter((m) => m.subject.startsWith('Your AWS user'));
        for (const user of users) expect(welcomes.some((m) => m.destinations.ToAddresses?.includes(user)), user).toBe(true);
        const passwords = welcomes.map((m) => passwordIn(m.body));
        expect(new Set(passwords).size).toBe(passwords.length);
        for (const name of ['govuk-platform-production', 'notify-staging']) {
          expect(emails.filter((m) => m.subject.startsWith(`AWS account ${name} is ready`)).length, name).toBeGreaterThanOrEqual(1);
        }
        const repeats = emails.length - new Set(emails.map((m) => `${m.destinations.ToAddresses?.join(',')}|${m.subject}|${m.body}`)).size;
        console.log(
          `kill -9: killed at ${killed.join(', ')} ms; ${((performance.now() - started) / 1000).toFixed(1)}s; ${welcomes.length} welcomes for ${users.length} users; ` +
            `${repeats} identical email(s) sent again after a kill; injected: ${JSON.stringify(Object.fromEntries(proxy.faults?.injected ?? []))}`,
        );
      } finally {
        iam.destroy();
        org.destroy();
      }
    } finally {
      await proxy.close();
    }
  });
});
