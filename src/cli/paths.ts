/**
 * Paths typed on the command line, and the files commands write.
 *
 * A path a person types is read as their shell reads it: relative to the folder they ran the
 * command from (which may be below the repository root, see repository-root.ts), absolute as given.
 * Folders the project owns (the default sandbox, .sandbox/) live at the repository root.
 */
import { stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { AppError } from '../core/errors.ts';
import type { CliContext } from './context.ts';

/** A path typed on the command line, made absolute. */
export function userPath(ctx: CliContext, path: string): string {
  return resolve(ctx.invokedFrom ?? ctx.cwd, path);
}

/** The sandbox's folder: `--sandbox-dir` as typed (absolute or relative), else .sandbox at the repository root. */
export function sandboxDirOf(ctx: CliContext, option: unknown): string {
  return typeof option === 'string' && option !== '' ? userPath(ctx, option) : join(ctx.cwd, '.sandbox');
}

/**
 * Refuses an output file that could not be written, before the command does its work: a plan
 * computed (or an apply run) only to fail at its last step helps nobody. The folder must exist
 * and be a folder; the file, if it exists, must not be a folder.
 */
export async function checkOutputFile(option: string, path: string): Promise<void> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(dirname(path))).isDirectory();
  } catch (error) {
    throw outputError(option, path, error);
  }
  if (!isFolder) throw outputError(option, path, Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }));
  const file = await stat(path).catch(() => undefined); // absent: written later
  if (file?.isDirectory() === true) throw outputError(option, path, Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
}

/** Writes an output file, translating the file system's refusal into a plain error. */
export async function writeOutputFile(option: string, path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (error) {
    throw outputError(option, path, error);
  }
}

function outputError(option: string, path: string, error: unknown): AppError {
  const code = (error as { code?: unknown }).code;
  const folder = dirname(path);
  const reasons: Record<string, [why: string, hint: string]> = {
    ENOENT: [`the folder ${folder} does not exist`, `Create it first (mkdir -p ${folder}), or give ${option} a path in an existing folder.`],
    ENOTDIR: [`${folder} is not a folder`, `Give ${option} a path in an existing folder.`],
    EISDIR: [`${path} is a folder`, `Give ${option} a file name, such as ${join(path, 'out.txt')}.`],
    EACCES: ['permission denied', `Give ${option} a path in a folder you may write to.`],
    EPERM: ['permission denied', `Give ${option} a path in a folder you may write to.`],
    EROFS: ['the file system is read-only', `Give ${option} a path on a writable file system.`],
  };
  const [why, hint] = reasons[typeof code === 'string' ? code : ''] ?? [
    error instanceof Error ? error.message : String(error),
    `Give ${option} another path.`,
  ];
  return new AppError('write-failed', `cannot write ${option} ${path}: ${why}`, { fault: 'user', hint, cause: error });
}
