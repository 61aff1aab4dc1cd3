/**
 * What apply prints: each change once, as it completes, with its place in the run (n/N), then the
 * totals; and never a temporary password.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
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

  it('--approval: the totals, the step summary and --report-json say which pull request, and who approved it', async () => {
    const sha = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
    const approval = {
      version: 1,
      commit: sha,
      pullRequest: { number: 12, url: 'https://github.com/example-org/aws-access/pull/12', author: 'alice', mergedBy: 'bob', mergedAt: '2026-11-28T09:00:00Z', approvers: ['carol', 'dave'] },
    };
    await writeFile(join(copy.dir, 'approval.json'), JSON.stringify(approval));
    const text = await copy.run('apply', '--approval', 'approval.json', '--report-json', 'report.json');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/ 0 skipped\.\npull request #12 by alice, merged by bob, approved by carol, dave\n$/);
    expect(JSON.parse(await readFile(join(copy.dir, 'report.json'), 'utf8'))).toMatchObject({ version: 1, approval });

    await writeFile(join(copy.dir, 'approval.json'), JSON.stringify({ version: 1, commit: sha, pullRequest: null, reason: 'direct push' }));
    const markdown = await copy.run('apply', '--approval', 'approval.json', '--format', 'markdown');
    expect(markdown.code, markdown.stderr).toBe(0);
    expect(markdown.stdout).toContain('⚠️ no approval on record: commit a1b2c3d4e5f6 was pushed without a pull request');
    expect(markdown.stderr).toContain('⚠️ no approval on record');
  });

  it('--approval: a missing file stops apply before it changes anything', async () => {
    const applied = await copy.run('apply', '--approval', 'missing.json');
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain('--approval: cannot read missing.json');
  });
});
