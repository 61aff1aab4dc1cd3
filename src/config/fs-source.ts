import { constants } from 'node:fs';
import { lstat, open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../core/errors.ts';
import { DATA_DIRECTORIES, MAX_DATA_FILE_BYTES, type FileSource } from './file-source.ts';

/** The data files in a directory on disk (the working tree). */
export function fsSource(root: string): FileSource {
  return {
    description: `working tree ${root}`,
    async listDataFiles() {
      await assertDirectory(root);
      const paths: string[] = [];
      if (await isFile(join(root, 'settings.yaml'))) paths.push('settings.yaml');
      for (const dir of DATA_DIRECTORIES) paths.push(...(await listFilesUnder(root, dir)));
      return paths.sort();
    },
    async read(path, maxBytes = MAX_DATA_FILE_BYTES) {
      let handle;
      try {
        // O_NOFOLLOW: never read through a link (see FileSource.isSymbolicLink).
        handle = await open(join(root, path), constants.O_RDONLY | constants.O_NOFOLLOW);
      } catch (error) {
        if (['ENOENT', 'ENOTDIR', 'ELOOP', 'EISDIR'].some((code) => isErrnoCode(error, code))) return undefined;
        throw new AppError('read-failed', `could not read ${path}`, { cause: error });
      }
      try {
        if (!(await handle.stat()).isFile()) return undefined; // a directory, FIFO or device: never block on it
        // Read at most maxBytes + 1 so a huge file is detected without loading it.
        const buffer = Buffer.alloc(maxBytes + 1);
        let filled = 0;
        while (filled < buffer.length) {
          const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        return buffer.subarray(0, filled);
      } catch (error) {
        throw new AppError('read-failed', `could not read ${path}`, { cause: error });
      } finally {
        await handle.close();
      }
    },
    async isSymbolicLink(path) {
      try {
        return (await lstat(join(root, path))).isSymbolicLink();
      } catch (error) {
        if (isErrnoCode(error, 'ENOENT') || isErrnoCode(error, 'ENOTDIR')) return false;
        throw new AppError('read-failed', `could not read ${path}`, { cause: error });
      }
    },
  };
}

async function assertDirectory(root: string): Promise<void> {
  try {
    if ((await stat(root)).isDirectory()) return;
  } catch (error) {
    if (!isErrnoCode(error, 'ENOENT')) throw new AppError('read-failed', `could not read ${root}`, { cause: error });
  }
  throw new AppError('not-a-directory', `${root} is not a directory`, {
    fault: 'user',
    hint: 'run from the repository root (where settings.yaml, users/ and accounts/ are)',
  });
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (error) {
    if (isErrnoCode(error, 'ENOENT')) return false;
    throw new AppError('read-failed', `could not read ${path}`, { cause: error });
  }
}

/** Every non-directory entry under root/dir, recursively, as `dir/...` paths. A missing dir is empty. */
async function listFilesUnder(root: string, dir: string): Promise<string[]> {
  let entries;
  try {
    if ((await lstat(join(root, dir))).isSymbolicLink()) return [dir];
    entries = await readdir(join(root, dir), { withFileTypes: true });
  } catch (error) {
    if (isErrnoCode(error, 'ENOENT') || isErrnoCode(error, 'ENOTDIR')) return [];
    throw new AppError('read-failed', `could not list ${dir}/`, { cause: error });
  }
  const paths: string[] = [];
  for (const entry of entries) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) paths.push(...(await listFilesUnder(root, path)));
    else paths.push(path);
  }
  return paths;
}

function isErrnoCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
