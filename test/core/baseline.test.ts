import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_TAG_KEYS,
  ACCOUNT_TAG_KEYS_TAG,
  accountTags,
  decodeTagKeys,
  desiredGroupPolicies,
  desiredPasswordPolicy,
  encodeTagKeys,
  recordedAccountTagKeys,
  sanitizeTagValue,
  userTags,
} from '../../src/core/baseline.ts';
import { anAccount, aUser, someSettings, USERS_ACCOUNT_ID } from '../support/builders.ts';

type Statement = { Sid: string; Effect: string; Action?: string | string[]; NotAction?: string[]; Resource: string; Condition?: unknown };

function statements(document: unknown): Statement[] {
  return (document as { Statement: Statement[] }).Statement;
}

function actionsOf(statement: Statement): string[] {
  const action = statement.Action ?? [];
  return Array.isArray(action) ? action : [action];
}

describe('desiredPasswordPolicy', () => {
  it('sets every field, lets users change their password, has no hard expiry and never goes below 16 characters', () => {
    const base = someSettings();
    const settings = someSettings({ users_account: { ...base.users_account, password_policy: { minimum_length: 12 } } });
    expect(desiredPasswordPolicy(settings)).toEqual({
      minimumLength: 16,
      requireSymbols: false,
      requireNumbers: false,
      requireUppercase: false,
      requireLowercase: false,
      allowUsersToChangePassword: true,
      hardExpiry: false,
    });
  });

  it('carries the optional rules when set', () => {
    const base = someSettings();
    const settings = someSettings({
      users_account: {
        ...base.users_account,
        password_policy: { minimum_length: 20, require_symbols: true, max_age_days: 90, reuse_prevention: 5 },
      },
    });
    expect(desiredPasswordPolicy(settings)).toMatchObject({ minimumLength: 20, requireSymbols: true, maxAgeDays: 90, reusePrevention: 5 });
  });
});

describe('desiredGroupPolicies', () => {
  const policies = desiredGroupPolicies(someSettings());

  it('has the three policies, in a stable order', () => {
    expect(Object.keys(policies)).toEqual(['assume-roles-with-mfa', 'deny-without-mfa', 'manage-own-credentials']);
    expect(JSON.stringify(desiredGroupPolicies(someSettings()))).toBe(JSON.stringify(policies));
  });

  it('allows assuming roles only with MFA (Bool, so long-term keys are not let through)', () => {
    expect(statements(policies['assume-roles-with-mfa'])).toEqual([
      { Sid: 'AssumeRolesOnlyWithMfa', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } },
    ]);
  });

  it('denies everything but first sign-in and MFA set-up without MFA, with BoolIfExists', () => {
    const [deny] = statements(policies['deny-without-mfa']);
    expect(deny?.Effect).toBe('Deny');
    expect(deny?.Resource).toBe('*');
    expect(deny?.Condition).toEqual({ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } });
    expect(deny?.NotAction).toEqual(
      expect.arrayContaining(['iam:ChangePassword', 'iam:GetUser', 'iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:ListMFADevices', 'sts:GetSessionToken']),
    );
    expect(deny?.NotAction).not.toContain('sts:AssumeRole');
    expect(deny?.NotAction).not.toContain('iam:CreateAccessKey');
  });

  it('scopes credentials to the caller, MFA devices to names starting with the user name', () => {
    const own = `arn:aws:iam::${USERS_ACCOUNT_ID}:user/\${aws:username}`;
    const all = statements(policies['manage-own-credentials']);
    const byAction = (action: string) => all.filter((s) => actionsOf(s).includes(action));
    expect(byAction('iam:ChangePassword').map((s) => s.Resource)).toEqual([own]);
    expect(byAction('iam:CreateAccessKey').map((s) => s.Resource)).toEqual([own]);
    expect(byAction('iam:UploadSSHPublicKey').map((s) => s.Resource)).toEqual([own]);
    expect(byAction('iam:CreateVirtualMFADevice').map((s) => s.Resource)).toEqual([`arn:aws:iam::${USERS_ACCOUNT_ID}:mfa/\${aws:username}*`]);
    expect(byAction('iam:EnableMFADevice').map((s) => s.Resource)).toEqual([own]);
    expect(byAction('iam:ListUsers').map((s) => s.Resource)).toEqual(['*']);
    const [deactivate] = byAction('iam:DeactivateMFADevice');
    expect(deactivate?.Condition).toEqual({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } });
  });

  it('never lets users edit or drop their login profile', () => {
    const actions = Object.values(policies).flatMap((p) => statements(p).flatMap(actionsOf));
    for (const forbidden of ['iam:CreateLoginProfile', 'iam:UpdateLoginProfile', 'iam:DeleteLoginProfile']) {
      expect(actions).not.toContain(forbidden);
    }
  });

  it("fits IAM's 5,120-character limit for a group's inline policies", () => {
    const size = Object.values(policies)
      .map((p) => JSON.stringify(p).replace(/\s/g, '').length)
      .reduce((a, b) => a + b, 0);
    expect(size).toBeLessThan(5120);
  });
});

describe('userTags', () => {
  it('records the file, not the credentials', () => {
    expect(userTags(aUser('ada@example.gov.uk', { github: 'ada' }))).toEqual({
      'managed-by': 'aws-access-as-code',
      team: 'platform',
      'requested-by': 'lead@example.gov.uk',
      'full-name': 'Ada Lovelace',
      github: 'ada',
    });
    expect(userTags(aUser())).not.toHaveProperty('github');
    expect(userTags(aUser())).not.toHaveProperty('credentials-sent');
  });

  it("keeps only AWS's tag alphabet", () => {
    expect(userTags(aUser('ob@example.gov.uk', { name: "Siobhán O'Brien" }))['full-name']).toBe('Siobhán OBrien');
    expect(sanitizeTagValue('a'.repeat(300))).toHaveLength(256);
  });
});

describe('accountTags', () => {
  it("adds the project's keys, a record of the file's keys, and the file's tags", () => {
    const tags = accountTags(anAccount('svc', { tags: { 'service-name': 'GOV.UK', 'cost code': 'x=1' } }));
    expect(tags).toEqual({
      'managed-by': 'aws-access-as-code',
      'team-name': 'Platform',
      'team-email-address': 'platform@example.gov.uk',
      'billing-cost-centre': '10023',
      'billing-business-unit': 'Digital',
      'requested-by': 'lead@example.gov.uk',
      [ACCOUNT_TAG_KEYS_TAG]: 'cost=_code service-name',
      'cost code': 'x=1',
      'service-name': 'GOV.UK',
    });
    expect(recordedAccountTagKeys(tags)).toEqual(['cost code', 'service-name']);
  });

  it('stays within 50 tags, leaving one for account-email-sent', () => {
    const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`key-${String(i).padStart(2, '0')}`, 'v']));
    expect(Object.keys(accountTags(anAccount('svc', { tags: many }))).length).toBe(49);
  });

  it("ignores file tags that collide with the project's keys", () => {
    const tags = accountTags(anAccount('svc', { tags: { 'managed-by': 'someone-else' } }));
    expect(tags['managed-by']).toBe('aws-access-as-code');
    expect(Object.keys(tags)).toHaveLength(ACCOUNT_TAG_KEYS.length - 1);
    expect(tags).not.toHaveProperty(ACCOUNT_TAG_KEYS_TAG);
  });
});

describe('encodeTagKeys', () => {
  it('round-trips keys with spaces and equals signs', () => {
    const keys = ['a b', 'a=_', 'x==y', 'plain', 'Ünï cødé'];
    expect(decodeTagKeys(encodeTagKeys(keys))).toEqual([...keys].sort());
    expect(decodeTagKeys('')).toEqual([]);
  });

  it('records only the keys that fit in 256 characters', () => {
    const keys = Array.from({ length: 10 }, (_, i) => `${String(i)}${'k'.repeat(49)}`);
    const encoded = encodeTagKeys(keys);
    expect(encoded.length).toBeLessThanOrEqual(256);
    expect(decodeTagKeys(encoded)).toEqual(keys.slice(0, 5));
  });
});
