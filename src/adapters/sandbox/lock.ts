/**
 * The sandbox's apply lock: `<dir>/apply.lock`, a JSON LockRecord. Created by writing a private temp
 * file and hard-linking it into place: link(2) fails with EEXIST when the lock exists, atomically, and
 * the lock is never seen half-written. Renewal replaces it with rename(2), also atomic.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppError } from '../../core/errors.ts';
import type { ApplyLockStore, LockRecord } from '../../ports/apply-lock.ts';

function isRecord(value: unknown): value is LockRecord {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['id'] === 'string' &&
    typeof v['host'] === 'string' &&
    typeof v['pid'] === 'number' &&
    typeof v['since'] === 'string' &&
    typeof v['expires'] === 'string' &&
    (v['run'] === undefined || typeof v['run'] === 'string')
  );
}

export function sandboxLockStore(dir: string): ApplyLockStore {
  const folder = resolve(dir);
  const file = join(folder, 'apply.lock');

  async function writeTemp(record: LockRecord): Promise<string> {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const temp = join(folder, `.apply.lock.${randomBytes(6).toString('hex')}.tmp`);
    await writeFile(temp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    return temp;
  }

  return {
    where: `in the file ${file}`,

    async create(record) {
      const temp = await writeTemp(record);
      try {
        await link(temp, file);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw new AppError('sandbox-unwritable', `Cannot create the apply lock ${file}.`, { cause: error });
      } finally {
        await rm(temp, { force: true });
      }
    },

    async read() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new AppError('sandbox-unreadable', `Cannot read the apply lock ${file}.`, { cause: error });
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (!isRecord(parsed)) {
        throw new AppError('sandbox-corrupt', `The apply lock ${file} is not a lock this tool wrote.`, {
          fault: 'user',
          hint: 'If no apply runs, delete the file and run again.',
        });
      }
      return parsed;
    },

    async renew(record) {
      const temp = await writeTemp(record);
      await rename(temp, file);
    },

    async remove() {
      await rm(file, { force: true });
    },
  };
}
