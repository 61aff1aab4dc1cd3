/**
 * The history of the data files in git, for `history` and the access review's recertification:
 * the default branch's first-parent commits (one per merged pull request, however it was merged)
 * that touched the paths asked about, and each touched file's version before and after, parsed.
 * Read with `git log --raw` (blob ids, no checkout) and one `git cat-file --batch`.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { FileChange, FileVersion, GitHistory, HistoryCommit } from '../core/access-history.ts';
import { AppError } from '../core/errors.ts';
import { parseYamlFile } from './parse-yaml.ts';
import { readBlobs } from './git-source.ts';

const execFileAsync = promisify(execFile);

/** Whether the folder's git history can be read: a full clone, a shallow one, or none, and why. */
export type GitHistoryState = { kind: 'full' } | { kind: 'shallow' } | { kind: 'none'; reason: string };

const UNSHALLOW = 'run git fetch --unshallow (in GitHub Actions: actions/checkout with fetch-depth: 0)';

async function gitText(root: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return stdout;
}

/** Never throws: a folder outside git, or a repository without commits, is `none` with the reason. */
export async function checkGitHistory(root: string): Promise<GitHistoryState> {
  try {
    await gitText(root, ['rev-parse', '--is-inside-work-tree']);
  } catch {
    // git prints "not a git repository" (or is missing): either way, there is no history to read.
    return { kind: 'none', reason: `${root} is not in a git repository (work in a clone of the repository to have its history)` };
  }
  try {
    await gitText(root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  } catch {
    return { kind: 'none', reason: 'the git repository has no commits yet' };
  }
  const shallow = (await gitText(root, ['rev-parse', '--is-shallow-repository']).catch(() => 'false')).trim() === 'true';
  return shallow ? { kind: 'shallow' } : { kind: 'full' };
}

/** What to tell someone whose clone cannot give the history. */
export function describeMissingHistory(state: Exclude<GitHistoryState, { kind: 'full' }>): string {
  return state.kind === 'shallow' ? `the clone's history is shallow (only its latest commits are here): ${UNSHALLOW}` : state.reason;
}

const ZERO = /^0+$/;
const RECORD = '\x1e';
const END_OF_MESSAGE = '\x1f';

interface RawChange {
  path: string;
  before: string | undefined;
  after: string | undefined;
}

/**
 * The first-parent commits of HEAD that touched `paths` (relative to root; a folder ends with `/`),
 * oldest first, with every touched data file before and after each commit. A file that cannot be
 * parsed at some commit is kept with `data: undefined`.
 */
export async function readGitHistory(root: string, paths: readonly string[]): Promise<GitHistory> {
  const state = await checkGitHistory(root);
  if (state.kind === 'none') {
    throw new AppError('git-failed', `no git history to read: ${state.reason}`, { fault: 'user', hint: 'run this in a clone of the repository' });
  }
  let out: string;
  try {
    // --first-parent: the default branch as merged (a merge commit's diff is against its first
    // parent, so it holds the whole pull request); --no-renames: a moved file is a removal and an addition.
    out = await gitText(root, [
      'log',
      '--first-parent',
      '--raw',
      '--no-abbrev',
      '--no-renames',
      '--relative',
      '-z',
      `--format=${RECORD}%H%x00%cI%x00%s%x00%b${END_OF_MESSAGE}`,
      'HEAD',
      '--',
      ...paths,
    ]);
  } catch (error) {
    throw new AppError('git-failed', `could not read the git history of ${paths.join(', ')}`, { cause: error });
  }
  const commits = out
    .split(RECORD)
    .filter((record) => record !== '')
    .map(parseRecord);
  const oids = [...new Set(commits.flatMap((c) => c.changes.flatMap((change) => [change.before, change.after]).filter((oid): oid is string => oid !== undefined)))];
  const blobs = await readBlobs(root, oids);
  const versions = new Map<string, FileVersion>();
  const versionOf = (path: string, oid: string | undefined): FileVersion | undefined => {
    if (oid === undefined) return undefined;
    let version = versions.get(oid);
    if (version === undefined) {
      const bytes = blobs.get(oid);
      version = { data: bytes === undefined ? undefined : parseYamlFile(path, bytes).parsed?.value };
      versions.set(oid, version);
    }
    return version;
  };
  const history: HistoryCommit[] = commits.map(({ changes, ...commit }) => ({
    ...commit,
    files: changes.filter((c) => c.path.endsWith('.yaml')).map((c): FileChange => ({ path: c.path, before: versionOf(c.path, c.before), after: versionOf(c.path, c.after) })),
  }));
  return { commits: history.reverse(), shallow: state.kind === 'shallow' };
}

/** `<sha>\0<date>\0<subject>\0<body>\x1f` then, with -z, `:<modes> <old> <new> <status>\0<path>\0` per file. */
function parseRecord(record: string): Omit<HistoryCommit, 'files'> & { changes: RawChange[] } {
  const end = record.indexOf(END_OF_MESSAGE);
  const [sha = '', committedAt = '', subject = '', body = ''] = record.slice(0, end).split('\0');
  const tokens = record.slice(end + 1).split('\0');
  const changes: RawChange[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const meta = /^\s*:\d+ \d+ ([0-9a-f]+) ([0-9a-f]+) [A-Z]\d*$/.exec(tokens[i] ?? '');
    const path = tokens[i + 1];
    if (meta === null || path === undefined) continue;
    const [, before = '', after = ''] = meta;
    changes.push({ path, before: ZERO.test(before) ? undefined : before, after: ZERO.test(after) ? undefined : after });
    i += 1;
  }
  return { sha, committedAt, subject, body: body.trim(), changes };
}

/** Every file name ever added under `directory` (relative to root), without `.yaml`: for did-you-mean. */
export async function listNamesInHistory(root: string, directory: string): Promise<string[]> {
  try {
    const out = await gitText(root, ['log', '--first-parent', '--format=', '--name-only', '--relative', '-z', 'HEAD', '--', directory]);
    const names = out
      .split(/[\0\n]/)
      .map((path) => /^[^/]+\/([^/]+)\.yaml$/.exec(path)?.[1])
      .filter((name): name is string => name !== undefined);
    return [...new Set(names)].sort();
  } catch (error) {
    throw new AppError('git-failed', `could not list the files that were ever in ${directory}`, { cause: error });
  }
}
