import { describe, expect, it } from 'vitest';
import { aWarning } from '../../src/core/problems.ts';
import { escapeMarkdown, renderPlanMarkdown } from '../../src/render/plan-markdown.ts';
import { aBigPlan, aPlan, EVERY_KIND } from './sample-plan.ts';

const AWS = { kind: 'aws', usersAccountId: '111111111111', managementAccountId: '222222222222' } as const;
const GIT = { kind: 'git', ref: 'origin/main' } as const;

/** The text of one `### heading` section, up to the next one. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`### ${heading}`);
  expect(start).toBeGreaterThanOrEqual(0);
  const next = markdown.indexOf('\n### ', start + 1);
  return markdown.slice(start, next < 0 ? undefined : next);
}

function balanced(markdown: string): void {
  expect((markdown.match(/<details/g) ?? []).length).toBe((markdown.match(/<\/details>/g) ?? []).length);
}

describe('renderPlanMarkdown', () => {
  const plan = aPlan(EVERY_KIND, { unmanagedUsers: ['legacy_admin'], notes: ['This plan deletes too much.'] });
  const markdown = renderPlanMarkdown(plan);

  it('has a title, the baseline, the totals and a table of counts', () => {
    expect(markdown).toContain('## AWS access plan');
    expect(markdown).toContain('Compared against: **local sandbox (.sandbox/state.json)**');
    expect(markdown).toContain('**Plan: 3 to create, 7 to change, 3 to delete/close.**');
    expect(markdown).toContain('| close account | 1 |');
    expect(markdown).toContain('| put role | 2 |');
  });

  it('puts destructive changes first, under a caution callout', () => {
    const caution = markdown.indexOf('> [!CAUTION]');
    expect(caution).toBeGreaterThan(0);
    expect(caution).toBeLessThan(markdown.indexOf('> [!WARNING]'));
    expect(markdown.indexOf('close account closing')).toBeLessThan(markdown.indexOf('create user new@example.gov.uk'));
    expect(markdown.indexOf('delete user gone@example.gov.uk')).toBeLessThan(markdown.indexOf('### Routine changes'));
    balanced(markdown);
  });

  it('shows notes and unmanaged users, escaped, without pinging anyone', () => {
    expect(markdown).toContain('- This plan deletes too much.');
    expect(markdown).toContain('- `legacy_admin`');
    // The tag value @alphagov/platform is inside a code span, where GitHub mentions nobody.
    expect(markdown).toContain('  - `tags: managed-by=aws-access-as-code, team=@alphagov/platform`');
    expect(escapeMarkdown('<script>*x*</script>')).toBe('\\<script\\>\\*x\\*\\</script\\>');
  });

  it('in free text, neutralises every @ (GitHub mentions -@team, .@team and +@team too) and links no bare URL or issue', () => {
    expect(escapeMarkdown('@team -@team .@team +@team _@team and ada@example.gov.uk')).toBe(
      '@\u200bteam -@\u200bteam .@\u200bteam +@\u200bteam \\_@\u200bteam and ada@\u200bexample.gov.uk',
    );
    expect(escapeMarkdown('re-verify at https://aws.evil.example or www.evil.example, see #12')).toBe(
      're-verify at https:\u200b//aws.evil.example or www\u200b.evil.example, see \\#\u200b12',
    );
    // Nothing in the output of a hostile plan is a mention or a bare link outside a code span.
    const hostile = renderPlanMarkdown(
      aPlan(
        [
          {
            kind: 'update-account',
            accountName: 'svc',
            accountId: '900000000001',
            setTags: { owner: '-@alphagov/security', contact: 'https://evil.example/re-verify', note: '`x` *y* <b>z</b>' },
            removeTags: [],
          },
        ],
        { notes: ['ask .@alphagov/admins at www.evil.example'], unmanagedUsers: ['+@alphagov'] },
      ),
    );
    const outsideCode = hostile.replace(/(`+)[^`]*?\1/g, '');
    expect(outsideCode).not.toMatch(/@(?!\u200b)/);
    expect(outsideCode).not.toMatch(/https?:\/\/|www\./);
    expect(hostile).toContain('  - `set tag owner=-@alphagov/security`');
    expect(hostile).toContain('  - `set tag contact=https://evil.example/re-verify`');
    expect(hostile).toContain('  - ``set tag note=`x` *y* <b>z</b>``');
    expect(hostile).toContain('- ask .@\u200balphagov/admins at www\u200b.evil.example');
    expect(hostile).toContain('- `+@alphagov`');
  });

  it('reuses the text details: what a user and the group lose', () => {
    expect(markdown).toContain('  - `leave group Admins`\n  - `detach managed policy arn:aws:iam::aws:policy/AdministratorAccess`\n  - `delete inline policy own-s3`');
    expect(markdown).toContain('  - `detach managed policy arn:aws:iam::aws:policy/PowerUserAccess`');
  });

  it('says there is nothing to do', () => {
    expect(renderPlanMarkdown(aPlan([]))).toContain('**No changes. The target matches the files.**');
  });

  it('puts removals of access under their own heading, never under the one that grants access', () => {
    const grants = section(markdown, 'Grants or changes access (7)');
    const removes = section(markdown, 'Removes access (2)');
    expect(grants).toContain('> [!WARNING]\n> These grant, widen or change access');
    expect(removes).toContain('> [!IMPORTANT]\n> These take access away: check that nobody still needs it.');
    expect(removes).toContain('stop trusting bob@example.gov.uk');
    expect(removes).toContain('`update user ada_l@example.gov.uk: remove from group Admins');
    expect(grants).not.toContain('stop trusting');
    expect(grants).not.toContain('remove from group');
    expect(markdown.indexOf('### Grants or changes access')).toBeLessThan(markdown.indexOf('### Removes access'));
    expect(markdown.indexOf('### Removes access')).toBeLessThan(markdown.indexOf('### Routine changes'));
    expect(removes).toContain('<details open><summary>2 changes that remove access</summary>');
  });

  it('shows an OU move as an access change, with the old and the new path', () => {
    const grants = section(markdown, 'Grants or changes access (7)');
    expect(grants).toContain('update account svc (900000000001): move / → /Workloads');
    expect(grants).toContain('  - `organizational unit: / → /Workloads (policies attached to /Workloads apply instead of those attached to /)`');
    expect(section(markdown, 'Routine changes')).not.toContain('move');
  });

  it('includes validation warnings with file, line and column, before the changes', () => {
    const warning = aWarning('expiredUsersAreReported', 'users/felix@softwire.com.yaml', { line: 6, col: 10 }, 'access expired on 2026-01-01; remove this file');
    const rendered = renderPlanMarkdown(plan, { warnings: [warning] });
    const warnings = section(rendered, 'Validation warnings (1)');
    expect(warnings).toContain('- `users/felix@softwire.com.yaml:6:10` access expired on 2026-01-01; remove this file (expiredUsersAreReported)');
    expect(rendered.indexOf('### Validation warnings')).toBeLessThan(rendered.indexOf('### ⚠ Destructive changes'));
    expect(markdown).not.toContain('Validation warnings');
  });

  it('says that merging applies the plan to AWS', () => {
    const aws = renderPlanMarkdown(aPlan(EVERY_KIND, {}, AWS));
    expect(aws).toContain('Compared against: **AWS (users account 111111111111, management account 222222222222)**');
    expect(aws).toContain('**Merging applies this to AWS:**');
    expect(aws).not.toContain('Live drift is not visible');
    // A local sandbox plan is not about a merge.
    expect(markdown).not.toContain('Merging applies');
  });

  it('words a git-ref plan as a comparison of files, and says live drift is not visible', () => {
    const git = renderPlanMarkdown(aPlan(EVERY_KIND, {}, GIT));
    expect(git.startsWith('## AWS access plan: what this pull request changes\n')).toBe(true);
    expect(git).toContain('Compares the files in this pull request with the files at **origin/main**; AWS is not read.');
    expect(git).toContain('**Merging applies this to AWS:**');
    expect(git).toContain('> [!NOTE]\n> Live drift is not visible: this plan compares the files with the files at origin/main, not with AWS.');
    expect(git).toContain('the apply after the merge reverts it');
    const none = renderPlanMarkdown(aPlan([], {}, GIT));
    expect(none).toContain('**No changes: the files are the same as at origin/main.**');
    expect(none).not.toContain('target');
  });

  it("stays under GitHub's limit for 5,000 users, dangerous changes first, and says what was left out", () => {
    const big = aBigPlan(5000, 3);
    const rendered = renderPlanMarkdown(big);
    expect(rendered.length).toBeLessThanOrEqual(65_000);
    expect(rendered).toContain('delete user gone2@example.gov.uk');
    const shown = (rendered.match(/^- `[-+~]`/gm) ?? []).length;
    expect(shown).toBeGreaterThan(10);
    const left = big.changes.length - shown;
    expect(rendered).toMatch(new RegExp(`${left} changes were left out`));
    expect(rendered).toContain('npm run plan');
    expect(rendered).toContain("step summary");
    balanced(rendered);
  });

  it('honours a smaller maxLength', () => {
    const rendered = renderPlanMarkdown(aBigPlan(200), { maxLength: 5_000 });
    expect(rendered.length).toBeLessThanOrEqual(5_000);
    expect(rendered).toMatch(/changes were left out/);
    balanced(rendered);
  });

  it('leaves nothing out when it fits', () => {
    expect(markdown).not.toMatch(/left out/);
  });
});
