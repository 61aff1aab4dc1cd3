/**
 * What apply prints: each change once, as it completes, with its place in the run (n/N), then the
 * totals; and never a temporary password.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useRepoCopy } from './repo-copy.ts';

const copy = useRepoCopy('aac-apply-output-');

describe('apply output', () => {
  it('prints each change once, as it completes, with n/N, then the totals', async () => {
    const plan = JSON.parse((await copy.run('plan', '--json')).stdout) as { changes: unknown[] };
    const total = plan.changes.length;
    expect(total).toBeGreaterThan(5);

    const applied = await copy.run('apply');
    expect(applied.code, applied.stderr).toBe(0);
    const progress = applied.stderr.split('\n').filter((line) => /^\[ *\d+\/\d+\] /.test(line));
    expect(progress).toHaveLength(total);
    const width = String(total).length;
    expect(progress.map((line) => line.slice(0, width * 2 + 3))).toEqual(
      Array.from({ length: total }, (_, i) => `[${String(i + 1).padStart(width)}/${total}]`),
    );
    expect(progress.every((line) => / done: /.test(line))).toBe(true);

    // Every change is named once in the whole output (stdout and stderr), not in a plan, a
    // "starting" line, a "done" line and a report.
    const output = applied.stdout + applied.stderr;
    for (const line of progress) {
      const summary = line.replace(/^\[ *\d+\/\d+\] done: /, '');
      expect(output.split(summary).length - 1, summary).toBe(1);
    }
    expect(applied.stdout).toMatch(new RegExp(`^Applied to local sandbox \\(.*\\): ${total} done, 0 failed, 0 skipped\\.\\n$`));
    // Besides: the plan's notes first, one line to start, and the new accounts' ids as AWS gives them.
    const others = applied.stderr.split('\n').filter((line) => line !== '' && !progress.includes(line));
    expect(others).toEqual([
      'note: data-sandbox is closed in its file and was never created: nothing to do.',
      `Applying ${total} changes to local sandbox (${join(copy.dir, '.sandbox', 'state.json')})`,
      'govuk-platform-production: created as 100000001111',
      'notify-staging: created as 100000002222',
    ]);
  });

  it('never prints a temporary password', async () => {
    const applied = await copy.run('apply');
    const outbox = join(copy.dir, '.sandbox', 'outbox');
    const passwords: string[] = [];
    for (const file of await readdir(outbox)) {
      const mail = await readFile(join(outbox, file), 'utf8');
      for (const match of mail.matchAll(/Temporary password:\s+(\S+)/g)) passwords.push(match[1] ?? '');
    }
    expect(passwords.length).toBeGreaterThan(0);
    for (const password of passwords) {
      expect(applied.stdout).not.toContain(password);
      expect(applied.stderr).not.toContain(password);
    }
  });

  it('--format markdown still writes the whole table (a step summary is a document of its own)', async () => {
    const applied = await copy.run('apply', '--format', 'markdown');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('| Result | Change | Details |');
    expect(applied.stdout).toContain('| ✅ done | create user amara.okafor@digital.cabinet-office.gov.uk');
  });
});
