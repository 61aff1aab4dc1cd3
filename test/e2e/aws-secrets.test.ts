/**
 * End to end against moto: temporary passwords reach the users' email (read back from moto's SES)
 * and nothing else. Every byte the CLI prints for plan (text, Markdown, JSON) and apply (text;
 * Markdown with a JSON report file; in GitHub Actions) is searched for every password. In GitHub
 * Actions a password may appear only in its `::add-mask::` line on stderr, written before any other
 * line that could carry it (the runner masks a value only in what is printed after).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { useAwsE2e } from '../support/e2e.ts';
import {
  changeList,
  editFile,
  parsePlan,
  passwordIn,
  replaceOnce,
  runCommand,
  type RunResult,
} from './support.ts';

const ZOE = 'zoe.smith@digital.cabinet-office.gov.uk';
const YUSUF = 'yusuf.ali@digital.cabinet-office.gov.uk';
const CHLOE = 'chloe.nguyen@cabinetoffice.gov.uk';
const EILIDH = 'eilidh.campbell@nista.gov.uk';

function userFile(email: string, name: string): string {
  return [
    '# yaml-language-server: $schema=../schema/user.schema.json',
    `email: ${email}`,
    `name: ${name}`,
    'team: govuk-platform',
    'requested_by: amara.okafor@digital.cabinet-office.gov.uk',
    '',
  ].join('\n');
}

interface Output {
  label: string;
  text: string;
}

// Each step runs the CLI against moto, with managed policies loaded in every account: slow on a busy
// machine running other moto servers, so allow it time.
vi.setConfig({ testTimeout: 90_000 });

const e2e = useAwsE2e();
/** Everything printed or written outside GitHub Actions: no password may appear in it. */
const outputs: Output[] = [];
/** The one apply run with GITHUB_ACTIONS=true, checked on its own. */
let actionsRun: RunResult | undefined;
/** Every temporary password sent, to "recipient: subject" (read once, at the end). */
let sent: Map<string, string> | undefined;

async function run(label: string, extraEnv: Record<string, string>, command: string, ...args: string[]): Promise<RunResult> {
  const result = await runCommand(e2e.repo, { ...e2e.env, ...extraEnv }, command, ...args);
  if (extraEnv['GITHUB_ACTIONS'] !== 'true') {
    outputs.push({ label: `${label} (stdout)`, text: result.stdout }, { label: `${label} (stderr)`, text: result.stderr });
  }
  return result;
}

async function planEveryFormat(label: string): Promise<void> {
  for (const format of ['text', 'markdown', 'json']) {
    const result = await run(`${label}: plan --format ${format}`, {}, 'plan', '--target', 'aws', '--format', format);
    expect(result.code, result.stderr).toBe(0);
  }
}

/** Every temporary password moto's SES has sent, to "recipient: subject". */
async function sentPasswords(): Promise<Map<string, string>> {
  if (sent !== undefined) return sent;
  const out = new Map<string, string>();
  for (const email of await e2e.moto.sentEmails()) {
    const password = passwordIn(email.body);
    if (password !== undefined) out.set(password, `${email.destinations.ToAddresses?.join(',')}: ${email.subject}`);
  }
  sent = out;
  return out;
}

describe('b. temporary passwords never leave the email', () => {
  it('apply (text) creating seven users', async () => {
    await planEveryFormat('1');
    const applied = await run('1: apply', {}, 'apply', '--target', 'aws');
    expect(applied.code, applied.stderr).toBe(0);
    await planEveryFormat('1 after');
  });

  it('apply --format markdown --report-json: a new user and a password reset', async () => {
    await writeFile(join(e2e.repo, 'users', `${ZOE}.yaml`), userFile(ZOE, 'Zoe Smith'));
    await editFile(e2e.repo, `users/${CHLOE}.yaml`, (text) => replaceOnce(text, /^password_reset: "2026-10-02"$/m, 'password_reset: "2026-11-27"'));
    const planned = await run('2: plan --format json', {}, 'plan', '--target', 'aws', '--format', 'json');
    expect(changeList(parsePlan(planned.stdout))).toEqual([
      ['create-user', ZOE],
      ['reset-password', CHLOE],
    ]);
    await planEveryFormat('2');

    const applied = await run('2: apply --format markdown', {}, 'apply', '--target', 'aws', '--format', 'markdown', '--report-json', 'report.json');
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('|');
    const report = await readFile(join(e2e.repo, 'report.json'), 'utf8');
    expect(JSON.parse(report)).toMatchObject({ version: 1 });
    outputs.push({ label: '2: report.json', text: report });
    await planEveryFormat('2 after');
  });

  it('apply in GitHub Actions: a new user and a password reset', async () => {
    await writeFile(join(e2e.repo, 'users', `${YUSUF}.yaml`), userFile(YUSUF, 'Yusuf Ali'));
    await editFile(e2e.repo, `users/${EILIDH}.yaml`, (text) => `${text.trimEnd()}\npassword_reset: "2026-11-27"\n`);
    const planned = await run('3: plan --format json', {}, 'plan', '--target', 'aws', '--format', 'json');
    expect(changeList(parsePlan(planned.stdout))).toEqual([
      ['create-user', YUSUF],
      ['reset-password', EILIDH],
    ]);
    actionsRun = await run('3: apply in GitHub Actions', { GITHUB_ACTIONS: 'true' }, 'apply', '--target', 'aws');
    expect(actionsRun.code, actionsRun.stderr).toBe(0);
    await planEveryFormat('3 after');
  });

  it('no password appears in any output outside GitHub Actions, nor in the report file', async () => {
    const passwords = await sentPasswords();
    expect([...passwords.values()].sort()).toEqual(
      [
        ...['amara.okafor@digital.cabinet-office.gov.uk', 'ben.hughes@digital.cabinet-office.gov.uk', CHLOE, 'dev.patel@digital.cabinet-office.gov.uk', EILIDH, 'felix.kowalski@softwire.com', 'grace.adeyemi@pentestpartners.com', ZOE, YUSUF].map(
          (user) => `${user}: Your AWS user in gds-users`,
        ),
        ...[CHLOE, EILIDH].map((user) => `${user}: Your new temporary AWS password for gds-users`),
      ].sort(),
    );
    expect(outputs.length).toBeGreaterThan(30);
    for (const { label, text } of outputs) {
      for (const [password, where] of passwords) {
        if (text.includes(password) || text.includes(escapeData(password))) throw new Error(`the password emailed to ${where} appears in ${label}`);
      }
      expect(text, label).not.toContain('::add-mask::');
    }
  });

  it('in GitHub Actions, each new password is masked before any other line, and appears nowhere else', async () => {
    const run = actionsRun;
    if (run === undefined) throw new Error('the GitHub Actions run did not happen');
    const passwords = await sentPasswords();
    // The two passwords this run generated.
    const generatedHere = [`${EILIDH}: Your new temporary AWS password for gds-users`, `${YUSUF}: Your AWS user in gds-users`];
    const fresh = [...passwords.keys()].filter((p) => generatedHere.includes(passwords.get(p) ?? ''));
    expect(fresh).toHaveLength(2);
    const maskOf = (password: string): string => `::add-mask::${escapeData(password)}`;
    const carries = (line: string, password: string): boolean => line.includes(password) || line.includes(escapeData(password));

    // stdout (the report, which a workflow may put in the step summary or a file) carries none.
    for (const password of passwords.keys()) expect(carries(run.stdout, password)).toBe(false);

    // The log (stderr, where the runner reads workflow commands too) carries each new password once,
    // in its own mask line; older passwords not at all.
    const lines = run.stderr.split('\n');
    const maskLines = lines.filter((l) => l.startsWith('::add-mask::'));
    expect(maskLines.sort()).toEqual(fresh.map(maskOf).sort());
    for (const line of lines) {
      for (const password of passwords.keys()) {
        if (carries(line, password)) expect(line).toBe(maskOf(password));
      }
    }

    // Across both streams, each mask comes before that change is reported done and before the report.
    const combined = run.combined.split('\n');
    const report = combined.findIndex((l) => l.startsWith('Applied to '));
    for (const password of fresh) {
      const where = passwords.get(password) ?? '';
      const user = where.split(':')[0] ?? '';
      const mask = combined.indexOf(maskOf(password));
      const done = combined.findIndex((l) => /^\[ *\d+\/\d+\] done: /.test(l) && l.includes(user));
      expect(mask, where).toBeGreaterThan(-1);
      expect(done, where).toBeGreaterThan(mask);
      expect(report, where).toBeGreaterThan(mask);
    }
  });
});

/** How a workflow command's value is escaped (GitHub's toolkit escapeData): the runner unescapes it. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
