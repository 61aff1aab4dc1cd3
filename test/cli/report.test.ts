/**
 * `report` end to end on the sandbox, with the repository's own users and accounts: applied, then
 * aged by hand in the sandbox's state file (the sandbox has no sign-ins, so last-use dates, MFA
 * devices and access keys are written there, as someone using AWS would have made them), then
 * reviewed as of a fixed day. The same review in text, Markdown and JSON; expiry followed across
 * the day it passes; exit codes.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SandboxState, SandboxUser } from '../../src/adapters/sandbox/state.ts';
import { runCli } from '../../src/cli/main.ts';
import { cliContext } from '../github/cli-context.ts';
import { GitRepo } from '../support/git-repo.ts';
import { useRepoCopy } from './repo-copy.ts';

const copy = useRepoCopy('aac-report-');
const TODAY = '2026-11-28';
const AMARA = 'amara.okafor@digital.cabinet-office.gov.uk';
const BEN = 'ben.hughes@digital.cabinet-office.gov.uk';
const CHLOE = 'chloe.nguyen@cabinetoffice.gov.uk';
const DEV = 'dev.patel@digital.cabinet-office.gov.uk';
const GRACE = 'grace.adeyemi@pentestpartners.com';

async function run(today: string, command: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runIn(copy.dir, today, command, ...args);
}

async function runIn(cwd: string, today: string, command: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const captured = cliContext(args, { cwd, env: {} });
  const code = await runCli(command, { ...captured.ctx, today });
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

/** Rewrites the sandbox's state file: the hand that ages users. */
async function editState(edit: (state: SandboxState) => void): Promise<void> {
  const file = join(copy.dir, '.sandbox', 'state.json');
  const state = JSON.parse(await readFile(file, 'utf8')) as SandboxState;
  edit(state);
  await writeFile(file, JSON.stringify(state, null, 2));
}

function userOf(state: SandboxState, userName: string): SandboxUser {
  const user = state.usersAccount.users.find((candidate) => candidate.userName === userName);
  if (user === undefined) throw new Error(`no ${userName} in the sandbox`);
  return user;
}

/** Everyone created on 1 June with MFA and a sign-in last week; then the few who are not. */
async function ageTheExampleUsers(): Promise<void> {
  await editState((state) => {
    for (const user of state.usersAccount.users) {
      user.createdAt = '2026-06-01T09:00:00.000Z';
      user.mfaDevices = [`arn:aws:iam::${state.usersAccount.accountId}:mfa/${user.userName}`];
      if (user.loginProfile) user.loginProfile = { ...user.loginProfile, createdAt: '2026-06-01T09:00:00.000Z', lastUsedAt: '2026-11-20T10:00:00.000Z' };
    }
    userOf(state, AMARA).accessKeys = [{ accessKeyId: 'AKIAAMARA', status: 'Active', createdAt: '2026-06-02T09:00:00.000Z', lastUsedAt: '2026-11-27T12:00:00.000Z' }];
    const ben = userOf(state, BEN);
    ben.mfaDevices = [];
    if (ben.loginProfile) delete ben.loginProfile.lastUsedAt;
    const chloe = userOf(state, CHLOE);
    if (chloe.loginProfile) chloe.loginProfile.lastUsedAt = '2026-07-01T08:00:00.000Z';
    userOf(state, DEV).accessKeys = [{ accessKeyId: 'AKIADEV', status: 'Active', createdAt: '2026-11-01T09:00:00.000Z' }];
    // A service user made by hand, and the protected break-glass user: no password, one old key each.
    const { loginProfile: _password, ...someone } = userOf(state, BEN);
    for (const name of ['ci-deployer', 'break-glass-admin']) {
      state.usersAccount.users.push({
        ...someone,
        userName: name,
        userId: `AIDA${name.length}`,
        tags: {},
        groups: [],
        mfaDevices: [],
        accessKeys: [{ accessKeyId: `AKIA${name.length}`, status: 'Active', createdAt: '2025-01-01T00:00:00.000Z', lastUsedAt: '2026-11-27T00:00:00.000Z' }],
      });
    }
    const production = state.organization.accounts.find((account) => account.name === 'govuk-platform-production');
    const bootstrap = production?.roles.find((role) => role.name === 'bootstrap');
    if (bootstrap === undefined) throw new Error('no bootstrap role in govuk-platform-production');
    bootstrap.createdAt = '2026-05-01T09:00:00.000Z';
  });
}

describe('report', () => {
  it('reviews the applied example data, aged by hand: each finding, most severe first, in text, Markdown and JSON', async () => {
    expect((await run(TODAY, 'apply')).code).toBe(0);
    await ageTheExampleUsers();

    const text = await run(TODAY, 'report');
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split('\n').filter((line) => line.startsWith('  ['));
    expect(lines).toEqual([
      `  [no-mfa] ${BEN}: console password and no MFA device; the user was created on 2026-06-01 (180 days ago)`,
      '  [unmanaged-user] ci-deployer: IAM user without the managed-by tag and without a file: nothing here reviews who it belongs to',
      `  [password-unused] ${BEN}: console password never used since it was set on 2026-06-01 (180 days ago)`,
      `  [password-unused] ${CHLOE}: console password last used on 2026-07-01 (150 days ago)`,
      `  [access-key-unused] ${DEV}: access key 1 never used since it was created on 2026-11-01 (27 days ago)`,
      `  [access-key-old] ${AMARA}: access key 1 created on 2026-06-02 (179 days ago), more than 90 days ago`,
      '  [access-key-old] ci-deployer: access key 1 created on 2025-01-01 (696 days ago), more than 90 days ago',
      `  [bootstrap-role-old] bootstrap in govuk-platform-production (${text.stdout.match(/govuk-platform-production \((\d{12})\)/)?.[1]}): administrator role created on 2026-05-01 (211 days ago), more than 90 days ago; trusted by ${AMARA}, ${BEN}`,
      `  [expiring-soon] ${GRACE}: expires 2026-12-19, in 21 days`,
    ]);
    expect(text.stdout).toMatch(/^Access review on 2026-11-28 of local sandbox \(.*state\.json\)$/m);
    expect(text.stdout).toContain('High: fix now (1)');
    expect(text.stdout).toContain('1 high, 7 medium, 1 low findings; 8 users and 2 bootstrap roles checked.');
    // The protected user is never listed, though its key is old.
    expect(text.stdout).not.toContain('break-glass-admin');

    const json = await run(TODAY, 'report', '--json');
    const review = JSON.parse(json.stdout) as { version: number; findings: { kind: string; severity: string }[]; totals: Record<string, unknown> };
    expect(review.version).toBe(1);
    expect(review.findings.map((f) => f.kind)).toEqual(lines.map((line) => /^ {2}\[([\w-]+)\]/.exec(line)?.[1]));
    expect(review.totals).toMatchObject({ high: 1, medium: 7, low: 1, byKind: { 'access-key-old': 2, 'password-unused': 2 } });

    const markdown = await run(TODAY, 'report', '--format', 'markdown', '--out', 'review.md');
    expect(markdown.stdout).toContain('### Medium: fix this month (7)');
    expect(markdown.stdout).toContain(`| \`no-mfa\` | \`${BEN}\` | console password and no MFA device;`);
    expect(await readFile(join(copy.dir, 'review.md'), 'utf8')).toBe(markdown.stdout);

    expect((await run(TODAY, 'report', '--fail-on-findings')).code).toBe(2);
  });

  it('follows a contractor past expires: still has access before apply, suspended after it', async () => {
    expect((await run(TODAY, 'apply')).code).toBe(0);
    await ageTheExampleUsers();
    const dayAfter = '2026-12-20';
    const before = await run(dayAfter, 'report', '--json');
    const graceFindings = (stdout: string) =>
      (JSON.parse(stdout) as { findings: { kind: string; severity: string; subject: { userName?: string }; fact: string }[] }).findings
        .filter((f) => f.subject.userName === GRACE)
        .map((f) => [f.kind, f.severity, f.fact]);
    expect(graceFindings(before.stdout)).toEqual([
      ['expired-with-access', 'high', 'expired 2026-12-19, 1 day ago, and still has a console password, group CrossAccountAccess'],
    ]);
    expect((await run(dayAfter, 'apply')).code).toBe(0);
    expect(graceFindings((await run(dayAfter, 'report', '--json')).stdout)).toEqual([
      ['expired-suspended', 'low', 'expired 2026-12-19, 1 day ago; suspended (no password, no active access key, no group)'],
    ]);
  });

  it('a freshly applied sandbox has nothing but the contractor who expires soon; an empty one has no findings', async () => {
    const empty = await run(TODAY, 'report', '--fail-on-findings');
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('No findings: 0 users and 0 bootstrap roles checked.');
    expect((await run(TODAY, 'apply')).code).toBe(0);
    const fresh = JSON.parse((await run(TODAY, 'report', '--json')).stdout) as { findings: { kind: string }[] };
    expect(fresh.findings.map((f) => f.kind)).toEqual(['expiring-soon']);
  });

  it('lists whose access was last approved more than a year ago, from git history; outside git or in a shallow clone, says why it could not', async () => {
    expect((await run(TODAY, 'report')).stdout).toMatch(/Recertification \(access last approved more than 365 days ago\) was not checked: .* is not in a git repository/);

    // Everyone approved with the first commit; then Ben's file re-approved, and Chloe given a role.
    const repo = new GitRepo(copy.dir);
    repo.commit('Initial data (#1)', '2025-06-02T10:00:00Z');
    const benFile = `users/${BEN}.yaml`;
    const ben = await readFile(join(copy.dir, benFile), 'utf8');
    repo.squash(40, 'Ben still needs access', '2026-10-01T10:00:00Z', (r) => r.write(benFile, ben.replace(/^reason: .*$/m, 'reason: On the GOV.UK platform on-call rota (re-approved October 2026)')));
    const accountFile = 'accounts/notify-staging.yaml';
    const account = await readFile(join(copy.dir, accountFile), 'utf8');
    repo.merge(41, 'chloe-notify-read-only', 'Chloe may read Notify staging', '2026-11-01T10:00:00Z', (r) =>
      r.write(accountFile, account.replace('      - amara.okafor@digital.cabinet-office.gov.uk\n', `      - amara.okafor@digital.cabinet-office.gov.uk\n      - ${CHLOE}\n`)),
    );

    expect((await run(TODAY, 'apply')).code).toBe(0);
    const review = JSON.parse((await run(TODAY, 'report', '--json')).stdout) as {
      findings: { kind: string; severity: string; subject: { userName: string }; fact: string }[];
      thresholds: Record<string, number>;
      notes: string[];
    };
    const due = review.findings.filter((f) => f.kind === 'recertification-due');
    expect(due.map((f) => f.subject.userName)).toEqual([AMARA, DEV, 'eilidh.campbell@nista.gov.uk', 'felix.kowalski@softwire.com', GRACE]);
    expect(due.every((f) => f.severity === 'medium')).toBe(true);
    expect(due[0]?.fact).toMatch(/^access last approved on 2025-06-02 \(544 days ago\) in pull request #1 \(commit [0-9a-f]{7}\), more than 365 days ago$/);
    expect(review.thresholds['recertifyAfterDays']).toBe(365);
    expect(review.notes.filter((note) => note.startsWith('Recertification'))).toEqual([]);

    // A longer cycle in settings.yaml: nobody is due.
    const settings = await readFile(join(copy.dir, 'settings.yaml'), 'utf8');
    await writeFile(join(copy.dir, 'settings.yaml'), `${settings}access_review:\n  recertify_after_days: 730\n`);
    const longer = JSON.parse((await run(TODAY, 'report', '--json')).stdout) as { findings: { kind: string }[] };
    expect(longer.findings.filter((f) => f.kind === 'recertification-due')).toEqual([]);

    const elsewhere = await mkdtemp(join(tmpdir(), 'aac-report-shallow-'));
    try {
      const clone = repo.shallowClone(join(elsewhere, 'clone'), 1);
      const shallow = await runIn(clone, TODAY, 'report');
      expect(shallow.code, shallow.stderr).toBe(0);
      expect(shallow.stdout).toContain(
        "Recertification (access last approved more than 365 days ago) was not checked: the clone's history is shallow (only its latest commits are here): run git fetch --unshallow (in GitHub Actions: actions/checkout with fetch-depth: 0).",
      );
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });

  it('refuses bad options, and invalid files before reading anything', async () => {
    const format = await run(TODAY, 'report', '--format', 'yaml');
    expect(format.code).toBe(1);
    expect(format.stderr).toContain('--format must be text, markdown or json, not "yaml"');
    expect((await run(TODAY, 'report', '--target', 'gcp')).stderr).toContain('--target must be sandbox or aws');
    await writeFile(join(copy.dir, 'users', `${BEN}.yaml`), 'email: [\n');
    const invalid = await run(TODAY, 'report');
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toBe('');
    expect(invalid.stderr).toContain('The files are not valid: nothing was read from or changed in any target.');
  });
});
