/**
 * Adoption and the alias through apply, on the sandbox: an existing user is taken over with its
 * login profile, keys, MFA device and creation date untouched, no email, its extra access removed in
 * the same run; the plan then settles. A failed alias change holds back every email with the
 * sign-in URL; too many adoptions refuse the whole plan.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { applyPlan, type ApplyDeps } from '../../src/apply/apply-plan.ts';
import { AppError } from '../../src/core/errors.ts';
import type { Plan } from '../../src/core/changes.ts';
import type { DesiredState, SettingsFile } from '../../src/core/model.ts';
import { computePlan } from '../../src/core/plan.ts';
import { hashPassword } from '../../src/adapters/sandbox/state.ts';
import { readLiveState } from '../../src/apply/read-live-state.ts';
import { aDesiredState, aUser } from '../support/builders.ts';
import { aSandbox, aSettings, type TempSandbox } from './fixtures.ts';

let s: TempSandbox | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

const ADA = 'ada@digital.cabinet-office.gov.uk';

function deps(sandbox: TempSandbox, settings: SettingsFile, secrets: string[]): ApplyDeps {
  return {
    target: sandbox.target,
    settings,
    generatePassword: () => `Pw-${secrets.length}-abcdefghijklmnop`,
    onSecret: (secret) => secrets.push(secret),
    log: () => {},
    sleep: async () => {},
    now: () => new Date('2026-11-28T10:00:00Z'),
    allowMassDeletion: false,
  };
}

/** A user made by hand before the project: password, key, MFA device, an admin group, an inline policy. */
async function seedLegacyUser(sandbox: TempSandbox, userName: string): Promise<void> {
  await sandbox.target.store.update((state) => {
    if (!state.usersAccount.groups.some((g) => g.name === 'Admins')) state.usersAccount.groups.push({ name: 'Admins', policies: {}, attachedPolicies: [] });
    state.usersAccount.users.push({
      userName,
      userId: `AIDALEGACY${userName.length}`,
      createdAt: '2019-05-01T09:00:00.000Z',
      tags: { Owner: 'terraform' },
      groups: ['Admins'],
      loginProfile: { passwordHash: hashPassword('their-own-password-1234'), passwordResetRequired: false, createdAt: '2019-05-01T09:00:00.000Z' },
      accessKeys: [{ accessKeyId: 'AKIALEGACY0001', status: 'Active' }],
      signingCertificates: [],
      sshPublicKeys: [],
      serviceSpecificCredentials: [],
      mfaDevices: [`arn:aws:iam::622626885786:mfa/${userName}-phone`],
      inlinePolicies: { 's3-write': { Version: '2012-10-17', Statement: [] } },
      attachedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    });
  });
}

async function planFor(sandbox: TempSandbox, desired: DesiredState): Promise<Plan> {
  return computePlan(desired, await readLiveState(sandbox.target, desired.settings));
}

describe('adoption through apply (sandbox)', () => {
  it('keeps the password, keys, MFA and creation date, sends nothing, removes the extra access, and settles', async () => {
    s = await aSandbox({ settings: aSettings({ limits: { max_deletions_per_run: 5, max_closures_per_run: 1, max_adoptions_per_run: 1 } }) });
    const settings = s.settings;
    const desired = aDesiredState({ settings, users: [aUser(ADA, { adopt: true, requested_by: ADA })] });
    // The baseline first (group, password policy), as a project already running would have it.
    await applyPlan(await planFor(s, aDesiredState({ settings })), deps(s, settings, []));
    await seedLegacyUser(s, ADA);
    const before = (await s.target.store.read()).usersAccount.users.find((u) => u.userName === ADA);

    const plan = await planFor(s, desired);
    expect(plan.changes.map((c) => c.change.kind)).toEqual(['adopt-user']);
    const secrets: string[] = [];
    const report = await applyPlan(plan, deps(s, settings, secrets));
    expect(report.results.map((r) => r.status)).toEqual(['done']);

    const after = (await s.target.store.read()).usersAccount.users.find((u) => u.userName === ADA);
    expect(after?.loginProfile).toEqual(before?.loginProfile);
    expect(after?.accessKeys).toEqual(before?.accessKeys);
    expect(after?.mfaDevices).toEqual(before?.mfaDevices);
    expect(after?.createdAt).toBe(before?.createdAt);
    expect(after?.groups).toEqual(['CrossAccountAccess']);
    expect(after?.inlinePolicies).toEqual({});
    expect(after?.attachedPolicies).toEqual([]);
    expect(after?.tags).toMatchObject({ 'managed-by': 'aws-access-as-code', 'credentials-sent': 'adopted', Owner: 'terraform' });
    expect(secrets).toEqual([]);
    expect(await s.outbox()).toEqual([]);
    expect((await planFor(s, desired)).changes).toEqual([]);
  });

  it('refuses the whole plan when it adopts more users than limits.max_adoptions_per_run', async () => {
    const settings = aSettings({ limits: { max_deletions_per_run: 5, max_closures_per_run: 1, max_adoptions_per_run: 1 } });
    s = await aSandbox({ settings });
    const users = ['a', 'b'].map((n) => `${n}@digital.cabinet-office.gov.uk`);
    for (const name of users) await seedLegacyUser(s, name);
    const plan = await planFor(s, aDesiredState({ settings, users: users.map((u) => aUser(u, { adopt: true })) }));
    expect(plan.changes.filter((c) => c.change.kind === 'adopt-user')).toHaveLength(2);
    const refused = await applyPlan(plan, deps(s, settings, [])).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('too-many-adoptions');
    const state = await s.target.store.read();
    expect(state.usersAccount.users.every((u) => u.tags['managed-by'] === undefined)).toBe(true);
  });
});

describe('the account alias through apply (sandbox)', () => {
  it('sets the alias before the welcome email; when setting it fails, no email with the sign-in URL goes out', async () => {
    s = await aSandbox();
    const settings = s.settings;
    await s.target.store.update((state) => {
      state.usersAccount.aliases = ['old-alias'];
    });
    const desired = aDesiredState({ settings, users: [aUser(ADA, { requested_by: ADA })] });
    const plan = await planFor(s, desired);
    expect(plan.changes.map((c) => c.change.kind)).toContain('set-account-alias');

    const failing = { ...s.target, usersAccount: Object.create(s.target.usersAccount) as typeof s.target.usersAccount };
    failing.usersAccount.setAccountAlias = async () => {
      throw new AppError('alias-taken', 'taken');
    };
    const report = await applyPlan(plan, { ...deps(s, settings, []), target: failing });
    const byKind = new Map(report.results.map((r) => [r.kind, r]));
    expect(byKind.get('set-account-alias')?.status).toBe('failed');
    expect(byKind.get('create-user')?.status).toBe('skipped');
    expect(byKind.get('create-user')?.error?.message).toMatch(/sign-in URL/);
    expect(await s.outbox()).toEqual([]);

    const retried = await applyPlan(await planFor(s, desired), deps(s, settings, []));
    expect(retried.results.every((r) => r.status === 'done')).toBe(true);
    expect((await s.target.store.read()).usersAccount.aliases).toEqual(['gds-users']);
    expect((await s.outbox()).map((m) => m.text).join('\n')).toContain('https://gds-users.signin.aws.amazon.com/console');
    expect((await planFor(s, desired)).changes).toEqual([]);
  });

  it('a user whose creation waits for the alias is not warned about its end date in that run', async () => {
    s = await aSandbox();
    const settings = s.settings;
    await s.target.store.update((state) => {
      state.usersAccount.aliases = ['old-alias'];
    });
    const desired = aDesiredState({ settings, users: [aUser(ADA, { requested_by: ADA, expires: '2026-12-05' })] });
    const plan = computePlan(desired, await readLiveState(s.target, settings), { today: '2026-11-28' });
    expect(plan.changes.map((c) => c.change.kind)).toEqual(expect.arrayContaining(['set-account-alias', 'create-user', 'warn-expiry']));

    const failing = { ...s.target, usersAccount: Object.create(s.target.usersAccount) as typeof s.target.usersAccount };
    failing.usersAccount.setAccountAlias = async () => {
      throw new AppError('alias-taken', 'taken');
    };
    const report = await applyPlan(plan, { ...deps(s, settings, []), target: failing });
    const byKind = new Map(report.results.map((r) => [r.kind, r]));
    expect(byKind.get('create-user')?.status).toBe('skipped');
    expect(byKind.get('warn-expiry')?.status).toBe('skipped');
    expect(await s.outbox()).toEqual([]);
  });
});
