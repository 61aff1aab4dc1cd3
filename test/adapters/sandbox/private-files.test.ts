/**
 * The sandbox treats its files as secrets: folders 0700, state and mail 0600 (whatever was there
 * before), a state file of the wrong shape is reported as sandbox-corrupt with where it is wrong,
 * and temporary files a killed write left behind are removed.
 */
import { chmod, cp, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSandboxTarget } from '../../../src/adapters/sandbox/sandbox-target.ts';
import { runCli } from '../../../src/cli/main.ts';
import { AppError } from '../../../src/core/errors.ts';
import { aClock, aSandbox, MANAGED, type TempSandbox } from '../../apply/fixtures.ts';
import { cliContext } from '../../github/cli-context.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function sandbox(): Promise<TempSandbox> {
  const created = await aSandbox();
  cleanups.push(created.cleanup);
  return created;
}

const modeOf = async (path: string): Promise<string> => ((await stat(path)).mode & 0o777).toString(8);

const ADA = 'ada.lovelace@digital.cabinet-office.gov.uk';
const MAIL = { to: [ADA], subject: 'Your AWS user', body: 'temporary password: not-a-real-one' };

/** A sandbox folder with one user and one email, as a looser earlier version left it. */
async function looseSandbox(): Promise<TempSandbox> {
  const s = await sandbox();
  await s.target.usersAccount.createUser(ADA, MANAGED);
  await s.target.mailer.send(MAIL);
  const eml = (await readdir(s.target.outbox))[0] ?? '';
  await chmod(s.dir, 0o755);
  await chmod(s.target.outbox, 0o755);
  await chmod(join(s.dir, 'state.json'), 0o644);
  await chmod(join(s.target.outbox, eml), 0o644);
  return s;
}

describe('sandbox files are private', () => {
  it('creates the folder 0700 and the state and .eml files 0600', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'sandbox-private-'));
    cleanups.push(() => rm(parent, { recursive: true, force: true }));
    await chmod(parent, 0o755);
    const dir = join(parent, '.sandbox');
    const s = await aSandbox();
    cleanups.push(s.cleanup);
    const target = createSandboxTarget({ dir, settings: s.settings, now: aClock() });
    await target.usersAccount.createUser(ADA, MANAGED);
    await target.mailer.send(MAIL);

    expect(await modeOf(dir)).toBe('700');
    expect(await modeOf(join(dir, 'state.json'))).toBe('600');
    expect(await modeOf(target.outbox)).toBe('700');
    const emls = await readdir(target.outbox);
    expect(emls).toHaveLength(1);
    expect(await modeOf(join(target.outbox, emls[0] ?? ''))).toBe('600');
  });

  it('tightens a folder, state and mail left readable by others as soon as the sandbox is opened', async () => {
    const s = await looseSandbox();
    const eml = join(s.target.outbox, (await readdir(s.target.outbox))[0] ?? '');
    expect(await modeOf(eml)).toBe('644');

    // A plan only reads: opening the sandbox is enough.
    const reopened = createSandboxTarget({ dir: s.dir, settings: s.settings, now: aClock() });
    await reopened.usersAccount.readUsersAccount(s.settings.users_account.group);

    expect(await modeOf(s.dir)).toBe('700');
    expect(await modeOf(join(s.dir, 'state.json'))).toBe('600');
    expect(await modeOf(s.target.outbox)).toBe('700');
    expect(await modeOf(eml)).toBe('600');
  });

  it('the mailer alone tightens an outbox it finds loose', async () => {
    const s = await looseSandbox();
    const first = join(s.target.outbox, (await readdir(s.target.outbox))[0] ?? '');
    const mailerOnly = createSandboxTarget({ dir: s.dir, settings: s.settings, now: aClock() }).mailer;
    await mailerOnly.send(MAIL);
    expect(await modeOf(first)).toBe('600');
    expect(await modeOf(s.target.outbox)).toBe('700');
    for (const name of await readdir(s.target.outbox)) expect(await modeOf(join(s.target.outbox, name))).toBe('600');
  });

  it('removes temporary state files a killed write left behind, and only those', async () => {
    const s = await sandbox();
    await s.target.usersAccount.createUser(ADA, MANAGED);
    const stale = join(s.dir, 'state.json.0123456789ab.tmp');
    const fresh = join(s.dir, 'state.json.ba9876543210.tmp');
    const other = join(s.dir, 'notes.tmp');
    for (const file of [stale, fresh, other]) await writeFile(file, '{"half": ');
    // An hour before the file system's now (the clock that stamps the files, which a faked process
    // clock does not move).
    const anHourAgo = new Date((await stat(fresh)).mtimeMs - 3_600_000);
    await utimes(stale, anHourAgo, anHourAgo);
    await utimes(other, anHourAgo, anHourAgo);

    const reopened = createSandboxTarget({ dir: s.dir, settings: s.settings, now: aClock() });
    await reopened.usersAccount.readUsersAccount(s.settings.users_account.group);

    // A fresh one may belong to a write in progress in another process.
    expect((await readdir(s.dir)).sort()).toEqual(['notes.tmp', 'state.json', 'state.json.ba9876543210.tmp']);
  });
});

describe('a state file of the wrong shape', () => {
  async function errorFor(edit: (state: Record<string, unknown>) => unknown): Promise<AppError> {
    const s = await sandbox();
    await s.target.usersAccount.createUser(ADA, MANAGED);
    const state = JSON.parse(await s.stateText()) as Record<string, unknown>;
    await writeFile(join(s.dir, 'state.json'), JSON.stringify(edit(state)));
    const reopened = createSandboxTarget({ dir: s.dir, settings: s.settings, now: aClock() });
    const error = await reopened.usersAccount.readUsersAccount('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }

  it.each([
    ['a list instead of users', (state: any) => ({ ...state, usersAccount: { ...state.usersAccount, users: {} } }), 'state.usersAccount.users is not a list'],
    ['a user without tags', (state: any) => {
      delete state.usersAccount.users[0].tags;
      return state;
    }, 'state.usersAccount.users[0].tags is missing'],
    ['a tag that is not text', (state: any) => {
      state.usersAccount.users[0].tags['managed-by'] = 7;
      return state;
    }, 'state.usersAccount.users[0].tags.managed-by is not a string'],
    ['an unknown account status', (state: any) => {
      state.organization.accounts[0].status = 'GONE';
      return state;
    }, 'state.organization.accounts[0].status is not one of ACTIVE, SUSPENDED, PENDING_CLOSURE'],
    ['no organization', (state: any) => ({ ...state, organization: null }), 'state.organization is not an object'],
    ['another version', (state: any) => ({ ...state, version: 2 }), 'its version is 2, and this version of the tool reads version 1'],
    ['a list', () => [], 'the file does not hold a JSON object'],
  ])('%s is sandbox-corrupt, saying where', async (_name, edit, where) => {
    const error = await errorFor(edit);
    expect(error.code).toBe('sandbox-corrupt');
    expect(error.message).toMatch(/^The sandbox state .*state\.json is not in the expected format: /);
    expect(error.message).toContain(`: ${where}.`);
    expect(error.hint).toBe('Delete the .sandbox folder to start a fresh sandbox.');
  });

  it('the CLI prints the sandbox-corrupt message, not "This is a bug", and exits 1', async () => {
    const ROOT = join(import.meta.dirname, '..', '..', '..');
    const repo = await mkdtemp(join(tmpdir(), 'aac-sandbox-shape-'));
    cleanups.push(() => rm(repo, { recursive: true, force: true }));
    for (const entry of ['settings.yaml', 'users', 'accounts', 'schema', 'CODEOWNERS']) await cp(join(ROOT, entry), join(repo, entry), { recursive: true });
    const first = cliContext(['--json'], { cwd: repo, env: {} });
    expect(await runCli('plan', first.ctx)).toBe(0);
    const state = JSON.parse(await readFile(join(repo, '.sandbox', 'state.json'), 'utf8').catch(() => '{"version":1}')) as Record<string, unknown>;
    await writeFile(join(repo, '.sandbox', 'state.json'), JSON.stringify({ ...state, version: 1, organization: { accounts: 'none' } }));

    const captured = cliContext([], { cwd: repo, env: {} });
    expect(await runCli('plan', captured.ctx)).toBe(1);
    expect(captured.stderr()).toContain('is not in the expected format: state.organization.managementAccountId is missing.');
    expect(captured.stderr()).toContain('Delete the .sandbox folder');
    expect(captured.stderr()).not.toMatch(/bug|Cannot read properties/);
  });
});
