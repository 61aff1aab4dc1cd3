import { scryptSync } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { passwordMatches } from '../../../src/adapters/sandbox/sandbox-target.ts';
import type { SandboxState, SandboxUser } from '../../../src/adapters/sandbox/state.ts';
import { AppError, isAppError } from '../../../src/core/errors.ts';
import type { LiveRole } from '../../../src/core/model.ts';
import { readerPermissions } from '../../../src/core/reader-role.ts';
import { trustedPrincipals, type RoleSpec } from '../../../src/core/roles.ts';
import { bootstrapTrustPolicy } from '../../../src/core/trust-policy.ts';
import type { someSettings } from '../../support/builders.ts';
import { aClock, aSandbox, MANAGED, type TempSandbox } from '../../apply/fixtures.ts';
import { describeOrganizationContract } from '../../contract/organization-contract.ts';
import { describeUsersAccountContract } from '../../contract/users-account-contract.ts';

const sandboxes: TempSandbox[] = [];
async function sandbox(options: Parameters<typeof aSandbox>[0] = {}): Promise<TempSandbox> {
  const created = await aSandbox(options);
  sandboxes.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.cleanup()));
});

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
}

const ADA = 'ada.lovelace@digital.cabinet-office.gov.uk';
const BEN = 'ben.hughes@digital.cabinet-office.gov.uk';

describeUsersAccountContract('sandbox', async () => {
  const s = await sandbox();
  const update = (change: (state: SandboxState) => void): Promise<void> => s.target.store.update(change);
  const userOf = (state: SandboxState, userName: string): SandboxUser => {
    const user = state.usersAccount.users.find((candidate) => candidate.userName === userName);
    if (user === undefined) throw new Error(`no sandbox user ${userName}`);
    return user;
  };
  return {
    port: s.target.usersAccount,
    accountId: s.settings.users_account.id,
    protectedUserName: 'break-glass-admin',
    grant: {
      managedPolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      attachUserPolicy: (userName, arn) => update((state) => void userOf(state, userName).attachedPolicies.push(arn)),
      putUserPolicy: (userName, name, document) =>
        update((state) => {
          userOf(state, userName).inlinePolicies[name] = document;
        }),
      attachGroupPolicy: (group, arn) =>
        update((state) => {
          const found = state.usersAccount.groups.find((candidate) => candidate.name === group);
          if (found === undefined) throw new Error(`no sandbox group ${group}`);
          (found.attachedPolicies ??= []).push(arn);
        }),
      createAccessKey: (userName) =>
        update((state) => {
          const user = userOf(state, userName);
          user.accessKeys.push({ accessKeyId: `AKIA${user.accessKeys.length}${userName.length}`, status: 'Active', createdAt: new Date().toISOString() });
        }),
      accessKeyStatuses: async (userName) => {
        let statuses: string[] = [];
        await update((state) => {
          statuses = userOf(state, userName).accessKeys.map((key) => key.status).sort();
        });
        return statuses;
      },
    },
  };
});

describeOrganizationContract('sandbox', async () => {
  const s = await sandbox({ ouPaths: ['/Workloads/Production'] });
  const trustedUserName = 'trusted@example.gov.uk';
  await s.target.usersAccount.createUser(trustedUserName, MANAGED);
  await s.target.usersAccount.createUser('other@example.gov.uk', MANAGED);
  return {
    port: s.target.organization,
    usersAccountId: s.settings.users_account.id,
    managementAccountId: s.settings.organization.management_account_id,
    ouPath: '/Workloads/Production',
    trustedUserName,
    accessRoleName: s.settings.organization.access_role_name,
    bootstrapRoleName: s.settings.organization.bootstrap_role_name,
    otherUserName: 'other@example.gov.uk',
    createUnmanagedRole: (accountId, roleName, trustPolicy) =>
      s.target.store.update((state) => {
        const account = state.organization.accounts.find((a) => a.id === accountId);
        if (account === undefined) throw new Error(`no sandbox account ${accountId}`);
        account.roles.push({ name: roleName, trustPolicy: structuredClone(trustPolicy) as Record<string, unknown>, tags: {}, attachedPolicies: [] });
      }),
  };
});

describe('sandbox users account', () => {
  it('treats user names as unique ignoring case', async () => {
    const { target } = await sandbox();
    await target.usersAccount.createUser(ADA, MANAGED);
    expect(await codeOf(target.usersAccount.createUser(ADA.toUpperCase(), MANAGED))).toBe('user-exists');
  });

  it('rejects invalid user names and tags', async () => {
    const { target } = await sandbox();
    expect(await codeOf(target.usersAccount.createUser(`${'x'.repeat(60)}@example.gov.uk`, MANAGED))).toBe('invalid-input');
    expect(await codeOf(target.usersAccount.createUser('has space@x.gov.uk', MANAGED))).toBe('invalid-input');
    expect(await codeOf(target.usersAccount.createUser(ADA, { 'aws:reserved': 'x' }))).toBe('invalid-input');
    expect(await codeOf(target.usersAccount.createUser(ADA, { ok: 'v'.repeat(257) }))).toBe('invalid-input');
    expect(await codeOf(target.usersAccount.createUser(ADA, { ['k'.repeat(129)]: 'v' }))).toBe('invalid-input');
  });

  it('allows at most 50 tags and treats IAM tag keys case-insensitively', async () => {
    const { target } = await sandbox();
    await target.usersAccount.createUser(ADA, { ...MANAGED, Team: 'a' });
    await target.usersAccount.tagUser(ADA, { team: 'b' });
    const live = await target.usersAccount.readUsersAccount('none');
    expect(live.users[0]?.tags).toEqual({ ...MANAGED, team: 'b' });
    const many = Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`k${i}`, 'v']));
    await target.usersAccount.tagUser(ADA, many);
    expect(await codeOf(target.usersAccount.tagUser(ADA, { one: 'too-many' }))).toBe('limit-exceeded');
  });

  it('refuses to delete an unmanaged or protected user', async () => {
    const { target } = await sandbox();
    await target.usersAccount.createUser(ADA, { team: 'x' });
    await target.usersAccount.createUser('break-glass-admin', MANAGED);
    expect(await codeOf(target.usersAccount.deleteUser(ADA))).toBe('not-managed');
    expect(await codeOf(target.usersAccount.deleteUser('break-glass-admin'))).toBe('protected');
    expect((await target.usersAccount.readUsersAccount('none')).users).toHaveLength(2);
  });

  it('removes every dependency before deleting a user, as the API requires', async () => {
    const { target } = await sandbox();
    await target.usersAccount.createGroup('CrossAccountAccess');
    await target.usersAccount.createUser(ADA, MANAGED);
    await target.usersAccount.addUserToGroup(ADA, 'CrossAccountAccess');
    await target.usersAccount.setTemporaryPassword(ADA, 'Sandbox-password-1234');
    const mfa = `arn:aws:iam::622626885786:mfa/${ADA}-phone`;
    await target.store.update((state) => {
      const user = state.usersAccount.users[0]!;
      user.accessKeys.push({ accessKeyId: 'AKIA1', status: 'Active' }, { accessKeyId: 'AKIA2', status: 'Active' });
      user.sshPublicKeys.push('APKA1');
      user.signingCertificates.push('CERT1');
      user.serviceSpecificCredentials.push('ACCA1');
      user.mfaDevices.push(mfa);
      user.inlinePolicies['own'] = { Version: '2012-10-17', Statement: [] };
      user.attachedPolicies.push('arn:aws:iam::aws:policy/ReadOnlyAccess');
      state.usersAccount.virtualMfaDevices.push(mfa, 'arn:aws:iam::622626885786:mfa/someone-else');
    });
    await target.usersAccount.deleteUser(ADA.toUpperCase());
    const state = await target.store.read();
    expect(state.usersAccount.users).toEqual([]);
    expect(state.usersAccount.virtualMfaDevices).toEqual(['arn:aws:iam::622626885786:mfa/someone-else']);
  });

  it('checks temporary passwords against the password policy and stores only a hash', async () => {
    const s = await sandbox();
    const { usersAccount } = s.target;
    await usersAccount.putPasswordPolicy({
      minimumLength: 20,
      requireSymbols: true,
      requireNumbers: false,
      requireUppercase: false,
      requireLowercase: false,
      allowUsersToChangePassword: true,
      hardExpiry: false,
    });
    await usersAccount.createUser(ADA, MANAGED);
    expect(await codeOf(usersAccount.setTemporaryPassword(ADA, 'short-1!'))).toBe('password-policy-violation');
    expect(await codeOf(usersAccount.setTemporaryPassword(ADA, 'longenoughbutnosymbols'))).toBe('password-policy-violation');
    const password = 'long-enough-with-symbol!';
    await usersAccount.setTemporaryPassword(ADA, password);
    const profile = (await s.target.store.read()).usersAccount.users[0]?.loginProfile;
    expect(profile?.passwordResetRequired).toBe(true);
    expect(passwordMatches(profile!, password)).toBe(true);
    expect(passwordMatches(profile!, 'something else')).toBe(false);
    expect(await s.stateText()).not.toContain(password);
  });

  it('still checks a password against a hash written before the scrypt cost was recorded, and refuses a malformed one', () => {
    // scrypt$<salt>$<hash> at Node's default cost (N = 16384), for 'long-enough-with-symbol!'.
    const salt = '000102030405060708090a0b0c0d0e0f';
    const hash = scryptSync('long-enough-with-symbol!', Buffer.from(salt, 'hex'), 32).toString('hex');
    const profile = (passwordHash: string) => ({ passwordHash, passwordResetRequired: true, createdAt: '2026-11-30T00:00:00.000Z' });
    expect(passwordMatches(profile(`scrypt$${salt}$${hash}`), 'long-enough-with-symbol!')).toBe(true);
    expect(passwordMatches(profile(`scrypt$${salt}$${hash}`), 'something else')).toBe(false);
    expect(passwordMatches(profile(`scrypt$1000$${salt}$${hash}`), 'long-enough-with-symbol!')).toBe(false);
    expect(passwordMatches(profile(`scrypt$1024$${salt}$`), 'anything')).toBe(false);
  });

  it('rejects an out-of-range password policy', async () => {
    const { target } = await sandbox();
    const base = {
      requireSymbols: false,
      requireNumbers: false,
      requireUppercase: false,
      requireLowercase: false,
      allowUsersToChangePassword: true,
      hardExpiry: false,
    };
    expect(await codeOf(target.usersAccount.putPasswordPolicy({ ...base, minimumLength: 200 }))).toBe('invalid-input');
    expect(await codeOf(target.usersAccount.putPasswordPolicy({ ...base, minimumLength: 16, reusePrevention: 30 }))).toBe(
      'invalid-input',
    );
  });

  it('keeps state in one JSON file, written atomically, that a new target reads back', async () => {
    const s = await sandbox();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => s.target.usersAccount.createUser(`user${i}@digital.cabinet-office.gov.uk`, MANAGED)),
    );
    const files = await readdir(s.dir);
    expect(files.filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(JSON.parse(await s.stateText()).usersAccount.users).toHaveLength(20);
  });

  it('reports a corrupt state file clearly', async () => {
    const s = await sandbox();
    await writeFile(join(s.dir, 'state.json'), '{not json');
    const error = await s.target.usersAccount.readUsersAccount('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('sandbox-corrupt');
    expect((error as AppError).hint).toContain('.sandbox');
  });
});

describe('sandbox organization', () => {
  const input = (accountName: string, email = `aws-root+${accountName}@digital.cabinet-office.gov.uk`) => ({
    accountName,
    email,
    tags: MANAGED,
    accessRoleName: 'OrganizationAccountAccessRole',
  });

  it('without trusted access for account.amazonaws.com, as AWS, contacts cannot be written (code access-denied), nor read (unknown)', async () => {
    const { target } = await sandbox();
    const org = target.organization;
    const requestId = await org.startAccountCreation(input('team-contacts'));
    const accountId = (await org.describeAccountCreation(requestId)).accountId ?? '';
    expect((await org.readOrganization()).trustedServices).toEqual(['account.amazonaws.com']);
    await target.store.update((state) => {
      state.organization.trustedServices = [];
    });
    expect((await org.readOrganization()).trustedServices).toEqual([]);
    const contact = { name: 'Security', title: 'Security', email: 'security@example.gov.uk', phone: '0800 000 000' };
    await expect(org.putFacet(accountId, 'contacts', 'security', contact)).rejects.toMatchObject({ code: 'access-denied' });
    expect(await org.readFacets(accountId, ['contacts/security'])).toBe('unknown');
  });

  it('creates accounts asynchronously, completing on the first describe, with deterministic ids', async () => {
    const { target } = await sandbox();
    const org = target.organization;
    const requestId = await org.startAccountCreation(input('team-a'));
    const before = await org.readOrganization();
    expect(before.creations).toEqual([{ requestId, accountName: 'team-a', state: 'IN_PROGRESS' }]);
    expect(before.accounts.map((a) => a.name)).toEqual(['management']);
    const status = await org.describeAccountCreation(requestId);
    expect(status).toMatchObject({ state: 'SUCCEEDED', accountId: '100000001111' });
    const after = await org.readOrganization();
    expect(after.accounts.find((a) => a.name === 'team-a')).toMatchObject({
      id: '100000001111',
      status: 'ACTIVE',
      ouPath: '/',
      tags: MANAGED,
    });
    expect(after.memberAccountCount).toBe(1);
  });

  it('fails a creation with a taken root email as EMAIL_ALREADY_EXISTS, and a bad one as INVALID_EMAIL', async () => {
    const { target } = await sandbox();
    const org = target.organization;
    await org.describeAccountCreation(await org.startAccountCreation(input('first', 'root@example.gov.uk')));
    const taken = await org.describeAccountCreation(await org.startAccountCreation(input('second', 'ROOT@example.gov.uk')));
    expect(taken).toMatchObject({ state: 'FAILED', failureReason: 'EMAIL_ALREADY_EXISTS' });
    const invalid = await org.describeAccountCreation(await org.startAccountCreation(input('third', 'not-an-email')));
    expect(invalid).toMatchObject({ state: 'FAILED', failureReason: 'INVALID_EMAIL' });
  });

  it('allows only 5 creations in flight', async () => {
    const { target } = await sandbox();
    for (let i = 0; i < 5; i += 1) await target.organization.startAccountCreation(input(`acct-${i}`));
    expect(await codeOf(target.organization.startAccountCreation(input('acct-6')))).toBe('too-many-creations');
  });

  it('moves accounts only to existing OUs (declared ones and their ancestors)', async () => {
    const { target } = await sandbox({ ouPaths: ['/Workloads/Production'] });
    const org = target.organization;
    const { accountId } = await org.describeAccountCreation(await org.startAccountCreation(input('team-a')));
    expect((await org.readOrganization()).ouPaths).toEqual(['/', '/Workloads', '/Workloads/Production']);
    expect(await codeOf(org.moveAccount(accountId!, '/Nope'))).toBe('ou-not-found');
    await org.moveAccount(accountId!, '/Workloads/Production');
    expect((await org.readOrganization()).accounts.find((a) => a.id === accountId)?.ouPath).toBe('/Workloads/Production');
  });

  it('refuses to close the management account or an unmanaged one; closing twice is done; counts closures', async () => {
    const { target, settings } = await sandbox();
    const org = target.organization;
    const { accountId } = await org.describeAccountCreation(await org.startAccountCreation(input('team-a')));
    expect(await codeOf(org.closeAccount(settings.organization.management_account_id))).toBe('protected-account');
    const unmanaged = await org.describeAccountCreation(await org.startAccountCreation({ ...input('team-b'), tags: {} }));
    expect(await codeOf(org.closeAccount(unmanaged.accountId!))).toBe('not-managed');
    await org.closeAccount(accountId!);
    await org.closeAccount(accountId!);
    const live = await org.readOrganization();
    expect(live.accounts.find((a) => a.id === accountId)).toMatchObject({ status: 'SUSPENDED' });
    expect(await org.readRoles(accountId!)).toBe('unknown');
    expect(live.closedInLast30Days).toBe(1);
  });

  it('enforces the 30-day closure quota (10% of members, at least 10)', async () => {
    const { target } = await sandbox();
    const org = target.organization;
    const ids: string[] = [];
    for (let i = 0; i < 11; i += 1) {
      const { accountId } = await org.describeAccountCreation(await org.startAccountCreation(input(`acct-${i}`)));
      ids.push(accountId!);
    }
    for (const id of ids.slice(0, 10)) await org.closeAccount(id);
    expect(await codeOf(org.closeAccount(ids[10]!))).toBe('closure-quota');
  });

  const role = (settings: ReturnType<typeof someSettings>, users: string[]): RoleSpec => ({
    name: 'bootstrap',
    path: '/',
    description: 'Administrator role.',
    trustPolicy: bootstrapTrustPolicy(settings.users_account.id, users),
    inlinePolicies: {},
    attachedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
    tags: MANAGED,
  });

  it('rejects a trust policy naming a user that does not exist, like IAM', async () => {
    const { target, settings } = await sandbox();
    const org = target.organization;
    const { accountId } = await org.describeAccountCreation(await org.startAccountCreation(input('team-a')));
    expect(await codeOf(org.putRole(accountId!, role(settings, [ADA])))).toBe('malformed-policy');
  });

  it('shows a deleted trusted user as its unique id, as AWS does', async () => {
    const { target, settings } = await sandbox();
    const org = target.organization;
    await target.usersAccount.createUser(ADA, MANAGED);
    await target.usersAccount.createUser(BEN, MANAGED);
    const { accountId } = await org.describeAccountCreation(await org.startAccountCreation(input('team-a')));
    await org.putRole(accountId!, role(settings, [ADA, BEN]));
    await target.usersAccount.deleteUser(BEN);
    const roles = await org.readRoles(accountId!);
    const bootstrap = Array.isArray(roles) ? roles.find((r: LiveRole) => r.name === 'bootstrap') : undefined;
    const trusted = trustedPrincipals(bootstrap?.trustPolicy ?? {});
    expect(trusted).toHaveLength(2);
    expect(trusted).toEqual(expect.arrayContaining([`arn:aws:iam::${settings.users_account.id}:user/${ADA}`, expect.stringMatching(/^AIDA/)]));
  });

  it('cannot reach an account that does not exist (yet)', async () => {
    const { target, settings } = await sandbox();
    expect(await codeOf(target.organization.putRole('999999999999', role(settings, [ADA])))).toBe('account-not-ready');
  });

  it('reads roles through the reader role only when it may read: denied when it is missing or lacks the permission', async () => {
    const { target, settings } = await sandbox();
    const org = target.organization;
    await target.usersAccount.createUser(ADA, MANAGED);
    const { accountId } = await org.describeAccountCreation(await org.startAccountCreation(input('team-a')));
    expect(await org.readRoles(accountId!, 'reader')).toBe('denied');
    const reader: RoleSpec = { ...role(settings, [ADA]), name: 'reader', attachedPolicyArns: [], inlinePolicies: { read: readerPermissions() } };
    await org.putRole(accountId!, reader);
    expect(Array.isArray(await org.readRoles(accountId!, 'reader'))).toBe(true);
    await org.putRole(accountId!, { ...reader, inlinePolicies: { read: { Statement: [{ Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' }] } } });
    expect(await org.readRoles(accountId!, 'reader')).toBe('denied');
  });

  it('tags and untags accounts', async () => {
    const { target } = await sandbox();
    const org = target.organization;
    const { accountId } = await org.describeAccountCreation(await org.startAccountCreation(input('team-a')));
    await org.tagAccount(accountId!, { 'cost-centre': '10023', 'account-email-sent': 'true' });
    await org.untagAccount(accountId!, ['cost-centre']);
    const account = (await org.readOrganization()).accounts.find((a) => a.id === accountId);
    expect(account?.tags).toEqual({ ...MANAGED, 'account-email-sent': 'true' });
  });
});

describe('sandbox outbox', () => {
  it('writes each email as an RFC 5322 .eml file', async () => {
    const s = await sandbox({ now: aClock('2025-03-01T09:00:00.000Z') });
    await s.target.mailer.send({ to: [ADA], subject: 'Your AWS user in gds-users', body: 'line one\nline two' });
    await s.target.mailer.send({ to: [ADA, BEN], subject: 'Zweite Nachricht – ü', body: 'x' });
    const mails = await s.outbox();
    expect(mails.map((m) => m.name)).toEqual([
      '20250301T090000000Z-0001-your-aws-user-in-gds-users-ada-lovelace.eml',
      '20250301T090001000Z-0002-zweite-nachricht-ada-lovelace.eml',
    ]);
    const first = mails[0]!.text;
    expect(first).toContain('Date: Sat, 01 Mar 2025 09:00:00 +0000\r\n');
    expect(first).toContain('From: aws-access@digital.cabinet-office.gov.uk\r\n');
    expect(first).toContain(`To: ${ADA}\r\n`);
    expect(first).toContain('Subject: Your AWS user in gds-users\r\n');
    expect(first).toContain('MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n');
    expect(first.endsWith('\r\n\r\nline one\r\nline two\r\n')).toBe(true);
    expect(mails[1]!.text).toContain(`To: ${ADA}, ${BEN}\r\n`);
    expect(mails[1]!.text).toMatch(/Subject: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=\r\n/);
  });

  it('refuses messages without valid recipients', async () => {
    const s = await sandbox();
    expect(await codeOf(s.target.mailer.send({ to: [], subject: 's', body: 'b' }))).toBe('invalid-email');
    expect(await codeOf(s.target.mailer.send({ to: ['nobody'], subject: 's', body: 'b' }))).toBe('invalid-email');
    expect(await s.outbox()).toEqual([]);
  });

  it('continues numbering after messages already in the outbox', async () => {
    const s = await sandbox();
    await s.target.mailer.send({ to: [ADA], subject: 'one', body: 'b' });
    const { createSandboxTarget } = await import('../../../src/adapters/sandbox/sandbox-target.ts');
    const again = createSandboxTarget({ dir: s.dir, settings: s.settings });
    await again.mailer.send({ to: [ADA], subject: 'two', body: 'b' });
    const names = (await s.outbox()).map((m) => m.name);
    expect(names[1]).toMatch(/-0002-/);
    expect(await readFile(join(s.target.outbox, names[1]!), 'utf8')).toContain('Subject: two');
  });
});
