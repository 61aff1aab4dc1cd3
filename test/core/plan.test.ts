import { describe, expect, it } from 'vitest';
import { ACCOUNT_TAG_KEYS_TAG, accountTags, desiredGroupPolicies, userTags } from '../../src/core/baseline.ts';
import type { Change, Plan } from '../../src/core/changes.ts';
import type { DesiredState, LiveState } from '../../src/core/model.ts';
import { computePlan, impactOf, subjectOf } from '../../src/core/plan.ts';
import { isSamePolicy } from '../../src/core/policy-compare.ts';
import { closureQuota } from '../../src/core/quota.ts';
import {
  aDesiredState,
  aLiveAccount,
  aLiveUser,
  anAccount,
  anAppliedLiveState,
  anEmptyLiveState,
  accountIdFor,
  aUser,
  MANAGEMENT_ACCOUNT_ID,
  USERS_ACCOUNT_ID,
  someSettings,
  withLiveAccount,
  withLiveUser,
  summaryOf,
  aLiveBootstrapRole,
} from '../support/builders.ts';

const ada = aUser('ada@example.gov.uk');
const bob = aUser('bob@example.gov.uk', { name: 'Bob Smith', github: 'bobsmith' });
const MANAGED = { 'managed-by': 'aws-access-as-code' };

/** `impact kind subject` for each change, in plan order. */
function lines(plan: Plan): string[] {
  return plan.changes.map(({ impact, change }) => `${impact} ${change.kind} ${subjectOf(change)}`);
}

function only<K extends Change['kind']>(plan: Plan, kind: K): Extract<Change, { kind: K }> {
  const found = plan.changes.filter((c) => c.change.kind === kind);
  expect(found).toHaveLength(1);
  return found[0]?.change as Extract<Change, { kind: K }>;
}

interface Case {
  name: string;
  desired: DesiredState;
  /** The live state; by default the desired state, applied perfectly. */
  live?: (desired: DesiredState) => LiveState;
  changes: string[];
  notes?: RegExp[];
  unmanaged?: string[];
  check?: (plan: Plan) => void;
}

const settled = (desired: DesiredState): LiveState => anAppliedLiveState(desired);

const cases: Case[] = [
  // ---- users ------------------------------------------------------------------------------
  {
    name: 'a new file creates the user, in the group, with its tags and the initial token',
    desired: aDesiredState({ users: [ada] }),
    live: (d) => ({ ...settled(aDesiredState({ settings: d.settings })) }),
    changes: ['access create-user ada@example.gov.uk'],
    check: (plan) =>
      expect(only(plan, 'create-user')).toEqual({
        kind: 'create-user',
        userName: 'ada@example.gov.uk',
        tags: userTags(ada),
        group: 'CrossAccountAccess',
        fullName: 'Ada Lovelace',
        requestedBy: 'lead@example.gov.uk',
        credentialsToken: 'initial',
      }),
  },
  {
    name: "a new file with password_reset records that date as the user's token",
    desired: aDesiredState({ users: [aUser('ada@example.gov.uk', { password_reset: '2026-10-02' })] }),
    live: (d) => settled(aDesiredState({ settings: d.settings })),
    changes: ['access create-user ada@example.gov.uk'],
    check: (plan) => expect(only(plan, 'create-user').credentialsToken).toBe('2026-10-02'),
  },
  {
    name: 'a managed user without a file is deleted',
    desired: aDesiredState({ users: [ada] }),
    live: (d) => {
      const live = settled(d);
      return { ...live, usersAccount: { ...live.usersAccount, users: [...live.usersAccount.users, aLiveUser('gone@example.gov.uk', { tags: MANAGED })] } };
    },
    changes: ['destructive delete-user gone@example.gov.uk'],
  },
  {
    name: 'a protected user tagged as managed, without a file, is never deleted',
    desired: aDesiredState(),
    live: (d) => {
      const live = settled(d);
      return { ...live, usersAccount: { ...live.usersAccount, users: [aLiveUser('Break-Glass', { tags: MANAGED })] } };
    },
    changes: [],
    notes: [/Break-Glass .*protected user: it is never deleted/],
  },
  {
    name: 'a protected user with a file is neither created nor changed',
    desired: aDesiredState({ users: [aUser('break-glass')] }),
    live: (d) => settled(aDesiredState({ settings: d.settings })),
    changes: [],
    notes: [/break-glass has a file but is a protected user/],
  },
  {
    name: 'an unmanaged user is listed and never touched',
    desired: aDesiredState(),
    live: (d) => {
      const live = settled(d);
      return { ...live, usersAccount: { ...live.usersAccount, users: [aLiveUser('legacy-admin', { tags: { team: 'x' } })] } };
    },
    changes: [],
    unmanaged: ['legacy-admin'],
  },
  {
    name: 'an unmanaged protected user is expected: not listed as unmanaged, never touched',
    desired: aDesiredState(),
    live: (d) => {
      const live = settled(d);
      return { ...live, usersAccount: { ...live.usersAccount, users: [aLiveUser('break-glass', { tags: {} })] } };
    },
    changes: [],
    unmanaged: [],
  },
  {
    name: 'a file for an unmanaged user (same name ignoring case) asks for adoption instead of creating a twin',
    desired: aDesiredState({ users: [ada] }),
    live: (d) => {
      const live = settled(aDesiredState({ settings: d.settings }));
      return { ...live, usersAccount: { ...live.usersAccount, users: [aLiveUser('Ada@Example.gov.uk')] } };
    },
    changes: [],
    unmanaged: ['Ada@Example.gov.uk'],
    notes: [/Ada@Example.gov.uk exists in the users account without the managed-by tag.*add adopt: true to the file/],
  },
  {
    name: 'tag drift on keys the project owns is put right; other keys are left alone',
    desired: aDesiredState({ users: [aUser('ada@example.gov.uk', { team: 'data' })] }),
    live: (d) => withLiveUser(settled(d), 'ada@example.gov.uk', (u) => ({ ...u, tags: { ...u.tags, team: 'platform', 'cost-centre': '42' } })),
    changes: ['routine update-user ada@example.gov.uk'],
    check: (plan) =>
      expect(only(plan, 'update-user')).toEqual({
        kind: 'update-user',
        userName: 'ada@example.gov.uk',
        setTags: { team: 'data' },
        removeTags: [],
        addGroups: [],
        removeGroups: [],
        detachPolicies: [],
        deletePolicies: [],
      }),
  },
  {
    name: 'a key the file no longer has is removed',
    desired: aDesiredState({ users: [aUser('bob@example.gov.uk', { name: 'Bob Smith' })] }),
    live: (d) => withLiveUser(settled(d), 'bob@example.gov.uk', (u) => ({ ...u, tags: { ...u.tags, github: 'bobsmith' } })),
    changes: ['routine update-user bob@example.gov.uk'],
    check: (plan) => expect(only(plan, 'update-user')).toMatchObject({ setTags: {}, removeTags: ['github'] }),
  },
  {
    name: 'IAM tag keys ignore case: Team with the right value is no drift',
    desired: aDesiredState({ users: [ada] }),
    live: (d) =>
      withLiveUser(settled(d), 'ada@example.gov.uk', (u) => {
        const { team, ...rest } = u.tags;
        return { ...u, tags: { ...rest, Team: team ?? '' } };
      }),
    changes: [],
  },
  {
    name: 'a user outside the group joins it (that widens access) and leaves the group it was put in by hand',
    desired: aDesiredState({ users: [ada] }),
    live: (d) => withLiveUser(settled(d), 'ada@example.gov.uk', (u) => ({ ...u, groups: ['Other'] })),
    changes: ['access update-user ada@example.gov.uk'],
    check: (plan) => {
      expect(only(plan, 'update-user')).toMatchObject({ addGroups: ['CrossAccountAccess'], removeGroups: ['Other'] });
      expect(summaryOf(plan.changes[0])).toBe('update user ada@example.gov.uk: add to group CrossAccountAccess; remove from group Other');
    },
  },
  {
    name: "a managed user's access outside the group (other groups, its own policies) is removed, and the summary says what",
    desired: aDesiredState({ users: [ada] }),
    live: (d) =>
      withLiveUser(settled(d), 'ada@example.gov.uk', (u) => ({
        ...u,
        groups: ['Zeta', ...u.groups, 'Admins'],
        inlinePolicyNames: ['s3-full', 'billing'],
        attachedPolicyArns: ['arn:aws:iam::aws:policy/PowerUserAccess', 'arn:aws:iam::aws:policy/AdministratorAccess'],
      })),
    changes: ['access update-user ada@example.gov.uk'],
    check: (plan) => {
      expect(only(plan, 'update-user')).toEqual({
        kind: 'update-user',
        userName: 'ada@example.gov.uk',
        setTags: {},
        removeTags: [],
        addGroups: [],
        removeGroups: ['Admins', 'Zeta'],
        detachPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess', 'arn:aws:iam::aws:policy/PowerUserAccess'],
        deletePolicies: ['billing', 's3-full'],
      });
      expect(summaryOf(plan.changes[0])).toBe(
        'update user ada@example.gov.uk: remove from group Admins, Zeta; ' +
          'detach managed policy arn:aws:iam::aws:policy/AdministratorAccess, arn:aws:iam::aws:policy/PowerUserAccess; ' +
          'delete inline policy billing, s3-full',
      );
    },
  },
  {
    name: 'a managed user without a file is deleted, not updated, whatever access it has',
    desired: aDesiredState(),
    live: (d) => {
      const live = settled(d);
      const gone = aLiveUser('gone@example.gov.uk', { tags: MANAGED, groups: ['Admins'], inlinePolicyNames: ['own'], attachedPolicyArns: ['arn:x'] });
      return { ...live, usersAccount: { ...live.usersAccount, users: [gone] } };
    },
    changes: ['destructive delete-user gone@example.gov.uk'],
  },
  {
    name: 'unmanaged and protected users keep their groups and policies: never touched',
    desired: aDesiredState({ users: [aUser('break-glass')] }),
    live: (d) => {
      const live = settled(aDesiredState({ settings: d.settings }));
      const drift = { groups: ['Admins'], inlinePolicyNames: ['own'], attachedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] };
      const users = [aLiveUser('break-glass', { tags: MANAGED, ...drift }), aLiveUser('legacy-admin', { tags: { team: 'x' }, ...drift })];
      return { ...live, usersAccount: { ...live.usersAccount, users } };
    },
    changes: [],
    unmanaged: ['legacy-admin'],
    notes: [/break-glass has a file but is a protected user/],
  },
  {
    name: 'group membership is compared ignoring case',
    desired: aDesiredState({ users: [ada] }),
    live: (d) => withLiveUser(settled(d), 'ada@example.gov.uk', (u) => ({ ...u, groups: ['crossaccountaccess'] })),
    changes: [],
  },
  {
    name: 'a user whose welcome email never went out gets a fresh password',
    desired: aDesiredState({ users: [ada] }),
    live: (d) =>
      withLiveUser(settled(d), 'ada@example.gov.uk', (u) => {
        const { ['credentials-sent']: _sent, ...rest } = u.tags;
        return { ...u, tags: rest };
      }),
    changes: ['access reset-password ada@example.gov.uk'],
    check: (plan) => expect(only(plan, 'reset-password')).toEqual({ kind: 'reset-password', userName: 'ada@example.gov.uk', fullName: 'Ada Lovelace', credentialsToken: 'initial', why: 'welcome-email-not-sent' }),
  },
  {
    name: 'a new password_reset date issues a new password',
    desired: aDesiredState({ users: [aUser('ada@example.gov.uk', { password_reset: '2026-11-01' })] }),
    live: (d) => withLiveUser(settled(d), 'ada@example.gov.uk', (u) => ({ ...u, tags: { ...u.tags, 'credentials-sent': 'initial' } })),
    changes: ['access reset-password ada@example.gov.uk'],
    check: (plan) => expect(only(plan, 'reset-password')).toMatchObject({ credentialsToken: '2026-11-01', why: 'password-reset-requested' }),
  },

  // ---- baseline ---------------------------------------------------------------------------
  {
    name: 'an empty users account gets the password policy and the group',
    desired: aDesiredState(),
    live: () => anEmptyLiveState(),
    changes: ['access update-password-policy password policy', 'access update-group CrossAccountAccess'],
    check: (plan) => {
      expect(only(plan, 'update-password-policy')).not.toHaveProperty('from');
      expect(only(plan, 'update-group')).toMatchObject({ create: true, deletePolicies: [], detachPolicies: [], putPolicies: desiredGroupPolicies(someSettings()) });
    },
  },
  {
    name: 'a weaker password policy is replaced',
    desired: aDesiredState(),
    live: (d) => {
      const live = settled(d);
      const policy = live.usersAccount.passwordPolicy;
      if (!policy) throw new Error('expected a policy');
      return { ...live, usersAccount: { ...live.usersAccount, passwordPolicy: { ...policy, minimumLength: 8 } } };
    },
    changes: ['access update-password-policy password policy'],
    check: (plan) => expect(summaryOf(plan.changes[0])).toContain('minimum length: 8 → 16'),
  },
  {
    name: 'a max age of 0 means the same as none',
    desired: aDesiredState(),
    live: (d) => {
      const live = settled(d);
      const policy = live.usersAccount.passwordPolicy;
      if (!policy) throw new Error('expected a policy');
      return { ...live, usersAccount: { ...live.usersAccount, passwordPolicy: { ...policy, maxAgeDays: 0 } } };
    },
    changes: [],
  },
  {
    name: 'a group policy that differs is rewritten; extra inline policies are deleted, with a note',
    desired: aDesiredState(),
    live: (d) => {
      const live = settled(d);
      const group = live.usersAccount.group;
      if (!group) throw new Error('expected a group');
      const policies = { ...group.policies, 'assume-roles-with-mfa': { Version: '2012-10-17', Statement: [] }, 'hand-made': { Version: '2012-10-17', Statement: [] } };
      return { ...live, usersAccount: { ...live.usersAccount, group: { ...group, policies } } };
    },
    changes: ['access update-group CrossAccountAccess'],
    notes: [/inline policies the project does not define \(hand-made\)/],
    check: (plan) => {
      const change = only(plan, 'update-group');
      expect(Object.keys(change.putPolicies)).toEqual(['assume-roles-with-mfa']);
      expect(change.deletePolicies).toEqual(['hand-made']);
      expect(change.create).toBe(false);
    },
  },

  {
    name: 'managed policies attached to the group are detached (access: they change what every member may do), with a note',
    desired: aDesiredState(),
    live: (d) => {
      const live = settled(d);
      const group = live.usersAccount.group;
      if (!group) throw new Error('expected a group');
      const attachedPolicyArns = ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::111111111111:policy/hand-made'];
      return { ...live, usersAccount: { ...live.usersAccount, group: { ...group, attachedPolicyArns } } };
    },
    changes: ['access update-group CrossAccountAccess'],
    notes: [/Group CrossAccountAccess has managed policies attached \(arn:aws:iam::111111111111:policy\/hand-made, arn:aws:iam::aws:policy\/ReadOnlyAccess\)/],
    check: (plan) => {
      expect(only(plan, 'update-group')).toEqual({
        kind: 'update-group',
        group: 'CrossAccountAccess',
        create: false,
        putPolicies: {},
        deletePolicies: [],
        detachPolicies: ['arn:aws:iam::111111111111:policy/hand-made', 'arn:aws:iam::aws:policy/ReadOnlyAccess'],
      });
      expect(summaryOf(plan.changes[0])).toBe(
        'update group CrossAccountAccess: detach managed policies arn:aws:iam::111111111111:policy/hand-made, arn:aws:iam::aws:policy/ReadOnlyAccess',
      );
    },
  },
  {
    name: 'a password policy with hard expiry is drift: it is turned off',
    desired: aDesiredState(),
    live: (d) => {
      const live = settled(d);
      const policy = live.usersAccount.passwordPolicy;
      if (!policy) throw new Error('expected a policy');
      return { ...live, usersAccount: { ...live.usersAccount, passwordPolicy: { ...policy, hardExpiry: true } } };
    },
    changes: ['access update-password-policy password policy'],
    check: (plan) => {
      expect(only(plan, 'update-password-policy').to.hardExpiry).toBe(false);
      expect(summaryOf(plan.changes[0])).toBe('update the account password policy: expired passwords need an administrator (hard expiry): yes → no');
    },
  },

  // ---- accounts ---------------------------------------------------------------------------
  {
    name: 'a new account file creates the account with its tags, bootstrap users and recipients',
    desired: aDesiredState({ users: [ada], accounts: [anAccount('svc', { requested_by: 'ada@example.gov.uk' })] }),
    live: (d) => settled(aDesiredState({ settings: d.settings, users: [ada] })),
    // Its bootstrap user is told, with their profile, once the account exists.
    changes: ['access create-account svc', 'routine notify-bootstrap-users svc'],
    check: (plan) =>
      expect(only(plan, 'create-account')).toEqual({
        kind: 'create-account',
        accountName: 'svc',
        email: 'aws-root+svc@example.gov.uk',
        ouPath: '/Workloads/Production',
        tags: accountTags(anAccount('svc', { requested_by: 'ada@example.gov.uk' })),
        bootstrapUsers: ['ada@example.gov.uk'],
        recipients: ['platform@example.gov.uk', 'ada@example.gov.uk'],
        roles: [
          {
            label: 'the bootstrap role',
            spec: { ...aLiveBootstrapRole(['ada@example.gov.uk']), description: 'Administrator role for the account bootstrap users (aws-access-as-code).' },
            notice: { added: ['ada@example.gov.uk'], removed: [] },
          },
        ],
        facets: [],
      }),
  },
  {
    name: 'an account AWS is still creating is resumed, not asked for again',
    desired: aDesiredState({ users: [ada], accounts: [anAccount('svc')] }),
    live: (d) => {
      const live = settled(aDesiredState({ settings: d.settings, users: [ada] }));
      return { ...live, organization: { ...live.organization, creations: [{ requestId: 'car-1', accountName: 'svc', state: 'IN_PROGRESS' }] } };
    },
    // Its bootstrap user is told, with their profile, once the account exists.
    changes: ['access create-account svc', 'routine notify-bootstrap-users svc'],
    check: (plan) => expect(only(plan, 'create-account').resumeRequestId).toBe('car-1'),
  },
  {
    name: 'a failed creation is asked for again, with a note',
    desired: aDesiredState({ users: [ada], accounts: [anAccount('svc')] }),
    live: (d) => {
      const live = settled(aDesiredState({ settings: d.settings, users: [ada] }));
      return {
        ...live,
        organization: { ...live.organization, creations: [{ requestId: 'car-0', accountName: 'svc', state: 'FAILED', failureReason: 'INTERNAL_FAILURE' }] },
      };
    },
    // Its bootstrap user is told, with their profile, once the account exists.
    changes: ['access create-account svc', 'routine notify-bootstrap-users svc'],
    notes: [/car-0\) failed \(INTERNAL_FAILURE\)/],
    check: (plan) => expect(only(plan, 'create-account')).not.toHaveProperty('resumeRequestId'),
  },
  {
    name: 'a closed file for an account that never existed does nothing',
    desired: aDesiredState({ accounts: [anAccount('old', { state: 'closed' })] }),
    live: (d) => settled(aDesiredState({ settings: d.settings })),
    changes: [],
    notes: [/old is closed in its file and was never created/],
  },
  {
    name: 'an account the project did not create is adopted only with adopt: true and its id, as an access change',
    desired: aDesiredState({ users: [ada], accounts: [anAccount('svc', { id: accountIdFor('Service (old name)'), adopt: true })] }),
    live: (d) => {
      const live = settled(aDesiredState({ settings: d.settings, users: [ada] }));
      const handMade = aLiveAccount('Service (old name)', { email: 'someone@example.gov.uk', ouPath: '/Workloads/Production' });
      return { ...live, organization: { ...live.organization, accounts: [handMade] } };
    },
    changes: ['access put-role svc', 'access update-account svc', 'routine send-account-email svc', 'routine notify-bootstrap-users svc'],
    check: (plan) => {
      expect(only(plan, 'update-account')).toMatchObject({ adopt: { bootstrapRole: true }, setTags: accountTags(anAccount('svc')) });
      expect(summaryOf(plan.changes.find((c) => c.change.kind === 'update-account'))).toMatch(
        /^adopt account svc \(\d{12}\), which this project did not create \(adopt: true in its file\); a bootstrap administrator role will be created in an account this project did not create: /,
      );
      expect(only(plan, 'put-role').accountId).toBe(accountIdFor('Service (old name)'));
    },
  },
  {
    name: "the file's id wins over a name match",
    desired: aDesiredState({ accounts: [anAccount('svc', { id: '123456789012', bootstrap: { state: 'removed', users: [] } })] }),
    live: (d) =>
      withLiveAccount(settled(d), 'svc', (a) => ({ ...a, id: '123456789012', name: 'renamed in aws', email: 'someone-else@example.gov.uk' })),
    changes: [],
  },
  {
    name: 'state: closed closes an active account and tells the team and the requester',
    desired: aDesiredState({ users: [ada], accounts: [anAccount('svc', { state: 'closed' })] }),
    live: (d) => withLiveAccount(settled(d), 'svc', (a) => ({ ...a, status: 'ACTIVE', roles: [aLiveBootstrapRole(['ada@example.gov.uk'], { mfa: false, admin: false })], tags: { 'managed-by': 'aws-access-as-code' } })),
    changes: ['destructive close-account svc'],
    check: (plan) =>
      expect(only(plan, 'close-account')).toEqual({
        kind: 'close-account',
        accountName: 'svc',
        accountId: accountIdFor('svc'),
        recipients: ['platform@example.gov.uk', 'lead@example.gov.uk'],
      }),
  },
  {
    name: 'an account without the managed-by tag is never closed: a note, no change',
    desired: aDesiredState({ users: [ada], accounts: [anAccount('svc', { state: 'closed' })] }),
    live: (d) => withLiveAccount(settled(d), 'svc', (a) => ({ ...a, status: 'ACTIVE', tags: {} })),
    changes: [],
    notes: [/svc \(\d{12}\) is marked closed in its file but has no managed-by tag, so it is not closed/],
  },
  {
    name: 'a suspended account cannot be reopened: a note, no change',
    desired: aDesiredState({ users: [ada], accounts: [anAccount('svc')] }),
    live: (d) => withLiveAccount(settled(d), 'svc', (a) => ({ ...a, status: 'SUSPENDED', roles: 'unknown' })),
    changes: [],
    notes: [/svc \(\d{12}\) is SUSPENDED and cannot be reopened through the API: AWS Support can reopen it within 90 days/],
  },
  {
    name: 'a pending closure stays as it is when the file says closed',
    desired: aDesiredState({ accounts: [anAccount('svc', { state: 'closed' })] }),
    live: (d) => withLiveAccount(settled(d), 'svc', (a) => ({ ...a, status: 'PENDING_CLOSURE' })),
    changes: [],
  },
  {
    name: 'an account in the wrong OU is moved',
    desired: aDesiredState({ users: [ada], accounts: [anAccount('svc')] }),
    live: (d) => withLiveAccount(settled(d), 'svc', (a) => ({ ...a, ouPath: '/Sandbox' })),
    // Another OU's policies apply to it: an access change, not bookkeeping.
    changes: ['access update-account svc'],
    check: (plan) => expect(only(plan, 'update-account')).toMatchObject({ move: { from: '/Sandbox', to: '/Workloads/Production' }, setTags: {}, removeTags: [] }),
  },
  {
    name: 'a move to an OU that does not exist is noted',
    desired: aDesiredState({ users: [ada], accounts: [anAccount('svc', { organizational_unit: '/Nowhere' })] }),
    live: (d) => {
      const live = withLiveAccount(settled(d), 'svc', (a) => ({ ...a, ouPath: '/Sandbox' }));
      return { ...live, organization: { ...live.organization, ouPaths: ['/', '/Sandbox'] } };
    },
    changes: ['access update-account svc'],
    notes: [/organizational unit \/Nowhere does not exist/],
  },
  {
    name: "tag drift: the file's tags are set, removed ones taken off, foreign ones left alone",
    desired: aDesiredState({ users: [ada], accounts: [anAccount('svc', { tags: { tier: 'gold' } })] }),
    live: (d) =>
      withLiveAccount(settled(d), 'svc', (a) => ({
        ...a,
        tags: { ...a.tags, tier: 'silver', [ACCOUNT_TAG_KEYS_TAG]: 'old-key tier', 'old-key': 'x', 'added-in-console': 'y' },
      })),
    changes: ['routine update-account svc'],
    check: (plan) => expect(only(plan, 'update-account')).toMatchObject({ setTags: { tier: 'gold', [ACCOUNT_TAG_KEYS_TAG]: 'tier' }, removeTags: ['old-key'] }),
  },
  {
    name: 'removing the last file tag removes it and its record',
    desired: aDesiredState({ users: [ada], accounts: [anAccount('svc')] }),
    live: (d) => withLiveAccount(settled(d), 'svc', (a) => ({ ...a, tags: { ...a.tags, tier: 'gold', [ACCOUNT_TAG_KEYS_TAG]: 'tier' } })),
    changes: ['routine update-account svc'],
    check: (plan) => expect(only(plan, 'update-account')).toMatchObject({ setTags: {}, removeTags: [ACCOUNT_TAG_KEYS_TAG, 'tier'] }),
  },
  {
    name: 'a missing bootstrap role is created (access), exactly as its spec says',
    desired: aDesiredState({ users: [ada], accounts: [anAccount('svc')] }),
    live: (d) => withLiveAccount(settled(d), 'svc', ({ roles: _r, ...a }) => a),
    changes: ['access put-role svc', 'routine notify-bootstrap-users svc'],
    check: (plan) => {
      expect(only(plan, 'put-role')).toEqual({
        kind: 'put-role',
        accountName: 'svc',
        accountId: accountIdFor('svc'),
        label: 'the bootstrap role',
        after: { ...aLiveBootstrapRole(['ada@example.gov.uk']), description: 'Administrator role for the account bootstrap users (aws-access-as-code).' },
        notice: { added: ['ada@example.gov.uk'], removed: [] },
      });
      expect(summaryOf(plan.changes[0])).toMatch(/^create the bootstrap role in svc \(\d{12}\), trusting ada@example.gov.uk with MFA; arn:aws:iam::aws:policy\/AdministratorAccess$/);
    },
  },
  {
    name: 'trusting one more user widens access',
    desired: aDesiredState({ users: [ada, bob], accounts: [anAccount('svc', { bootstrap: { users: ['bob@example.gov.uk', 'ada@example.gov.uk'] } })] }),
    live: (d) => withLiveAccount(settled(d), 'svc', (a) => ({ ...a, roles: [aLiveBootstrapRole(['ada@example.gov.uk'])] })),
    changes: ['access put-role svc', 'routine notify-bootstrap-users svc'],
    check: (plan) => {
      expect(only(plan, 'put-role').before).toEqual(aLiveBootstrapRole(['ada@example.gov.uk']));
      expect(summaryOf(plan.changes[0])).toMatch(/^update the bootstrap role in svc \(\d{12}\): trust bob@example.gov.uk$/);
      expect(only(plan, 'put-role').notice).toEqual({ added: ['bob@example.gov.uk'], removed: [] });
      expect(summaryOf(plan.changes[1])).toMatch(/^tell bob@example.gov.uk they may now assume the bootstrap role in svc \(\d{12}\), with the switch-role link and their ~\/.aws\/config$/);
    },
  },
  {
    name: 'trusting one user fewer removes access: an access change, and the summary says who goes',
    desired: aDesiredState({ users: [ada, bob], accounts: [anAccount('svc')] }),
    live: (d) => withLiveAccount(settled(d), 'svc', (a) => ({ ...a, roles: [aLiveBootstrapRole(['bob@example.gov.uk', 'ada@example.gov.uk'])] })),
    changes: ['access put-role svc', 'routine notify-bootstrap-users svc'],
    check: (plan) => {
      expect(summaryOf(plan.changes[0])).toContain('stop trusting bob@example.gov.uk');
      expect(summaryOf(plan.changes[1])).toMatch(/^tell bob@example.gov.uk they may no longer assume the bootstrap role in svc/);
    },
  },
  {
    name: 'a trust without MFA is repaired: the summary says the conditions tighten',
    desired: aDesiredState({ users: [ada], accounts: [anAccount('svc')] }),
    live: (d) => withLiveAccount(settled(d), 'svc', (a) => ({ ...a, roles: [aLiveBootstrapRole(['ada@example.gov.uk'], { mfa: false })] })),
    changes: ['access put-role svc'],
    check: (plan) => expect(summaryOf(plan.changes[0])).toMatch(/: tighten its trust conditions$/),
  },
  {
    name: 'a bootstrap role without AdministratorAccess gets it back (access)',
    desired: aDesiredState({ users: [ada], accounts: [anAccount('svc')] }),
    live: (d) => withLiveAccount(settled(d), 'svc', (a) => ({ ...a, roles: [aLiveBootstrapRole(['ada@example.gov.uk'], { admin: false })] })),
    changes: ['access put-role svc'],
    check: (plan) => expect(summaryOf(plan.changes[0])).toMatch(/: attach arn:aws:iam::aws:policy\/AdministratorAccess$/),
  },
  {
    name: 'a tag missing from a managed role is routine',
    desired: aDesiredState({ users: [ada], accounts: [anAccount('svc')] }),
    live: (d) =>
      withLiveAccount(settled(d), 'svc', (a) => ({ ...a, roles: [{ ...aLiveBootstrapRole(['ada@example.gov.uk']), tags: { 'Managed-By': 'aws-access-as-code', extra: 'kept' } }] })),
    changes: [],
  },
  {
    name: 'an unmanaged role with the bootstrap name is left alone',
    desired: aDesiredState({ users: [ada, bob], accounts: [anAccount('svc')] }),
    live: (d) => withLiveAccount(settled(d), 'svc', (a) => ({ ...a, roles: [aLiveBootstrapRole(['bob@example.gov.uk'], { managed: false, mfa: false })] })),
    changes: [],
    notes: [/svc: a role with the bootstrap role's name exists but is not managed/],
  },
  {
    name: 'bootstrap state: removed deletes the managed role',
    desired: aDesiredState({ users: [ada], accounts: [anAccount('svc', { bootstrap: { state: 'removed', users: [] } })] }),
    live: (d) => withLiveAccount(settled(d), 'svc', (a) => ({ ...a, roles: [aLiveBootstrapRole(['ada@example.gov.uk'])] })),
    changes: ['destructive delete-role svc', 'routine notify-bootstrap-users svc'],
    check: (plan) => expect(summaryOf(plan.changes[0])).toMatch(/^delete the bootstrap role in svc \(\d{12}\)$/),
  },
  {
    name: 'bootstrap state: removed leaves an unmanaged role alone',
    desired: aDesiredState({ users: [ada], accounts: [anAccount('svc', { bootstrap: { state: 'removed', users: [] } })] }),
    live: (d) => withLiveAccount(settled(d), 'svc', (a) => ({ ...a, roles: [aLiveBootstrapRole(['ada@example.gov.uk'], { managed: false })] })),
    changes: [],
    notes: [/not managed by this project; it is left alone/],
  },
  {
    name: "other unmanaged roles that people may assume are listed, never touched; the access role is not listed",
    desired: aDesiredState({ users: [ada], accounts: [anAccount('svc')] }),
    live: (d) =>
      withLiveAccount(settled(d), 'svc', (a) => ({
        ...a,
        roles: [
          ...(Array.isArray(a.roles) ? a.roles : []),
          { ...aLiveBootstrapRole(['ada@example.gov.uk'], { managed: false }), name: 'terraform-admin' },
          { name: 'OrganizationAccountAccessRole', path: '/', trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 'sts:AssumeRole' }] }, inlinePolicies: {}, attachedPolicyArns: [], tags: {} },
        ],
      })),
    changes: [],
    notes: [/svc \(\d{12}\): roles people of the users account may assume that this project does not manage \(no managed-by tag\), left alone: terraform-admin\.$/],
  },
  {
    name: 'a bootstrap role that could not be read is not compared',
    desired: aDesiredState({ users: [ada], accounts: [anAccount('svc')] }),
    live: (d) => withLiveAccount(settled(d), 'svc', (a) => ({ ...a, roles: 'unknown' })),
    changes: [],
    notes: [/could not be read/],
  },
  {
    name: 'a managed account whose email never went out gets it',
    desired: aDesiredState({ users: [ada], accounts: [anAccount('svc')] }),
    live: (d) =>
      withLiveAccount(settled(d), 'svc', (a) => {
        const { ['account-email-sent']: _sent, ...tags } = a.tags;
        return { ...a, tags };
      }),
    changes: ['routine send-account-email svc'],
    check: (plan) => expect(only(plan, 'send-account-email').recipients).toEqual(['platform@example.gov.uk', 'ada@example.gov.uk', 'lead@example.gov.uk']),
  },
  {
    name: 'a managed account without a file is reported, never closed',
    desired: aDesiredState(),
    live: (d) => {
      const live = settled(d);
      return { ...live, organization: { ...live.organization, accounts: [aLiveAccount('orphan', { tags: MANAGED })] } };
    },
    changes: [],
    notes: [/orphan \(\d{12}\) is tagged managed-by but has no file .* Restore accounts\/orphan.yaml/],
  },

  // ---- blast radius -----------------------------------------------------------------------
  {
    name: 'more deletions than the limit are noted (apply enforces)',
    desired: aDesiredState(),
    live: (d) => {
      const live = settled(d);
      const users = Array.from({ length: 6 }, (_, i) => aLiveUser(`gone${i}@example.gov.uk`, { tags: MANAGED }));
      return { ...live, usersAccount: { ...live.usersAccount, users } };
    },
    changes: Array.from({ length: 6 }, (_, i) => `destructive delete-user gone${i}@example.gov.uk`),
    notes: [/deletes 6 users and roles, more than settings.yaml allows in one run \(limits.max_deletions_per_run: 5\)/],
  },
  {
    name: 'more closures than the limit are noted',
    desired: aDesiredState({ accounts: [anAccount('a-one', { state: 'closed' }), anAccount('a-two', { state: 'closed' })] }),
    live: (d) => {
      const live = settled(d);
      return { ...live, organization: { ...live.organization, accounts: live.organization.accounts.map((a) => ({ ...a, status: 'ACTIVE' as const })) } };
    },
    changes: ['destructive close-account a-one', 'destructive close-account a-two'],
    notes: [/closes 2 accounts, more than settings.yaml allows in one run \(limits.max_closures_per_run: 1\)/],
  },
];

describe('computePlan refuses what only a person can settle', () => {
  const withAccounts = (live: LiveState, accounts: LiveState['organization']['accounts']): LiveState => ({
    ...live,
    organization: { ...live.organization, accounts: [...live.organization.accounts, ...accounts] },
  });
  const refusal = (desired: DesiredState, live: LiveState): string => {
    try {
      computePlan(desired, live);
    } catch (error) {
      expect(error).toMatchObject({ code: 'plan-refused', fault: 'user' });
      return (error as Error).message;
    }
    throw new Error('computePlan did not refuse');
  };

  it('an unmanaged account is never adopted because its root email or name matches a file', () => {
    const desired = aDesiredState({ users: [ada], accounts: [anAccount('svc'), anAccount('web')] });
    const live = withAccounts(settled(aDesiredState({ settings: desired.settings, users: [ada] })), [
      aLiveAccount('Service (old name)', { email: 'AWS-ROOT+svc@example.gov.uk' }),
      aLiveAccount('web', { email: 'web-team@example.gov.uk' }),
    ]);
    const message = refusal(desired, live);
    expect(message).toContain(`accounts/svc.yaml has the root email of account ${accountIdFor('Service (old name)')}, which this project did not create`);
    expect(message).toContain(`add id: "${accountIdFor('Service (old name)')}" and adopt: true`);
    expect(message).toContain(`accounts/web.yaml has the name of account ${accountIdFor('web')}, which this project did not create`);
  });

  it("an adopted account's root_email must be the one AWS holds: no file changes it [adoptedRootEmailIsTheLiveOne]", () => {
    const id = accountIdFor('legacy');
    const desired = (email: string) =>
      aDesiredState({ users: [ada], accounts: [anAccount('legacy', { id, adopt: true, root_email: email })] });
    const live = withAccounts(settled(aDesiredState({ settings: desired('x@y.example').settings, users: [ada] })), [
      aLiveAccount('legacy', { email: 'Ops@Legacy-Agency.example.com' }),
    ]);
    expect(refusal(desired('other@legacy-agency.example.com'), live)).toContain(
      `accounts/legacy.yaml adopts account ${id} with root_email other@legacy-agency.example.com, but AWS holds Ops@Legacy-Agency.example.com for it`,
    );
    // The live address, in any case, is fine: the plan adopts the account.
    expect(computePlan(desired('ops@legacy-agency.example.com'), live).changes.map((c) => c.change.kind)).toContain('update-account');
  });

  it('an id naming an unmanaged account without adopt: true is refused', () => {
    const id = accountIdFor('hand-made');
    const desired = aDesiredState({ accounts: [anAccount('svc', { id, bootstrap: { state: 'removed', users: [] } })] });
    const live = withAccounts(settled(aDesiredState({ settings: desired.settings })), [aLiveAccount('hand-made')]);
    expect(refusal(desired, live)).toContain(`accounts/svc.yaml names account ${id} (hand-made), which this project did not create (no managed-by tag). To take it over, add adopt: true`);
  });

  it.each([
    ['the management account, by id', { id: MANAGEMENT_ACCOUNT_ID }, 'management', 'by id, which is the management account'],
    ['the management account, by name', {}, 'svc', 'has the name of account 222222222222, which is the management account'],
    ['the users account, by root email', { root_email: 'users-root@example.gov.uk' }, 'users', 'has the root email of account 111111111111, which is the users account'],
    ['a protected account, even tagged managed-by', {}, 'svc', 'by name, which is listed in settings.yaml protected_accounts'],
  ] as const)('an account file never reaches %s', (_what, fields, liveName, expected) => {
    const settings = someSettings({ protected_accounts: ['333333333333'] });
    const desired = aDesiredState({ settings, accounts: [anAccount('svc', { ...fields, bootstrap: { state: 'removed', users: [] } }, settings)] });
    const ids: Record<string, string> = { management: MANAGEMENT_ACCOUNT_ID, users: USERS_ACCOUNT_ID };
    const own = aLiveAccount(liveName, {
      id: ids[liveName] ?? (expected.includes('protected_accounts') ? '333333333333' : MANAGEMENT_ACCOUNT_ID),
      email: liveName === 'users' ? 'users-root@example.gov.uk' : 'mgmt@example.gov.uk',
      ...(expected.includes('protected_accounts') ? { tags: MANAGED } : {}),
    });
    const message = refusal(desired, withAccounts(settled(aDesiredState({ settings })), [own]));
    expect(message).toContain(expected);
    expect(message).toContain('[accountFilesAvoidProtectedAccounts]');
  });

  it('two live accounts with the same name or root email are an error listing both, never "No changes"', () => {
    const desired = aDesiredState({ accounts: [anAccount('svc', { bootstrap: { state: 'removed', users: [] } })] });
    const live = settled(desired);
    const twin = { ...aLiveAccount('svc', { id: '944444444444', tags: MANAGED }) };
    const message = refusal(desired, withAccounts(live, [twin]));
    expect(message).toMatch(/two live accounts have the same name svc: \d{12} \(svc, aws-root\+svc@example.gov.uk, managed\) and 944444444444 \(svc, aws-root\+svc@example.gov.uk, managed\)/);
    expect(message).toContain('two live accounts have the same root email aws-root+svc@example.gov.uk');
  });

  it('adopt: true naming an id the organization does not have is refused (and only noted against a git baseline)', () => {
    const desired = aDesiredState({ accounts: [anAccount('svc', { id: '955555555555', adopt: true, bootstrap: { state: 'removed', users: [] } })] });
    expect(refusal(desired, settled(aDesiredState({ settings: desired.settings })))).toContain('adopts account 955555555555, but the organization has no account with that id');
    const git = computePlan(desired, { ...settled(aDesiredState({ settings: desired.settings })), baseline: { kind: 'git', ref: 'main' } });
    expect(git.changes).toEqual([]);
    expect(git.notes).toContain('svc: adopts the existing account 955555555555 (compared with AWS only when applied).');
  });
});

describe('computePlan', () => {
  it.each(cases)('$name', ({ desired, live, changes, notes, unmanaged, check }) => {
    const plan = computePlan(desired, (live ?? settled)(desired));
    expect(lines(plan)).toEqual(changes);
    for (const note of notes ?? []) expect(plan.notes).toEqual(expect.arrayContaining([expect.stringMatching(note)]));
    if (notes === undefined) expect(plan.notes).toEqual([]);
    expect(plan.unmanagedUsers).toEqual(unmanaged ?? []);
    check?.(plan);
  });

  it('ranks destructive, then access, then routine changes', () => {
    const desired = aDesiredState({
      users: [ada, bob],
      accounts: [anAccount('closing', { state: 'closed' }), anAccount('svc', { tags: { tier: 'gold' } }), anAccount('new-one')],
    });
    let live = settled(aDesiredState({ settings: desired.settings, users: [ada], accounts: [anAccount('closing'), anAccount('svc')] }));
    live = { ...live, usersAccount: { ...live.usersAccount, users: [...live.usersAccount.users, aLiveUser('old@example.gov.uk', { tags: MANAGED })] } };
    const plan = computePlan(desired, live);
    expect(lines(plan)).toEqual([
      'destructive close-account closing',
      'destructive delete-user old@example.gov.uk',
      'access create-user bob@example.gov.uk',
      'access create-account new-one',
      'routine update-account svc',
      'routine notify-bootstrap-users new-one',
    ]);
  });

  it('plans the sandbox from nothing: baseline, users, accounts', () => {
    const desired = aDesiredState({ users: [ada], accounts: [anAccount('svc')] });
    expect(lines(computePlan(desired, anEmptyLiveState()))).toEqual([
      'access update-password-policy password policy',
      'access update-group CrossAccountAccess',
      'access create-user ada@example.gov.uk',
      'access create-account svc',
      'routine notify-bootstrap-users svc',
    ]);
  });

  it('does not warn about missing OUs against a git baseline', () => {
    const desired = aDesiredState({ users: [ada], accounts: [anAccount('svc', { organizational_unit: '/Brand/New' })] });
    const live: LiveState = { ...anEmptyLiveState({ kind: 'git', ref: 'origin/main' }), organization: { ...anEmptyLiveState().organization, ouPaths: [] } };
    const plan = computePlan(desired, live);
    expect(plan.notes.join('\n')).not.toMatch(/does not exist/);
    expect(plan.baseline).toEqual({ kind: 'git', ref: 'origin/main' });
  });

  it('never puts a secret in a change: only names, tags and tokens (dates)', () => {
    const desired = aDesiredState({ users: [aUser('ada@example.gov.uk', { password_reset: '2026-01-01' })], accounts: [anAccount('svc')] });
    const json = JSON.stringify(computePlan(desired, anEmptyLiveState()));
    const keys = [...json.matchAll(/"([^"]+)":/g)].map((m) => m[1]);
    expect(keys.filter((key) => /^(password|temporaryPassword|secret|secretAccessKey)$/i.test(key ?? ''))).toEqual([]);
  });
});

describe('impactOf', () => {
  it.each<[Change, string]>([
    [{ kind: 'close-account', accountName: 'a', accountId: '1', recipients: [] }, 'destructive'],
    [{ kind: 'delete-user', userName: 'u' }, 'destructive'],
    [{ kind: 'delete-role', accountName: 'a', accountId: '1', label: 'the bootstrap role', before: aLiveBootstrapRole(['x@example.gov.uk']) }, 'destructive'],
    [{ kind: 'put-role', accountName: 'a', accountId: '1', label: 'r', after: { ...aLiveBootstrapRole(['x@example.gov.uk']), description: 'd' } }, 'access'],
    [{ kind: 'put-role', accountName: 'a', accountId: '1', label: 'r', before: aLiveBootstrapRole(['x@example.gov.uk', 'y@example.gov.uk']), after: { ...aLiveBootstrapRole(['x@example.gov.uk']), description: 'd' } }, 'access'],
    [{ kind: 'put-role', accountName: 'a', accountId: '1', label: 'r', before: { ...aLiveBootstrapRole(['x@example.gov.uk']), tags: {} }, after: { ...aLiveBootstrapRole(['x@example.gov.uk']), description: 'd' } }, 'routine'],
    [{ kind: 'update-user', userName: 'u', setTags: { team: 'x' }, removeTags: [], addGroups: [], removeGroups: [], detachPolicies: [], deletePolicies: [] }, 'routine'],
    [{ kind: 'update-user', userName: 'u', setTags: {}, removeTags: [], addGroups: [], removeGroups: ['Admins'], detachPolicies: ['arn:x'], deletePolicies: ['own'] }, 'access'],
    [{ kind: 'update-user', userName: 'u', setTags: {}, removeTags: [], addGroups: ['G'], removeGroups: ['Admins'], detachPolicies: [], deletePolicies: [] }, 'access'],
    [{ kind: 'update-group', group: 'G', create: false, putPolicies: {}, deletePolicies: [], detachPolicies: ['arn:x'] }, 'access'],
    [{ kind: 'update-account', accountName: 'a', accountId: '1', setTags: {}, removeTags: [] }, 'routine'],
    [{ kind: 'send-account-email', accountName: 'a', accountId: '1', recipients: [] }, 'routine'],
    [{ kind: 'update-password-policy', to: { minimumLength: 16, requireLowercase: false, requireNumbers: false, requireSymbols: false, requireUppercase: false, allowUsersToChangePassword: true, hardExpiry: false } }, 'access'],
  ])('%j is %s', (change, impact) => {
    expect(impactOf(change)).toBe(impact);
  });
});

describe('isSamePolicy', () => {
  it('ignores key order, action order and single-item lists', () => {
    expect(
      isSamePolicy(
        { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['b', 'a'], Resource: '*', Condition: { Bool: { k: true } } }] },
        { Statement: { Resource: ['*'], Action: ['a', 'b'], Effect: 'Allow', Condition: { Bool: { k: 'true' } } }, Version: '2012-10-17' },
      ),
    ).toBe(true);
    expect(isSamePolicy({ Statement: [{ Effect: 'Allow' }] }, { Statement: [{ Effect: 'Deny' }] })).toBe(false);
  });
});

describe('closureQuota', () => {
  it('is 10% of member accounts, between 10 and 1000', () => {
    expect(closureQuota(5)).toBe(10);
    expect(closureQuota(250)).toBe(25);
    expect(closureQuota(50_000)).toBe(1000);
  });
});
