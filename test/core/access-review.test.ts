/**
 * The access review, rule by rule, with users and roles aged by hand: every date is fixed, and
 * `today` is an input, so each threshold is shown on both sides of its edge.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REVIEW_THRESHOLDS,
  FINDING_KINDS,
  FINDING_SEVERITY,
  reviewAccess,
  reviewThresholds,
  type Finding,
} from '../../src/core/access-review.ts';
import type { ApprovalRecord } from '../../src/core/access-history.ts';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, type LiveUserCredentials, type LiveState, type SettingsFile } from '../../src/core/model.ts';
import {
  aDesiredState,
  aLiveAccount,
  aLiveBootstrapRole,
  aLiveUser,
  anEmptyLiveState,
  aUser,
  MANAGEMENT_ACCOUNT_ID,
  someSettings,
} from '../support/builders.ts';

const TODAY = '2026-11-30';
const MANAGED = { [MANAGED_BY_TAG]: MANAGED_BY_VALUE };
const ADA = 'ada@example.gov.uk';

/** A timestamp `days` before TODAY, as IAM writes them. */
function daysAgo(days: number): string {
  return new Date(Date.parse(`${TODAY}T09:30:00Z`) - days * 86_400_000).toISOString().replace('.000Z', '+00:00');
}

/** A credential report row: a managed user made 200 days ago, signed in yesterday, with MFA and no keys. */
function aRow(userName: string, overrides: Partial<LiveUserCredentials> = {}): LiveUserCredentials {
  return {
    userName,
    createdAt: daysAgo(200),
    hasPassword: true,
    passwordLastChanged: daysAgo(200),
    passwordLastUsed: daysAgo(1),
    mfaActive: true,
    accessKeys: [],
    ...overrides,
  };
}

interface Scene {
  settings?: SettingsFile;
  files?: ReturnType<typeof aUser>[];
  users?: ReturnType<typeof aLiveUser>[];
  rows?: LiveUserCredentials[];
  accounts?: LiveState['organization']['accounts'];
  today?: string;
  approvals?: ApprovalRecord;
}

function review(scene: Scene) {
  const live = anEmptyLiveState();
  return reviewAccess({
    desired: aDesiredState({ users: scene.files ?? [aUser(ADA)], ...(scene.settings ? { settings: scene.settings } : {}) }),
    live: {
      ...live,
      usersAccount: { users: scene.users ?? [aLiveUser(ADA, { tags: MANAGED, groups: ['CrossAccountAccess'] })] },
      organization: { ...live.organization, accounts: scene.accounts ?? [] },
    },
    credentials: scene.rows ?? [aRow(ADA)],
    today: scene.today ?? TODAY,
    ...(scene.approvals ? { approvals: scene.approvals } : {}),
  });
}

const kinds = (findings: readonly Finding[]): string[] => findings.map((f) => `${f.kind} ${f.subject.type === 'user' ? f.subject.userName : `${f.subject.accountName}/${f.subject.roleName}`}`);

describe('reviewAccess', () => {
  it('finds nothing for a managed user with MFA, a recent sign-in and no keys', () => {
    const result = review({});
    expect(result.findings).toEqual([]);
    expect(result.checked).toEqual({ users: 1, bootstrapRoles: 0 });
    expect(result.notes).toEqual([]);
  });

  describe('everyConsoleUserHasMfa', () => {
    it.each([
      [7, false],
      [8, true],
    ])('a managed user created %i days ago with a password and no MFA: listed %s (grace 7 days)', (age, listed) => {
      const result = review({ rows: [aRow(ADA, { createdAt: daysAgo(age), mfaActive: false, passwordLastUsed: daysAgo(0) })] });
      expect(kinds(result.findings)).toEqual(listed ? [`no-mfa ${ADA}`] : []);
      if (listed) {
        expect(result.findings[0]).toMatchObject({ severity: 'high', fact: `console password and no MFA device; the user was created on ${daysAgo(8).slice(0, 10)} (8 days ago)` });
        expect(result.findings[0]?.action).toMatch(/^Ask ada@example\.gov\.uk to add an MFA device/);
      }
    });

    it('leaves out users without a console password (suspended), and unmanaged users', () => {
      expect(review({ rows: [aRow(ADA, { mfaActive: false, hasPassword: false })] }).findings).toEqual([]);
      const theirs = review({ files: [], users: [aLiveUser('bot')], rows: [aRow('bot', { mfaActive: false })] });
      expect(kinds(theirs.findings)).toEqual(['unmanaged-user bot']);
    });

    it('takes its grace period from settings.yaml', () => {
      const settings = someSettings({ access_review: { grace_days: 30 } });
      expect(review({ settings, rows: [aRow(ADA, { createdAt: daysAgo(20), mfaActive: false })] }).findings).toEqual([]);
    });
  });

  describe('everyPasswordIsInUse', () => {
    it.each([
      [89, false],
      [90, true],
    ])('a password last used %i days ago: listed %s (90 days)', (days, listed) => {
      const result = review({ rows: [aRow(ADA, { passwordLastUsed: daysAgo(days) })] });
      expect(kinds(result.findings)).toEqual(listed ? [`password-unused ${ADA}`] : []);
      if (listed) {
        expect(result.findings[0]?.fact).toBe(`console password last used on ${daysAgo(90).slice(0, 10)} (90 days ago)`);
        expect(result.findings[0]?.action).toBe('Ask lead@example.gov.uk (who requested it) whether the person still needs the AWS console; if not, remove users/ada@example.gov.uk.yaml to delete the user.');
      }
    });

    it.each([
      [7, false],
      [8, true],
    ])('a password never used, set %i days ago: listed %s (after the 7-day grace period)', (days, listed) => {
      const { passwordLastUsed: _never, ...row } = aRow(ADA, { passwordLastChanged: daysAgo(days) });
      const result = review({ rows: [row] });
      expect(kinds(result.findings)).toEqual(listed ? [`password-unused ${ADA}`] : []);
      if (listed) expect(result.findings[0]?.fact).toBe(`console password never used since it was set on ${daysAgo(8).slice(0, 10)} (8 days ago)`);
    });

    it('counts from the creation date when IAM has no password change date', () => {
      const { passwordLastUsed: _u, passwordLastChanged: _c, ...row } = aRow(ADA, { createdAt: daysAgo(30) });
      expect(review({ rows: [row] }).findings[0]?.fact).toBe(`console password never used since it was set on ${daysAgo(30).slice(0, 10)} (30 days ago)`);
    });

    it('takes its threshold from settings.yaml', () => {
      const settings = someSettings({ access_review: { unused_days: 45 } });
      expect(kinds(review({ settings, rows: [aRow(ADA, { passwordLastUsed: daysAgo(45) })] }).findings)).toEqual([`password-unused ${ADA}`]);
    });
  });

  describe('everyAccessKeyIsInUse and everyAccessKeyIsRecent', () => {
    it.each([
      [{ slot: 1 as const, active: true, createdAt: daysAgo(30), lastUsed: daysAgo(89) }, []],
      [{ slot: 1 as const, active: true, createdAt: daysAgo(30), lastUsed: daysAgo(90) }, ['access-key-unused']],
      [{ slot: 2 as const, active: true, createdAt: daysAgo(7) }, []],
      [{ slot: 2 as const, active: true, createdAt: daysAgo(8) }, ['access-key-unused']],
      [{ slot: 1 as const, active: true, createdAt: daysAgo(90), lastUsed: daysAgo(0) }, []],
      [{ slot: 1 as const, active: true, createdAt: daysAgo(91), lastUsed: daysAgo(0) }, ['access-key-old']],
      [{ slot: 1 as const, active: true, createdAt: daysAgo(400), lastUsed: daysAgo(200) }, ['access-key-unused', 'access-key-old']],
      [{ slot: 1 as const, active: false, createdAt: daysAgo(400), lastUsed: daysAgo(200) }, []],
    ])('%o: %o', (key, expected) => {
      expect(review({ rows: [aRow(ADA, { accessKeys: [key] })] }).findings.map((f) => f.kind)).toEqual(expected);
    });

    it('names the key by its slot and says what to do', () => {
      const findings = review({ rows: [aRow(ADA, { accessKeys: [{ slot: 2, active: true, createdAt: daysAgo(120) }] })] }).findings;
      expect(findings.map((f) => [f.kind, f.fact])).toEqual([
        ['access-key-unused', `access key 2 never used since it was created on ${daysAgo(120).slice(0, 10)} (120 days ago)`],
        ['access-key-old', `access key 2 created on ${daysAgo(120).slice(0, 10)} (120 days ago), more than 90 days ago`],
      ]);
      expect(findings[1]?.action).toMatch(/rotate it: create a second key, move every use to it, then deactivate and delete access key 2/);
    });

    it('takes the key age from settings.yaml', () => {
      const settings = someSettings({ access_review: { access_key_max_age_days: 365 } });
      expect(review({ settings, rows: [aRow(ADA, { accessKeys: [{ slot: 1, active: true, createdAt: daysAgo(200), lastUsed: daysAgo(1) }] })] }).findings).toEqual([]);
    });
  });

  describe('expiredUsersHaveNoAccess', () => {
    const contractor = 'cy@contractor.example.com';
    const file = (expires: string) => aUser(contractor, { expires });
    const liveUser = (groups: string[] = ['CrossAccountAccess']) => aLiveUser(contractor, { tags: MANAGED, groups });

    it.each([
      ['2026-12-31', []],
      ['2026-12-30', ['expiring-soon']],
      ['2026-12-01', ['expiring-soon']],
    ])('expires %s (soon means 30 days): %o', (expires, expected) => {
      const result = review({ files: [file(expires)], users: [liveUser()], rows: [aRow(contractor)] });
      expect(result.findings.map((f) => f.kind)).toEqual(expected);
    });

    it('says how soon, and what to do', () => {
      const [finding] = review({ files: [file('2026-12-10')], users: [liveUser()], rows: [aRow(contractor)] }).findings;
      expect(finding).toMatchObject({ severity: 'low', fact: 'expires 2026-12-10, in 10 days' });
      expect(finding?.action).toMatch(/move expires later in users\/cy@contractor\.example\.com\.yaml; otherwise access is suspended on that day/);
    });

    it('an expired user that still has a password, a key or a group is high, with what it still has', () => {
      const result = review({
        files: [file('2026-11-30')],
        users: [liveUser()],
        rows: [aRow(contractor, { accessKeys: [{ slot: 1, active: true, createdAt: daysAgo(10), lastUsed: daysAgo(1) }] })],
      });
      expect(result.findings.map((f) => [f.kind, f.severity, f.fact])).toEqual([
        ['expired-with-access', 'high', 'expires 2026-11-30, today, and still has a console password, an active access key, group CrossAccountAccess'],
      ]);
      expect(result.findings[0]?.action).toMatch(/^Run the apply workflow/);
    });

    it('a suspended expired user is low: delete the file', () => {
      const result = review({ files: [file('2026-10-01')], users: [liveUser([])], rows: [aRow(contractor, { hasPassword: false })] });
      expect(result.findings.map((f) => [f.kind, f.severity, f.fact])).toEqual([
        ['expired-suspended', 'low', 'expired 2026-10-01, 60 days ago; suspended (no password, no active access key, no group)'],
      ]);
      expect(result.findings[0]?.action).toBe('Remove users/cy@contractor.example.com.yaml to delete the user, or move expires later if the contract was extended.');
    });

    it("reads the expires tag of a user without a file, and the file's date over the tag", () => {
      const tagged = aLiveUser(contractor, { tags: { ...MANAGED, expires: '2026-12-05' } });
      expect(kinds(review({ files: [], users: [tagged], rows: [aRow(contractor)] }).findings)).toEqual([`expiring-soon ${contractor}`]);
      expect(review({ files: [file('2027-06-01')], users: [tagged], rows: [aRow(contractor)] }).findings).toEqual([]);
    });

    it('a managed user whose file has no expires has no end date, whatever expires tag is left on it', () => {
      const staff = 'dee@example.gov.uk';
      const stale = aLiveUser(staff, { tags: { ...MANAGED, expires: '2026-11-01' }, groups: ['CrossAccountAccess'] });
      expect(review({ files: [aUser(staff)], users: [stale], rows: [aRow(staff)] }).findings).toEqual([]);
    });

    it('takes "soon" from settings.yaml', () => {
      const settings = someSettings({ access_review: { expiring_within_days: 7 } });
      expect(review({ settings, files: [file('2026-12-10')], users: [liveUser()], rows: [aRow(contractor)] }).findings).toEqual([]);
    });
  });

  describe('everyUserIsManaged', () => {
    it('lists users without the managed-by tag, but never a protected user', () => {
      const result = review({
        files: [aUser(ADA), aUser('bob@example.gov.uk')],
        users: [aLiveUser(ADA, { tags: MANAGED }), aLiveUser('bob@example.gov.uk'), aLiveUser('ci-bot'), aLiveUser('break-glass')],
        rows: [aRow(ADA), aRow('bob@example.gov.uk'), aRow('ci-bot', { hasPassword: false }), aRow('break-glass', { passwordLastUsed: daysAgo(900), mfaActive: false })],
      });
      expect(result.findings.map((f) => [f.kind, f.severity, f.subject, f.fact])).toEqual([
        ['unmanaged-user', 'medium', { type: 'user', userName: 'bob@example.gov.uk' }, 'IAM user without the managed-by tag; users/bob@example.gov.uk.yaml names it but does not adopt it'],
        ['unmanaged-user', 'medium', { type: 'user', userName: 'ci-bot' }, 'IAM user without the managed-by tag and without a file: nothing here reviews who it belongs to'],
      ]);
      expect(result.checked.users).toBe(3);
    });

    it("checks an unmanaged user's credentials too", () => {
      const result = review({ files: [], users: [aLiveUser('ci-bot')], rows: [aRow('ci-bot', { hasPassword: false, accessKeys: [{ slot: 1, active: true, createdAt: daysAgo(500), lastUsed: daysAgo(2) }] })] });
      expect(kinds(result.findings)).toEqual(['unmanaged-user ci-bot', 'access-key-old ci-bot']);
      expect(result.findings[1]?.action).toMatch(/^Find out who owns this user and ask them to rotate it/);
    });
  });

  describe('bootstrapRolesAreTemporary', () => {
    const withRole = (createdAt: string | undefined, name = 'bootstrap', managed = true) => [
      aLiveAccount('team-production', {
        roles: [{ ...aLiveBootstrapRole([ADA], { managed }), name, ...(createdAt === undefined ? {} : { createdAt }) }],
      }),
    ];

    it.each([
      [90, false],
      [91, true],
    ])('a bootstrap role created %i days ago: listed %s (90 days)', (age, listed) => {
      const result = review({ accounts: withRole(daysAgo(age)) });
      expect(kinds(result.findings)).toEqual(listed ? ['bootstrap-role-old team-production/bootstrap'] : []);
      expect(result.checked.bootstrapRoles).toBe(1);
    });

    it('names the account, the age and who it trusts, and how to remove it', () => {
      const [finding] = review({ accounts: withRole(daysAgo(200)) }).findings;
      expect(finding).toMatchObject({
        kind: 'bootstrap-role-old',
        severity: 'medium',
        subject: { type: 'role', roleName: 'bootstrap', accountName: 'team-production' },
        fact: `administrator role created on ${daysAgo(200).slice(0, 10)} (200 days ago), more than 90 days ago; trusted by ${ADA}`,
      });
      expect(finding?.action).toMatch(/set bootstrap: \{state: removed, users: \[\]\} in accounts\/team-production\.yaml/);
      expect(review({ accounts: withRole(daysAgo(200), 'bootstrap', false) }).findings[0]?.action).toMatch(/delete it by hand/);
    });

    it('looks only at roles with the bootstrap name, in active member accounts', () => {
      expect(review({ accounts: withRole(daysAgo(500), 'team-admin') }).findings).toEqual([]);
      const suspended = withRole(daysAgo(500)).map((a) => ({ ...a, status: 'SUSPENDED' as const }));
      expect(review({ accounts: suspended }).findings).toEqual([]);
      const management = withRole(daysAgo(500)).map((a) => ({ ...a, id: MANAGEMENT_ACCOUNT_ID }));
      expect(review({ accounts: management }).findings).toEqual([]);
    });

    it('says what it could not check: roles not readable, a role without a date', () => {
      const denied = [aLiveAccount('team-production', { roles: 'denied' })];
      expect(review({ accounts: denied }).notes).toEqual([expect.stringMatching(/^The roles of team-production \(\d{12}\) could not be read \(the reader role refused\)/)]);
      expect(review({ accounts: withRole(undefined) }).notes).toEqual(['bootstrap in team-production has no creation date, so its age was not checked.']);
    });

    it('takes its age from settings.yaml', () => {
      const settings = someSettings({ access_review: { bootstrap_role_max_age_days: 365 } });
      expect(review({ settings, accounts: withRole(daysAgo(200)) }).findings).toEqual([]);
    });
  });

  it('notes users missing from the credential report instead of guessing', () => {
    const result = review({ rows: [] });
    expect(result.findings).toEqual([]);
    expect(result.notes).toEqual([expect.stringContaining('so their passwords, keys and MFA were not checked: ada@example.gov.uk.')]);
  });

  describe('accessIsRecertified', () => {
    const approvedDaysAgo = (days: number, pullRequest?: number): ApprovalRecord => ({
      kind: 'known',
      lastApproved: new Map([[ADA, { committedAt: daysAgo(days), sha: '1a2b3c4d5e6f', pullRequest }]]),
    });

    it.each([
      [365, false],
      [366, true],
    ])('access last approved %i days ago: listed %s (365 days)', (days, listed) => {
      const result = review({ approvals: approvedDaysAgo(days, 12) });
      expect(kinds(result.findings)).toEqual(listed ? [`recertification-due ${ADA}`] : []);
      if (listed) {
        expect(result.findings[0]).toMatchObject({
          severity: 'medium',
          fact: `access last approved on ${daysAgo(366).slice(0, 10)} (366 days ago) in pull request #12 (commit 1a2b3c4), more than 365 days ago`,
          action:
            'Ask lead@example.gov.uk (who requested it) whether ada@example.gov.uk still needs this access. If so, an approved pull request that updates users/ada@example.gov.uk.yaml (its reason: why they still need it) records a fresh approval; if not, remove them from the account files and remove users/ada@example.gov.uk.yaml.',
        });
      }
    });

    it('names the commit when there was no pull request, and takes its threshold from settings.yaml', () => {
      const settings = someSettings({ access_review: { recertify_after_days: 30 } });
      const result = review({ settings, approvals: approvedDaysAgo(31, undefined) });
      expect(result.findings[0]?.fact).toBe(`access last approved on ${daysAgo(31).slice(0, 10)} (31 days ago) in commit 1a2b3c4, more than 30 days ago`);
      expect(result.thresholds.recertifyAfterDays).toBe(30);
    });

    it('leaves out users whose access has ended, users no commit approved yet, and users without a file', () => {
      const ended = review({ files: [aUser(ADA, { expires: '2026-11-01' })], users: [aLiveUser(ADA, { tags: MANAGED })], rows: [aRow(ADA, { hasPassword: false })], approvals: approvedDaysAgo(800) });
      expect(kinds(ended.findings)).toEqual([`expired-suspended ${ADA}`]);
      expect(review({ approvals: { kind: 'known', lastApproved: new Map() } }).findings).toEqual([]);
      const unfiled = review({ files: [], users: [aLiveUser(ADA)], approvals: approvedDaysAgo(800) });
      expect(kinds(unfiled.findings)).toEqual([`unmanaged-user ${ADA}`]);
    });

    it('without git history, skips the check with a note saying why', () => {
      const result = review({ approvals: { kind: 'unknown', reason: "the clone's history is shallow" } });
      expect(result.findings).toEqual([]);
      expect(result.notes).toEqual(["Recertification (access last approved more than 365 days ago) was not checked: the clone's history is shallow."]);
    });
  });

  it('lists the most severe first, then by kind, then by name', () => {
    const contractor = 'cy@contractor.example.com';
    const result = review({
      files: [aUser(ADA), aUser(contractor, { expires: '2026-12-05' })],
      users: [aLiveUser(ADA, { tags: MANAGED }), aLiveUser(contractor, { tags: MANAGED }), aLiveUser('zed')],
      rows: [aRow(ADA, { mfaActive: false, passwordLastUsed: daysAgo(100) }), aRow(contractor, { mfaActive: false }), aRow('zed')],
      accounts: [aLiveAccount('team-production', { roles: [{ ...aLiveBootstrapRole([ADA]), createdAt: daysAgo(365) }] })],
    });
    expect(kinds(result.findings)).toEqual([
      `no-mfa ${ADA}`,
      `no-mfa ${contractor}`,
      'unmanaged-user zed',
      `password-unused ${ADA}`,
      'bootstrap-role-old team-production/bootstrap',
      `expiring-soon ${contractor}`,
    ]);
  });

  it('has a severity for every kind, and the documented defaults', () => {
    expect(Object.keys(FINDING_SEVERITY)).toEqual(FINDING_KINDS);
    expect(reviewThresholds(someSettings())).toEqual(DEFAULT_REVIEW_THRESHOLDS);
    expect(DEFAULT_REVIEW_THRESHOLDS).toEqual({ graceDays: 7, unusedDays: 90, accessKeyMaxAgeDays: 90, expiringWithinDays: 30, bootstrapRoleMaxAgeDays: 90, recertifyAfterDays: 365 });
    // The schema documents the same defaults (it is the documentation of settings.yaml).
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../../schema/settings.schema.json'), 'utf8')) as {
      properties: { access_review: { properties: Record<string, { default: number }> } };
    };
    const documented = Object.fromEntries(Object.entries(schema.properties.access_review.properties).map(([key, field]) => [key, field.default]));
    const settings = someSettings({ access_review: documented });
    expect(reviewThresholds(settings)).toEqual(DEFAULT_REVIEW_THRESHOLDS);
    expect(Object.keys(documented)).toHaveLength(Object.keys(DEFAULT_REVIEW_THRESHOLDS).length);
  });
});
