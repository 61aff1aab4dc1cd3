import { describe, expect, it } from 'vitest';
import {
  SetupInputError,
  buildApplyRolePermissions,
  buildApplyRoleTrust,
  buildOrganizationReadRolePermissions,
  buildOrganizationReadRoleTrust,
  buildOrganizationRolePermissions,
  buildOrganizationRoleTrust,
  buildPlanRolePermissions,
  buildPlanRoleTrust,
  buildSetupPolicies,
  buildUsersReadRolePermissions,
  buildUsersReadRoleTrust,
  buildUsersRolePermissions,
  buildUsersRoleTrust,
  type PolicyDocument,
  type PolicyStatement,
  type SetupInput,
  type SetupSettings,
} from '../../../src/adapters/github/aws-setup-policies.ts';

const USERS = '111111111111';
const MANAGEMENT = '222222222222';

function aSettings(overrides: { users?: Partial<SetupSettings['users_account']>; organization?: Partial<SetupSettings['organization']> } = {}): SetupSettings {
  return {
    users_account: { id: USERS, alias: 'users', region: 'eu-west-2', group: 'CrossAccountAccess', password_policy: { minimum_length: 16 }, ...overrides.users },
    organization: {
      management_account_id: MANAGEMENT,
      access_role_name: 'OrganizationAccountAccessRole',
      bootstrap_role_name: 'bootstrap',
      root_email_template: 'aws+{name}@example.gov.uk',
      ...overrides.organization,
    },
    email: { sender: 'aws@example.gov.uk', region: 'eu-west-1', support_mailbox: 'help@example.gov.uk' },
    protected_users: ['break-glass'],
  };
}

function anInput(overrides: Partial<SetupInput> = {}): SetupInput {
  return { settings: aSettings(), repository: 'example-org/aws-access', environment: 'production', defaultBranch: 'main', ...overrides };
}

/** Every condition operator used anywhere in a document. */
function operators(document: PolicyDocument): string[] {
  return document.Statement.flatMap((s) => Object.keys(s.Condition ?? {}));
}

function subOf(document: PolicyDocument): unknown {
  return document.Statement[0]?.Condition?.['StringEquals']?.['token.actions.githubusercontent.com:sub'];
}

function statement(document: PolicyDocument | undefined, sid: string): PolicyStatement | undefined {
  return document?.Statement.find((s) => s.Sid === sid);
}

function actions(document: PolicyDocument | undefined): string[] {
  return (document?.Statement ?? []).filter((s) => s.Effect === 'Allow').flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}

describe('OIDC trust policies', () => {
  it('pin the plan role to pull requests and the default branch, exactly', () => {
    const trust = buildPlanRoleTrust(anInput());
    expect(subOf(trust)).toEqual(['repo:example-org/aws-access:pull_request', 'repo:example-org/aws-access:ref:refs/heads/main']);
    expect(trust.Statement[0]).toMatchObject({
      Effect: 'Allow',
      Action: 'sts:AssumeRoleWithWebIdentity',
      Principal: { Federated: `arn:aws:iam::${USERS}:oidc-provider/token.actions.githubusercontent.com` },
      Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } },
    });
  });

  it('pin the apply role to the environment only', () => {
    expect(subOf(buildApplyRoleTrust(anInput()))).toBe('repo:example-org/aws-access:environment:production');
    expect(subOf(buildApplyRoleTrust(anInput({ environment: 'prod-aws' })))).toBe('repo:example-org/aws-access:environment:prod-aws');
  });

  it('never use StringLike or a wildcard in a subject', () => {
    for (const trust of [buildPlanRoleTrust(anInput()), buildApplyRoleTrust(anInput())]) {
      expect(operators(trust)).toEqual(['StringEquals']);
      expect(JSON.stringify(trust)).not.toMatch(/StringLike|ForAnyValue/);
      expect([subOf(trust)].flat().join(' ')).not.toMatch(/[*?]/);
    }
  });

  it('use the immutable subject prefix when given', () => {
    const input = anInput({ subjectPrefix: 'repo:example-org-123/aws-access-456' });
    expect(subOf(buildApplyRoleTrust(input))).toBe('repo:example-org-123/aws-access-456:environment:production');
  });

  it.each([
    [{ repository: 'example-org/*' }, /--repo/],
    [{ repository: 'no-slash' }, /--repo/],
    [{ environment: 'prod*' }, /environment/],
    [{ environment: 'a:b' }, /environment/],
    [{ defaultBranch: '*' }, /branch/],
    [{ subjectPrefix: 'repo:org/*' }, /subject-prefix/],
    [{ account: '123' }, /account/],
  ])('refuse input that would widen a subject: %j', (overrides, message) => {
    expect(() => buildApplyRoleTrust(anInput(overrides))).toThrow(SetupInputError);
    expect(() => buildApplyRoleTrust(anInput(overrides))).toThrow(message);
  });
});

describe('permissions, one account for users and Organizations', () => {
  const input = anInput({ settings: aSettings({ organization: { management_account_id: USERS } }) });

  it('plan only reads', () => {
    const plan = buildPlanRolePermissions(input);
    // GenerateCredentialReport (for import and the access review) builds IAM's report and creates no resource.
    const writes = actions(plan).filter(
      (a) => !/^(iam|organizations|account):(Get|List|Describe)/.test(a) && a !== 'sts:AssumeRole' && a !== 'iam:GenerateCredentialReport',
    );
    expect(writes).toEqual([]);
    // Alternate contacts of member accounts only, and whether trusted access lets the project reach them.
    expect(statement(plan, 'ReadAlternateContacts')).toMatchObject({ Action: 'account:GetAlternateContact', Resource: expect.stringMatching(/^arn:aws:account::\d{12}:account\/o-\*\/\*$/) });
    expect(actions(plan)).toContain('organizations:ListAWSServiceAccessForOrganization');
    expect(actions(plan)).toEqual(expect.arrayContaining(['iam:ListAccountAliases', 'iam:GenerateCredentialReport', 'iam:GetCredentialReport']));
    expect(actions(plan)).toEqual(
      expect.arrayContaining(['iam:GetAccountAuthorizationDetails', 'iam:GetAccountPasswordPolicy', 'organizations:ListAccounts']),
    );
    expect(statement(plan, 'AssumeMemberAccessRoles')?.Resource).toBe('arn:aws:iam::*:role/OrganizationAccountAccessRole');
    expect(buildOrganizationRoleTrust(input)).toBeUndefined();
  });

  it('apply writes only managed users, the group, the password policy, the Organization and SES from the sender', () => {
    const apply = buildApplyRolePermissions(input);
    expect(statement(apply, 'ChangeAlternateContacts')).toMatchObject({
      Action: ['account:PutAlternateContact', 'account:DeleteAlternateContact'],
      Resource: expect.stringMatching(/:account\/o-\*\/\*$/),
    });
    expect(statement(apply, 'ChangeOnlyManagedUsers')).toMatchObject({
      Resource: `arn:aws:iam::${USERS}:user/*`,
      Condition: { StringEquals: { 'aws:ResourceTag/managed-by': 'aws-access-as-code' } },
    });
    expect(statement(apply, 'ChangeOnlyManagedUsers')?.Action).toEqual(
      expect.arrayContaining(['iam:DeleteUser', 'iam:DeleteLoginProfile', 'iam:DeleteAccessKey', 'iam:UpdateAccessKey', 'iam:DeactivateMFADevice']),
    );
    expect(statement(apply, 'CreateUsersOnlyTaggedAsManaged')?.Condition).toEqual({
      StringEquals: { 'aws:RequestTag/managed-by': 'aws-access-as-code' },
    });
    expect(statement(apply, 'ManageTheUsersGroup')?.Resource).toBe(`arn:aws:iam::${USERS}:group/CrossAccountAccess`);
    expect(statement(apply, 'NeverTouchProtectedUsers')).toMatchObject({
      Effect: 'Deny',
      Resource: [`arn:aws:iam::${USERS}:user/break-glass`, `arn:aws:iam::${USERS}:user/*/break-glass`],
    });
    expect(statement(apply, 'SendFromTheConfiguredSenderOnly')).toMatchObject({
      Resource: [`arn:aws:ses:eu-west-1:${USERS}:identity/aws@example.gov.uk`, `arn:aws:ses:eu-west-1:${USERS}:identity/example.gov.uk`],
      Condition: { StringEquals: { 'ses:FromAddress': 'aws@example.gov.uk' } },
    });
    expect(actions(apply)).toEqual(
      expect.arrayContaining(['organizations:CreateAccount', 'organizations:MoveAccount', 'organizations:TagResource', 'organizations:CloseAccount', 'iam:UpdateAccountPasswordPolicy']),
    );
    expect(actions(apply)).not.toContain('iam:*');
    expect(actions(apply).some((a) => a.endsWith(':*'))).toBe(false);
    expect(actions(apply)).toContain('iam:CreateAccountAlias');
  });

  it('apply may tag unmanaged users (to adopt them) only while limits.max_adoptions_per_run opens a migration window', () => {
    expect(statement(buildApplyRolePermissions(input), 'AdoptUsersDuringMigration')).toBeUndefined();
    const limits = { max_deletions_per_run: 5, max_closures_per_run: 1 };
    expect(statement(buildApplyRolePermissions({ ...input, settings: { ...input.settings, limits: { ...limits, max_adoptions_per_run: 0 } } }), 'AdoptUsersDuringMigration')).toBeUndefined();
    const open = buildApplyRolePermissions({ ...input, settings: { ...input.settings, limits: { ...limits, max_adoptions_per_run: 400 } } });
    expect(statement(open, 'AdoptUsersDuringMigration')).toEqual({
      Sid: 'AdoptUsersDuringMigration',
      Effect: 'Allow',
      Action: 'iam:TagUser',
      Resource: `arn:aws:iam::${USERS}:user/*`,
      Condition: { StringEquals: { 'aws:RequestTag/managed-by': 'aws-access-as-code', 'aws:RequestTag/credentials-sent': 'adopted' } },
    });
    expect(statement(open, 'NeverTouchProtectedUsers')?.Action).toContain('iam:TagUser');
    const windowNote = /^Migration window open: limits.max_adoptions_per_run is 400/;
    expect(buildSetupPolicies({ ...input, settings: { ...input.settings, limits: { ...limits, max_adoptions_per_run: 400 } } }).notes).toContainEqual(expect.stringMatching(windowNote));
    expect(buildSetupPolicies(input).notes).not.toContainEqual(expect.stringMatching(windowNote));
  });
});

describe('permissions, management account elsewhere', () => {
  it('go through an organization role trusted by the apply role only, and a read role trusted by the plan role only', () => {
    const input = anInput();
    const orgRole = `arn:aws:iam::${MANAGEMENT}:role/aws-access-as-code-organization`;
    const orgReadRole = `arn:aws:iam::${MANAGEMENT}:role/aws-access-as-code-organization-read`;
    expect(statement(buildPlanRolePermissions(input), 'AssumeConfiguredRoles')?.Resource).toEqual([orgReadRole]);
    expect(statement(buildApplyRolePermissions(input), 'AssumeConfiguredRoles')?.Resource).toEqual([orgRole]);
    expect(actions(buildPlanRolePermissions(input)).filter((a) => a.startsWith('organizations:'))).toEqual([]);
    expect(buildOrganizationRoleTrust(input)?.Statement[0]?.Principal).toEqual({ AWS: `arn:aws:iam::${USERS}:role/aws-access-as-code-apply` });
    expect(buildOrganizationReadRoleTrust(input)?.Statement[0]?.Principal).toEqual({ AWS: `arn:aws:iam::${USERS}:role/aws-access-as-code-plan` });
    expect(actions(buildOrganizationRolePermissions(input))).toContain('organizations:CreateAccount');
    // The read role: read-only Organizations and AssumeRole (on the access roles, no reader role here), nothing else.
    const read = buildOrganizationReadRolePermissions(input);
    expect(actions(read).every((a) => /^organizations:(Describe|List)/.test(a) || a === 'account:GetAlternateContact' || a === 'sts:AssumeRole')).toBe(true);
    expect(statement(read, 'AssumeMemberAccessRoles')?.Resource).toBe('arn:aws:iam::*:role/OrganizationAccountAccessRole');
    const all = buildSetupPolicies(input);
    expect(all.organizationRole?.arn).toBe(orgRole);
    expect(all.organizationReadRole?.arn).toBe(orgReadRole);
    expect(all.notes[0]).toMatch(/^PROBLEM: the management account/);
    expect(all.notes[1]).toMatch(/^PROBLEM: settings.yaml names no organization.read_role_to_assume, so plans would assume organization.role_to_assume/);
    expect(all.notes.join('\n')).toMatch(/the plan role may assume it\)|organization read role may assume it\)/);
  });

  it('configured read roles: no PROBLEM, and the plan role reaches no role that writes', () => {
    const settings = aSettings({
      users: { role_to_assume: `arn:aws:iam::${USERS}:role/users-admin`, read_role_to_assume: `arn:aws:iam::${USERS}:role/users-reader` },
      organization: { role_to_assume: `arn:aws:iam::${MANAGEMENT}:role/org-admin`, read_role_to_assume: `arn:aws:iam::${MANAGEMENT}:role/org-reader` },
    });
    const input = anInput({ settings, account: '333333333333' });
    expect(statement(buildPlanRolePermissions(input), 'AssumeConfiguredRoles')?.Resource).toEqual([
      `arn:aws:iam::${USERS}:role/users-reader`,
      `arn:aws:iam::${MANAGEMENT}:role/org-reader`,
    ]);
    const plan = 'arn:aws:iam::333333333333:role/aws-access-as-code-plan';
    const apply = 'arn:aws:iam::333333333333:role/aws-access-as-code-apply';
    expect(buildUsersRoleTrust(input)?.Statement[0]?.Principal).toEqual({ AWS: apply });
    expect(buildUsersReadRoleTrust(input)?.Statement[0]?.Principal).toEqual({ AWS: plan });
    expect(buildOrganizationReadRoleTrust(input)?.Statement[0]?.Principal).toEqual({ AWS: plan });
    // GenerateCredentialReport (for import) creates no resource.
    expect(actions(buildUsersReadRolePermissions(input)).every((a) => /^iam:(Get|List)/.test(a) || a === 'iam:GenerateCredentialReport')).toBe(true);
    const all = buildSetupPolicies(input);
    expect(all.notes.filter((n) => n.startsWith('PROBLEM'))).toEqual([]);
    expect(all.usersReadRole?.arn).toBe(`arn:aws:iam::${USERS}:role/users-reader`);
    expect(all.organizationReadRole?.arn).toBe(`arn:aws:iam::${MANAGEMENT}:role/org-reader`);
  });

  it('use the configured roles to assume', () => {
    const settings = aSettings({
      users: { role_to_assume: `arn:aws:iam::${USERS}:role/users-admin` },
      organization: { role_to_assume: `arn:aws:iam::${MANAGEMENT}:role/org-admin` },
    });
    const input = anInput({ settings, account: '333333333333' });
    expect(statement(buildApplyRolePermissions(input), 'AssumeConfiguredRoles')?.Resource).toEqual([
      `arn:aws:iam::${USERS}:role/users-admin`,
      `arn:aws:iam::${MANAGEMENT}:role/org-admin`,
    ]);
    expect(actions(buildApplyRolePermissions(input)).filter((a) => a.startsWith('iam:'))).toEqual([]);
    expect(actions(buildUsersRolePermissions(input))).toContain('iam:CreateUser');
    expect(JSON.stringify(buildUsersRoleTrust(input))).not.toContain(':root');
    // No read roles named: plans would assume the write roles, which trust the apply role only.
    expect(buildSetupPolicies(input).notes.filter((n) => n.startsWith('PROBLEM'))).toEqual([
      expect.stringMatching(/^PROBLEM: settings.yaml names no users_account.read_role_to_assume, so plans would assume users_account.role_to_assume .*users-admin/),
      expect.stringMatching(/^PROBLEM: settings.yaml names no organization.read_role_to_assume, so plans would assume organization.role_to_assume .*org-admin/),
    ]);
    expect(buildSetupPolicies(input).usersReadRole?.arn).toBe(`arn:aws:iam::${USERS}:role/aws-access-as-code-users-read`);
  });

  it('warn when IAM calls would hit the wrong account', () => {
    expect(buildSetupPolicies(anInput({ account: MANAGEMENT })).notes[0]).toMatch(/IAM calls would act on the wrong account/);
  });
});
