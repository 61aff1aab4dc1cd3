import { describe, expect, it } from 'vitest';
import { escapeMarkdown, renderPlanMarkdown } from '../../src/render/plan-markdown.ts';
import { aBigPlan, aPlan, EVERY_KIND } from './sample-plan.ts';

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
    expect(markdown).toContain('legacy\\_admin');
    expect(markdown).not.toMatch(/(^|[\s=])@alphagov/m);
    expect(escapeMarkdown('@team and ada@example.gov.uk')).toBe('@\u200bteam and ada@example.gov.uk');
    expect(escapeMarkdown('<script>*x*</script>')).toBe('\\<script\\>\\*x\\*\\</script\\>');
  });

  it('reuses the text details: what a user and the group lose', () => {
    expect(markdown).toContain('  - leave group Admins\n  - detach managed policy arn:aws:iam::aws:policy/AdministratorAccess\n  - delete inline policy own-s3');
    expect(markdown).toContain('  - detach managed policy arn:aws:iam::aws:policy/PowerUserAccess');
  });

  it('says there is nothing to do', () => {
    expect(renderPlanMarkdown(aPlan([]))).toContain('**No changes. The target matches the files.**');
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
