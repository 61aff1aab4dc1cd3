import { describe, expect, it } from 'vitest';
import { renderPlanText } from '../../src/render/plan-text.ts';
import { aPlan, EVERY_KIND } from './sample-plan.ts';

const ESC = '\u001b';

describe('renderPlanText', () => {
  const plan = aPlan(EVERY_KIND, { unmanagedUsers: ['legacy-admin'], notes: ['Something to know.'] });
  const text = renderPlanText(plan, { color: false });

  it.each([
    [{ kind: 'sandbox', path: '.sandbox/state.json' } as const, 'Compared against: local sandbox (.sandbox/state.json)'],
    [{ kind: 'aws', usersAccountId: '111111111111', managementAccountId: '222222222222' } as const, 'Compared against: AWS (users account 111111111111, management account 222222222222)'],
    [{ kind: 'git', ref: 'origin/main' } as const, 'Compared against: the files at git ref origin/main (what this pull request changes; AWS is not read)'],
  ])('names the baseline first (%j)', (baseline, header) => {
    expect(renderPlanText(aPlan([], {}, baseline), { color: false }).split('\n')[0]).toBe(header);
  });

  it('shows destructive changes first under a banner, then what grants access, what removes it, then routine', () => {
    const destructive = text.indexOf('⚠ Destructive changes (3)');
    const grants = text.indexOf('Grants or changes access (7)');
    const removes = text.indexOf('Removes access (2)');
    const routine = text.indexOf('Routine changes (1)');
    expect(destructive).toBeGreaterThan(0);
    expect(grants).toBeGreaterThan(destructive);
    expect(removes).toBeGreaterThan(grants);
    expect(routine).toBeGreaterThan(removes);
    expect(text.indexOf('close account closing')).toBeLessThan(grants);
    // Narrowed trust and a user losing hand-made access are removals, never under the grants heading.
    const removals = text.slice(removes, routine);
    expect(removals).toContain('These take access away');
    expect(removals).toContain('update the bootstrap role in svc (900000000001): stop trusting bob@example.gov.uk');
    expect(removals).toContain('update user ada_l@example.gov.uk: remove from group Admins');
    // An OU move changes which policies apply: an access change, with the old and new path.
    const granted = text.slice(grants, removes);
    expect(granted).toContain('update account svc (900000000001): move / → /Workloads');
    expect(granted).toContain('organizational unit: / → /Workloads');
  });

  it('says a git-ref plan compares files, and has no target to match', () => {
    const git = renderPlanText(aPlan([], {}, { kind: 'git', ref: 'origin/main' }), { color: false });
    expect(git.trimEnd().split('\n').at(-1)).toBe('No changes: the files are the same as at origin/main.');
  });

  it('marks creations, deletions and changes', () => {
    expect(text).toContain('  + create user new@example.gov.uk');
    expect(text).toContain('  - delete user gone@example.gov.uk');
    expect(text).toContain('  ~ update user ada_l@example.gov.uk');
    expect(text).toContain('  + create the bootstrap role in brand-old (900000000002), trusting ada_l@example.gov.uk with MFA; arn:aws:iam::aws:policy/AdministratorAccess');
    expect(text).toContain('      minimum length: 8 → 16');
  });

  it("details the access a user loses outside the group, and the group's managed policies", () => {
    const user = text.slice(text.indexOf('  ~ update user ada_l@example.gov.uk'));
    expect(user).toContain(
      [
        '      leave group Admins',
        '      detach managed policy arn:aws:iam::aws:policy/AdministratorAccess',
        '      delete inline policy own-s3',
        '      set tag team=data',
      ].join('\n'),
    );
    expect(text).toContain('remove from group Admins; detach managed policy arn:aws:iam::aws:policy/AdministratorAccess; delete inline policy own-s3');
    expect(text).toContain('      detach managed policy arn:aws:iam::aws:policy/PowerUserAccess');
  });

  it('lists unmanaged users and notes, and ends with the totals', () => {
    expect(text).toContain('Unmanaged users (1): listed only, never changed\n  legacy-admin');
    expect(text).toContain('Notes\n  • Something to know.');
    expect(text.trimEnd().split('\n').at(-1)).toBe('Plan: 3 to create, 7 to change, 3 to delete/close.');
  });

  it('says so when there is nothing to do', () => {
    expect(renderPlanText(aPlan([]), { color: false }).trimEnd().split('\n').at(-1)).toBe('No changes. The target matches the files.');
  });

  it('has no escape codes without colour, and some with it', () => {
    expect(text).not.toContain(ESC);
    expect(renderPlanText(plan, { color: true })).toContain(`${ESC}[31m`);
  });
});
