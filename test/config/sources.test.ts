/** fsSource and gitSource give the loader the same view of the files. */
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_DATA_FILE_BYTES, readCodeowners } from '../../src/config/file-source.ts';
import { fsSource } from '../../src/config/fs-source.ts';
import { gitSource } from '../../src/config/git-source.ts';
import { loadDesiredState } from '../../src/config/load.ts';
import { AppError } from '../../src/core/errors.ts';
import { makeRepo, TODAY, userYaml } from './fixture-repo.ts';

function git(dir: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, stdio: 'ignore' });
}

async function committedRepo(overrides: Record<string, string | Buffer | null> = {}): Promise<string> {
  const dir = await makeRepo(overrides);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'fixture');
  return dir;
}

describe('fsSource', () => {
  it('lists settings.yaml and everything under users/ and accounts/, sorted', async () => {
    const dir = await makeRepo({ 'users/notes.txt': 'x', 'src/x.ts': '' });
    expect(await fsSource(dir).listDataFiles()).toEqual([
      'accounts/team-dev.yaml',
      'settings.yaml',
      'users/ann@example.gov.uk.yaml',
      'users/notes.txt',
    ]);
  });

  it('reads at most the limit plus one byte, and undefined for a missing file', async () => {
    const dir = await makeRepo({ 'users/big.yaml': 'x'.repeat(MAX_DATA_FILE_BYTES * 3) });
    expect((await fsSource(dir).read('users/big.yaml'))?.length).toBe(MAX_DATA_FILE_BYTES + 1);
    expect(await fsSource(dir).read('users/none.yaml')).toBeUndefined();
  });

  it('reports symbolic links instead of following them', async () => {
    const outside = await makeRepo();
    const dir = await makeRepo({ 'accounts/team-dev.yaml': null });
    await symlink(join(outside, 'users/ann@example.gov.uk.yaml'), join(dir, 'users/bob@example.gov.uk.yaml'));
    await symlink(join(outside, 'accounts'), join(dir, 'accounts'));
    expect(await fsSource(dir).read('users/bob@example.gov.uk.yaml')).toBeUndefined();
    const { problems } = await loadDesiredState(fsSource(dir), { today: TODAY });
    expect(problems.map((p) => [p.rule, p.file])).toEqual([
      ['dataFilesAreNotSymbolicLinks', 'accounts'],
      ['dataFilesAreNotSymbolicLinks', 'users/bob@example.gov.uk.yaml'],
    ]);
    expect(problems[1]?.message).toBe(
      'users/bob@example.gov.uk.yaml is a symbolic link; data files must be regular files (a link could point outside the repository), so replace it with the file itself',
    );
  });

  it('a directory where a file should be is a problem, not a crash', async () => {
    const dir = await makeRepo();
    await mkdir(join(dir, 'users/dir.yaml'));
    await writeFile(join(dir, 'users/dir.yaml/x'), 'x');
    expect((await loadDesiredState(fsSource(dir), { today: TODAY })).problems.map((p) => [p.rule, p.file])).toEqual([
      ['dataDirectoriesHoldOnlyYamlFiles', 'users/dir.yaml/x'],
    ]);
  });

  it('a FIFO or a socket where a file should be is refused at once, naming the file (never waits for a writer)', async () => {
    const dir = await makeRepo();
    execFileSync('mkfifo', [join(dir, 'users/pipe@example.gov.uk.yaml')]);
    const socket = createServer();
    await new Promise<void>((resolve) => socket.listen(join(dir, 'accounts/socket.yaml'), resolve));
    try {
      await expect(fsSource(dir).read('users/pipe@example.gov.uk.yaml')).rejects.toMatchObject({ code: 'not-a-regular-file', fault: 'user' });
      const { problems } = await loadDesiredState(fsSource(dir), { today: TODAY });
      expect(problems.map((p) => [p.rule, p.file, p.line, p.message])).toEqual([
        [
          'fileIsReadable',
          'accounts/socket.yaml',
          1,
          'accounts/socket.yaml is a socket, not a regular file; data files must be regular files: replace it with the file itself, or remove it',
        ],
        [
          'fileIsReadable',
          'users/pipe@example.gov.uk.yaml',
          1,
          'users/pipe@example.gov.uk.yaml is a FIFO (named pipe), not a regular file; data files must be regular files: replace it with the file itself, or remove it',
        ],
      ]);
    } finally {
      await new Promise((resolve) => socket.close(resolve));
    }
  });

  it('a root that does not exist is an AppError, not a crash', async () => {
    await expect(fsSource('/nonexistent/repo').listDataFiles()).rejects.toMatchObject({ code: 'not-a-directory', fault: 'user' });
  });
});

describe('gitSource', () => {
  it('reads the committed files, not the working tree', async () => {
    const dir = await committedRepo({ 'users/bob@example.gov.uk.yaml': userYaml('bob@example.gov.uk') });
    await writeFile(join(dir, 'users/bob@example.gov.uk.yaml'), 'broken: [');
    await writeFile(join(dir, 'users/new@example.gov.uk.yaml'), userYaml('new@example.gov.uk'));
    const source = gitSource(dir, 'main');
    expect(await source.listDataFiles()).toEqual(['accounts/team-dev.yaml', 'settings.yaml', 'users/ann@example.gov.uk.yaml', 'users/bob@example.gov.uk.yaml']);
    const { desired, problems } = await loadDesiredState(source, { today: TODAY });
    expect(problems).toEqual([]);
    expect([...(desired?.users.keys() ?? [])]).toEqual(['ann@example.gov.uk', 'bob@example.gov.uk']);
    expect((await readCodeowners(source))?.path).toBe('CODEOWNERS');
    expect((await loadDesiredState(fsSource(dir), { today: TODAY })).problems.length).toBeGreaterThan(0);
  });

  it('reports an oversized committed file like the working tree does', async () => {
    const dir = await committedRepo({ 'users/big@example.gov.uk.yaml': 'x'.repeat(MAX_DATA_FILE_BYTES * 2) });
    expect((await gitSource(dir, 'HEAD').read('users/big@example.gov.uk.yaml'))?.length).toBe(MAX_DATA_FILE_BYTES + 1);
    const { problems } = await loadDesiredState(gitSource(dir, 'HEAD'), { today: TODAY });
    expect(problems).toEqual([expect.objectContaining({ rule: 'fileIsAtMost64KiB', file: 'users/big@example.gov.uk.yaml' })]);
  });

  it('reports committed symbolic links', async () => {
    const dir = await makeRepo();
    await symlink('/etc/passwd', join(dir, 'users/bob@example.gov.uk.yaml'));
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'fixture');
    const source = gitSource(dir, 'main');
    expect(await source.read('users/bob@example.gov.uk.yaml')).toBeUndefined();
    const { problems } = await loadDesiredState(source, { today: TODAY });
    expect(problems.map((p) => [p.rule, p.file])).toEqual([['dataFilesAreNotSymbolicLinks', 'users/bob@example.gov.uk.yaml']]);
  });

  it.each(['no-such-branch', '--output=/tmp/x', ''])('a bad ref (%j) is an AppError bad-git-ref', async (ref) => {
    const dir = await committedRepo();
    const error: unknown = await gitSource(dir, ref).listDataFiles().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'bad-git-ref', fault: 'user', message: expect.stringContaining('is not a commit') });
  });
});
