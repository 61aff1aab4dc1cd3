/** A plan with one change of every kind, and plans of any size, for the renderer tests. */
import type { Change, Plan } from '../../src/core/changes.ts';
import type { Baseline } from '../../src/core/model.ts';
import { comparePlannedChanges, computePlan, toPlannedChange } from '../../src/core/plan.ts';
import { aDesiredState, aLiveBootstrapRole, aLiveUser, anEmptyLiveState, aUser } from '../support/builders.ts';

const DESCRIPTION = 'Administrator role for the account bootstrap users (aws-access-as-code).';

const policy = { minimumLength: 16, requireSymbols: false, requireNumbers: false, requireUppercase: false, requireLowercase: false, allowUsersToChangePassword: true, hardExpiry: false };

export const EVERY_KIND: Change[] = [
  { kind: 'send-account-email', accountName: 'svc', accountId: '900000000001', recipients: ['team@example.gov.uk'] },
  { kind: 'update-account', accountName: 'svc', accountId: '900000000001', move: { from: '/', to: '/Workloads' }, setTags: { tier: 'gold' }, removeTags: ['old'] },
  {
    kind: 'update-user',
    userName: 'ada_l@example.gov.uk',
    setTags: { team: 'data' },
    removeTags: ['github'],
    addGroups: [],
    removeGroups: ['Admins'],
    detachPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'],
    deletePolicies: ['own-s3'],
  },
  {
    kind: 'put-role',
    accountName: 'svc',
    accountId: '900000000001',
    label: 'the bootstrap role',
    before: aLiveBootstrapRole(['ada_l@example.gov.uk', 'bob@example.gov.uk']),
    after: { ...aLiveBootstrapRole(['ada_l@example.gov.uk']), description: DESCRIPTION },
  },
  { kind: 'create-user', userName: 'new@example.gov.uk', tags: { 'managed-by': 'aws-access-as-code', team: '@alphagov/platform' }, group: 'CrossAccountAccess', fullName: 'New Person', requestedBy: 'lead@example.gov.uk', credentialsToken: 'initial' },
  { kind: 'reset-password', userName: 'ada_l@example.gov.uk', fullName: 'Ada', credentialsToken: '2026-10-02', why: 'password-reset-requested' },
  { kind: 'update-password-policy', from: { ...policy, minimumLength: 8 }, to: policy },
  { kind: 'update-group', group: 'CrossAccountAccess', create: false, putPolicies: { 'deny-without-mfa': { Version: '2012-10-17', Statement: [] } }, deletePolicies: ['extra'], detachPolicies: ['arn:aws:iam::aws:policy/PowerUserAccess'] },
  { kind: 'create-account', accountName: 'brand-new', email: 'aws-root+brand-new@example.gov.uk', ouPath: '/Sandbox', tags: { 'managed-by': 'aws-access-as-code' }, bootstrapUsers: ['ada_l@example.gov.uk'], recipients: ['team@example.gov.uk'], roles: [], facets: [], resumeRequestId: 'car-123' },
  { kind: 'put-role', accountName: 'brand-old', accountId: '900000000002', label: 'the bootstrap role', after: { ...aLiveBootstrapRole(['ada_l@example.gov.uk']), description: DESCRIPTION } },
  { kind: 'delete-role', accountName: 'other', accountId: '900000000003', label: 'the bootstrap role', before: aLiveBootstrapRole(['ada_l@example.gov.uk']) },
  { kind: 'delete-user', userName: 'gone@example.gov.uk' },
  { kind: 'close-account', accountName: 'closing', accountId: '900000000004', recipients: ['team@example.gov.uk'] },
];

export function aPlan(changes: readonly Change[], extra: Partial<Plan> = {}, baseline: Baseline = { kind: 'sandbox', path: '.sandbox/state.json' }): Plan {
  return {
    version: 1,
    baseline,
    changes: changes.map(toPlannedChange).sort(comparePlannedChanges),
    unmanagedUsers: [],
    notes: [],
    ...extra,
  };
}

/** A plan creating `count` users from nothing (plus the baseline), and deleting `deletions`. */
export function aBigPlan(count: number, deletions = 0): Plan {
  const users = Array.from({ length: count }, (_, i) => aUser(`person.number.${String(i).padStart(5, '0')}@example.gov.uk`, { github: `gh-${i}` }));
  const live = anEmptyLiveState();
  const gone = Array.from({ length: deletions }, (_, i) => aLiveUser(`gone${i}@example.gov.uk`, { tags: { 'managed-by': 'aws-access-as-code' } }));
  return computePlan(aDesiredState({ users }), { ...live, usersAccount: { users: [...gone, aLiveUser('legacy')] } });
}
