import { closeSync, constants, type Dirent, fstatSync, lstatSync, openSync, readdirSync, readSync, type Stats, statSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../core/errors.ts';
import { DATA_DIRECTORIES, MAX_DATA_FILE_BYTES, type FileSource } from './file-source.ts';

/**
 * The data files in a directory on disk (the working tree).
 *
 * Reads are synchronous: thousands of files of a few hundred bytes each are read fastest one after
 * another on the main thread (no thread-pool round trip per call), each with one buffer sized from
 * fstat. What each listed path is (file, link, FIFO, ...) comes from the directory listing itself,
 * so no file is stat-ed twice, and a FIFO, socket or device is refused without ever being opened:
 * opening a FIFO for reading waits until something writes to it.
 */
export function fsSource(root: string): FileSource {
  /** The type of each listed path, from its directory entry. */
  const types = new Map<string, EntryType>();
  return {
    description: `working tree ${root}`,
    async listDataFiles() {
      assertDirectory(root);
      types.clear();
      const paths: string[] = [];
      const settings = entryType(root, 'settings.yaml');
      if (settings !== undefined && settings !== 'directory') {
        types.set('settings.yaml', settings);
        paths.push('settings.yaml');
      }
      for (const dir of DATA_DIRECTORIES) listFilesUnder(root, dir, types, paths);
      return paths.sort();
    },
    async read(path, maxBytes = MAX_DATA_FILE_BYTES) {
      const listed = types.get(path);
      if (listed !== undefined && listed !== 'file' && listed !== 'symbolic link') throw notRegular(path, listed);
      let fd;
      try {
        // O_NOFOLLOW: never read through a link (see FileSource.isSymbolicLink). O_NONBLOCK: a path
        // that became a FIFO after it was listed is opened without waiting, then refused below.
        fd = openSync(join(root, path), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      } catch (error) {
        if (['ENOENT', 'ENOTDIR', 'ELOOP', 'EISDIR'].some((code) => isErrnoCode(error, code))) return undefined;
        throw new AppError('read-failed', `could not read ${path}`, { cause: error });
      }
      try {
        const stats = fstatSync(fd);
        if (stats.isDirectory()) return undefined;
        if (!stats.isFile()) throw notRegular(path, typeOfEntry(stats));
        // Read at most maxBytes + 1 so a huge file is detected without loading it; otherwise the
        // size fstat gave, in one read for a small file (a file that changes meanwhile is read
        // as it was then, or shorter).
        const buffer = Buffer.allocUnsafe(Math.min(stats.size, maxBytes + 1));
        let filled = 0;
        while (filled < buffer.length) {
          const bytesRead = readSync(fd, buffer, filled, buffer.length - filled, filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        return buffer.subarray(0, filled);
      } catch (error) {
        if (error instanceof AppError) throw error;
        throw new AppError('read-failed', `could not read ${path}`, { cause: error });
      } finally {
        closeSync(fd);
      }
    },
    async isSymbolicLink(path) {
      const listed = types.get(path);
      if (listed !== undefined) return listed === 'symbolic link';
      try {
        return lstatSync(join(root, path)).isSymbolicLink();
      } catch (error) {
        if (isErrnoCode(error, 'ENOENT') || isErrnoCode(error, 'ENOTDIR')) return false;
        throw new AppError('read-failed', `could not read ${path}`, { cause: error });
      }
    },
  };
}

type EntryType = 'file' | 'directory' | 'symbolic link' | 'FIFO (named pipe)' | 'socket' | 'device';

function typeOfEntry(entry: Dirent | Stats): EntryType {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'directory';
  if (entry.isSymbolicLink()) return 'symbolic link';
  if (entry.isFIFO()) return 'FIFO (named pipe)';
  if (entry.isSocket()) return 'socket';
  return 'device';
}

/** The error for a FIFO, socket or device where a data file should be; the loader reports it on the file. */
function notRegular(path: string, type: EntryType): AppError {
  return new AppError('not-a-regular-file', `${path} is a ${type}, not a regular file; data files must be regular files: replace it with the file itself, or remove it`, {
    fault: 'user',
  });
}

function assertDirectory(root: string): void {
  try {
    if (statSync(root).isDirectory()) return;
  } catch (error) {
    if (!isErrnoCode(error, 'ENOENT')) throw new AppError('read-failed', `could not read ${root}`, { cause: error });
  }
  throw new AppError('not-a-directory', `${root} is not a directory`, {
    fault: 'user',
    hint: 'run from the repository root (where settings.yaml, users/ and accounts/ are)',
  });
}

/** What root/path is, without following a link; undefined when it does not exist. */
function entryType(root: string, path: string): EntryType | undefined {
  try {
    return typeOfEntry(lstatSync(join(root, path)));
  } catch (error) {
    if (isErrnoCode(error, 'ENOENT') || isErrnoCode(error, 'ENOTDIR')) return undefined;
    throw new AppError('read-failed', `could not read ${path}`, { cause: error });
  }
}

/**
 * Every non-directory entry under root/dir, recursively, as `dir/...` paths, with its type from the
 * listing. A missing dir (or a file in its place) is empty; a dir that is itself a link is listed
 * as one path.
 */
function listFilesUnder(root: string, dir: string, types: Map<string, EntryType>, paths: string[]): void {
  let entries;
  try {
    const type = entryType(root, dir);
    if (type === undefined) return;
    if (type === 'symbolic link') {
      // A link where the directory should be: listed, so the loader reports it.
      types.set(dir, type);
      paths.push(dir);
      return;
    }
    if (type !== 'directory') return;
    entries = readdirSync(join(root, dir), { withFileTypes: true });
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (isErrnoCode(error, 'ENOENT') || isErrnoCode(error, 'ENOTDIR')) return;
    throw new AppError('read-failed', `could not list ${dir}/`, { cause: error });
  }
  for (const entry of entries) {
    const path = `${dir}/${entry.name}`;
    const type = entry.isDirectory() ? 'directory' : typeOfEntry(entry);
    if (type === 'directory') {
      listFilesUnder(root, path, types, paths);
    } else {
      types.set(path, type);
      paths.push(path);
    }
  }
}

function isErrnoCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
