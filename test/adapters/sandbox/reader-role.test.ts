/** The reader role in the sandbox: planned, applied (new and existing accounts), read back, converged. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyPlan, type ApplyReport } from '../../../src/apply/apply-plan.ts';
import type { Plan } from '../../../src/core/changes.ts';
import { isAppError } from '../../../src/core/errors.ts';
import type { DesiredState, SettingsFile } from '../../../src/core/model.ts';
import { computePlan } from '../../../src/core/plan.ts';
import { READER_POLICY_NAME, readerPermissions, readerTrustPolicy } from '../../../src/core/reader-role.ts';
import { readerRole } from '../../../src/core/reader-role.ts';
import { bootstrapTrustPolicy } from '../../../src/core/trust-policy.ts';
import { readLiveState } from '../../../src/apply/read-live-state.ts';
import { aDesiredState, anAccount, aUser, liveRoleOf, someSettings, summaryOf } from '../../support/builders.ts';
import { aSandbox, type TempSandbox } from '../../apply/fixtures.ts';

const READER = 'aws-access-as-code-reader';
const ORG_ROLE = 'arn:aws:iam::222222222222:role/aws-access-as-code-organization';
const base = someSettings();
const withReader: SettingsFile = someSettings({
  organization: { ...base.organization, reader_role_name: READER, reader_trusted_role_arns: [ORG_ROLE] },
});

function desired(settings: SettingsFile): DesiredState {
  return aDesiredState({ settings, users: [aUser('ada@example.gov.uk')], accounts: [anAccount('team-production', {}, settings)] });
}

async function apply(s: TempSandbox, plan: Plan, settings: SettingsFile): Promise<ApplyReport> {
  return applyPlan(plan, {
    target: s.target,
    settings,
    generatePassword: () => 'Temporary-Password-123!',
    onSecret: () => {},
    log: () => {},
    sleep: async () => {},
    now: () => new Date('2025-03-01T10:00:00Z'),
    allowMassDeletion: false,
  });
}

interface StateRole {
  name: string;
  trustPolicy: unknown;
  tags: Record<string, string>;
  attachedPolicies: string[];
  policies?: Record<string, unknown>;
}

async function rolesOf(s: TempSandbox, accountName: string): Promise<StateRole[]> {
  const state = JSON.parse(await readFile(join(s.dir, 'state.json'), 'utf8')) as {
    organization: { accounts: { name: string; roles: StateRole[] }[] };
  };
  return state.organization.accounts.find((a) => a.name === accountName)?.roles ?? [];
}

const sandboxes: TempSandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.cleanup()));
});

async function aSandboxWith(settings: SettingsFile): Promise<TempSandbox> {
  const s = await aSandbox({ settings, ouPaths: ['/Workloads/Production'] });
  sandboxes.push(s);
  return s;
}

describe('reader role in the sandbox', () => {
  it('a new account gets the reader role right after its bootstrap role, and the next plan is empty', async () => {
    const s = await aSandboxWith(withReader);
    const plan = computePlan(desired(withReader), await readLiveState(s.target, withReader));
    expect(plan.changes.map(({ change }) => change.kind)).not.toContain('put-role');
    const report = await apply(s, plan, withReader);
    expect(report.results.filter((r) => r.status !== 'done')).toEqual([]);

    const roles = await rolesOf(s, 'team-production');
    expect(roles.map((r) => r.name)).toEqual(['OrganizationAccountAccessRole', 'bootstrap', READER]);
    const reader = roles[2];
    expect(reader?.trustPolicy).toEqual(readerTrustPolicy([ORG_ROLE]));
    expect(reader?.policies).toEqual({ [READER_POLICY_NAME]: readerPermissions() });
    expect(reader?.attachedPolicies).toEqual([]);
    expect(reader?.tags).toEqual({ 'managed-by': 'aws-access-as-code' });

    const live = await readLiveState(s.target, withReader);
    const account = live.organization.accounts.find((a) => a.name === 'team-production');
    expect(liveRoleOf(account, READER)?.tags).toEqual({ 'managed-by': 'aws-access-as-code' });
    expect(liveRoleOf(account, 'bootstrap')?.trustPolicy).toEqual(bootstrapTrustPolicy(withReader.users_account.id, ['ada@example.gov.uk']));
    expect(computePlan(desired(withReader), live).changes).toEqual([]);
  });

  it('without reader_role_name nothing changes: no reader role, bootstrap read as before', async () => {
    const s = await aSandboxWith(base);
    await apply(s, computePlan(desired(base), await readLiveState(s.target, base)), base);
    expect((await rolesOf(s, 'team-production')).map((r) => r.name)).toEqual(['OrganizationAccountAccessRole', 'bootstrap']);
    const live = await readLiveState(s.target, base);
    expect(live.organization.accounts.every((a) => liveRoleOf(a, READER) === undefined)).toBe(true);
    expect(computePlan(desired(base), live).changes).toEqual([]);
  });

  it('turning it on for existing accounts: the bootstrap role is unreadable until apply creates the reader role', async () => {
    const s = await aSandboxWith(base);
    await apply(s, computePlan(desired(base), await readLiveState(s.target, base)), base);

    const live = await readLiveState(s.target, withReader);
    const account = live.organization.accounts.find((a) => a.name === 'team-production');
    expect(account?.roles).toBe('denied');
    const plan = computePlan(desired(withReader), live);
    expect(plan.changes.map((c) => `${c.impact} ${c.change.kind} ${summaryOf(c)}`)).toEqual([
      expect.stringMatching(/^access put-role create the reader role in team-production/),
    ]);
    expect(plan.notes.join('\n')).toMatch(/bootstrap role could not be read/);

    const report = await apply(s, plan, withReader);
    expect(report.results.map((r) => r.status)).toEqual(['done']);
    expect(computePlan(desired(withReader), await readLiveState(s.target, withReader)).changes).toEqual([]);
  });

  it('an old reader role that may not call GetAccountAuthorizationDetails is rewritten by the next apply', async () => {
    const s = await aSandboxWith(withReader);
    await apply(s, computePlan(desired(withReader), await readLiveState(s.target, withReader)), withReader);
    await s.target.store.update((state) => {
      const reader = state.organization.accounts.find((a) => a.name === 'team-production')?.roles.find((r) => r.name === READER);
      if (reader === undefined) throw new Error('no reader role');
      reader.policies = { [READER_POLICY_NAME]: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' }] } };
    });
    const plan = computePlan(desired(withReader), await readLiveState(s.target, withReader));
    expect(plan.changes.map((c) => c.change.kind)).toEqual(['put-role']);
    await apply(s, plan, withReader);
    expect((await rolesOf(s, 'team-production')).find((r) => r.name === READER)?.policies).toEqual({ [READER_POLICY_NAME]: readerPermissions() });
    expect(computePlan(desired(withReader), await readLiveState(s.target, withReader)).changes).toEqual([]);
  });

  it('a reader role trusting someone else is put back, and an unmanaged role of that name is refused', async () => {
    const s = await aSandboxWith(withReader);
    const wanted = desired(withReader);
    await apply(s, computePlan(wanted, await readLiveState(s.target, withReader)), withReader);
    const accountId = (await readLiveState(s.target, withReader)).organization.accounts.find((a) => a.name === 'team-production')?.id ?? '';
    const org = s.target.organization;
    const spec = readerRole.rolesFor({ settings: withReader, account: anAccount('team-production', {}, withReader) }).wanted[0]!.spec;
    await org.putRole(accountId, { ...spec, trustPolicy: readerTrustPolicy(['arn:aws:iam::222222222222:role/other']) });
    const changed = computePlan(wanted, await readLiveState(s.target, withReader));
    expect(changed.changes.map((c) => summaryOf(c))).toEqual([expect.stringMatching(/^update the reader role in team-production .*: trust arn:.*; stop trusting arn:.*role\/other$/)]);

    // An unmanaged role of that name (here Organizations' access role) is refused, as for bootstrap roles.
    try {
      await org.putRole(accountId, { ...spec, name: 'OrganizationAccountAccessRole' });
      throw new Error('expected a refusal');
    } catch (error) {
      expect(isAppError(error) && error.code).toBe('not-managed');
    }
  });
});
