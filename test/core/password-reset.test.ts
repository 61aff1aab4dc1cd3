/**
 * password_reset means "a newer date than the last one applied": only a later date resets; removing
 * the line or going back never does.
 */
import { describe, expect, it } from 'vitest';
import { computePlan } from '../../src/core/plan.ts';
import { aDesiredState, anAppliedLiveState, aUser, someSettings, withLiveUser } from '../support/builders.ts';

const settings = someSettings();
const ADA = 'ada@example.gov.uk';
const TODAY = '2026-03-10';

function kindsFor(fileReset: string | undefined, sentTag: string): string[] {
  const desired = aDesiredState({ settings, users: [aUser(ADA, fileReset === undefined ? {} : { password_reset: fileReset })] });
  const live = withLiveUser(anAppliedLiveState(desired), ADA, (user) => ({ ...user, tags: { ...user.tags, 'credentials-sent': sentTag } }));
  return computePlan(desired, live, { today: TODAY }).changes.map((c) => c.change.kind);
}

describe('password_reset', () => {
  it('a date newer than the last one applied resets, once', () => {
    expect(kindsFor('2026-03-01', 'initial')).toEqual(['reset-password']);
    expect(kindsFor('2026-03-01', 'adopted')).toEqual(['reset-password']);
    expect(kindsFor('2026-03-02', '2026-03-01')).toEqual(['reset-password']);
    expect(kindsFor('2026-03-01', '2026-03-01')).toEqual([]);
  });

  it('removing the line or going back to an earlier date never resets', () => {
    expect(kindsFor(undefined, '2026-03-01')).toEqual([]);
    expect(kindsFor('2026-02-01', '2026-03-01')).toEqual([]);
    expect(kindsFor(undefined, 'adopted')).toEqual([]);
  });

  it('a user whose credentials were never sent still gets them, whatever the file says', () => {
    const desired = aDesiredState({ settings, users: [aUser(ADA, { password_reset: '2026-02-01' })] });
    const live = withLiveUser(anAppliedLiveState(desired), ADA, (user) => {
      const { ['credentials-sent']: _sent, ...tags } = user.tags;
      return { ...user, tags };
    });
    const plan = computePlan(desired, live, { today: TODAY });
    expect(plan.changes.map((c) => c.change)).toEqual([expect.objectContaining({ kind: 'reset-password', why: 'welcome-email-not-sent' })]);
  });
});
