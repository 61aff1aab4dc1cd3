import { describe, expect, it } from 'vitest';
import { accountsRemovedSinceBase, liveStateFromDesired } from '../../src/core/base-ref.ts';
import type { Plan } from '../../src/core/changes.ts';
import { computePlan, subjectOf } from '../../src/core/plan.ts';
import { aDesiredState, aLiveBootstrapRole, anAccount, aUser, someSettings } from '../support/builders.ts';

const ada = aUser('ada@example.gov.uk');
const bob = aUser('bob@example.gov.uk');
const base = aDesiredState({
  users: [ada, bob],
  accounts: [
    anAccount('svc', { tags: { tier: 'gold', 'service name': 'x' } }),
    anAccount('old', { state: 'closed', bootstrap: { state: 'removed', users: [] } }),
  ],
});

function lines(plan: Plan): string[] {
  return plan.changes.map(({ impact, change }) => `${impact} ${change.kind} ${subjectOf(change)}`);
}

describe('liveStateFromDesired', () => {
  const live = liveStateFromDesired(base, 'origin/main');

  it('names the ref as the baseline', () => {
    expect(live.baseline).toEqual({ kind: 'git', ref: 'origin/main' });
  });

  it('has every user managed, in the group and no other, without policies of its own, with credentials sent', () => {
    expect(live.usersAccount.users.find((u) => u.userName === 'ada@example.gov.uk')).toEqual({
      userName: 'ada@example.gov.uk',
      arn: 'arn:aws:iam::111111111111:user/ada@example.gov.uk',
      tags: expect.objectContaining({ 'managed-by': 'aws-access-as-code', 'credentials-sent': 'initial' }),
      groups: ['CrossAccountAccess'],
      inlinePolicyNames: [],
      attachedPolicyArns: [],
    });
    expect(live.usersAccount.group?.attachedPolicyArns).toEqual([]);
    expect(live.usersAccount.passwordPolicy?.hardExpiry).toBe(false);
  });

  it('has closed accounts suspended and placeholder ids that are not account numbers', () => {
    const old = live.organization.accounts.find((a) => a.name === 'old');
    expect(old).toMatchObject({ status: 'SUSPENDED', roles: 'unknown' });
    expect(old?.id).not.toMatch(/^\d{12}$/);
    expect(live.organization.accounts.find((a) => a.name === 'svc')?.roles).toEqual([aLiveBootstrapRole(['ada@example.gov.uk'])]);
  });

  it('planned against itself, gives no changes', () => {
    expect(computePlan(base, live).changes).toEqual([]);
  });
});

describe('a pull request, planned against its base', () => {
  const plan = (head: ReturnType<typeof aDesiredState>) => lines(computePlan(head, liveStateFromDesired(base, 'origin/main')));

  it('shows a new user and nothing else', () => {
    const head = aDesiredState({ users: [ada, bob, aUser('cat@example.gov.uk')], accounts: [...base.accounts.values()] });
    expect(plan(head)).toEqual(['access create-user cat@example.gov.uk']);
  });

  it('shows a removed user as a deletion', () => {
    const head = aDesiredState({ users: [ada], accounts: [...base.accounts.values()] });
    expect(plan(head)).toEqual(['destructive delete-user bob@example.gov.uk']);
  });

  it('shows a password reset', () => {
    const head = aDesiredState({ users: [ada, aUser('bob@example.gov.uk', { password_reset: '2026-10-02' })], accounts: [...base.accounts.values()] });
    expect(plan(head)).toEqual(['access reset-password bob@example.gov.uk']);
  });

  it('shows a new bootstrap user, a closure and a removed file tag', () => {
    const head = aDesiredState({
      users: [ada, bob],
      accounts: [
        anAccount('svc', { state: 'closed', tags: { tier: 'gold' } }),
        anAccount('old', { state: 'closed', bootstrap: { state: 'removed', users: [] } }),
        anAccount('other', { bootstrap: { users: ['bob@example.gov.uk'] } }),
      ],
    });
    expect(plan(head)).toEqual(['destructive close-account svc', 'access create-account other', 'routine notify-bootstrap-users other']);
    const head2 = aDesiredState({
      users: [ada, bob],
      accounts: [anAccount('svc', { tags: { tier: 'gold' }, bootstrap: { users: ['ada@example.gov.uk', 'bob@example.gov.uk'] } }), base.accounts.get('old') ?? anAccount('old')],
    });
    const changes = computePlan(head2, liveStateFromDesired(base, 'origin/main')).changes.map((c) => c.change);
    expect(changes).toEqual([
      expect.objectContaining({
        kind: 'put-role',
        before: aLiveBootstrapRole(['ada@example.gov.uk']),
        after: expect.objectContaining(aLiveBootstrapRole(['ada@example.gov.uk', 'bob@example.gov.uk'])),
      }),
      expect.objectContaining({ kind: 'update-account', setTags: { 'managed-tag-keys': 'tier' }, removeTags: ['service name'] }),
      expect.objectContaining({ kind: 'notify-bootstrap-users', accountName: 'svc', added: ['bob@example.gov.uk'], removed: [] }),
    ]);
  });

  it('shows a settings change to the baseline', () => {
    const settings = someSettings();
    const head = aDesiredState({
      settings: { ...settings, users_account: { ...settings.users_account, password_policy: { minimum_length: 20 } } },
      users: [ada, bob],
      accounts: [...base.accounts.values()],
    });
    expect(plan(head)).toEqual(['access update-password-policy password policy']);
  });

  it('flags reopening a closed account as impossible', () => {
    const head = aDesiredState({ users: [ada, bob], accounts: [base.accounts.get('svc') ?? anAccount('svc'), anAccount('old')] });
    const result = computePlan(head, liveStateFromDesired(base, 'origin/main'));
    expect(result.changes).toEqual([]);
    expect(result.notes.join('\n')).toMatch(/old is SUSPENDED and cannot be reopened/);
  });
});

describe('accountsRemovedSinceBase', () => {
  it('reports a deleted account file, at its first line', () => {
    const head = aDesiredState({ users: [ada, bob], accounts: [base.accounts.get('svc') ?? anAccount('svc')] });
    expect(accountsRemovedSinceBase(head, base)).toEqual([
      {
        severity: 'error',
        rule: 'accountFilesAreNeverDeleted',
        file: 'accounts/old.yaml',
        line: 1,
        col: 1,
        message: expect.stringMatching(/accounts\/old.yaml was deleted.*restore the file and set state: closed/),
      },
    ]);
  });

  it('is quiet when every account file is still there', () => {
    expect(accountsRemovedSinceBase(base, base)).toEqual([]);
  });
});
