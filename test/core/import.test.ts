import { describe, expect, it } from 'vitest';
import { planImport, type ImportInput, type ImportOptions } from '../../src/core/import.ts';
import type { LiveUserCredentials } from '../../src/core/model.ts';
import { renderImportedFile } from '../../src/render/import-files.ts';
import { aDesiredState, aLiveAccount, aLiveUser, anEmptyLiveState, MANAGEMENT_ACCOUNT_ID, someSettings } from '../support/builders.ts';
import { load, TODAY } from '../config/fixture-repo.ts';

const OPTIONS: ImportOptions = { today: TODAY, staleDays: 90, contact: 'help@example.gov.uk' };
const NONE = { users: new Set<string>(), accountNames: new Set<string>(), accountIds: new Set<string>(), accountEmails: new Set<string>() };

function signIn(userName: string, overrides: Partial<LiveUserCredentials> = {}): LiveUserCredentials {
  return { userName, createdAt: '2026-05-01T09:00:00+00:00', hasPassword: true, mfaActive: true, accessKeys: [], ...overrides };
}

function anInput(parts: { users?: string[]; credentials?: LiveUserCredentials[]; accounts?: ReturnType<typeof aLiveAccount>[]; options?: Partial<ImportOptions>; existing?: Partial<typeof NONE> }): ImportInput {
  const live = anEmptyLiveState();
  const users = (parts.users ?? []).map((name) => aLiveUser(name));
  return {
    settings: aDesiredState().settings,
    live: { ...live, usersAccount: { users }, organization: { ...live.organization, accounts: parts.accounts ?? [] } },
    credentials: parts.credentials ?? users.map((u) => signIn(u.userName)),
    existing: { ...NONE, ...parts.existing },
    options: { ...OPTIONS, ...parts.options },
  };
}

describe('planImport: which users get a file', () => {
  it.each([
    ['break-glass', signIn('break-glass'), /a protected user/],
    ['ci-deployer', signIn('ci-deployer'), /its name is not an email/],
    ['someone@gmail.com', signIn('someone@gmail.com'), /gmail.com is not an allowed email domain/],
    ['gone@example.gov.uk', signIn('gone@example.gov.uk', { hasPassword: false }), /no console password and no active access key/],
    ['idle@example.gov.uk', signIn('idle@example.gov.uk', { passwordLastUsed: '2026-01-10T08:00:00+00:00' }), /last used 2026-01-10, more than 90 days ago/],
    ['never@example.gov.uk', signIn('never@example.gov.uk', { createdAt: '2025-01-01T00:00:00+00:00' }), /never used since it was set on 2025-01-01/],
  ])('%s is listed, not written', (name, credentials, reason) => {
    const result = planImport(anInput({ users: [name], credentials: [credentials] }));
    expect(result.users).toEqual([]);
    expect(result.skipped).toEqual([{ kind: 'user', name, reason: expect.stringMatching(reason) }]);
  });

  it('writes people with recent or no console use, or only access keys; adopt: true unless already managed', () => {
    const input = anInput({
      users: ['recent@example.gov.uk', 'keys@example.gov.uk'],
      credentials: [
        signIn('recent@example.gov.uk', { passwordLastUsed: '2026-05-20T08:00:00+00:00' }),
        signIn('keys@example.gov.uk', { hasPassword: false, accessKeys: [{ slot: 1, active: true }] }),
        signIn('managed@example.gov.uk'),
      ],
    });
    input.live = {
      ...input.live,
      usersAccount: { users: [...input.live.usersAccount.users, aLiveUser('managed@example.gov.uk', { tags: { 'managed-by': 'aws-access-as-code', team: 'data' } })] },
    };
    const result = planImport(input);
    expect(result.users.map((f) => [f.path, f.data.adopt])).toEqual([
      ['users/keys@example.gov.uk.yaml', true],
      ['users/managed@example.gov.uk.yaml', undefined],
      ['users/recent@example.gov.uk.yaml', true],
    ]);
    expect(result.adoptions).toBe(2);
    expect(result.skipped).toEqual([]);
  });

  it('fills what AWS does not know with validating stand-ins, commented and listed; takes what the tags say', () => {
    const input = anInput({ users: ['ada.lovelace@example.gov.uk', 'bob@contractor.example.com'] });
    input.live = {
      ...input.live,
      usersAccount: { users: [aLiveUser('Ada.Lovelace@example.gov.uk', { tags: { Team: 'GOV.UK Platform', github: 'ada-l' } }), aLiveUser('bob@contractor.example.com')] },
    };
    input.credentials = [signIn('Ada.Lovelace@example.gov.uk'), signIn('bob@contractor.example.com')];
    const result = planImport(input);
    const [ada, bob] = result.users;
    expect(ada?.data).toEqual({
      email: 'ada.lovelace@example.gov.uk',
      name: 'Ada Lovelace',
      team: 'gov-uk-platform',
      requested_by: 'ada.lovelace@example.gov.uk',
      reason: `Existed before this repository; imported on ${TODAY}`,
      github: 'ada-l',
      adopt: true,
    });
    expect(ada?.comments['requested_by']).toMatch(/AWS does not record who asked/);
    expect(bob?.data.team).toBe('unassigned');
    expect(bob?.data.expires).toBe('2026-08-30');
    expect(result.toComplete.filter((t) => t.path === 'users/bob@contractor.example.com.yaml').map((t) => t.field)).toEqual(['name', 'team', 'expires']);
  });

  it('keeps of a tagged name only what a user file takes: no link, digit, ":" or "@" reaches a file (and from there an email)', async () => {
    const names = { 'ann@example.gov.uk': 'URGENT: re-verify at https://aws.evil.example @team', 'bob@example.gov.uk': 'Anne St.John 2nd', 'cat@example.gov.uk': '42' };
    const input = anInput({ users: Object.keys(names) });
    input.live = { ...input.live, usersAccount: { users: Object.entries(names).map(([email, name]) => aLiveUser(email, { tags: { 'full-name': name } })) } };
    input.settings = someSettings({ email_domains: { staff: ['example.gov.uk'], contractor: [] } });
    const result = planImport(input);
    expect(result.users.map((f) => f.data.name)).toEqual(['URGENT re-verify at https aws. evil. example team', 'Anne St. John nd', 'Cat']);
    const files = Object.fromEntries(result.users.map((f) => [f.path, renderImportedFile(f)]));
    const { problems } = await load({ 'accounts/team-dev.yaml': null, 'users/ann@example.gov.uk.yaml': null, ...files });
    expect(problems).toEqual([]);
  });

  it('skips names the files already cover, and honours --only and --filter', () => {
    const users = ['ann@example.gov.uk', 'bob@example.gov.uk', 'cat@example.gov.uk'];
    const accounts = [aLiveAccount('team-dev'), aLiveAccount('team-prod')];
    const filed = planImport(anInput({ users, accounts, existing: { users: new Set(['ann@example.gov.uk']), accountIds: new Set([accounts[0]?.id ?? '']) } }));
    expect(filed.users.map((f) => f.data.email)).toEqual(['bob@example.gov.uk', 'cat@example.gov.uk']);
    expect(filed.alreadyFiled).toEqual({ users: 1, accounts: 1 });
    expect(filed.accounts.map((f) => f.data.name)).toEqual(['team-prod']);
    expect(planImport(anInput({ users, accounts, options: { only: 'users' } })).accounts).toEqual([]);
    expect(planImport(anInput({ users, accounts, options: { only: 'accounts' } })).users).toEqual([]);
    const filtered = planImport(anInput({ users, accounts, options: { filter: 'BOB' } }));
    expect(filtered.users.map((f) => f.data.email)).toEqual(['bob@example.gov.uk']);
    expect(filtered.accounts).toEqual([]);
  });
});

describe('planImport: which accounts get a file', () => {
  it("lists an account whose OU settings.yaml does not list yet, for a person to add there", () => {
    const input = anInput({ accounts: [aLiveAccount('audit', { ouPath: '/Security' }), aLiveAccount('web', { ouPath: '/Workloads/Production' })] });
    const settings = { ...input.settings, organization: { ...input.settings.organization, organizational_units: ['/Workloads/Production'] as [string, ...string[]] } };
    const result = planImport({ ...input, settings });
    expect(result.toComplete.filter((item) => item.field === 'organizational_unit')).toEqual([
      { path: 'accounts/audit.yaml', field: 'organizational_unit', why: expect.stringMatching(/^\/Security is not in organization.organizational_units/) },
    ]);
  });

  it('writes active member accounts with id and adopt: true; lists the management account and closed ones', () => {
    const accounts = [
      aLiveAccount('management', { id: MANAGEMENT_ACCOUNT_ID }),
      aLiveAccount('old-thing', { status: 'SUSPENDED' }),
      aLiveAccount('Payments Prod', { ouPath: '/Workloads/Production', email: 'Legacy@Example.gov.uk', tags: { 'team-name': 'Payments', 'billing-cost-centre': '42' } }),
    ];
    const result = planImport(anInput({ accounts }));
    expect(result.skipped.map((s) => [s.name.split(' ')[0], s.reason])).toEqual([
      ['management', expect.stringMatching(/the management account/)],
      ['old-thing', expect.stringMatching(/SUSPENDED/)],
    ]);
    const [file] = result.accounts;
    expect(file?.path).toBe('accounts/payments-prod.yaml');
    expect(file?.data).toEqual({
      name: 'payments-prod',
      description: `Existed before this repository (imported on ${TODAY}).`,
      organizational_unit: '/Workloads/Production',
      id: accounts[2]?.id,
      adopt: true,
      team: { name: 'Payments', email: 'help@example.gov.uk' },
      requested_by: 'help@example.gov.uk',
      billing: { cost_centre: '42', business_unit: 'unknown' },
      state: 'active',
      root_email: 'legacy@example.gov.uk',
    });
    expect(file?.comments['name']).toBe('imported: the account is called "Payments Prod" in AWS');
  });

  it('describes an unmanaged bootstrap-like role in the header and leaves it out of the file', () => {
    const account = aLiveAccount('team-prod', {
      roles: [
        {
          name: 'bootstrap',
          path: '/',
          trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:user/ann@example.gov.uk' }, Action: 'sts:AssumeRole' }] },
          inlinePolicies: {},
          attachedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
          tags: {},
        },
      ],
    });
    const [file] = planImport(anInput({ accounts: [account] })).accounts;
    expect(file?.data.bootstrap).toBeUndefined();
    expect(file?.header.join('\n')).toMatch(/A role named bootstrap exists in it without the managed-by tag, trusting ann@example.gov.uk/);
  });
});

describe('renderImportedFile', () => {
  it('writes files that validate, with the schema line first, quoted ids and comments on the lines', async () => {
    const input = anInput({
      users: ['bob@contractor.com', 'cat.smith@example.gov.uk'],
      accounts: [aLiveAccount('Payments Prod', { id: '012345678901', ouPath: '/Workloads/Production' })],
    });
    input.settings = someSettings({ email_domains: { staff: ['example.gov.uk'], contractor: ['contractor.com'] } });
    const result = planImport(input);
    const files = Object.fromEntries([...result.users, ...result.accounts].map((f) => [f.path, renderImportedFile(f)]));
    const account = files['accounts/payments-prod.yaml'] ?? '';
    expect(account.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/account.schema.json');
    expect(account).toMatch(/^id: "012345678901"$/m);
    expect(account).toMatch(/^  email: help@example.gov.uk # imported: no team contact in AWS; the migration contact stands in$/m);
    expect(files['users/bob@contractor.com.yaml']).toMatch(/^expires: 2026-08-30 # imported: contractors need an end date/m);
    const { desired, problems } = await load({ 'accounts/team-dev.yaml': null, 'users/ann@example.gov.uk.yaml': null, ...files });
    expect(problems).toEqual([]);
    expect(desired?.accounts.get('payments-prod')?.data.id).toBe('012345678901');
    expect(desired?.users.get('cat.smith@example.gov.uk')?.data).toMatchObject({ name: 'Cat Smith', adopt: true });
  });
});
