/**
 * Finding the repository root from wherever a command is run, as git finds its top level.
 *
 * Decision: walk up from the current folder to the nearest one holding settings.yaml, rather than
 * ask `git rev-parse --show-toplevel`. settings.yaml is what makes a folder this project's root (the
 * data files sit beside it); a copy without git (a downloaded archive, a test's temporary folder)
 * has no git top level; this repository may itself sit in a subfolder of a larger git repository,
 * whose top level would be the wrong folder; and starting git costs every command tens of
 * milliseconds. The walk stops at a folder holding `.git`, the edge of the repository, so a
 * settings.yaml in some folder above a checkout is never taken for this project's; a checkout
 * without settings.yaml (a pull request deleting it) has its top level as the root, where
 * validation then says settings.yaml is missing.
 */
import { access } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/** The nearest folder from `start` upwards that holds settings.yaml, or else `.git`; undefined when none does. */
export async function findRepositoryRoot(start: string): Promise<string | undefined> {
  for (let folder = resolve(start); ; folder = dirname(folder)) {
    if (await exists(join(folder, 'settings.yaml'))) return folder;
    if (await exists(join(folder, '.git'))) return folder;
    if (dirname(folder) === folder) return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false; // absent (or unreadable): not what is looked for, so the walk goes on
  }
}
