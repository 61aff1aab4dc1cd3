/**
 * The planner's lifecycle notices, as pure rules: expiry warnings 14 and 3 days before `expires`
 * (one each, re-armed by a new date, only the closest on a missed day) and the emails owed to people
 * added to or removed from a bootstrap role (resumed from the tags a stopped run left).
 */
import { describe, expect, it } from 'vitest';
import { bootstrapNoticeTag, roleNoticeTag } from '../../src/core/bootstrap-notices.ts';
import type { Change, Plan } from '../../src/core/changes.ts';
import { EXPIRY_WARNING_TAG, dueExpiryWarning, lifecycleOnly } from '../../src/core/expiry.ts';
import type { DesiredState, LiveState } from '../../src/core/model.ts';
import { computePlan } from '../../src/core/plan.ts';
import { renderPlanJson } from '../../src/render/plan-json.ts';
import {
  aDesiredState,
  aLiveBootstrapRole,
  anAccount,
  anAppliedLiveState,
  anEmptyLiveState,
  aUser,
  summaryOf,
  withLiveAccount,
  withLiveUser,
} from '../support/builders.ts';

const ADA = 'ada@contractor.example.com';
const BOB = 'bob@example.gov.uk';
const TODAY = '2026-03-01';

const withExpiry = (expires: string): DesiredState => aDesiredState({ users: [aUser(ADA, { expires })] });
/** Applied as of some earlier day: no warning tag, in the group, credentials sent. */
const applied = (desired: DesiredState): LiveState => anAppliedLiveState(desired);
const warningTag = (value: string) => (live: LiveState) => withLiveUser(live, ADA, (u) => ({ ...u, tags: { ...u.tags, [EXPIRY_WARNING_TAG]: value } }));

function warnings(plan: Plan): Change[] {
  return plan.changes.map((c) => c.change).filter((c) => c.kind === 'warn-expiry');
}

describe('expiry warnings', () => {
  it.each([
    ['2026-03-31', undefined],
    ['2026-03-16', undefined],
    ['2026-03-15', 14],
    ['2026-03-05', 14],
    ['2026-03-04', 3],
    ['2026-03-02', 3],
    ['2026-03-01', undefined],
    ['2026-02-20', undefined],
  ])('expires %s on %s: warning %s', (expires, warning) => {
    expect(dueExpiryWarning(expires, TODAY)).toBe(warning);
  });

  it('plans the 14-day warning to the person and the requester, a notification ranked as routine', () => {
    const desired = withExpiry('2026-03-13');
    const plan = computePlan(desired, applied(desired), { today: TODAY });
    expect(plan.changes.map((c) => [c.change.kind, c.impact])).toEqual([['warn-expiry', 'routine']]);
    expect(plan.changes[0]?.change).toEqual({
      kind: 'warn-expiry',
      userName: ADA,
      expires: '2026-03-13',
      warning: 14,
      expiry: 'expires 2026-03-13, in 12 days',
      tell: [ADA, 'lead@example.gov.uk'],
    });
    expect(summaryOf(plan.changes[0])).toBe(`warn ${ADA}, lead@example.gov.uk that ${ADA}'s access ends (expires 2026-03-13, in 12 days; the 14-day warning)`);
  });

  it('sends each warning once: 14 days, then nothing until 3 days, then nothing until the day', () => {
    const desired = withExpiry('2026-03-13');
    expect(warnings(computePlan(desired, warningTag('14:2026-03-13')(applied(desired)), { today: '2026-03-05' }))).toEqual([]);
    expect(warnings(computePlan(desired, warningTag('14:2026-03-13')(applied(desired)), { today: '2026-03-10' }))).toMatchObject([{ warning: 3 }]);
    expect(warnings(computePlan(desired, warningTag('3:2026-03-13')(applied(desired)), { today: '2026-03-12' }))).toEqual([]);
    const onTheDay = computePlan(desired, warningTag('3:2026-03-13')(applied(desired)), { today: '2026-03-13' });
    expect(onTheDay.changes.map((c) => c.change.kind)).toEqual(['suspend-user']);
  });

  it('a run that first sees the user 2 days before sends the 3-day warning only', () => {
    const desired = withExpiry('2026-03-03');
    expect(warnings(computePlan(desired, applied(desired), { today: TODAY }))).toMatchObject([{ warning: 3, expiry: 'expires 2026-03-03, in 2 days' }]);
  });

  it('a later expires re-arms the warnings: the tag names the date it was sent for', () => {
    const extended = withExpiry('2026-03-20');
    const live = warningTag('3:2026-03-04')(applied(extended));
    // More than 14 days ahead: nothing yet, and the old tag is left alone (no change for it).
    expect(computePlan(extended, live, { today: '2026-03-02' }).changes).toEqual([]);
    expect(warnings(computePlan(extended, live, { today: '2026-03-06' }))).toMatchObject([{ warning: 14, expires: '2026-03-20' }]);
  });

  it('a new user within reach of a warning is warned in the same plan; without a day, nothing is compared', () => {
    const desired = withExpiry('2026-03-10');
    const plan = computePlan(desired, anEmptyLiveState(), { today: TODAY });
    expect(warnings(plan)).toMatchObject([{ warning: 14, userName: ADA }]);
    expect(warnings(computePlan(desired, applied(desired)))).toEqual([]);
  });

  it('the plan lists who expires within 30 days, soonest first, in its JSON', () => {
    const desired = aDesiredState({
      users: [aUser(ADA, { expires: '2026-03-25' }), aUser('cy@contractor.example.com', { expires: '2026-03-01' }), aUser('di@contractor.example.com', { expires: '2026-04-01' }), aUser(BOB)],
    });
    const plan = computePlan(desired, applied(desired), { today: TODAY });
    expect(plan.expiring).toEqual([
      { userName: 'cy@contractor.example.com', expires: '2026-03-01', days: 0, requestedBy: 'lead@example.gov.uk' },
      { userName: ADA, expires: '2026-03-25', days: 24, requestedBy: 'lead@example.gov.uk' },
    ]);
    expect(JSON.parse(renderPlanJson(plan)).expiring).toHaveLength(2);
  });

  it('lifecycleOnly keeps warnings and suspensions, nothing else', () => {
    const desired = aDesiredState({ users: [aUser(ADA, { expires: '2026-03-05' }), aUser('cy@contractor.example.com', { expires: '2026-03-01' }), aUser(BOB)] });
    const live = withLiveUser(applied(aDesiredState({ users: [...desired.users.values()].slice(0, 2) })), ADA, (u) => ({ ...u, groups: [] }));
    const plan = computePlan(desired, live, { today: TODAY });
    expect(plan.changes.map((c) => c.change.kind).sort()).toEqual(['create-user', 'suspend-user', 'update-user', 'warn-expiry']);
    expect(lifecycleOnly(plan).changes.map((c) => c.change.kind)).toEqual(['suspend-user', 'warn-expiry']);
  });

  it('lifecycleOnly leaves the warning to a user not created yet for the full apply that creates it', () => {
    const desired = withExpiry('2026-03-10');
    const plan = computePlan(desired, anEmptyLiveState(), { today: TODAY });
    expect(plan.changes.map((c) => c.change.kind)).toEqual(expect.arrayContaining(['create-user', 'warn-expiry']));
    expect(lifecycleOnly(plan).changes).toEqual([]);
  });
});

describe('bootstrap membership notices', () => {
  const users = [aUser(ADA, { expires: '2026-12-01' }), aUser(BOB)];
  const account = (members: string[]) => anAccount('svc', { bootstrap: { users: members } });
  const state = (members: string[]) => aDesiredState({ users, accounts: [account(members)] });
  const withTrust = (members: string[]) => (live: LiveState) => withLiveAccount(live, 'svc', (a) => ({ ...a, roles: [aLiveBootstrapRole(members)] }));
  const accountId = (live: LiveState): string => live.organization.accounts[0]?.id ?? '';
  const tagged = (user: string, value: string) => (live: LiveState) =>
    withLiveUser(live, user, (u) => ({ ...u, tags: { ...u.tags, [bootstrapNoticeTag(accountId(live))]: value } }));

  it('a trust change records who it adds and removes, and one notify change emails them', () => {
    const desired = state([BOB]);
    const plan = computePlan(desired, withTrust([ADA])(applied(desired)), { today: TODAY });
    const put = plan.changes.find((c) => c.change.kind === 'put-role')?.change;
    expect(put).toMatchObject({ notice: { added: [BOB], removed: [ADA] } });
    expect(plan.changes.filter((c) => c.change.kind === 'notify-bootstrap-users').map((c) => [c.impact, summaryOf(c)])).toEqual([
      [
        'routine',
        expect.stringMatching(new RegExp(`^tell ${BOB} they may now assume the bootstrap role in svc \\(\\d{12}\\), with the switch-role link and their ~\\/.aws\\/config; tell ${ADA} they may no longer assume`)),
      ],
    ]);
  });

  it('after a run stopped between the trust change and the emails, the tags alone plan the emails', () => {
    const desired = state([BOB]);
    const live = tagged(ADA, 'removed')(tagged(BOB, 'added')(withTrust([BOB])(applied(desired))));
    const plan = computePlan(desired, live, { today: TODAY });
    expect(plan.changes.map((c) => c.change)).toEqual([
      {
        kind: 'notify-bootstrap-users',
        accountName: 'svc',
        accountId: accountId(live),
        roleName: 'bootstrap',
        added: [BOB],
        removed: [ADA],
        profiles: [{ userName: BOB, roles: [{ accountName: 'svc', roleName: 'bootstrap', path: '/', accountId: accountId(live) }] }],
      },
    ]);
  });

  it('a team role is told about the same way, by a tag naming the role', () => {
    const teamState = aDesiredState({ users, accounts: [anAccount('svc', { bootstrap: { users: [ADA] }, roles: [{ name: 'svc-admin', kind: 'admin', users: [BOB] }] })] });
    const live = applied(teamState);
    const key = roleNoticeTag(accountId(live), 'svc-admin', 'bootstrap');
    expect(key).toBe(`bootstrap-notice:${accountId(live)}:svc-admin`);
    expect(roleNoticeTag(accountId(live), 'bootstrap', 'bootstrap')).toBe(bootstrapNoticeTag(accountId(live)));
    const owed = withLiveUser(live, BOB, (u) => ({ ...u, tags: { ...u.tags, [key]: 'added' } }));
    expect(computePlan(teamState, owed, { today: TODAY }).changes.map((c) => c.change)).toEqual([
      {
        kind: 'notify-bootstrap-users',
        accountName: 'svc',
        accountId: accountId(live),
        roleName: 'svc-admin',
        added: [BOB],
        removed: [],
        profiles: [{ userName: BOB, roles: [{ accountName: 'svc', roleName: 'svc-admin', path: '/', accountId: accountId(live) }] }],
      },
    ]);
  });

  it('a tag whose trust change was undone before it was applied sends nothing', () => {
    const desired = state([ADA]);
    const live = tagged(BOB, 'added')(withTrust([ADA])(applied(desired)));
    expect(computePlan(desired, live, { today: TODAY }).changes).toEqual([]);
  });

  it('protected and unmanaged users are never tagged or told', () => {
    const desired = aDesiredState({ users, accounts: [account([BOB, 'break-glass'])] });
    const live = withLiveUser(withTrust([ADA])(applied(desired)), BOB, (u) => ({ ...u, tags: {} }));
    const plan = computePlan(desired, live, { today: TODAY });
    expect(plan.changes.some((c) => c.change.kind === 'notify-bootstrap-users' && c.change.added.length > 0)).toBe(false);
    expect(plan.changes.find((c) => c.change.kind === 'put-role')?.change).toMatchObject({ notice: { added: [], removed: [ADA] } });
  });
});
