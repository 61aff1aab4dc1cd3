/** The reader role (organization.reader_role_name) in the planner, the git baseline and the text renderer. */
import { describe, expect, it } from 'vitest';
import type { Change, Plan } from '../../src/core/changes.ts';
import { liveStateFromDesired } from '../../src/core/base-ref.ts';
import type { DesiredState, LiveReaderRole, LiveState } from '../../src/core/model.ts';
import { actionOf, computePlan, impactOf, subjectOf } from '../../src/core/plan.ts';
import { READER_POLICY_NAME, readerPermissions, readerTrustPolicy } from '../../src/core/reader-role.ts';
import { changeDetails } from '../../src/render/plan-text.ts';
import {
  aDesiredState,
  anAccount,
  anAppliedLiveState,
  aUser,
  someSettings,
  withLiveAccount,
} from '../support/builders.ts';

const PLAN_ROLE = 'arn:aws:iam::222222222222:role/aws-access-as-code-organization';
const OTHER_ROLE = 'arn:aws:iam::222222222222:role/someone-else';

const base = someSettings();
const settings = someSettings({
  organization: { ...base.organization, reader_role_name: 'aws-access-as-code-reader', reader_trusted_role_arns: [PLAN_ROLE] },
});
const ada = aUser('ada@example.gov.uk');

function desiredWith(s = settings, accounts = [anAccount('team-production', {}, s)]): DesiredState {
  return aDesiredState({ settings: s, users: [ada], accounts });
}

const asConfigured = (): LiveReaderRole => ({
  managed: true,
  trustPolicy: readerTrustPolicy([PLAN_ROLE]),
  policies: { [READER_POLICY_NAME]: readerPermissions('aws-access-as-code-reader', 'bootstrap') },
  attachedPolicyArns: [],
});

function withReader(live: LiveState, reader: LiveReaderRole | 'unknown' | undefined): LiveState {
  return withLiveAccount(live, 'team-production', (account) => {
    const { reader: _drop, ...rest } = account;
    return reader === undefined ? rest : { ...rest, reader };
  });
}

function readerChanges(plan: Plan): Extract<Change, { kind: 'put-reader-role' }>[] {
  return plan.changes.flatMap(({ change }) => (change.kind === 'put-reader-role' ? [change] : []));
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
    expect(anAppliedLiveState(desired).organization.accounts[0]?.reader).toBeUndefined();
  });

  it('a missing reader role is created: routine, in the accounts, after the bootstrap role', () => {
    const desired = desiredWith();
    const plan = computePlan(desired, withReader(anAppliedLiveState(desired), undefined));
    expect(plan.changes.map(({ impact, change }) => `${impact} ${change.kind} ${subjectOf(change)}`)).toEqual([
      'routine put-reader-role team-production',
    ]);
    const [change] = readerChanges(plan);
    expect(change).toEqual({
      kind: 'put-reader-role',
      accountName: 'team-production',
      accountId: expect.stringMatching(/^\d{12}$/),
      trustedRoleArns: [PLAN_ROLE],
    });
    if (change === undefined) throw new Error('no change');
    expect(actionOf(change)).toBe('create');
    expect(plan.changes[0]?.summary).toMatch(/^create the read-only reader role in team-production \(\d{12}\), trusting arn:aws:iam::222222222222:role\/aws-access-as-code-organization$/);
    expect(changeDetails(change).join('\n')).toContain('iam:GetRole');
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it('a trust naming someone else is rewritten', () => {
    const desired = desiredWith();
    const live = withReader(anAppliedLiveState(desired), { ...asConfigured(), trustPolicy: readerTrustPolicy([PLAN_ROLE, OTHER_ROLE]) });
    const [change] = readerChanges(computePlan(desired, live));
    expect(change?.repairs).toEqual(['trust']);
    if (change === undefined) throw new Error('no change');
    expect(impactOf(change)).toBe('routine');
    expect(actionOf(change)).toBe('change');
  });

  it('an account root in the trust is rewritten too', () => {
    const desired = desiredWith();
    const root = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 'sts:AssumeRole' }] };
    const [change] = readerChanges(computePlan(desired, withReader(anAppliedLiveState(desired), { ...asConfigured(), trustPolicy: root })));
    expect(change?.repairs).toEqual(['trust']);
  });

  it('extra permissions (another inline policy, a managed policy, a wider statement) are reset', () => {
    const desired = desiredWith();
    const wider = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }] };
    for (const reader of [
      { ...asConfigured(), attachedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] },
      { ...asConfigured(), policies: { ...asConfigured().policies, extra: wider } },
      { ...asConfigured(), policies: { [READER_POLICY_NAME]: wider } },
      { ...asConfigured(), policies: {} },
    ]) {
      const [change] = readerChanges(computePlan(desired, withReader(anAppliedLiveState(desired), reader)));
      expect(change?.repairs).toEqual(['permissions']);
    }
  });

  it('the same document in another key order or with one-item lists is not a difference', () => {
    const desired = desiredWith();
    const trust = { Statement: [{ Action: ['sts:AssumeRole'], Principal: { AWS: [PLAN_ROLE] }, Effect: 'Allow' }], Version: '2012-10-17' };
    expect(readerChanges(computePlan(desired, withReader(anAppliedLiveState(desired), { ...asConfigured(), trustPolicy: trust })))).toEqual([]);
  });

  it('an unmanaged role with that name is left alone, with a note', () => {
    const desired = desiredWith();
    const plan = computePlan(desired, withReader(anAppliedLiveState(desired), { ...asConfigured(), managed: false, policies: {} }));
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
    expect(plan.changes.map(({ change }) => change.kind)).toEqual(['create-account']);
  });

  it('changing the trusted ARNs in settings rewrites every reader role', () => {
    const before = desiredWith();
    const otherSettings = someSettings({ organization: { ...settings.organization, reader_trusted_role_arns: [OTHER_ROLE] } });
    const after = desiredWith(otherSettings);
    const changes = readerChanges(computePlan(after, anAppliedLiveState(before)));
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ trustedRoleArns: [OTHER_ROLE], repairs: ['trust'] });
  });

  it('a git baseline reads the reader role as applied: turning it on shows one put per active account', () => {
    const head = desiredWith();
    expect(computePlan(head, liveStateFromDesired(head, 'main')).changes).toEqual([]);
    const withoutReader = desiredWith(base, [anAccount('team-production', {}, base)]);
    const plan = computePlan(head, liveStateFromDesired(withoutReader, 'main'));
    expect(plan.changes.map(({ change }) => change.kind)).toEqual(['put-reader-role']);
  });
});
