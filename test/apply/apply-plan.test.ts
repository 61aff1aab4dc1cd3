import { readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { passwordMatches } from '../../src/adapters/sandbox/sandbox-target.ts';
import { applyPlan, type ApplyDeps, type ApplyReport } from '../../src/apply/apply-plan.ts';
import { renderApplyReportMarkdown, renderApplyReportText as renderApplyReport } from '../../src/render/apply-report.ts';
import { generatePassword } from '../../src/apply/password.ts';
import { desiredPasswordPolicy } from '../../src/core/baseline.ts';
import type { Change, Plan } from '../../src/core/changes.ts';
import { AppError } from '../../src/core/errors.ts';
import type { DesiredState, LiveAccountCreation } from '../../src/core/model.ts';
import { computePlan } from '../../src/core/plan.ts';
import { bootstrapTrustPolicy } from '../../src/core/trust-policy.ts';
import { readLiveState } from '../../src/apply/read-live-state.ts';
import type { Target } from '../../src/ports/target.ts';
import type { UsersAccountPort } from '../../src/ports/users-account.ts';
import { aDesiredState, anAccount, asLiveRole, aUser, someSettings, summaryOf } from '../support/builders.ts';
import { aPlan, aSandbox, bootstrapSpec, MANAGED, putBootstrap, type TempSandbox } from './fixtures.ts';

const settings = someSettings();
const ADA = 'ada@example.gov.uk';
const BEN = 'ben@example.gov.uk';
const LEAD = 'lead@example.gov.uk';

const sandboxes: TempSandbox[] = [];
async function sandbox(): Promise<TempSandbox> {
  const created = await aSandbox({ settings });
  sandboxes.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.cleanup()));
});

interface Captured {
  deps: ApplyDeps;
  logs: string[];
  secrets: string[];
  sleeps: number[];
}

function depsFor(target: Target, overrides: Partial<ApplyDeps> = {}): Captured {
  const logs: string[] = [];
  const secrets: string[] = [];
  const sleeps: number[] = [];
  const policy = desiredPasswordPolicy(settings);
  const deps: ApplyDeps = {
    target,
    settings,
    generatePassword: () => generatePassword(policy),
    onSecret: (secret) => secrets.push(secret),
    log: (line) => logs.push(line),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    now: () => new Date('2025-03-01T10:00:00.000Z'),
    allowMassDeletion: false,
    ...overrides,
  };
  return { deps, logs, secrets, sleeps };
}

async function planFor(target: Target, desired: DesiredState): Promise<Plan> {
  return computePlan(desired, await readLiveState(target, desired.settings));
}

function passwordIn(text: string): string | undefined {
  return /Temporary password:\s+(\S+)/.exec(text)?.[1];
}

function statusOf(report: ApplyReport): Record<string, string> {
  return Object.fromEntries(report.results.map((r) => [r.summary, r.status]));
}

/** Everything a secret must never reach. */
async function publicOutputs(s: TempSandbox, captured: Captured, report: ApplyReport): Promise<string> {
  return [
    captured.logs.join('\n'),
    JSON.stringify(report),
    renderApplyReport(report),
    renderApplyReportMarkdown(report),
    await s.stateText(),
  ].join('\n');
}

const teamDesired = (): DesiredState =>
  aDesiredState({
    settings,
    users: [aUser(ADA), aUser(BEN, { name: 'Ben Hughes', requested_by: BEN })],
    accounts: [anAccount('team-production', { bootstrap: { users: [ADA, BEN] } }, settings)],
  });

describe('applyPlan on the sandbox', () => {
  it('creates users and an account, emails credentials, and a second plan is empty', async () => {
    const s = await sandbox();
    const desired = teamDesired();
    const plan = await planFor(s.target, desired);
    const captured = depsFor(s.target);
    const report = await applyPlan(plan, captured.deps);

    expect(report.results.filter((r) => r.status !== 'done')).toEqual([]);
    expect((await planFor(s.target, desired)).changes).toEqual([]);

    const mails = await s.outbox();
    const to = (address: string) => mails.filter((m) => m.text.includes(`\r\nTo: ${address}`) || m.text.includes(`, ${address}`));
    // Welcome emails to each user, a notice to the requester (not to Ben, who asked for himself), one account email.
    const adaWelcome = to(ADA).find((m) => m.text.includes('Temporary password'));
    const benWelcome = to(BEN).find((m) => m.text.includes('Temporary password'));
    expect(adaWelcome).toBeDefined();
    expect(benWelcome).toBeDefined();
    const notices = mails.filter((m) => m.text.includes(`To: ${LEAD}\r\n`));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).not.toMatch(/Temporary password/);
    expect(mails.filter((m) => m.text.includes('Subject: AWS user created for Ben'))).toEqual([]);
    const accountMail = mails.find((m) => m.text.includes('Subject: AWS account team-production is ready'));
    expect(accountMail?.text).toContain('https://signin.aws.amazon.com/switchrole?roleName=bootstrap&account=');
    // And one email to each bootstrap user, with the new account's id in their ~/.aws/config.
    const accountId = /Account ID: +(\d{12})/.exec(accountMail?.text ?? '')?.[1] ?? '';
    const roleMails = mails.filter((m) => m.text.includes('Subject: You may now use the bootstrap role in AWS account team-production'));
    expect(roleMails.map((m) => [ADA, BEN].find((who) => m.text.includes(`\r\nTo: ${who}\r\n`)))).toEqual([ADA, BEN]);
    for (const mail of roleMails) {
      expect(mail.text).toContain(`role_arn = arn:aws:iam::${accountId}:role/bootstrap`);
      expect(mail.text).not.toMatch(/Temporary password/);
    }
    expect(mails).toHaveLength(6);

    // The emailed passwords are the ones set, and were handed to onSecret.
    const state = await s.target.store.read();
    const adaPassword = passwordIn(adaWelcome!.text)!;
    const benPassword = passwordIn(benWelcome!.text)!;
    const user = (name: string) => state.usersAccount.users.find((u) => u.userName === name)!;
    expect(passwordMatches(user(ADA).loginProfile!, adaPassword)).toBe(true);
    expect(passwordMatches(user(BEN).loginProfile!, benPassword)).toBe(true);
    expect(user(ADA).tags['credentials-sent']).toBe('initial');
    expect(user(ADA).groups).toEqual(['CrossAccountAccess']);
    expect(captured.secrets.sort()).toEqual([adaPassword, benPassword].sort());

    const account = state.organization.accounts.find((a) => a.name === 'team-production')!;
    expect(account.ouPath).toBe('/Workloads/Production');
    expect(account.tags['account-email-sent']).toBe('true');
    expect(account.roles.find((r) => r.name === 'bootstrap')?.trustPolicy).toEqual(bootstrapTrustPolicy(settings.users_account.id, [ADA, BEN]));

    // No password in the log, the report, its renderings, or the state file.
    const outputs = await publicOutputs(s, captured, report);
    for (const password of captured.secrets) expect(outputs).not.toContain(password);
  });

  it('calls onSecret before the password is used anywhere', async () => {
    const s = await sandbox();
    const seen: string[] = [];
    const usersAccount = s.target.usersAccount;
    const target: Target = {
      ...s.target,
      usersAccount: Object.assign(Object.create(usersAccount) as typeof usersAccount, {
        setTemporaryPassword: async (userName: string, password: string) => {
          expect(seen).toContain(password);
          return usersAccount.setTemporaryPassword(userName, password);
        },
      }),
    };
    const captured = depsFor(target, { onSecret: (secret) => seen.push(secret) });
    const report = await applyPlan(await planFor(target, aDesiredState({ settings, users: [aUser(ADA)] })), captured.deps);
    expect(report.results.every((r) => r.status === 'done')).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it('after a crash before the welcome email, the next plan resets the password and sends it', async () => {
    const s = await sandbox();
    const desired = aDesiredState({ settings, users: [aUser(ADA)] });
    let failures = 1;
    const flaky: Target = {
      ...s.target,
      mailer: {
        send: async (message) => {
          if (failures > 0) {
            failures -= 1;
            throw new AppError('email-rejected', 'SES refused the message.');
          }
          return s.target.mailer.send(message);
        },
      },
    };
    const first = await applyPlan(await planFor(flaky, desired), depsFor(flaky).deps);
    expect(first.results.find((r) => r.kind === 'create-user')).toMatchObject({ status: 'failed', error: { code: 'email-rejected' } });
    const user = (await s.target.store.read()).usersAccount.users[0]!;
    expect(user.tags['credentials-sent']).toBeUndefined();
    expect(await s.outbox()).toEqual([]);

    const second = await planFor(s.target, desired);
    const requestedBy = desired.users.get(ADA)!.data.requested_by;
    // The requester's notice was never sent either: tracked like the welcome email, sent on the resumed path.
    expect(second.changes.map((c) => c.change)).toEqual([
      { kind: 'reset-password', userName: ADA, fullName: 'Ada Lovelace', credentialsToken: 'initial', why: 'welcome-email-not-sent' },
      { kind: 'notify-requester', userName: ADA, fullName: 'Ada Lovelace', requestedBy },
    ]);
    const captured = depsFor(s.target);
    await applyPlan(second, captured.deps);
    const mails = await s.outbox();
    expect(mails).toHaveLength(2);
    // The full welcome, not a bare reset notice: this user never got sign-in instructions.
    const welcome = mails.find((m) => m.text.includes('Subject: Your AWS user in test-users'))!;
    expect(mails.find((m) => m !== welcome)!.text).toContain(`To: ${requestedBy}`);
    const password = passwordIn(welcome.text)!;
    const after = (await s.target.store.read()).usersAccount.users[0]!;
    expect(passwordMatches(after.loginProfile!, password)).toBe(true);
    expect(after.tags['credentials-sent']).toBe('initial');
    expect(after.tags['credentials-pending']).toBeUndefined();
    expect(after.tags['requester-notice-pending']).toBeUndefined();
    expect((await planFor(s.target, desired)).changes).toEqual([]);
  });

  it('a user it may not tag stops before any password change or email, run after run (no loop)', async () => {
    const s = await sandbox();
    const desired = aDesiredState({ settings, users: [aUser(ADA)] });
    // The user exists without credentials-sent (an earlier run stopped), and TagUser is now denied.
    await s.target.usersAccount.createGroup(settings.users_account.group);
    await s.target.usersAccount.createUser(ADA, { 'managed-by': 'aws-access-as-code' });
    await s.target.usersAccount.addUserToGroup(ADA, settings.users_account.group);
    const passwordsSet: string[] = [];
    const denied: Target = {
      ...s.target,
      usersAccount: Object.assign(Object.create(s.target.usersAccount) as UsersAccountPort, {
        tagUser: async () => {
          throw new AppError('access-denied', 'IAM TagUser failed: AccessDenied', { fault: 'user' });
        },
        setTemporaryPassword: async (name: string) => {
          passwordsSet.push(name);
        },
      }),
    };
    for (let run = 0; run < 3; run += 1) {
      const plan = await planFor(denied, desired);
      expect(plan.changes.map((c) => c.change.kind)).toContain('reset-password');
      const report = await applyPlan(plan, depsFor(denied).deps);
      expect(report.results.find((r) => r.kind === 'reset-password')).toMatchObject({ status: 'failed', error: { code: 'access-denied' } });
    }
    expect(passwordsSet).toEqual([]);
    expect(await s.outbox()).toEqual([]);
  });

  it('a requester notice that failed is owed, and sent by the next run', async () => {
    const s = await sandbox();
    const desired = aDesiredState({ settings, users: [aUser(ADA)] });
    const requestedBy = desired.users.get(ADA)!.data.requested_by;
    const noNotices: Target = {
      ...s.target,
      mailer: {
        send: async (message) => {
          if (message.to.includes(requestedBy)) throw new AppError('email-rejected', 'SES refused the message.');
          return s.target.mailer.send(message);
        },
      },
    };
    const first = await applyPlan(await planFor(noNotices, desired), depsFor(noNotices).deps);
    expect(first.results.find((r) => r.kind === 'create-user')?.warnings).toEqual([expect.stringContaining(`the notice to ${requestedBy} was not sent (it is sent on the next run)`)]);
    const second = await planFor(s.target, desired);
    expect(second.changes.map((c) => summaryOf(c))).toEqual([`tell ${requestedBy} that ${ADA} now has a user (the notice was never sent)`]);
    await applyPlan(second, depsFor(s.target).deps);
    expect((await s.outbox()).filter((m) => m.text.includes(`To: ${requestedBy}`))).toHaveLength(1);
    expect((await planFor(s.target, desired)).changes).toEqual([]);
  });

  it('issues a new password when password_reset changes', async () => {
    const s = await sandbox();
    await applyPlan(await planFor(s.target, aDesiredState({ settings, users: [aUser(ADA)] })), depsFor(s.target).deps);
    const reset = aDesiredState({ settings, users: [aUser(ADA, { password_reset: '2025-03-01' })] });
    const plan = await planFor(s.target, reset);
    expect(plan.changes.map((c) => c.change.kind)).toEqual(['reset-password']);
    await applyPlan(plan, depsFor(s.target).deps);
    const mails = await s.outbox();
    expect(mails.at(-1)?.text).toContain('Subject: Your new temporary AWS password for test-users');
    expect((await planFor(s.target, reset)).changes).toEqual([]);
  });

  it('removes access granted outside the group (other groups, own policies, managed policies on the group), then plans nothing', async () => {
    const s = await sandbox();
    const desired = aDesiredState({ settings, users: [aUser(ADA)] });
    await applyPlan(await planFor(s.target, desired), depsFor(s.target).deps);
    await s.target.usersAccount.createGroup('Admins');
    await s.target.usersAccount.addUserToGroup(ADA, 'Admins');
    await s.target.store.update((state) => {
      const ada = state.usersAccount.users.find((user) => user.userName === ADA)!;
      ada.attachedPolicies.push('arn:aws:iam::aws:policy/AdministratorAccess');
      ada.inlinePolicies['own'] = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
      state.usersAccount.groups.find((group) => group.name === 'CrossAccountAccess')!.attachedPolicies = ['arn:aws:iam::aws:policy/PowerUserAccess'];
    });

    const plan = await planFor(s.target, desired);
    expect(plan.changes.map((c) => `${c.impact} ${summaryOf(c)}`)).toEqual([
      'access update group CrossAccountAccess: detach managed policies arn:aws:iam::aws:policy/PowerUserAccess',
      `access update user ${ADA}: remove from group Admins; detach managed policy arn:aws:iam::aws:policy/AdministratorAccess; delete inline policy own`,
    ]);
    const report = await applyPlan(plan, depsFor(s.target).deps);
    expect(report.results.map((r) => r.status)).toEqual(['done', 'done']);

    const state = await s.target.store.read();
    const ada = state.usersAccount.users.find((user) => user.userName === ADA);
    expect(ada).toMatchObject({ groups: ['CrossAccountAccess'], attachedPolicies: [], inlinePolicies: {} });
    expect(state.usersAccount.groups.find((group) => group.name === 'CrossAccountAccess')?.attachedPolicies).toEqual([]);
    expect((await planFor(s.target, desired)).changes).toEqual([]);
  });

  it('refuses more deletions than the limit before changing anything', async () => {
    const s = await sandbox();
    const users = Array.from({ length: 6 }, (_, i) => aUser(`user${i}@example.gov.uk`));
    await applyPlan(await planFor(s.target, aDesiredState({ settings, users })), depsFor(s.target).deps);
    const before = await s.stateText();
    const mailsBefore = (await s.outbox()).length;
    const plan = await planFor(s.target, aDesiredState({ settings }));
    expect(plan.changes.filter((c) => c.change.kind === 'delete-user')).toHaveLength(6);

    const captured = depsFor(s.target);
    const error = await applyPlan(plan, captured.deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'too-many-deletions', fault: 'user' });
    expect((error as AppError).hint).toContain('--allow-mass-deletion');
    expect(await s.stateText()).toBe(before);
    expect((await s.outbox()).length).toBe(mailsBefore);

    const allowed = await applyPlan(plan, depsFor(s.target, { allowMassDeletion: true }).deps);
    expect(allowed.results.filter((r) => r.kind === 'delete-user' && r.status === 'done')).toHaveLength(6);
  });

  it('refuses more closures than settings allow, and more than the AWS quota even when allowed', async () => {
    const s = await sandbox();
    const accounts = ['one', 'two'].map((name) => anAccount(name, { bootstrap: { users: [ADA] } }, settings));
    const desired = aDesiredState({ settings, users: [aUser(ADA)], accounts });
    await applyPlan(await planFor(s.target, desired), depsFor(s.target).deps);
    const closing = aDesiredState({
      settings,
      users: [aUser(ADA)],
      accounts: ['one', 'two'].map((name) => anAccount(name, { state: 'closed', bootstrap: { users: [ADA] } }, settings)),
    });
    const plan = await planFor(s.target, closing);
    const before = await s.stateText();
    await expect(applyPlan(plan, depsFor(s.target).deps)).rejects.toMatchObject({ code: 'too-many-deletions' });
    await expect(
      applyPlan(plan, depsFor(s.target, { allowMassDeletion: true, closureQuota: { closedInLast30Days: 9, memberAccountCount: 40 } }).deps),
    ).rejects.toMatchObject({ code: 'closure-quota' });
    expect(await s.stateText()).toBe(before);

    // Figures read from the target when not given: 2 members, nothing closed, quota 10.
    const report = await applyPlan(plan, depsFor(s.target, { allowMassDeletion: true }).deps);
    expect(report.results.map((r) => r.status)).toEqual(['done', 'done']);
    const closedMails = (await s.outbox()).filter((m) => m.text.includes('has been closed'));
    expect(closedMails).toHaveLength(2);
    expect((await planFor(s.target, closing)).changes).toEqual([]);
  });

  it('refuses a plan computed against another target, or one touching a protected user', async () => {
    const s = await sandbox();
    const other: Plan = { ...aPlan(s.target, []), baseline: { kind: 'sandbox', path: '/elsewhere/state.json' } };
    await expect(applyPlan(other, depsFor(s.target).deps)).rejects.toMatchObject({ code: 'baseline-mismatch' });
    const protectedPlan = aPlan(s.target, [{ kind: 'delete-user', userName: 'break-glass' }]);
    await expect(applyPlan(protectedPlan, depsFor(s.target).deps)).rejects.toMatchObject({ code: 'protected' });
  });

  it('carries on with other changes when one fails, and reports it clearly', async () => {
    const s = await sandbox();
    // Someone created Ada by hand (different case) after the plan was made.
    await s.target.usersAccount.createUser(ADA.toUpperCase(), {});
    const changes: Change[] = [
      { kind: 'update-group', group: 'CrossAccountAccess', create: true, putPolicies: {}, deletePolicies: [], detachPolicies: [] },
      { kind: 'create-user', userName: ADA, tags: MANAGED, group: 'CrossAccountAccess', fullName: 'Ada', requestedBy: ADA, credentialsToken: 'initial' },
      { kind: 'create-user', userName: BEN, tags: MANAGED, group: 'CrossAccountAccess', fullName: 'Ben', requestedBy: ADA, credentialsToken: 'initial' },
      {
        kind: 'create-account',
        accountName: 'taken',
        email: 'management@sandbox.invalid',
        ouPath: '/',
        tags: MANAGED,
        bootstrapUsers: [],
        recipients: [ADA],
        roles: [],
        facets: [],
      },
    ];
    const captured = depsFor(s.target);
    const report = await applyPlan(aPlan(s.target, changes), captured.deps);
    expect(statusOf(report)).toEqual({
      'create group CrossAccountAccess with policies ': 'done',
      [`create user ${ADA} (team ?, requested by ${ADA}), add to group CrossAccountAccess, email a temporary password`]: 'failed',
      [`create user ${BEN} (team ?, requested by ${ADA}), add to group CrossAccountAccess, email a temporary password`]: 'done',
      'create account taken in / (root email management@sandbox.invalid; no roles)': 'failed',
    });
    const ada = report.results[1]!;
    expect(ada.error?.code).toBe('user-exists');
    expect(ada.error?.message).toContain('ignoring case');
    expect(ada.error?.hint).toContain('plan again');
    expect(report.results[3]?.error).toMatchObject({ code: 'account-email-taken' });
    expect(report.results[3]?.error?.hint).toContain('root_email');
    const text = renderApplyReport(report);
    expect(text).toContain('2 done, 2 failed, 0 skipped');
    expect(text).toContain('account-email-taken');
    expect(renderApplyReportMarkdown(report)).toContain('| ❌ failed | create account taken in / ');
    expect(captured.logs.some((line) => /^\[\d\/4\] FAILED: create account taken/.test(line))).toBe(true);
    // What to do goes under the failure, in the log as in the report.
    expect(captured.logs.some((line) => /^ {8}what to do: .*root_email/.test(line))).toBe(true);
  });

  it('skips deleting a user that a failed trust change still names', async () => {
    const s = await sandbox();
    const desired = aDesiredState({
      settings,
      users: [aUser(ADA), aUser(BEN)],
      accounts: [anAccount('team-production', { bootstrap: { users: [ADA, BEN] } }, settings)],
    });
    await applyPlan(await planFor(s.target, desired), depsFor(s.target).deps);
    // The role is taken over by someone else: updating it now fails.
    await s.target.store.update((state) => {
      const role = state.organization.accounts.find((a) => a.name === 'team-production')!.roles.find((r) => r.name === 'bootstrap')!;
      role.tags = {};
    });
    const account = (await s.target.store.read()).organization.accounts.find((a) => a.name === 'team-production')!;
    const plan = aPlan(s.target, [
      putBootstrap('team-production', account.id, [ADA], [ADA, BEN], settings),
      { kind: 'delete-user', userName: BEN },
    ]);
    const report = await applyPlan(plan, depsFor(s.target).deps);
    expect(report.results.map((r) => [r.status, r.error?.code])).toEqual([
      ['failed', 'not-managed'],
      ['skipped', 'dependency-failed'],
    ]);
    expect((await s.target.store.read()).usersAccount.users.map((u) => u.userName)).toContain(BEN);
    expect(renderApplyReport(report)).toContain('skipped  delete user ben@example.gov.uk');
  });

  it('holds back an account email while a change to that account failed', async () => {
    const s = await sandbox();
    const desired = aDesiredState({ settings, users: [aUser(ADA)], accounts: [anAccount('team-production', { bootstrap: { users: [ADA] } }, settings)] });
    await applyPlan(await planFor(s.target, desired), depsFor(s.target).deps);
    await s.target.store.update((state) => {
      const role = state.organization.accounts.find((a) => a.name === 'team-production')!.roles.find((r) => r.name === 'bootstrap')!;
      role.tags = {};
    });
    const account = (await s.target.store.read()).organization.accounts.find((a) => a.name === 'team-production')!;
    const mailsBefore = (await s.outbox()).length;
    const plan = aPlan(s.target, [
      { kind: 'send-account-email', accountName: 'team-production', accountId: account.id, recipients: [ADA] },
      putBootstrap('team-production', account.id, [ADA, BEN], [ADA], settings),
    ]);
    const report = await applyPlan(plan, depsFor(s.target).deps);
    expect(report.results.map((r) => [r.kind, r.status])).toEqual([
      ['send-account-email', 'skipped'],
      ['put-role', 'failed'],
    ]);
    expect((await s.outbox()).length).toBe(mailsBefore);
  });

  it('counts role deletions against the deletion limit, as the plan note does', async () => {
    const s = await sandbox();
    const small = { ...settings, limits: { ...settings.limits, max_deletions_per_run: 1 } };
    const before = asLiveRole(bootstrapSpec([ADA], settings));
    const plan = aPlan(s.target, [
      { kind: 'delete-role', accountName: 'a-production', accountId: '100000000001', label: 'the bootstrap role', before },
      { kind: 'delete-role', accountName: 'b-production', accountId: '100000000002', label: 'the bootstrap role', before },
    ]);
    const error = await applyPlan(plan, { ...depsFor(s.target).deps, settings: small }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'too-many-deletions' });
    expect((error as AppError).message).toContain('This plan deletes 2 users and roles, more than settings.yaml allows in one run');
  });

  it('never lets a password through an error message', async () => {
    const s = await sandbox();
    const usersAccount = s.target.usersAccount;
    const target: Target = {
      ...s.target,
      usersAccount: Object.assign(Object.create(usersAccount) as typeof usersAccount, {
        setTemporaryPassword: async (_userName: string, password: string) => {
          throw new AppError('password-policy-violation', `Value '${password}' failed to satisfy constraint`, { hint: `not ${password}` });
        },
      }),
    };
    const captured = depsFor(target);
    const report = await applyPlan(await planFor(target, aDesiredState({ settings, users: [aUser(ADA)] })), captured.deps);
    expect(report.results.find((r) => r.kind === 'create-user')?.status).toBe('failed');
    const outputs = await publicOutputs(s, captured, report);
    expect(captured.secrets).toHaveLength(1);
    expect(outputs).not.toContain(captured.secrets[0]);
    expect(outputs).toContain('***');
  });
});

describe('account creation', () => {
  function withOrganization(s: TempSandbox, patch: Partial<Target['organization']>): Target {
    const organization = s.target.organization;
    return { ...s.target, organization: Object.assign(Object.create(organization) as typeof organization, patch) };
  }

  const createChange = (name: string, extra: Partial<Extract<Change, { kind: 'create-account' }>> = {}): Change => ({
    kind: 'create-account',
    accountName: name,
    email: `aws-root+${name}@example.gov.uk`,
    ouPath: '/Workloads/Production',
    tags: MANAGED,
    bootstrapUsers: [],
    recipients: [LEAD],
    roles: [],
    facets: [],
    ...extra,
  });

  it('polls with exponential back-off while AWS is still creating the account', async () => {
    const s = await sandbox();
    let looks = 0;
    const target = withOrganization(s, {
      describeAccountCreation: async (requestId: string): Promise<LiveAccountCreation> => {
        looks += 1;
        if (looks <= 3) return { requestId, accountName: 'slow', state: 'IN_PROGRESS' };
        return s.target.organization.describeAccountCreation(requestId);
      },
    });
    const captured = depsFor(target);
    const report = await applyPlan(aPlan(s.target, [createChange('slow')]), captured.deps);
    expect(report.results[0]?.status).toBe('done');
    expect(captured.sleeps).toEqual([2000, 4000, 8000]);
  });

  it('gives up after a bounded wait, pointing at the request to resume', async () => {
    const s = await sandbox();
    const target = withOrganization(s, {
      describeAccountCreation: async (requestId: string): Promise<LiveAccountCreation> => ({ requestId, accountName: 'stuck', state: 'IN_PROGRESS' }),
    });
    const captured = depsFor(target);
    const report = await applyPlan(aPlan(s.target, [createChange('stuck')]), captured.deps);
    expect(report.results[0]?.error).toMatchObject({ code: 'account-creation-timeout' });
    expect(Math.max(...captured.sleeps)).toBe(30_000);
    const total = captured.sleeps.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(15 * 60_000);
    expect(total).toBeLessThan(16 * 60_000);
  });

  it('resumes a request already in progress instead of asking again', async () => {
    const s = await sandbox();
    const requestId = await s.target.organization.startAccountCreation({
      accountName: 'resumed',
      email: 'aws-root+resumed@example.gov.uk',
      tags: MANAGED,
      accessRoleName: 'OrganizationAccountAccessRole',
    });
    const target = withOrganization(s, {
      startAccountCreation: async () => {
        throw new Error('must not ask again');
      },
    });
    const report = await applyPlan(aPlan(s.target, [createChange('resumed', { resumeRequestId: requestId })]), depsFor(target).deps);
    expect(report.results[0]?.status).toBe('done');
    expect((await s.target.store.read()).organization.accounts.filter((a) => a.name === 'resumed')).toHaveLength(1);
  });

  it.each([
    ['EMAIL_ALREADY_EXISTS', 'account-email-taken'],
    ['ACCOUNT_LIMIT_EXCEEDED', 'account-limit'],
    ['INVALID_EMAIL', 'account-email-invalid'],
    ['CONCURRENT_ACCOUNT_MODIFICATION', 'account-creation-conflict'],
    ['SOMETHING_NEW', 'account-creation-failed'],
  ])('explains a creation that FAILED with %s', async (reason, code) => {
    const s = await sandbox();
    const target = withOrganization(s, {
      describeAccountCreation: async (requestId: string): Promise<LiveAccountCreation> => ({
        requestId,
        accountName: 'doomed',
        state: 'FAILED',
        failureReason: reason,
      }),
    });
    const report = await applyPlan(aPlan(s.target, [createChange('doomed')]), depsFor(target).deps);
    expect(report.results[0]?.error?.code).toBe(code);
    expect(report.results[0]?.error?.message).toContain(reason);
    expect(report.results[0]?.error?.hint).toBeTruthy();
  });

  it('EMAIL_ALREADY_EXISTS finds and reports the account that has the root email (the sandbox checks emails as AWS does)', async () => {
    const s = await sandbox();
    const first = await s.target.organization.startAccountCreation({
      accountName: 'first',
      email: 'aws-root+doomed@example.gov.uk',
      tags: MANAGED,
      accessRoleName: 'OrganizationAccountAccessRole',
    });
    const { accountId } = await s.target.organization.describeAccountCreation(first);
    const report = await applyPlan(aPlan(s.target, [createChange('doomed')]), depsFor(s.target).deps);
    expect(report.results[0]?.error).toMatchObject({
      code: 'account-email-taken',
      message: `AWS could not create account doomed (request car-sandbox00000002, EMAIL_ALREADY_EXISTS): the root email aws-root+doomed@example.gov.uk already belongs to another AWS account. It belongs to account ${accountId} (first, ACTIVE, managed by this project) in this Organization.`,
    });
    expect(report.results[0]?.error?.hint).toContain('adopt: true');
  });

  it('retries the bootstrap role while the new account is not ready, then sends the email', async () => {
    const s = await sandbox();
    await s.target.usersAccount.createUser(ADA, MANAGED);
    let refusals = 2;
    const target = withOrganization(s, {
      putRole: async (accountId, spec) => {
        if (refusals > 0) {
          refusals -= 1;
          throw new AppError('account-not-ready', 'AssumeRole refused');
        }
        return s.target.organization.putRole(accountId, spec);
      },
    });
    const captured = depsFor(target);
    const report = await applyPlan(aPlan(s.target, [createChange('fresh', { bootstrapUsers: [ADA], roles: [{ label: 'the bootstrap role', spec: bootstrapSpec([ADA], settings) }] })]), captured.deps);
    expect(report.results[0]?.status).toBe('done');
    expect(captured.sleeps).toEqual([5000, 10000]);
    expect((await s.outbox()).some((m) => m.text.includes('Subject: AWS account fresh is ready'))).toBe(true);
  });

  it('keeps at most 5 account creations in flight, whatever the concurrency', async () => {
    const s = await sandbox();
    let inFlight = 0;
    let most = 0;
    const seen = new Set<string>();
    const target = withOrganization(s, {
      startAccountCreation: async (input) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        return s.target.organization.startAccountCreation(input);
      },
      describeAccountCreation: async (requestId: string) => {
        if (!seen.has(requestId)) {
          seen.add(requestId);
          return { requestId, accountName: '?', state: 'IN_PROGRESS' as const };
        }
        const status = await s.target.organization.describeAccountCreation(requestId);
        inFlight -= 1;
        return status;
      },
    });
    const captured = depsFor(target, {
      concurrency: 12,
      sleep: () => new Promise((resolve) => setTimeout(resolve, 1)),
    });
    const changes = Array.from({ length: 8 }, (_, i) => createChange(`acct-${i}`));
    const report = await applyPlan(aPlan(s.target, changes), captured.deps);
    expect(report.results.every((r) => r.status === 'done')).toBe(true);
    expect(most).toBe(5);
  });
});

describe('renderApplyReport', () => {
  it('says when there was nothing to do', async () => {
    const s = await sandbox();
    const report = await applyPlan(aPlan(s.target, []), depsFor(s.target).deps);
    expect(renderApplyReport(report)).toMatch(/^Nothing to apply: local sandbox \(.*state\.json\) already matches the files\.\n$/);
    expect(renderApplyReportMarkdown(report)).toContain('Nothing to apply');
  });

  it('escapes table cells in markdown', () => {
    const report: ApplyReport = {
      baseline: { kind: 'aws', usersAccountId: '111111111111', managementAccountId: '222222222222' },
      startedAt: '',
      finishedAt: '',
      results: [{ kind: 'delete-user', summary: 'delete a|b', status: 'failed', error: { code: 'x', message: 'line\nbreak' } }],
    };
    const markdown = renderApplyReportMarkdown(report);
    expect(markdown).toContain('delete a\\|b');
    expect(markdown).toContain('`x`: line break');
    expect(markdown).toContain('### Apply: some changes failed');
  });
});

describe('sandbox outbox files', () => {
  it('are the only place a password is written', async () => {
    const s = await sandbox();
    const captured = depsFor(s.target);
    await applyPlan(await planFor(s.target, teamDesired()), captured.deps);
    const files = await readdir(s.dir);
    expect(files.sort()).toEqual(['outbox', 'state.json']);
    const outbox = (await s.outbox()).map((m) => m.text).join('\n');
    for (const password of captured.secrets) {
      expect(outbox).toContain(password);
      expect(await s.stateText()).not.toContain(password);
    }
  });
});
