import { describe, expect, it } from 'vitest';
import { userTags } from '../../src/core/baseline.ts';
import type { Plan } from '../../src/core/changes.ts';
import type { LiveState } from '../../src/core/model.ts';
import { computePlan, subjectOf } from '../../src/core/plan.ts';
import { aDesiredState, aLiveAccount, aLiveUser, anAccount, anAppliedLiveState, aUser, someSettings, summaryOf, withLiveUser } from '../support/builders.ts';

const lines = (plan: Plan): string[] => plan.changes.map(({ impact, change }) => `${impact} ${change.kind} ${subjectOf(change)}`);

/** The desired state applied, with `users` in place of the live users. */
function liveWith(desired: ReturnType<typeof aDesiredState>, users: LiveState['usersAccount']['users']): LiveState {
  const live = anAppliedLiveState(aDesiredState({ settings: desired.settings }));
  return { ...live, usersAccount: { ...live.usersAccount, users } };
}

const legacy = aLiveUser('Ada@Example.gov.uk', {
  tags: { team: 'old', Owner: 'someone' },
  groups: ['Admins', 'CrossAccountAccess'],
  inlinePolicyNames: ['s3-write'],
  attachedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
});

describe('adopting users', () => {
  it('a file with adopt: true plans one adopt-user: tags (credentials-sent adopted), the group, and the access that goes', () => {
    const ada = aUser('ada@example.gov.uk', { adopt: true });
    const desired = aDesiredState({ users: [ada] });
    const plan = computePlan(desired, liveWith(desired, [{ ...legacy, groups: ['Admins'] }]));
    expect(lines(plan)).toEqual(['access adopt-user Ada@Example.gov.uk']);
    expect(plan.changes[0]?.change).toEqual({
      kind: 'adopt-user',
      userName: 'Ada@Example.gov.uk',
      tags: { ...userTags(ada), 'credentials-sent': 'adopted' },
      addGroups: ['CrossAccountAccess'],
      removeGroups: ['Admins'],
      detachPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'],
      deletePolicies: ['s3-write'],
    });
    const summary = summaryOf(plan.changes[0]) ?? '';
    expect(summary).toMatch(/keeping its password, access keys and MFA devices, no email/);
    expect(summary).toMatch(/remove access outside the group: group Admins; managed policy arn:aws:iam::aws:policy\/AdministratorAccess; inline policy s3-write/);
    expect(plan.unmanagedUsers).toEqual(['Ada@Example.gov.uk']);
  });

  it('never plans a password change or a create for the adopted user, and settles after the tags are written', () => {
    const ada = aUser('ada@example.gov.uk', { adopt: true });
    const desired = aDesiredState({ users: [ada] });
    const adopted = computePlan(desired, liveWith(desired, [legacy])).changes[0]?.change;
    if (adopted?.kind !== 'adopt-user') throw new Error('expected adopt-user');
    // What apply leaves behind: the tags merged, the group its only access.
    const after = aLiveUser(legacy.userName, { tags: { ...legacy.tags, ...adopted.tags }, groups: ['CrossAccountAccess'] });
    const again = computePlan(desired, liveWith(desired, [after]));
    expect(lines(again)).toEqual([]);
    expect(again.unmanagedUsers).toEqual([]);
  });

  it('a later password_reset on an adopted user resets it (the adopted token only stands for the initial one)', () => {
    const ada = aUser('ada@example.gov.uk', { adopt: true, password_reset: '2026-12-01' });
    const desired = aDesiredState({ users: [ada] });
    const live = withLiveUser(anAppliedLiveState(desired), 'ada@example.gov.uk', (u) => ({ ...u, tags: { ...u.tags, 'credentials-sent': 'adopted' } }));
    expect(lines(computePlan(desired, live))).toEqual(['access reset-password ada@example.gov.uk']);
  });

  it('without adopt: true an existing unmanaged user is only noted', () => {
    const desired = aDesiredState({ users: [aUser('ada@example.gov.uk')] });
    const plan = computePlan(desired, liveWith(desired, [legacy]));
    expect(plan.changes).toEqual([]);
    expect(plan.notes.join('\n')).toMatch(/Ada@Example.gov.uk exists .*without the managed-by tag.*add adopt: true/);
  });

  it('adopt: true for a user that does not exist creates nobody (a typo cannot create or adopt a stranger)', () => {
    const desired = aDesiredState({ users: [aUser('adq@example.gov.uk', { adopt: true })] });
    const plan = computePlan(desired, liveWith(desired, [legacy]));
    expect(plan.changes).toEqual([]);
    expect(plan.notes.join('\n')).toMatch(/users\/adq@example.gov.uk.yaml says adopt: true, but the users account has no user adq@example.gov.uk/);
  });

  it('a protected user is never adopted', () => {
    const desired = aDesiredState({ users: [aUser('break-glass', { adopt: true })] });
    const plan = computePlan(desired, liveWith(desired, [aLiveUser('break-glass')]));
    expect(plan.changes).toEqual([]);
    expect(plan.notes.join('\n')).toMatch(/break-glass has a file but is a protected user/);
  });

  it('a managed user ignores adopt: true', () => {
    const desired = aDesiredState({ users: [aUser('ada@example.gov.uk', { adopt: true })] });
    expect(computePlan(desired, anAppliedLiveState(desired)).changes).toEqual([]);
  });

  it('more adoptions than limits.max_adoptions_per_run (default 0: adoption off) are noted', () => {
    const users = Array.from({ length: 11 }, (_, i) => aUser(`user${i}@example.gov.uk`, { adopt: true }));
    const desired = aDesiredState({ users });
    const plan = computePlan(desired, liveWith(desired, users.map((u) => aLiveUser(u.userName))));
    expect(plan.changes).toHaveLength(11);
    expect(plan.notes.join('\n')).toMatch(/adopts 11 existing users, more than .* \(limits.max_adoptions_per_run: 0\)/);
    const raised = aDesiredState({ users, settings: someSettings({ limits: { max_deletions_per_run: 5, max_closures_per_run: 1, max_adoptions_per_run: 11 } }) });
    expect(computePlan(raised, liveWith(raised, users.map((u) => aLiveUser(u.userName)))).notes).toEqual([]);
  });
});

describe('the account alias', () => {
  it('is set when there is none, changed when it differs (an access change), left alone when equal or not read', () => {
    const desired = aDesiredState();
    const live = anAppliedLiveState(desired);
    const withAliases = (aliases?: string[]): LiveState => {
      const usersAccount = { ...live.usersAccount };
      delete usersAccount.aliases;
      return { ...live, usersAccount: aliases === undefined ? usersAccount : { ...usersAccount, aliases } };
    };
    expect(computePlan(desired, withAliases([])).changes.map((c) => [c.impact, c.change])).toEqual([
      ['routine', { kind: 'set-account-alias', to: 'test-users' }],
    ]);
    const changed = computePlan(desired, withAliases(['old-users']));
    expect(changed.changes.map((c) => [c.impact, c.change])).toEqual([['access', { kind: 'set-account-alias', from: 'old-users', to: 'test-users' }]]);
    expect(summaryOf(changed.changes[0])).toMatch(/old-users → test-users: the sign-in URL becomes https:\/\/test-users.signin.aws.amazon.com\/console and the old one stops working/);
    expect(computePlan(desired, withAliases(['test-users'])).changes).toEqual([]);
    expect(computePlan(desired, withAliases(undefined)).changes).toEqual([]);
  });
});

describe('adopting accounts', () => {
  it('plans the "now managed" notice in the same run as the tags, to the team contact and requester only', () => {
    const account = anAccount('svc', { id: '123456789012', adopt: true, bootstrap: { state: 'removed', users: [] } });
    const desired = aDesiredState({ accounts: [account] });
    const live = anAppliedLiveState(aDesiredState({ settings: desired.settings }));
    const handMade = aLiveAccount('svc', { id: '123456789012', ouPath: '/Workloads/Production' });
    const plan = computePlan(desired, { ...live, organization: { ...live.organization, accounts: [handMade] } });
    expect(lines(plan)).toEqual(['access update-account svc', 'routine send-account-email svc']);
    expect(plan.changes[1]?.change).toEqual({
      kind: 'send-account-email',
      accountName: 'svc',
      accountId: '123456789012',
      recipients: ['platform@example.gov.uk', 'lead@example.gov.uk'],
      adopted: true,
    });
    expect(summaryOf(plan.changes[1])).toBe('tell platform@example.gov.uk, lead@example.gov.uk that accounts/svc.yaml now manages svc (123456789012)');
  });
});
