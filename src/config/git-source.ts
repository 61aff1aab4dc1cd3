import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { AppError } from '../core/errors.ts';
import { DATA_DIRECTORIES, MAX_DATA_FILE_BYTES, type FileSource } from './file-source.ts';

const execFileAsync = promisify(execFile);

interface TreeEntry {
  oid: string;
  size: number;
  symlink: boolean;
}

/**
 * The data files as they are at a git ref (a branch, tag or commit) of the repository at root,
 * read with `git ls-tree` and `git cat-file`: nothing is checked out. The ref is resolved to a
 * commit once, on first use, so every read sees the same tree.
 */
export function gitSource(root: string, ref: string): FileSource {
  let tree: Promise<Map<string, TreeEntry>> | undefined;
  let blobs: Promise<Map<string, Buffer>> | undefined;
  const loadTree = (): Promise<Map<string, TreeEntry>> => (tree ??= readTree(root, ref));
  // Every small data file is fetched with one `git cat-file --batch`, not one process per file.
  const loadBlobs = (): Promise<Map<string, Buffer>> =>
    (blobs ??= loadTree().then((entries) =>
      readBlobs(
        root,
        [...entries].filter(([path, e]) => isDataPath(path) && !e.symlink && e.size <= MAX_DATA_FILE_BYTES).map(([, e]) => e.oid),
      ),
    ));

  return {
    description: `git ${ref}`,
    async listDataFiles() {
      const entries = await loadTree();
      return [...entries.keys()].filter(isDataPath).sort();
    },
    async read(path, maxBytes = MAX_DATA_FILE_BYTES) {
      const entry = (await loadTree()).get(path);
      if (entry === undefined || entry.symlink) return undefined;
      if (entry.size <= maxBytes) {
        const cached = (await loadBlobs()).get(entry.oid);
        if (cached !== undefined) return cached;
      }
      return readBlobPrefix(root, entry.oid, maxBytes + 1);
    },
    async isSymbolicLink(path) {
      return (await loadTree()).get(path)?.symlink ?? false;
    },
  };
}

function isDataPath(path: string): boolean {
  return path === 'settings.yaml' || DATA_DIRECTORIES.some((dir) => path === dir || path.startsWith(`${dir}/`));
}

async function readTree(root: string, ref: string): Promise<Map<string, TreeEntry>> {
  const commit = await resolveCommit(root, ref);
  // -z: paths unquoted and NUL-terminated; --long adds the blob size. Paths are relative to root.
  const { stdout } = await git(root, ['ls-tree', '-r', '-z', '--long', commit], `could not list the files at ${ref}`);
  const entries = new Map<string, TreeEntry>();
  for (const record of stdout.toString('utf8').split('\0')) {
    const match = /^(\d+) blob ([0-9a-f]+) +(\d+)\t(.+)$/s.exec(record);
    if (match?.[2] === undefined || match[3] === undefined || match[4] === undefined) continue; // submodules, trailing ''
    entries.set(match[4], { oid: match[2], size: Number(match[3]), symlink: match[1] === '120000' });
  }
  return entries;
}

async function resolveCommit(root: string, ref: string): Promise<string> {
  const badRef = (cause?: unknown): AppError =>
    new AppError('bad-git-ref', `"${ref}" is not a commit in the git repository at ${root}`, {
      fault: 'user',
      hint: 'pass a branch, tag or commit that exists locally (in CI, fetch it first, e.g. git fetch origin main)',
      cause,
    });
  // A ref starting with '-' would be read as an option.
  if (ref === '' || ref.startsWith('-') || /[\0\s]/.test(ref)) throw badRef();
  try {
    const { stdout } = await execFileAsync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
      cwd: root,
      encoding: 'utf8',
    });
    return stdout.trim();
  } catch (error) {
    throw badRef(error);
  }
}

/** Objects by id, all read with one `git cat-file --batch`. */
export async function readBlobs(root: string, oids: string[]): Promise<Map<string, Buffer>> {
  const blobs = new Map<string, Buffer>();
  if (oids.length === 0) return blobs;
  const out = await new Promise<Buffer>((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    const errors: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(chunks));
      else reject(new Error(`git cat-file exited with ${code}: ${Buffer.concat(errors).toString('utf8')}`));
    });
    child.stdin.end(`${oids.join('\n')}\n`);
  }).catch((error: unknown) => {
    throw new AppError('git-failed', 'could not read files from git', { cause: error });
  });
  // Output: "<oid> <type> <size>\n<content>\n" per object.
  let at = 0;
  while (at < out.length) {
    const eol = out.indexOf(0x0a, at);
    if (eol < 0) break;
    const [oid, , size] = out.subarray(at, eol).toString('utf8').split(' ');
    const length = Number(size);
    if (oid === undefined || !Number.isInteger(length)) break;
    blobs.set(oid, out.subarray(eol + 1, eol + 1 + length));
    at = eol + 1 + length + 1;
  }
  return blobs;
}

/** The first `limit` bytes of a blob: execFile kills git and truncates once maxBuffer is reached. */
async function readBlobPrefix(root: string, oid: string, limit: number): Promise<Buffer> {
  try {
    const { stdout } = await execFileAsync('git', ['cat-file', 'blob', oid], { cwd: root, encoding: 'buffer', maxBuffer: limit });
    return stdout;
  } catch (error) {
    const partial = (error as { code?: unknown; stdout?: unknown }).stdout;
    if ((error as { code?: unknown }).code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER' && Buffer.isBuffer(partial)) {
      return partial.subarray(0, limit);
    }
    throw new AppError('git-failed', `could not read object ${oid} from git`, { cause: error });
  }
}

async function git(root: string, args: string[], what: string): Promise<{ stdout: Buffer }> {
  try {
    return await execFileAsync('git', args, { cwd: root, encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 });
  } catch (error) {
    throw new AppError('git-failed', what, { cause: error });
  }
}
