/**
 * Expiry enforced end to end on the sandbox: the day passes, apply suspends the user (no password,
 * keys inactive, out of the group), the next plan is empty; extending `expires` restores the group
 * and emails a fresh temporary password, and the next plan is empty again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { applyPlan, type ApplyDeps } from '../../src/apply/apply-plan.ts';
import { generatePassword } from '../../src/apply/password.ts';
import { desiredPasswordPolicy } from '../../src/core/baseline.ts';
import { isAppError } from '../../src/core/errors.ts';
import type { DesiredState } from '../../src/core/model.ts';
import { computePlan } from '../../src/core/plan.ts';
import { readLiveState } from '../../src/apply/read-live-state.ts';
import { renderPlanText } from '../../src/render/plan-text.ts';
import { aDesiredState, anAccount, aUser, someSettings, summaryOf } from '../support/builders.ts';
import { userArn } from '../../src/core/trust-policy.ts';
import { AppError } from '../../src/core/errors.ts';
import { EXPIRY_WARNING_TAG } from '../../src/core/expiry.ts';
import type { Target } from '../../src/ports/target.ts';
import type { UsersAccountPort } from '../../src/ports/users-account.ts';
import { aSandbox, type TempSandbox } from './fixtures.ts';

const settings = someSettings();
const ADA = 'ada@example.gov.uk';

const sandboxes: TempSandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.cleanup()));
});

function deps(s: TempSandbox, secrets: string[], logs: string[]): ApplyDeps {
  const policy = desiredPasswordPolicy(settings);
  return {
    target: s.target,
    settings,
    generatePassword: () => generatePassword(policy),
    onSecret: (secret) => secrets.push(secret),
    log: (line) => logs.push(line),
    sleep: async () => {},
    now: () => new Date('2026-03-01T10:00:00.000Z'),
    allowMassDeletion: false,
  };
}

const withExpiry = (expires: string): DesiredState => aDesiredState({ settings, users: [aUser(ADA, { expires })] });

describe('expiry on the sandbox', () => {
  it('suspends on the day, plans nothing after, and restores with a fresh password when extended', async () => {
    const s = await aSandbox({ settings });
    sandboxes.push(s);
    const secrets: string[] = [];
    const logs: string[] = [];
    const planOn = async (desired: DesiredState, today: string) => computePlan(desired, await readLiveState(s.target, settings), { today });

    const created = await planOn(withExpiry('2026-03-13'), '2026-03-01');
    expect(summaryOf(created.changes.find((c) => c.change.kind === 'create-user'))).toContain('expires 2026-03-13, in 12 days');
    // Within 14 days already: warned in the same run, after the welcome email.
    expect(created.changes.map((c) => c.change.kind)).toContain('warn-expiry');
    await applyPlan(created, deps(s, secrets, logs));
    await s.target.store.update((state) => {
      const user = state.usersAccount.users.find((u) => u.userName === ADA);
      user?.accessKeys.push({ accessKeyId: 'AKIAEXAMPLE1', status: 'Active' });
    });
    expect((await s.outbox()).filter((mail) => mail.text.includes('ends soon'))).toHaveLength(1);
    expect((await planOn(withExpiry('2026-03-13'), '2026-03-05')).changes).toEqual([]);

    // The day before: the 3-day warning, once.
    const dayBefore = await planOn(withExpiry('2026-03-13'), '2026-03-12');
    expect(dayBefore.changes.map((c) => summaryOf(c))).toEqual([
      `warn ${ADA}, lead@example.gov.uk that ${ADA}'s access ends (expires 2026-03-13, in 1 day; the 3-day warning)`,
    ]);
    await applyPlan(dayBefore, deps(s, secrets, logs));
    expect((await planOn(withExpiry('2026-03-13'), '2026-03-12')).changes).toEqual([]);
    const warningsSent = (await s.outbox()).filter((mail) => mail.text.includes('ends soon'));
    expect(warningsSent).toHaveLength(2);
    expect(warningsSent[1]?.text).toContain('expires 2026-03-13, in 1 day');

    const onTheDay = await planOn(withExpiry('2026-03-13'), '2026-03-13');
    expect(onTheDay.changes.map((c) => [c.change.kind, c.impact])).toEqual([['suspend-user', 'access']]);
    const text = renderPlanText(onTheDay, { color: false });
    expect(text).toContain('suspend user ada@example.gov.uk (expires 2026-03-13, today)');
    const report = await applyPlan(onTheDay, deps(s, secrets, logs));
    expect(report.results.map((r) => r.status)).toEqual(['done']);
    const suspended = (await s.target.store.read()).usersAccount.users.find((u) => u.userName === ADA);
    expect(suspended?.loginProfile).toBeUndefined();
    expect(suspended?.accessKeys.map((key) => key.status)).toEqual(['Inactive']);
    expect(suspended?.groups).toEqual([]);
    expect(suspended?.tags['credentials-sent']).toBe('suspended');
    const suspensionMail = (await s.outbox()).at(-1)?.text ?? '';
    expect(suspensionMail).toContain(`Subject: AWS access for ${ADA} suspended (expired 2026-03-13)`);
    // Still a user: suspension is not deletion.
    expect((await planOn(withExpiry('2026-03-13'), '2026-03-20')).changes).toEqual([]);

    // Extended: back in the group, a fresh temporary password by email, then nothing.
    const mailsBefore = (await s.outbox()).length;
    const extended = await planOn(withExpiry('2026-06-30'), '2026-03-20');
    expect(extended.changes.map((c) => summaryOf(c))).toEqual([
      "restore ada@example.gov.uk's console access (expires was extended) and email a fresh temporary password",
      `update user ada@example.gov.uk: add to group ${settings.users_account.group}; set tags expires`,
    ]);
    await applyPlan(extended, deps(s, secrets, logs));
    const mails = await s.outbox();
    expect(mails.length).toBe(mailsBefore + 1);
    expect(mails.at(-1)?.text).toContain(secrets.at(-1) ?? 'no secret');
    const restored = (await s.target.store.read()).usersAccount.users.find((u) => u.userName === ADA);
    expect(restored?.loginProfile?.passwordResetRequired).toBe(true);
    expect(restored?.tags['credentials-sent']).toBe('initial');
    expect((await planOn(withExpiry('2026-06-30'), '2026-03-20')).changes).toEqual([]);
    for (const secret of secrets) expect(logs.join('\n') + text).not.toContain(secret);
  });

  it('refuses to create a user whose expires is not after today, naming the file', async () => {
    const s = await aSandbox({ settings });
    sandboxes.push(s);
    const live = await readLiveState(s.target, settings);
    let caught: unknown;
    try {
      computePlan(withExpiry('2026-03-01'), live, { today: '2026-03-01' });
    } catch (error) {
      caught = error;
    }
    expect(isAppError(caught) && caught.message).toMatch(/users\/ada@example\.gov\.uk\.yaml.*not after today \(2026-03-01\).*newUsersHaveFutureExpires/);
    expect(computePlan(withExpiry('2026-03-02'), live, { today: '2026-03-01' }).changes.some((c) => c.change.kind === 'create-user')).toBe(true);
  });
});

describe('leaver check on the sandbox', () => {
  it('emails the team contacts of accounts whose roles still trust a removed user, once, then deletes it', async () => {
    const s = await aSandbox({ settings });
    sandboxes.push(s);
    const secrets: string[] = [];
    const logs: string[] = [];
    const BEN = 'ben@example.gov.uk';
    const account = anAccount('notify-staging', { bootstrap: { users: [ADA] }, team: { name: 'Notify', email: 'notify-team@example.gov.uk' } }, settings);
    const withBen = aDesiredState({ settings, users: [aUser(ADA), aUser(BEN)], accounts: [account] });
    const planOn = async (desired: DesiredState) => computePlan(desired, await readLiveState(s.target, settings), { today: '2026-03-01' });
    await applyPlan(await planOn(withBen), deps(s, secrets, logs));
    const accountId = (await readLiveState(s.target, settings)).organization.accounts.find((a) => a.name === 'notify-staging')?.id ?? '';
    // A role the team made by hand, trusting Ben.
    await s.target.organization.putRole(accountId, {
      name: 'admin',
      path: '/',
      description: 'made by the team',
      trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: userArn(settings.users_account.id, BEN) }, Action: 'sts:AssumeRole' }] },
      inlinePolicies: {},
      attachedPolicyArns: [],
      tags: {},
    });
    const withoutBen = aDesiredState({ settings, users: [aUser(ADA)], accounts: [account] });
    const plan = await planOn(withoutBen);
    expect(plan.changes.map((c) => summaryOf(c))).toEqual([
      `delete user ${BEN} with its password, access keys, MFA devices and group memberships; still trusted by \`admin\` in notify-staging; email notify-team@example.gov.uk; tell ${BEN}, lead@example.gov.uk`,
    ]);
    const before = (await s.outbox()).length;
    const report = await applyPlan(plan, { ...deps(s, secrets, logs), allowMassDeletion: true });
    expect(report.results.map((r) => r.status)).toEqual(['done']);
    const mails = await s.outbox();
    expect(mails.length).toBe(before + 2);
    const team = mails.find((mail) => mail.text.includes('still trust it'));
    expect(team?.text).toContain('admin in notify-staging');
    expect(team?.text).toContain('notify-team@example.gov.uk');
    expect(mails.some((mail) => mail.text.includes(`Subject: AWS user ${BEN} removed`) && mail.text.includes(BEN))).toBe(true);
    expect((await planOn(withoutBen)).changes).toEqual([]);
  });
});

describe('crash-safe notices on the sandbox', () => {
  /** The target with the first call of `method` that matches `when` failing, as if the run died there. */
  function crashingOnce(target: Target, when: (arg: unknown) => boolean, method: 'tagUser' | 'send'): Target {
    let armed = true;
    const crash = (arg: unknown): void => {
      if (armed && when(arg)) {
        armed = false;
        throw new AppError('aws-unreachable', 'the run stopped here');
      }
    };
    if (method === 'send') {
      return { ...target, mailer: { send: async (message) => (crash(message), target.mailer.send(message)) } };
    }
    const usersAccount = target.usersAccount;
    return {
      ...target,
      usersAccount: Object.assign(Object.create(usersAccount) as UsersAccountPort, {
        tagUser: async (userName: string, tags: Record<string, string>) => (crash(tags), usersAccount.tagUser(userName, tags)),
      }),
    };
  }

  it('an expiry warning is never lost: a crash before the email sends it on the next run; one after it, before the tag, sends it again once (never a third time)', async () => {
    const s = await aSandbox({ settings });
    sandboxes.push(s);
    const secrets: string[] = [];
    const logs: string[] = [];
    const desired = withExpiry('2026-03-13');
    const planOn = async (today: string) => computePlan(desired, await readLiveState(s.target, settings), { today });
    const warningsSent = async () => (await s.outbox()).filter((mail) => mail.text.includes('ends soon')).length;
    await applyPlan(await planOn('2026-02-01'), deps(s, secrets, logs));

    const beforeEmail = crashingOnce(s.target, (message) => (message as { subject: string }).subject.includes('ends soon'), 'send');
    const first = await applyPlan(await planOn('2026-03-01'), { ...deps(s, secrets, logs), target: beforeEmail });
    expect(first.results.map((r) => [r.kind, r.status])).toEqual([['warn-expiry', 'failed']]);
    expect(await warningsSent()).toBe(0);
    await applyPlan(await planOn('2026-03-01'), deps(s, secrets, logs));
    expect(await warningsSent()).toBe(1);
    expect((await planOn('2026-03-02')).changes).toEqual([]);

    const afterEmail = crashingOnce(s.target, (tags) => EXPIRY_WARNING_TAG in (tags as object), 'tagUser');
    const second = await applyPlan(await planOn('2026-03-11'), { ...deps(s, secrets, logs), target: afterEmail });
    expect(second.results.map((r) => [r.kind, r.status])).toEqual([['warn-expiry', 'failed']]);
    expect(await warningsSent()).toBe(2);
    await applyPlan(await planOn('2026-03-11'), deps(s, secrets, logs));
    expect(await warningsSent()).toBe(3);
    expect((await planOn('2026-03-12')).changes).toEqual([]);
    for (const secret of secrets) expect(logs.join('\n')).not.toContain(secret);
  });

  it('people added to and removed from bootstrap.users are emailed after the trust change, with the switch-role link; a crash before the emails sends them on the next run, once', async () => {
    const s = await aSandbox({ settings });
    sandboxes.push(s);
    const secrets: string[] = [];
    const logs: string[] = [];
    const BEN = 'ben@example.gov.uk';
    const team = { name: 'Notify', email: 'notify-team@example.gov.uk' };
    const state = (members: string[]) =>
      aDesiredState({ settings, users: [aUser(ADA), aUser(BEN)], accounts: [anAccount('notify-staging', { bootstrap: { users: members }, team }, settings)] });
    const planOn = async (desired: DesiredState) => computePlan(desired, await readLiveState(s.target, settings), { today: '2026-03-01' });
    await applyPlan(await planOn(state([ADA])), deps(s, secrets, logs));
    const accountId = (await readLiveState(s.target, settings)).organization.accounts.find((a) => a.name === 'notify-staging')?.id ?? '';
    const mailsBefore = (await s.outbox()).length;

    const swap = await planOn(state([BEN]));
    expect(swap.changes.map((c) => c.change.kind)).toEqual(['put-role', 'notify-bootstrap-users']);
    const crashing = crashingOnce(s.target, () => true, 'send');
    const first = await applyPlan(swap, { ...deps(s, secrets, logs), target: crashing });
    expect(first.results.map((r) => [r.kind, r.status])).toEqual([['put-role', 'done'], ['notify-bootstrap-users', 'failed']]);
    const tags = (name: string) => (s.target.store.read().then((st) => st.usersAccount.users.find((u) => u.userName === name)?.tags ?? {}));
    expect((await tags(BEN))[`bootstrap-notice:${accountId}`]).toBe('added');
    expect((await tags(ADA))[`bootstrap-notice:${accountId}`]).toBe('removed');

    const resumed = await planOn(state([BEN]));
    expect(resumed.changes.map((c) => summaryOf(c))).toEqual([
      `tell ${BEN} they may now assume the bootstrap role in notify-staging (${accountId}), with the switch-role link and their ~/.aws/config; tell ${ADA} they may no longer assume the bootstrap role in notify-staging (${accountId})`,
    ]);
    await applyPlan(resumed, deps(s, secrets, logs));
    const mails = (await s.outbox()).slice(mailsBefore);
    expect(mails).toHaveLength(2);
    const added = mails.find((mail) => mail.text.includes('may now use'));
    expect(added?.text).toContain(BEN);
    expect(added?.text).toContain(`https://signin.aws.amazon.com/switchrole?roleName=bootstrap&account=${accountId}&displayName=notify-staging`);
    expect(mails.find((mail) => mail.text.includes('may no longer use'))?.text).toContain(ADA);
    expect(Object.keys(await tags(BEN)).filter((key) => key.startsWith('bootstrap-notice'))).toEqual([]);
    expect((await planOn(state([BEN]))).changes).toEqual([]);
    for (const secret of secrets) expect(logs.join('\n') + JSON.stringify(first)).not.toContain(secret);
  });

  it('a person whose adoption failed is not tagged for the bootstrap email: the project does not own that user yet', async () => {
    const s = await aSandbox({ settings });
    sandboxes.push(s);
    const BEN = 'ben@example.gov.uk';
    const team = { name: 'Notify', email: 'notify-team@example.gov.uk' };
    const adopting = { ...settings, limits: { ...settings.limits, max_adoptions_per_run: 1 } };
    const state = (members: string[], users = [aUser(ADA)]) =>
      aDesiredState({ settings: adopting, users, accounts: [anAccount('notify-staging', { bootstrap: { users: members }, team }, adopting)] });
    const planOn = async (desired: DesiredState) => computePlan(desired, await readLiveState(s.target, adopting), { today: '2026-03-01' });
    const adoptDeps = (target: Target): ApplyDeps => ({ ...deps(s, [], []), settings: adopting, target });
    await applyPlan(await planOn(state([ADA])), adoptDeps(s.target));
    await s.target.usersAccount.createUser(BEN, {});

    const adopt = await planOn(state([ADA, BEN], [aUser(ADA), aUser(BEN, { adopt: true })]));
    expect(adopt.changes.map((c) => c.change.kind)).toEqual(expect.arrayContaining(['adopt-user', 'put-role', 'notify-bootstrap-users']));
    const failing = crashingOnce(s.target, (tags) => 'managed-by' in (tags as object), 'tagUser');
    await applyPlan(adopt, adoptDeps(failing));
    const ben = (await s.target.store.read()).usersAccount.users.find((u) => u.userName === BEN);
    expect(ben?.tags).toEqual({});
  });
});
