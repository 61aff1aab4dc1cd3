/**
 * The history of the data files in git, for `history` and the access review's recertification:
 * the default branch's first-parent commits (one per merged pull request, however it was merged)
 * that touched the paths asked about, and each touched file's version before and after, parsed.
 * Read with `git log --raw` (blob ids, no checkout) and one `git cat-file --batch`.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
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
  try {
    const shallow = (await gitText(root, ['rev-parse', '--is-shallow-repository'])).trim() === 'true';
    return shallow ? { kind: 'shallow' } : { kind: 'full' };
  } catch {
    // git older than 2.15 has no --is-shallow-repository.
    return { kind: 'none', reason: 'git could not tell whether this clone is shallow (git 2.15 or later is needed)' };
  }
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
 * parsed at some commit, or whose contents were not asked for (`readContents` false: only whether
 * it changed matters), is kept with `data: undefined`.
 */
export async function readGitHistory(root: string, paths: readonly string[], readContents: (path: string) => boolean = () => true): Promise<GitHistory> {
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
      `--format=${RECORD}%H%x00%ct%x00%s%x00%b${END_OF_MESSAGE}`,
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
  const oids = [
    ...new Set(
      commits.flatMap((c) =>
        c.changes.filter((change) => readContents(change.path)).flatMap((change) => [change.before, change.after].filter((oid): oid is string => oid !== undefined)),
      ),
    ),
  ];
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
  // A shallow clone's oldest commits have no parents here, so git shows them adding every file:
  // what they really changed is unknown, and they are left out.
  const boundary = state.kind === 'shallow' ? await readShallowBoundary(root) : new Set<string>();
  const history: HistoryCommit[] = commits.filter((commit) => !boundary.has(commit.sha)).map(({ changes, ...commit }) => ({
    ...commit,
    files: changes.filter((c) => c.path.endsWith('.yaml')).map((c): FileChange => ({ path: c.path, before: versionOf(c.path, c.before), after: versionOf(c.path, c.after) })),
  }));
  return { commits: history.reverse(), shallow: state.kind === 'shallow' };
}

/** The commits a shallow clone stops at (git keeps them in the `shallow` file of its git directory). */
async function readShallowBoundary(root: string): Promise<Set<string>> {
  try {
    const path = resolve(root, (await gitText(root, ['rev-parse', '--git-path', 'shallow'])).trim());
    return new Set((await readFile(path, 'utf8')).split('\n').filter((line) => line !== ''));
  } catch (error) {
    throw new AppError('git-failed', 'could not read where the shallow clone stops', { cause: error });
  }
}

/** `<sha>\0<unix time>\0<subject>\0<body>\x1f` then, with -z, `:<modes> <old> <new> <status>\0<path>\0` per file. */
function parseRecord(record: string): Omit<HistoryCommit, 'files'> & { changes: RawChange[] } {
  const end = record.indexOf(END_OF_MESSAGE);
  const [sha = '', seconds = '', subject = '', body = ''] = record.slice(0, end).split('\0');
  // In UTC, whatever the committer's time zone: the day of a merge is the same for every reader.
  const committedAt = new Date(Number(seconds) * 1000).toISOString().replace('.000Z', 'Z');
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
