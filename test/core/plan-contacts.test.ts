/** Alternate contacts (accounts/<name>.yaml `contacts:`, settings.yaml `account_defaults.contacts`) in the planner. */
import { describe, expect, it } from 'vitest';
import { FACETS_TAG } from '../../src/core/facets.ts';
import type { AccountFile, DesiredState, LiveState, SettingsFile } from '../../src/core/model.ts';
import { computePlan } from '../../src/core/plan.ts';
import { aDesiredState, anAccount, anAppliedLiveState, anEmptyLiveState, aUser, someSettings, summaryOf, withLiveAccount } from '../support/builders.ts';

const ADA = 'ada@example.gov.uk';
const SECURITY = { name: 'Cyber security team', title: 'Security operations', email: 'cyber@example.gov.uk', phone: '+44 20 7946 0000' };
const BILLING = { name: 'Finance', title: 'Billing', email: 'finance@example.gov.uk', phone: '020 7946 0001' };
const withBilling: SettingsFile = { ...someSettings(), account_defaults: { contacts: { billing: BILLING } } };

function desiredWith(contacts: AccountFile['contacts'], settings = withBilling): DesiredState {
  return aDesiredState({ settings, users: [aUser(ADA)], accounts: [anAccount('svc', contacts === undefined ? {} : { contacts }, settings)] });
}

const trustedAccess = (live: LiveState, services: string[]): LiveState => ({ ...live, organization: { ...live.organization, trustedServices: services } });

describe('alternate contacts', () => {
  it('a settled state plans nothing', () => {
    const desired = desiredWith({ security: SECURITY });
    expect(computePlan(desired, anAppliedLiveState(desired)).changes).toEqual([]);
  });

  it("a new account carries its own and the settings' contacts", () => {
    const plan = computePlan(desiredWith({ security: SECURITY }), anEmptyLiveState());
    const create = plan.changes.find((c) => c.change.kind === 'create-account')?.change;
    expect(create?.kind === 'create-account' ? create.facets : undefined).toEqual([
      { family: 'contacts', key: 'billing', label: 'the billing contact', value: BILLING },
      { family: 'contacts', key: 'security', label: 'the security contact', value: SECURITY },
    ]);
  });

  it("the file's contact replaces the settings' default of the same kind", () => {
    const desired = desiredWith({ billing: { ...BILLING, name: 'Team finance' } });
    const plan = computePlan(desired, anAppliedLiveState(desiredWith(undefined)));
    expect(plan.changes.map((c) => `${c.impact} ${summaryOf(c)}`)).toEqual([
      expect.stringMatching(/^routine change the billing contact of svc \(\d{12}\): name: Finance → Team finance$/),
    ]);
  });

  it('a contact set by hand with the value the file names is only recorded, so removing it later removes it', () => {
    const desired = desiredWith({ security: SECURITY });
    const live = withLiveAccount(anAppliedLiveState(desired), 'svc', (account) => ({ ...account, tags: { ...account.tags, [FACETS_TAG]: 'contacts/billing' } }));
    const plan = computePlan(desired, live);
    expect(plan.changes.map((c) => `${c.impact} ${c.change.kind} ${summaryOf(c)}`)).toEqual([
      expect.stringMatching(/^routine put-account-facet record the security contact of svc/),
    ]);
  });

  it('a contact nobody names and the project did not set is left alone', () => {
    const desired = desiredWith(undefined, someSettings());
    const live = withLiveAccount(anAppliedLiveState(desired), 'svc', (account) => ({ ...account, facets: { 'contacts/security': SECURITY } }));
    expect(computePlan(desired, live).changes).toEqual([]);
  });

  it('removing the security contact ranks access; a contact already gone is only forgotten', () => {
    const before = desiredWith({ security: SECURITY });
    const after = desiredWith(undefined, someSettings());
    const live = withLiveAccount(anAppliedLiveState(before), 'svc', (account) => ({
      ...account,
      facets: { 'contacts/security': SECURITY },
    }));
    expect(computePlan(after, live).changes.map((c) => `${c.impact} ${summaryOf(c)}`)).toEqual([
      expect.stringMatching(/^access remove the security contact of svc \(\d{12}\) \(email cyber@example.gov.uk, name Cyber security team, phone \+44 20 7946 0000, title Security operations\): this project set it/),
      expect.stringMatching(/^routine forget the billing contact of svc \(\d{12}\): no file or setting names it, and it is not set any more$/),
    ]);
  });

  it('without trusted access for account.amazonaws.com the plan says so, once, and neither compares nor sets contacts', () => {
    const desired = aDesiredState({
      settings: withBilling,
      users: [aUser(ADA)],
      accounts: [anAccount('svc', { contacts: { security: SECURITY } }, withBilling), anAccount('new-one', {}, withBilling)],
    });
    const applied = anAppliedLiveState(desiredWith({ security: { ...SECURITY, name: 'Old' } }));
    const plan = computePlan(desired, trustedAccess(applied, ['sso.amazonaws.com']));
    expect(plan.changes.map((c) => c.change.kind)).toEqual(['create-account', 'notify-bootstrap-users']);
    const create = plan.changes[0]?.change;
    expect(create?.kind === 'create-account' ? create.facets : undefined).toEqual([]);
    expect(plan.notes.filter((note) => note.includes('trusted access'))).toEqual([
      'The contacts of new-one, svc are not compared or set: trusted access for account.amazonaws.com is not enabled in the Organization. ' +
        'Enable it from the management account (aws organizations enable-aws-service-access --service-principal account.amazonaws.com), then plan again.',
    ]);
  });

  it('contacts that could not be read are not compared', () => {
    const desired = desiredWith({ security: SECURITY });
    const live = withLiveAccount(anAppliedLiveState(desired), 'svc', (account) => ({ ...account, facets: 'unknown' }));
    const plan = computePlan(desired, live);
    expect(plan.changes).toEqual([]);
    expect(plan.notes).toContainEqual(expect.stringMatching(/^svc \(\d{12}\): its contacts could not be read/));
  });
});
