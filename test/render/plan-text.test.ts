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
    [{ kind: 'git', ref: 'origin/main' } as const, 'Compared against: desired state at git ref origin/main'],
  ])('names the baseline first (%j)', (baseline, header) => {
    expect(renderPlanText(aPlan([], {}, baseline), { color: false }).split('\n')[0]).toBe(header);
  });

  it('shows destructive changes first under a banner, then access, then routine', () => {
    const destructive = text.indexOf('⚠ Destructive changes (3)');
    const access = text.indexOf('Access changes (8)');
    const routine = text.indexOf('Routine changes (2)');
    expect(destructive).toBeGreaterThan(0);
    expect(access).toBeGreaterThan(destructive);
    expect(routine).toBeGreaterThan(access);
    expect(text.indexOf('close account closing')).toBeLessThan(access);
  });

  it('marks creations, deletions and changes', () => {
    expect(text).toContain('  + create user new@example.gov.uk');
    expect(text).toContain('  - delete user gone@example.gov.uk');
    expect(text).toContain('  ~ update user ada_l@example.gov.uk');
    expect(text).toContain('  + create the bootstrap role in brand-old (900000000002), trusting ada_l@example.gov.uk with MFA; AdministratorAccess');
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
