/**
 * Alternate contacts end to end, on the sandbox and on moto through the AWS adapters: a new account
 * gets its contacts (its file's and the settings' defaults) in the apply that creates it; a contact
 * changed in the file is changed; a contact nobody names is left alone; one removed from the file,
 * or from the defaults, is removed; after each apply the plan shows no changes.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createAwsOrganization } from '../../src/adapters/aws/organization.ts';
import { createAwsUsersAccount } from '../../src/adapters/aws/iam-users-account.ts';
import { applyPlan } from '../../src/apply/apply-plan.ts';
import type { Plan } from '../../src/core/changes.ts';
import { facetIdsToRead } from '../../src/core/facet-sources.ts';
import type { AccountFile, DesiredState, SettingsFile } from '../../src/core/model.ts';
import { computePlan } from '../../src/core/plan.ts';
import { readLiveState } from '../../src/apply/read-live-state.ts';
import type { Target } from '../../src/ports/target.ts';
import { aSandbox, type TempSandbox } from '../apply/fixtures.ts';
import { awsSettings, createMotoOrganization, MOTO_ACCOUNT_ID, useMoto } from '../support/aws.ts';
import { aDesiredState, anAccount, aUser, someSettings, summaryOf } from '../support/builders.ts';
import { motoEnv } from '../support/moto.ts';

const ADA = 'ada@example.gov.uk';
type Contacts = NonNullable<AccountFile['contacts']>;

const SECURITY = { name: 'Cyber security team', title: 'Security operations', email: 'cyber@example.gov.uk', phone: '+44 20 7946 0000' };
const BILLING = { name: 'Finance', title: 'Billing', email: 'finance@example.gov.uk', phone: '020 7946 0001' };

interface World {
  target: Target;
  settings: SettingsFile;
}

function lifecycle(name: string, makeWorld: () => Promise<World>): void {
  describe(`alternate contacts on ${name}`, () => {
    let world: World;
    let accountId = '';
    const withDefaults = (settings: SettingsFile, billing: boolean): SettingsFile =>
      billing ? { ...settings, account_defaults: { contacts: { billing: BILLING } } } : { ...settings, account_defaults: {} };
    const desired = (contacts: Contacts | undefined, billing = true): DesiredState => {
      const settings = withDefaults(world.settings, billing);
      return aDesiredState({ settings, users: [aUser(ADA)], accounts: [anAccount('svc', contacts === undefined ? {} : { contacts }, settings)] });
    };
    const planFor = async (state: DesiredState): Promise<Plan> =>
      computePlan(state, await readLiveState(world.target, state.settings, { facetIds: facetIdsToRead(state) }));
    const apply = async (plan: Plan, settings: SettingsFile): Promise<void> => {
      const report = await applyPlan(plan, {
        target: world.target,
        settings,
        generatePassword: () => 'Temporary-Password-123!',
        onSecret: () => {},
        log: () => {},
        sleep: async () => {},
        now: () => new Date('2026-12-06T10:00:00Z'),
        allowMassDeletion: false,
      });
      expect(report.results.filter((r) => r.status !== 'done')).toEqual([]);
    };
    const converge = async (state: DesiredState): Promise<Plan> => {
      const plan = await planFor(state);
      await apply(plan, state.settings);
      expect((await planFor(state)).changes).toEqual([]);
      return plan;
    };
    const contactsOf = async () =>
      world.target.organization.readFacets(accountId, ['contacts/security', 'contacts/operations', 'contacts/billing']);

    it('creates the account with its own security contact and the default billing contact, in one apply', async () => {
      world = await makeWorld();
      const plan = await converge(desired({ security: SECURITY }));
      const create = plan.changes.find((c) => c.change.kind === 'create-account')?.change;
      expect(create?.kind === 'create-account' ? create.facets.map((f) => `${f.family}/${f.key}`) : []).toEqual(['contacts/billing', 'contacts/security']);
      const live = await readLiveState(world.target, world.settings);
      accountId = live.organization.accounts.find((a) => a.name === 'svc')?.id ?? '';
      expect(await contactsOf()).toEqual({ 'contacts/security': SECURITY, 'contacts/billing': BILLING });
    });

    it('changes a contact the file changes, field by field in the plan', async () => {
      const plan = await converge(desired({ security: { ...SECURITY, email: 'soc@example.gov.uk' } }));
      expect(plan.changes.map((c) => `${c.impact} ${summaryOf(c)}`)).toEqual([
        expect.stringMatching(/^access change the security contact of svc \(\d{12}\): email: cyber@example\.gov\.uk → soc@example\.gov\.uk$/),
      ]);
      expect(await contactsOf()).toMatchObject({ 'contacts/security': { ...SECURITY, email: 'soc@example.gov.uk' } });
    });

    it('leaves alone a contact nobody names', async () => {
      await world.target.organization.putFacet(accountId, 'contacts', 'operations', { ...SECURITY, title: 'On call' });
      expect((await planFor(desired({ security: { ...SECURITY, email: 'soc@example.gov.uk' } }))).changes).toEqual([]);
    });

    it('removes the contact removed from the file, and only that one', async () => {
      const plan = await converge(desired(undefined));
      expect(plan.changes.map((c) => `${c.impact} ${c.change.kind} ${summaryOf(c)}`)).toEqual([
        expect.stringMatching(/^access delete-account-facet remove the security contact of svc/),
      ]);
      expect(await contactsOf()).toEqual({ 'contacts/operations': { ...SECURITY, title: 'On call' }, 'contacts/billing': BILLING });
    });

    it('removes the default contact removed from settings.yaml', async () => {
      const plan = await converge(desired(undefined, false));
      expect(plan.changes.map((c) => `${c.impact} ${c.change.kind}`)).toEqual(['routine delete-account-facet']);
      expect(await contactsOf()).toEqual({ 'contacts/operations': { ...SECURITY, title: 'On call' } });
    });
  });
}

/** Without trusted access for account.amazonaws.com the plan says so and neither compares nor sets contacts. */
function withoutTrustedAccess(name: string, makeWorld: () => Promise<World>): void {
  it(`without trusted access the plan says so, and the new account is planned without contacts, on ${name}`, async () => {
    const world = await makeWorld();
    const settings = { ...world.settings, account_defaults: { contacts: { billing: BILLING } } };
    const state = aDesiredState({ settings, users: [aUser(ADA)], accounts: [anAccount('svc', { contacts: { security: SECURITY } }, settings)] });
    const plan = computePlan(state, await readLiveState(world.target, settings, { facetIds: facetIdsToRead(state) }));
    const create = plan.changes.find((c) => c.change.kind === 'create-account')?.change;
    expect(create?.kind === 'create-account' ? create.facets : undefined).toEqual([]);
    expect(plan.changes.some((c) => c.change.kind === 'put-account-facet')).toBe(false);
    expect(plan.notes).toContainEqual(expect.stringMatching(/^The contacts of svc are not compared or set: trusted access for account\.amazonaws\.com is not enabled/));
  });
}

const sandboxes: TempSandbox[] = [];
afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.cleanup()));
});

lifecycle('the sandbox', async () => {
  const settings = someSettings();
  const s = await aSandbox({ settings, ouPaths: ['/Workloads/Production'] });
  sandboxes.push(s);
  return { target: s.target, settings };
});

withoutTrustedAccess('the sandbox', async () => {
  const settings = someSettings();
  const s = await aSandbox({ settings, ouPaths: ['/Workloads/Production'] });
  sandboxes.push(s);
  await s.target.store.update((state) => {
    state.organization.trustedServices = [];
  });
  return { target: s.target, settings };
});

describe('a contact that cannot be set while the account is created', () => {
  it('is a warning on the creation, which goes ahead, and the next run sets it', async () => {
    const settings = someSettings();
    const s = await aSandbox({ settings, ouPaths: ['/Workloads/Production'] });
    sandboxes.push(s);
    const state = aDesiredState({ settings, users: [aUser(ADA)], accounts: [anAccount('svc', { contacts: { security: SECURITY } }, settings)] });
    const planNow = async (): Promise<Plan> => computePlan(state, await readLiveState(s.target, settings, { facetIds: facetIdsToRead(state) }));
    const plan = await planNow();
    // Trusted access goes between the plan and the apply.
    await s.target.store.update((sandboxState) => {
      sandboxState.organization.trustedServices = [];
    });
    const applyNow = (p: Plan) =>
      applyPlan(p, { target: s.target, settings, generatePassword: () => 'Temporary-Password-123!', onSecret: () => {}, log: () => {}, sleep: async () => {}, now: () => new Date('2026-12-06T10:00:00Z'), allowMassDeletion: false });
    const report = await applyNow(plan);
    const create = report.results.find((r) => r.kind === 'create-account');
    expect(create?.status).toBe('done');
    expect(create?.warnings).toEqual([expect.stringMatching(/^the security contact was not set \(the next run sets it\): .*trusted access for account\.amazonaws\.com/)]);
    expect(report.results.find((r) => r.kind === 'send-account-email')).toBeUndefined();
    await s.target.store.update((sandboxState) => {
      delete sandboxState.organization.trustedServices;
    });
    const next = await planNow();
    expect(next.changes.map((c) => `${c.change.kind} ${summaryOf(c) ?? ''}`)).toEqual([expect.stringMatching(/^put-account-facet set the security contact of svc/)]);
    expect((await applyNow(next)).results.every((r) => r.status === 'done')).toBe(true);
    expect((await planNow()).changes).toEqual([]);
  });
});

describe('moto without trusted access', () => {
  const moto = useMoto();
  withoutTrustedAccess('moto (AWS adapters)', async () => {
    await createMotoOrganization(moto.url, ['/Workloads/Production'], { trustedAccess: false });
    const settings = awsSettings({ organization: { management_account_id: MOTO_ACCOUNT_ID } });
    const env = motoEnv(moto.url);
    return {
      settings,
      target: {
        baseline: { kind: 'aws', usersAccountId: settings.users_account.id, managementAccountId: MOTO_ACCOUNT_ID },
        usersAccount: createAwsUsersAccount(settings, env),
        organization: createAwsOrganization(settings, env),
        mailer: { send: async () => {} },
      },
    };
  });
});

describe('moto', () => {
  const moto = useMoto({ managedPolicies: true });
  lifecycle('moto (AWS adapters)', async () => {
    await createMotoOrganization(moto.url, ['/Workloads/Production']);
    const settings = awsSettings({ organization: { management_account_id: MOTO_ACCOUNT_ID } });
    const env = motoEnv(moto.url);
    return {
      settings,
      target: {
        baseline: { kind: 'aws', usersAccountId: settings.users_account.id, managementAccountId: MOTO_ACCOUNT_ID },
        usersAccount: createAwsUsersAccount(settings, env),
        organization: createAwsOrganization(settings, env),
        mailer: { send: async () => {} },
      },
    };
  });
});
