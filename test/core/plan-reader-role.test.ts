/** The reader role (organization.reader_role_name) in the planner, the git baseline and the text renderer. */
import { describe, expect, it } from 'vitest';
import type { Change, Plan } from '../../src/core/changes.ts';
import { liveStateFromDesired } from '../../src/core/base-ref.ts';
import type { DesiredState, LiveRole, LiveRoles, LiveState } from '../../src/core/model.ts';
import { actionOf, computePlan, impactOf, subjectOf } from '../../src/core/plan.ts';
import { READER_POLICY_NAME, readerPermissions, readerTrustPolicy } from '../../src/core/reader-role.ts';
import { changeDetails } from '../../src/render/plan-text.ts';
import {
  aDesiredState,
  aLiveBootstrapRole,
  anAccount,
  anAppliedLiveState,
  aUser,
  someSettings,
  withLiveAccount,
  summaryOf,
} from '../support/builders.ts';

const PLAN_ROLE = 'arn:aws:iam::222222222222:role/aws-access-as-code-organization';
const OTHER_ROLE = 'arn:aws:iam::222222222222:role/someone-else';
const READER = 'aws-access-as-code-reader';

const base = someSettings();
const settings = someSettings({
  organization: { ...base.organization, reader_role_name: READER, reader_trusted_role_arns: [PLAN_ROLE] },
});
const ada = aUser('ada@example.gov.uk');

function desiredWith(s = settings, accounts = [anAccount('team-production', {}, s)]): DesiredState {
  return aDesiredState({ settings: s, users: [ada], accounts });
}

const asConfigured = (): LiveRole => ({
  name: READER,
  path: '/',
  trustPolicy: readerTrustPolicy([PLAN_ROLE]),
  inlinePolicies: { [READER_POLICY_NAME]: readerPermissions() },
  attachedPolicyArns: [],
  tags: { 'managed-by': 'aws-access-as-code' },
});

/** The account with the bootstrap role as applied and `reader` as its reader role (absent: none). */
function withReader(live: LiveState, reader: LiveRole | 'unknown' | 'denied' | undefined): LiveState {
  return withLiveAccount(live, 'team-production', (account) => {
    const roles: LiveRoles = reader === 'unknown' || reader === 'denied' ? reader : [aLiveBootstrapRole(['ada@example.gov.uk']), ...(reader === undefined ? [] : [reader])];
    return { ...account, roles };
  });
}

function readerChanges(plan: Plan): Extract<Change, { kind: 'put-role' }>[] {
  return plan.changes.flatMap(({ change }) => (change.kind === 'put-role' && change.after.name === READER ? [change] : []));
}

describe('planning the reader role', () => {
  it('a settled state with the reader role as configured plans nothing', () => {
    const desired = desiredWith();
    const plan = computePlan(desired, anAppliedLiveState(desired));
    expect(plan.changes).toEqual([]);
  });

  it('without reader_role_name nothing about it is planned, whatever the live state says', () => {
    const desired = desiredWith(base);
    const live = withReader(anAppliedLiveState(desired), undefined);
    expect(readerChanges(computePlan(desired, live))).toEqual([]);
    expect(anAppliedLiveState(desired).organization.accounts[0]?.roles).toEqual([aLiveBootstrapRole(['ada@example.gov.uk'])]);
  });

  it('a missing reader role is created: a new role is an access change', () => {
    const desired = desiredWith();
    const plan = computePlan(desired, withReader(anAppliedLiveState(desired), undefined));
    expect(plan.changes.map(({ impact, change }) => `${impact} ${change.kind} ${subjectOf(change)}`)).toEqual([
      'access put-role team-production',
    ]);
    const [change] = readerChanges(plan);
    expect(change).toEqual({
      kind: 'put-role',
      accountName: 'team-production',
      accountId: expect.stringMatching(/^\d{12}$/),
      label: 'the reader role',
      after: { ...asConfigured(), description: 'Read-only: lets aws-access-as-code plans read the bootstrap role.' },
    });
    if (change === undefined) throw new Error('no change');
    expect(actionOf(change)).toBe('create');
    expect(summaryOf(plan.changes[0])).toMatch(/^create the reader role in team-production \(\d{12}\), trusting arn:aws:iam::222222222222:role\/aws-access-as-code-organization; read-bootstrap-role$/);
    expect(changeDetails(change).join('\n')).toContain('inline policies: read-bootstrap-role');
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it('a reader role that refused (missing or without the permission to read) is put, and nothing else is compared', () => {
    const desired = desiredWith();
    const plan = computePlan(desired, withReader(anAppliedLiveState(desired), 'denied'));
    expect(readerChanges(plan).map((change) => change.before)).toEqual([undefined]);
    expect(plan.changes).toHaveLength(1);
    expect(plan.notes.join('\n')).toMatch(/team-production: the bootstrap role could not be read, so it is not compared this time/);
  });

  it('a trust naming someone else is rewritten', () => {
    const desired = desiredWith();
    const live = withReader(anAppliedLiveState(desired), { ...asConfigured(), trustPolicy: readerTrustPolicy([PLAN_ROLE, OTHER_ROLE]) });
    const plan = computePlan(desired, live);
    const [change] = readerChanges(plan);
    if (change === undefined) throw new Error('no change');
    expect(impactOf(change)).toBe('access');
    expect(actionOf(change)).toBe('change');
    expect(summaryOf(plan.changes[0])).toMatch(/: stop trusting arn:aws:iam::222222222222:role\/someone-else$/);
  });

  it('an account root in the trust is rewritten too', () => {
    const desired = desiredWith();
    const root = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 'sts:AssumeRole' }] };
    const [change] = readerChanges(computePlan(desired, withReader(anAppliedLiveState(desired), { ...asConfigured(), trustPolicy: root })));
    expect(change?.after.trustPolicy).toEqual(readerTrustPolicy([PLAN_ROLE]));
  });

  it('extra permissions (another inline policy, a managed policy, a wider statement) are reset', () => {
    const desired = desiredWith();
    const wider = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }] };
    for (const reader of [
      { ...asConfigured(), attachedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] },
      { ...asConfigured(), inlinePolicies: { ...asConfigured().inlinePolicies, extra: wider } },
      { ...asConfigured(), inlinePolicies: { [READER_POLICY_NAME]: wider } },
      { ...asConfigured(), inlinePolicies: {} },
    ]) {
      const [change] = readerChanges(computePlan(desired, withReader(anAppliedLiveState(desired), reader)));
      expect(change?.before).toEqual(reader);
      if (change !== undefined) expect(impactOf(change)).toBe('access');
    }
  });

  it('the same document in another key order or with one-item lists is not a difference', () => {
    const desired = desiredWith();
    const trust = { Statement: [{ Action: ['sts:AssumeRole'], Principal: { AWS: [PLAN_ROLE] }, Effect: 'Allow' }], Version: '2012-10-17' };
    expect(readerChanges(computePlan(desired, withReader(anAppliedLiveState(desired), { ...asConfigured(), trustPolicy: trust })))).toEqual([]);
  });

  it('an unmanaged role with that name is left alone, with a note', () => {
    const desired = desiredWith();
    const plan = computePlan(desired, withReader(anAppliedLiveState(desired), { ...asConfigured(), tags: {}, inlinePolicies: {} }));
    expect(readerChanges(plan)).toEqual([]);
    expect(plan.notes.join('\n')).toMatch(/aws-access-as-code-reader exists but is not managed/);
  });

  it('an account that cannot be looked into is noted, not changed', () => {
    const desired = desiredWith();
    const plan = computePlan(desired, withReader(anAppliedLiveState(desired), 'unknown'));
    expect(readerChanges(plan)).toEqual([]);
    expect(plan.notes.join('\n')).toMatch(/reader role could not be read/);
  });

  it('a closed account gets no reader role; a new account gets it from create-account, not a separate change', () => {
    const closed = anAccount('old-team', { state: 'closed' }, settings);
    const desired = desiredWith(settings, [anAccount('team-production', {}, settings), closed]);
    const live = anAppliedLiveState(desiredWith(settings, [closed]));
    const plan = computePlan(desired, live);
    expect(plan.changes.map(({ change }) => change.kind)).toEqual(['create-account', 'notify-bootstrap-users']);
  });

  it('changing the trusted ARNs in settings rewrites every reader role', () => {
    const before = desiredWith();
    const otherSettings = someSettings({ organization: { ...settings.organization, reader_trusted_role_arns: [OTHER_ROLE] } });
    const after = desiredWith(otherSettings);
    const changes = readerChanges(computePlan(after, anAppliedLiveState(before)));
    expect(changes).toHaveLength(1);
    expect(changes[0]?.after.trustPolicy).toEqual(readerTrustPolicy([OTHER_ROLE]));
  });

  it('a git baseline reads the reader role as applied: turning it on shows one put per active account', () => {
    const head = desiredWith();
    expect(computePlan(head, liveStateFromDesired(head, 'main')).changes).toEqual([]);
    const withoutReader = desiredWith(base, [anAccount('team-production', {}, base)]);
    const plan = computePlan(head, liveStateFromDesired(withoutReader, 'main'));
    expect(plan.changes.map(({ change }) => change.kind)).toEqual(['put-role']);
  });
});
