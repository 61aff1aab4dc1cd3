/**
 * The import command on the sandbox, in-process, on a copy of the repository's data: what it
 * writes, --dry-run, --only, --filter, never overwriting a file, and files that validate and plan
 * as adoptions.
 */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import type { SandboxState } from '../../src/adapters/sandbox/state.ts';
import { cliContext } from '../github/cli-context.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const LEGACY = 'legacy.person@digital.cabinet-office.gov.uk';
let repo: string;

async function run(command: string, ...args: string[]) {
  const captured = cliContext(args, { cwd: repo, env: {} });
  const code = await runCli(command, captured.ctx);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'aac-import-'));
  for (const entry of ['settings.yaml', 'users', 'accounts', 'schema', 'CODEOWNERS']) {
    await cp(join(ROOT, entry), join(repo, entry), { recursive: true });
  }
  expect((await run('apply')).code).toBe(0);
  // Someone made a user and an account by hand, next to the managed ones.
  const path = join(repo, '.sandbox', 'state.json');
  const state = JSON.parse(await readFile(path, 'utf8')) as SandboxState;
  state.usersAccount.users.push({
    userName: LEGACY,
    userId: 'AIDALEGACY',
    createdAt: '2026-11-01T09:00:00.000Z',
    tags: { team: 'GOV.UK Platform' },
    groups: [],
    loginProfile: { passwordHash: 'scrypt$00$00', passwordResetRequired: false, createdAt: '2026-11-01T09:00:00.000Z' },
    accessKeys: [],
    signingCertificates: [],
    sshPublicKeys: [],
    serviceSpecificCredentials: [],
    mfaDevices: [],
    inlinePolicies: {},
    attachedPolicies: [],
  });
  state.organization.accounts.push({ id: '444455556666', name: 'hand-made', email: 'aws-root@legacy-agency.example.com', status: 'ACTIVE', ouPath: '/Sandbox', tags: {}, roles: [] });
  await writeFile(path, JSON.stringify(state));
});
afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe('import on the sandbox', () => {
  it('--dry-run writes nothing and says what it would write', async () => {
    const result = await run('import', '--dry-run');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('(dry run: no file written)');
    expect(result.stdout).toMatch(/Users: +8 seen; would write 1 files \(1 to adopt\), 7 already have a file, 0 not written/);
    expect(result.stdout).toMatch(/Accounts: +\d+ seen; would write 1 files/);
    expect(existsSync(join(repo, 'users', `${LEGACY}.yaml`))).toBe(false);
    expect(existsSync(join(repo, 'accounts', 'hand-made.yaml'))).toBe(false);
  });

  it('--only and --filter choose what is written; a second import writes nothing new', async () => {
    expect((await run('import', '--only', 'accounts')).code).toBe(0);
    expect(existsSync(join(repo, 'users', `${LEGACY}.yaml`))).toBe(false);
    expect(await readFile(join(repo, 'accounts', 'hand-made.yaml'), 'utf8')).toMatch(/^id: "444455556666"$/m);
    expect((await run('import', '--filter', 'LEGACY')).code).toBe(0);
    const written = await readFile(join(repo, 'users', `${LEGACY}.yaml`), 'utf8');
    expect(written).toMatch(/^team: gov-uk-platform$/m);
    const before = await readdir(join(repo, 'users'));
    const again = await run('import');
    expect(again.stdout).toMatch(/Users: +8 seen; wrote 0 files/);
    expect(await readdir(join(repo, 'users'))).toEqual(before);
    expect(await readFile(join(repo, 'users', `${LEGACY}.yaml`), 'utf8')).toBe(written);
  });

  it('writes files that validate and plan as adoptions, held back until settings open the window', async () => {
    expect((await run('import')).code).toBe(0);
    // The legacy account's root email is on a domain the project would never create an account on: kept as AWS holds it.
    expect(await readFile(join(repo, 'accounts', 'hand-made.yaml'), 'utf8')).toMatch(/^root_email: aws-root@legacy-agency\.example\.com$/m);
    expect((await run('validate')).code).toBe(0);
    const plan = await run('plan');
    expect(plan.stdout).toContain(`adopt user ${LEGACY} (team gov-uk-platform, requested by ${LEGACY}), keeping its password`);
    expect(plan.stdout).toContain('tell gds-aws-account-management@digital.cabinet-office.gov.uk that accounts/hand-made.yaml now manages hand-made (444455556666)');
    expect(plan.stdout).toMatch(/more than settings.yaml allows in one run \(limits.max_adoptions_per_run: 0\)/);
    const refused = await run('apply');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/one run may adopt at most 0/);

    const settings = join(repo, 'settings.yaml');
    await writeFile(settings, (await readFile(settings, 'utf8')).replace(/^limits:\n/m, 'limits:\n  max_adoptions_per_run: 1\n'));
    const outbox = join(repo, '.sandbox', 'outbox');
    const mailBefore = await readdir(outbox);
    const applied = await run('apply');
    expect(applied.code, applied.stdout).toBe(0);
    expect(applied.stdout).toMatch(/4 done, 0 failed, 0 skipped/);
    const mail = (await readdir(outbox)).filter((name) => !mailBefore.includes(name));
    expect(mail).toHaveLength(1);
    const notice = await readFile(join(outbox, mail[0] ?? ''), 'utf8');
    expect(notice).toContain('is now managed from its file');
    expect(notice).not.toContain(LEGACY);
    expect((await run('plan')).stdout).toContain('No changes.');
  });

  it('refuses bad options and invalid files before reading anything', async () => {
    expect((await run('import', '--only', 'roles')).stderr).toMatch(/--only must be users or accounts/);
    await writeFile(join(repo, 'users', 'broken@digital.cabinet-office.gov.uk.yaml'), 'email: [\n');
    const broken = await run('import');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/nothing was read or written/);
  });
});
