/**
 * A temporary git repository built commit by commit, with every date pinned (author and committer)
 * and the commit messages GitHub writes when it merges a pull request: "Title (#12)" for a squash,
 * "Merge pull request #15 from owner/branch" then the title for a merge commit. Isolated from the
 * machine's git configuration.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ISOLATED = { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' };

export function git(dir: string, args: readonly string[], env: Record<string, string> = {}): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.gov.uk', '-c', 'commit.gpgsign=false', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ...ISOLATED, ...env },
  }).trim();
}

export class GitRepo {
  constructor(readonly dir: string) {
    git(dir, ['init', '-q', '-b', 'main']);
  }

  write(path: string, text: string): this {
    mkdirSync(dirname(join(this.dir, path)), { recursive: true });
    writeFileSync(join(this.dir, path), text);
    return this;
  }

  remove(path: string): this {
    rmSync(join(this.dir, path));
    return this;
  }

  /** Commits the given paths (default: everything) as of `date` (ISO 8601, UTC); returns the sha. */
  commit(message: string, date: string, paths: readonly string[] = ['-A']): string {
    git(this.dir, ['add', ...paths]);
    git(this.dir, ['commit', '-q', '--allow-empty', `--date=${date}`, '-m', message], { GIT_COMMITTER_DATE: date });
    return git(this.dir, ['rev-parse', 'HEAD']);
  }

  /** A pull request merged with "Squash and merge": one commit on main, "Title (#n)". */
  squash(number: number, title: string, date: string, change: (repo: this) => void): string {
    change(this);
    return this.commit(`${title} (#${number})`, date);
  }

  /** A pull request merged with a merge commit: its branch's commit an hour before, then GitHub's merge message. */
  merge(number: number, branch: string, title: string, date: string, change: (repo: this) => void): string {
    git(this.dir, ['checkout', '-q', '-b', branch]);
    change(this);
    this.commit(title, new Date(Date.parse(date) - 3_600_000).toISOString());
    git(this.dir, ['checkout', '-q', 'main']);
    git(this.dir, ['merge', '-q', '--no-ff', '-m', `Merge pull request #${number} from example-org/${branch}`, '-m', title, branch], {
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    });
    return git(this.dir, ['rev-parse', 'HEAD']);
  }

  /** A clone of this repository with only its last `depth` commits, in `dir`. */
  shallowClone(dir: string, depth: number): string {
    git(dirname(dir), ['clone', '-q', '--depth', String(depth), `file://${this.dir}`, dir]);
    return dir;
  }
}
