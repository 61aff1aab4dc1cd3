/** Every real data file in this repository is validated by the test suite. */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fsSource } from '../../src/config/fs-source.ts';
import { gitSource } from '../../src/config/git-source.ts';
import { loadDesiredState } from '../../src/config/load.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('the repository data (settings.yaml, users/, accounts/, CODEOWNERS)', () => {
  it('has no errors', async () => {
    const { desired, problems } = await loadDesiredState(fsSource(root), { today: '2026-11-30' });
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(desired).toBeDefined();
    expect(desired?.users.size).toBeGreaterThan(0);
    expect(desired?.accounts.size).toBeGreaterThan(0);
    for (const [userName, user] of desired?.users ?? []) {
      expect(user.source.file).toBe(`users/${userName}.yaml`);
    }
    for (const [name, account] of desired?.accounts ?? []) {
      expect(account.source.file).toBe(`accounts/${name}.yaml`);
      expect(account.rootEmail.length).toBeLessThanOrEqual(64);
    }
  });

  it('settings.yaml lists protected_accounts, saying which accounts belong there', async () => {
    const text = await readFile(`${root}/settings.yaml`, 'utf8');
    const { desired } = await loadDesiredState(fsSource(root), { today: '2026-11-30' });
    expect(desired?.settings.protected_accounts).toBeDefined();
    const comment = /((?:^#.*\n)+)protected_accounts:/m.exec(text)?.[1] ?? '';
    for (const kind of ['security', 'log archive', 'billing']) expect(comment).toContain(kind);
  });

  it('reads the same from git HEAD as from the working tree, for the files committed', async () => {
    const fromGit = await loadDesiredState(gitSource(root, 'HEAD'), { today: '2026-11-30' });
    expect(fromGit.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(fromGit.desired?.settings).toEqual((await loadDesiredState(fsSource(root), { today: '2026-11-30' })).desired?.settings);
  });
});
