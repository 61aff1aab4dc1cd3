/**
 * The sandbox holds secrets: its outbox stands in for people's mailboxes (temporary passwords), and
 * its state holds password hashes. Its folders are 0700 and its files 0600, whatever the umask, and
 * files a looser earlier version left behind are tightened when the sandbox is opened.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../core/errors.ts';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** A temporary state file older than this was left by a killed write; a live write takes milliseconds. */
const STALE_TEMP_FILE_MS = 60_000;
const TEMP_STATE_FILE = /^state\.json\.[0-9a-f]+\.tmp$/;

/** Creates `dir` (and missing parents) private, or makes an existing one private. */
export async function makePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await tighten(dir, PRIVATE_DIR_MODE);
}

/**
 * Opening a sandbox folder: the folder, its outbox and their files lose any group or other
 * permission, and temporary state files left by a killed run are removed. A folder that does not
 * exist yet is left alone (it is created private on the first write).
 */
export async function secureSandboxDir(dir: string): Promise<void> {
  const entries = await entriesOf(dir);
  if (entries === undefined) return;
  await tighten(dir, PRIVATE_DIR_MODE);
  let now: number | undefined;
  for (const name of entries) {
    const path = join(dir, name);
    if (TEMP_STATE_FILE.test(name)) {
      const info = await stat(path).catch(() => undefined);
      now ??= await fileSystemNow(dir);
      if (info !== undefined && now - info.mtimeMs > STALE_TEMP_FILE_MS) await rm(path, { force: true });
    } else if (name === 'state.json') {
      await tighten(path, PRIVATE_FILE_MODE);
    }
  }
  await secureOutbox(join(dir, 'outbox'));
}

/**
 * Now, by the clock that stamps the files in `dir`: a file's age is measured against the time the
 * file system gives a file written now, not against the process's clock, which may differ (another
 * machine's clock on a network share, or a test's pinned clock).
 */
async function fileSystemNow(dir: string): Promise<number> {
  const probe = join(dir, `.clock.${randomBytes(6).toString('hex')}`);
  try {
    await writeFile(probe, '', { mode: PRIVATE_FILE_MODE });
    return (await stat(probe)).mtimeMs;
  } catch (error) {
    throw new AppError('sandbox-unreadable', `Cannot write in the sandbox folder ${dir}.`, { cause: error });
  } finally {
    await rm(probe, { force: true });
  }
}

/** The outbox folder and every `.eml` file in it become private. */
export async function secureOutbox(outbox: string): Promise<void> {
  const entries = await entriesOf(outbox);
  if (entries === undefined) return;
  await tighten(outbox, PRIVATE_DIR_MODE);
  for (const name of entries) if (name.endsWith('.eml')) await tighten(join(outbox, name), PRIVATE_FILE_MODE);
}

async function entriesOf(dir: string): Promise<string[] | undefined> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AppError('sandbox-unreadable', `Cannot read the sandbox folder ${dir}.`, { cause: error });
  }
}

/** Removes permission bits beyond `mode`; never adds any. */
async function tighten(path: string, mode: number): Promise<void> {
  let current: number;
  try {
    current = (await stat(path)).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // removed meanwhile: nothing to protect
    throw new AppError('sandbox-unreadable', `Cannot read the permissions of ${path}.`, { cause: error });
  }
  if ((current & ~mode) === 0) return;
  try {
    await chmod(path, current & mode);
  } catch (error) {
    throw new AppError('sandbox-not-private', `${path} is readable by others (mode ${current.toString(8).padStart(4, '0')}) and could not be made private.`, {
      fault: 'user',
      hint: `Run: chmod ${mode.toString(8)} '${path}' (it holds secrets of the sandbox), or delete the .sandbox folder.`,
      cause: error,
    });
  }
}
