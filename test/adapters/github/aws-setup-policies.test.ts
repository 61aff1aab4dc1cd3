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
  IAM_SIZE_LIMITS,
  policySize,
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
  it('pin the plan role to its workflow files on the default branch, exactly: never a pull_request subject', () => {
    const trust = buildPlanRoleTrust(anInput());
    const ref = (file: string) => `repo:example-org/aws-access:ref:refs/heads/main:job_workflow_ref:example-org/aws-access/.github/workflows/${file}@refs/heads/main`;
    expect(subOf(trust)).toEqual([ref('pr-plan.yml'), ref('drift.yml'), ref('access-review.yml')]);
    expect(JSON.stringify(trust)).not.toContain(':pull_request');
    expect(trust.Statement[0]).toMatchObject({
      Effect: 'Allow',
      Action: 'sts:AssumeRoleWithWebIdentity',
      Principal: { Federated: `arn:aws:iam::${USERS}:oidc-provider/token.actions.githubusercontent.com` },
      Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } },
    });
  });

  it('pin the apply role to the environment and to apply.yml and lifecycle.yml on the default branch', () => {
    const env = (name: string, file: string) =>
      `repo:example-org/aws-access:environment:${name}:job_workflow_ref:example-org/aws-access/.github/workflows/${file}@refs/heads/main`;
    expect(subOf(buildApplyRoleTrust(anInput()))).toEqual([env('production', 'apply.yml'), env('production', 'lifecycle.yml')]);
    expect(subOf(buildApplyRoleTrust(anInput({ environment: 'prod-aws' })))).toEqual([env('prod-aws', 'apply.yml'), env('prod-aws', 'lifecycle.yml')]);
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
    expect([subOf(buildApplyRoleTrust(input))].flat()[0]).toBe(
      'repo:example-org-123/aws-access-456:environment:production:job_workflow_ref:example-org/aws-access/.github/workflows/apply.yml@refs/heads/main',
    );
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
    // Get, Put and DeleteAlternateContact in one statement, on member accounts only.
    expect(statement(apply, 'AlternateContacts')).toMatchObject({
      Action: 'account:*AlternateContact',
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

  it('apply may tag unmanaged users (to adopt them) only while a migration window is open, and only the adopt: true files, by ARN', () => {
    const adoptions = { accountIds: [], userNames: ['old.user@example.gov.uk'] };
    expect(statement(buildApplyRolePermissions({ ...input, adoptions }), 'AdoptListedUsersDuringMigration')).toBeUndefined();
    const limits = { max_deletions_per_run: 5, max_closures_per_run: 1 };
    const closed = { ...input, adoptions, settings: { ...input.settings, limits: { ...limits, max_adoptions_per_run: 0 } } };
    expect(statement(buildApplyRolePermissions(closed), 'AdoptListedUsersDuringMigration')).toBeUndefined();
    const window = { ...input, settings: { ...input.settings, limits: { ...limits, max_adoptions_per_run: 400 } } };
    // No file says adopt: true: nobody may be tagged, window or not.
    expect(statement(buildApplyRolePermissions(window), 'AdoptListedUsersDuringMigration')).toBeUndefined();
    const open = buildApplyRolePermissions({ ...window, adoptions });
    expect(statement(open, 'AdoptListedUsersDuringMigration')).toEqual({
      Sid: 'AdoptListedUsersDuringMigration',
      Effect: 'Allow',
      Action: 'iam:TagUser',
      Resource: [`arn:aws:iam::${USERS}:user/old.user@example.gov.uk`],
      Condition: { StringEquals: { 'aws:RequestTag/managed-by': 'aws-access-as-code', 'aws:RequestTag/credentials-sent': 'adopted' } },
    });
    expect(statement(open, 'NeverTouchProtectedUsers')?.Action).toContain('iam:TagUser');
    const windowNote = /^Migration window open: limits.max_adoptions_per_run is 400, so the role that writes IAM may tag the 1 unmanaged users/;
    expect(buildSetupPolicies({ ...window, adoptions }).notes).toContainEqual(expect.stringMatching(windowNote));
    expect(buildSetupPolicies(input).notes).not.toContainEqual(expect.stringMatching(/^Migration window open/));
  });

  it('apply may attach to the group only the fixed managed policies, and never write a group policy', () => {
    const apply = buildApplyRolePermissions(input);
    const own = ['assume-roles-with-mfa', 'deny-without-mfa', 'manage-own-credentials'].map(
      (name) => `arn:aws:iam::${USERS}:policy/aws-access-as-code/CrossAccountAccess/${name}`,
    );
    expect(actions(apply)).not.toContain('iam:PutGroupPolicy');
    expect(actions(apply)).not.toContain('iam:CreatePolicyVersion');
    expect(statement(apply, 'AttachOnlyTheProjectsGroupPolicies')).toMatchObject({
      Action: 'iam:AttachGroupPolicy',
      Resource: `arn:aws:iam::${USERS}:group/CrossAccountAccess`,
      Condition: { ArnEquals: { 'iam:PolicyARN': own } },
    });
    expect(statement(apply, 'DetachOnlyOtherGroupPolicies')?.Condition).toEqual({ ArnNotEquals: { 'iam:PolicyARN': own } });
    expect(statement(apply, 'NeverWriteGroupPolicies')).toMatchObject({ Effect: 'Deny', Action: 'iam:PutGroupPolicy', Resource: `arn:aws:iam::${USERS}:group/*` });
    expect(statement(apply, 'NeverChangeTheProjectsGroupPolicies')).toMatchObject({ Effect: 'Deny', Resource: own });
    // The documents the administrator creates at those ARNs are the project's own.
    const groupPolicies = buildSetupPolicies(input).groupPolicies;
    expect(groupPolicies.map((g) => g.arn)).toEqual(own);
    expect(groupPolicies.every((g) => g.path === '/aws-access-as-code/CrossAccountAccess/')).toBe(true);
    expect(JSON.stringify(groupPolicies[1]?.document)).toContain('aws:MultiFactorAuthPresent');
  });

  it('no role may assume any role in the management account, the users account or protected_accounts', () => {
    const settings = { ...input.settings, protected_accounts: ['444444444444'] };
    for (const document of [buildPlanRolePermissions({ ...input, settings }), buildApplyRolePermissions({ ...input, settings })]) {
      expect(statement(document, 'NeverAssumeRolesInTheProjectsOwnAccounts')).toEqual({
        Sid: 'NeverAssumeRolesInTheProjectsOwnAccounts',
        Effect: 'Deny',
        Action: 'sts:AssumeRole',
        Resource: [`arn:aws:iam::${USERS}:role/*`, 'arn:aws:iam::444444444444:role/*'],
      });
    }
  });

  it('apply may mark managed only the accounts whose files say adopt: true, and never touches the project\'s own accounts', () => {
    const settings = { ...input.settings, protected_accounts: ['444444444444'] };
    const none = buildApplyRolePermissions({ ...input, settings });
    const deny = {
      Effect: 'Deny',
      Action: 'organizations:TagResource',
      Condition: { Null: { 'aws:ResourceTag/managed-by': 'true' }, 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['managed-by'] } },
    };
    expect(statement(none, 'NeverMarkUnmanagedAccountsManaged')).toMatchObject({ ...deny, Resource: '*' });
    const some = buildApplyRolePermissions({ ...input, settings, adoptions: { accountIds: ['555555555555'], userNames: [] } });
    expect(statement(some, 'NeverMarkUnmanagedAccountsManaged')).toMatchObject({ ...deny, NotResource: [`arn:aws:organizations::${USERS}:account/o-*/555555555555`] });
    expect(statement(some, 'NeverChangeTheProjectsOwnAccounts')).toMatchObject({
      Effect: 'Deny',
      Resource: [`arn:aws:organizations::${USERS}:account/o-*/${USERS}`, `arn:aws:organizations::${USERS}:account/o-*/444444444444`],
    });
    expect(statement(some, 'CreateAccountsTaggedAsManaged')?.Condition).toEqual({ StringEquals: { 'aws:RequestTag/managed-by': 'aws-access-as-code' } });
  });
});

describe('rationale and size', () => {
  it('every statement of every printed document has a reason, and the reasons are printed with them', () => {
    const all = buildSetupPolicies(anInput({ settings: aSettings({ organization: { reader_role_name: 'reader' } }), adoptions: { accountIds: ['555555555555'], userNames: ['a@example.gov.uk'] } }));
    const sids = [all.planRole, all.applyRole, all.organizationRole, all.organizationReadRole].flatMap((r) =>
      r === undefined ? [] : [...r.trust.Statement, ...r.permissions.Statement].map((st) => st.Sid),
    );
    expect(sids.length).toBeGreaterThan(20);
    for (const sid of sids) expect([sid, all.rationale[sid]]).toEqual([sid, expect.any(String)]);
  });

  it('stays within IAM\'s limits however many member accounts, with protected accounts and a migration batch; says PROBLEM past them', () => {
    const many = (n: number, from: number) => Array.from({ length: n }, (_, i) => String(from + i).padStart(12, '0'));
    const users = (n: number) => Array.from({ length: n }, (_, i) => `firstname.lastname${i}@digital.cabinet-office.gov.uk`);
    const limits = { max_deletions_per_run: 5, max_closures_per_run: 1, max_adoptions_per_run: 50 };
    // Member accounts are reached by role-name patterns, so their number never grows a document;
    // protected accounts and adoptions are listed, so the layouts are checked with realistic lists.
    const layouts = [
      // The management account elsewhere (this repository's layout): 10 protected, 30 accounts and 30 users adopted at once.
      { management: MANAGEMENT, protectedCount: 10, accounts: 30, adopt: 30 },
      // Everything in one account: one role holds both IAM and Organizations statements (and
      // sts:SetSourceIdentity, which costs about one adopted user's ARN).
      { management: USERS, protectedCount: 10, accounts: 10, adopt: 9 },
    ];
    for (const layout of layouts) {
      const settings = { ...aSettings({ organization: { management_account_id: layout.management } }), protected_accounts: many(layout.protectedCount, 900000000000), limits };
      const all = buildSetupPolicies(anInput({ settings, adoptions: { accountIds: many(layout.accounts, 800000000000), userNames: users(layout.adopt) } }));
      expect(all.notes.filter((n) => /characters/.test(n))).toEqual([]);
      for (const r of [all.planRole, all.applyRole, all.organizationRole, all.organizationReadRole]) {
        if (r === undefined) continue;
        expect(policySize(r.permissions)).toBeLessThanOrEqual(IAM_SIZE_LIMITS.rolePolicy);
        expect(policySize(r.trust)).toBeLessThanOrEqual(IAM_SIZE_LIMITS.trustPolicy);
      }
      for (const g of all.groupPolicies) expect(policySize(g.document)).toBeLessThanOrEqual(IAM_SIZE_LIMITS.managedPolicy);
    }
    const settings = { ...aSettings({ organization: { management_account_id: USERS } }), limits };
    const over = buildSetupPolicies(anInput({ settings, adoptions: { accountIds: [], userNames: users(200) } }));
    expect(over.notes[0]).toMatch(/^PROBLEM: applyRole.permissions is \d+ characters, over IAM's 10240 for a role's inline policies: adopt in smaller batches/);
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

  it('apply may set the SourceIdentity of its pull request on every role it assumes; plans set none', () => {
    const input = anInput();
    const setsIdentity = (action: unknown) => ([] as unknown[]).concat(action).includes('sts:SetSourceIdentity');
    expect(setsIdentity(statement(buildApplyRolePermissions(input), 'AssumeConfiguredRoles')?.Action)).toBe(true);
    expect(setsIdentity(buildOrganizationRoleTrust(input)?.Statement[0]?.Action)).toBe(true);
    expect(setsIdentity(statement(buildOrganizationRolePermissions(input), 'AssumeMemberAccessRoles')?.Action)).toBe(true);
    expect(setsIdentity(statement(buildPlanRolePermissions(input), 'AssumeConfiguredRoles')?.Action)).toBe(false);
    expect(setsIdentity(buildOrganizationReadRoleTrust(input)?.Statement[0]?.Action)).toBe(false);
    expect(setsIdentity(statement(buildOrganizationReadRolePermissions(input), 'AssumeMemberAccessRoles')?.Action)).toBe(false);
    // Member accounts are reached from a session without it: the access role Organizations creates trusts sts:AssumeRole alone.
    expect(buildSetupPolicies(input).notes.join('\n')).toContain('Member accounts are reached from a session without it, named after the pull request');
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
