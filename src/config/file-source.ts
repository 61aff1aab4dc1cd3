/**
 * Where the data files come from: the working tree (fs-source.ts) or a git commit (git-source.ts).
 * The loader only sees this interface, so validation is the same for both.
 */

/** Data files larger than this are rejected unread: no real user or account file comes close. */
export const MAX_DATA_FILE_BYTES = 64 * 1024;
/** GitHub ignores a CODEOWNERS file of 3 MB or more. */
export const MAX_CODEOWNERS_BYTES = 3 * 1024 * 1024;

export interface FileSource {
  /** For messages, e.g. `working tree /repo` or `git main`. */
  readonly description: string;
  /**
   * `settings.yaml` (when it exists) and every file anywhere under `users/` and `accounts/` (or
   * `users`/`accounts` themselves when they are symbolic links), as
   * paths relative to the root with `/`, sorted. Files other than `users/*.yaml` and
   * `accounts/*.yaml` are listed too, so the loader can report them instead of silently ignoring
   * them (a `users/x.yml` typo must not quietly delete a user).
   */
  listDataFiles(): Promise<string[]>;
  /**
   * The file's bytes, or undefined when it does not exist. At most `maxBytes + 1` bytes are
   * returned (default MAX_DATA_FILE_BYTES), enough to tell that a file is too large without
   * holding all of it in memory. A FIFO, socket or device is refused at once (AppError
   * `not-a-regular-file`), never opened in a way that could wait for a writer.
   */
  read(path: string, maxBytes?: number): Promise<Buffer | undefined>;
  /**
   * Whether a listed path is a symbolic link. Links are reported, never followed: in a pull request
   * check, a link could make the tool read (and quote in its messages) files outside the repository.
   */
  isSymbolicLink(path: string): Promise<boolean>;
}

/** Where GitHub looks for CODEOWNERS, in its order: the first one found is used. */
export const CODEOWNERS_PATHS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

/** The CODEOWNERS file GitHub would use, read from the same source as the data files. */
export async function readCodeowners(source: FileSource): Promise<{ path: string; bytes: Buffer } | undefined> {
  for (const path of CODEOWNERS_PATHS) {
    const bytes = await source.read(path, MAX_CODEOWNERS_BYTES);
    if (bytes !== undefined) return { path, bytes };
  }
  return undefined;
}

export type DataFileKind = 'settings' | 'user' | 'account';

/** What a listed path holds, or undefined for a file the loader does not read (reported as such). */
export function classifyDataPath(path: string): DataFileKind | undefined {
  if (path === 'settings.yaml') return 'settings';
  if (/^users\/[^/]+\.yaml$/.test(path)) return 'user';
  if (/^accounts\/[^/]+\.yaml$/.test(path)) return 'account';
  return undefined;
}

/** Directories whose files listDataFiles returns. */
export const DATA_DIRECTORIES = ['users', 'accounts'] as const;
