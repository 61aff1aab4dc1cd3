/** `policies` with organization.reader_role_name: the plan stage may assume reader roles only. */
import { describe, expect, it } from 'vitest';
import {
  buildApplyRolePermissions,
  buildOrganizationReadRolePermissions,
  buildOrganizationRolePermissions,
  buildPlanRolePermissions,
  buildSetupPolicies,
  type PolicyDocument,
  type SetupInput,
  type SetupSettings,
} from '../../../src/adapters/github/aws-setup-policies.ts';

const USERS = '111111111111';
const MANAGEMENT = '222222222222';
const PLAN = `arn:aws:iam::${MANAGEMENT}:role/aws-access-as-code-plan`;
const APPLY = `arn:aws:iam::${MANAGEMENT}:role/aws-access-as-code-apply`;

function aSettings(organization: Partial<SetupSettings['organization']> = {}): SetupSettings {
  return {
    users_account: { id: USERS, alias: 'users', region: 'eu-west-2', group: 'CrossAccountAccess', password_policy: { minimum_length: 16 } },
    organization: {
      management_account_id: MANAGEMENT,
      access_role_name: 'OrganizationAccountAccessRole',
      bootstrap_role_name: 'bootstrap',
      root_email_template: 'aws+{name}@example.gov.uk',
      ...organization,
    },
    email: { sender: 'aws@example.gov.uk', region: 'eu-west-1', support_mailbox: 'help@example.gov.uk' },
    protected_users: [],
  };
}

function anInput(settings: SetupSettings, overrides: Partial<SetupInput> = {}): SetupInput {
  return { settings, repository: 'example-org/aws-access', environment: 'production', defaultBranch: 'main', ...overrides };
}

/** Resources of every sts:AssumeRole statement. */
function assumable(document: PolicyDocument | undefined): string[] {
  return (document?.Statement ?? [])
    .filter((s) => s.Effect === 'Allow' && (Array.isArray(s.Action) ? s.Action : [s.Action]).includes('sts:AssumeRole'))
    .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource ?? '']));
}

const withReader = (organization: Partial<SetupSettings['organization']> = {}): SetupSettings =>
  aSettings({ reader_role_name: 'aws-access-as-code-reader', reader_trusted_role_arns: [PLAN], ...organization });

describe('policies with a reader role', () => {
  // The CI roles live in the management account, so the organization statements sit on them directly.
  const input = (settings: SetupSettings): SetupInput => anInput(settings, { account: MANAGEMENT });

  it('the plan role may assume the reader roles and not the access roles', () => {
    expect(assumable(buildPlanRolePermissions(input(withReader())))).toEqual(['arn:aws:iam::*:role/aws-access-as-code-reader']);
  });

  it('the apply role may assume both: it writes bootstrap and reader roles through the access role', () => {
    expect(assumable(buildApplyRolePermissions(input(withReader()))).sort()).toEqual([
      'arn:aws:iam::*:role/OrganizationAccountAccessRole',
      'arn:aws:iam::*:role/aws-access-as-code-reader',
    ]);
  });

  it('without it, the plan role still assumes the access roles, as before, and the notes say how to close that', () => {
    expect(assumable(buildPlanRolePermissions(input(aSettings())))).toEqual(['arn:aws:iam::*:role/OrganizationAccountAccessRole']);
    expect(buildSetupPolicies(input(aSettings())).notes.join('\n')).toMatch(/Set organization.reader_role_name/);
  });

  it('notes a reader trust that misses who reads, and says the plan role no longer reaches the access role', () => {
    expect(buildSetupPolicies(input(withReader())).notes.join('\n')).not.toMatch(/PROBLEM: organization.reader/);
    expect(buildSetupPolicies(input(withReader())).notes.join('\n')).toMatch(/the plan role may not assume OrganizationAccountAccessRole/);
    const notes = buildSetupPolicies(input(withReader({ reader_trusted_role_arns: [APPLY] }))).notes.join('\n');
    expect(notes).toMatch(/PROBLEM: organization.reader_trusted_role_arns does not list .*aws-access-as-code-plan/);
  });

  it('with an organization role, the reader trusts the read role only; only the organization role reaches the access role', () => {
    const orgRole = `arn:aws:iam::${MANAGEMENT}:role/aws-access-as-code-organization`;
    const orgReadRole = `arn:aws:iam::${MANAGEMENT}:role/aws-access-as-code-organization-read`;
    const settings = withReader({ role_to_assume: orgRole, read_role_to_assume: orgReadRole, reader_trusted_role_arns: [orgReadRole] });
    const all = buildSetupPolicies(anInput(settings));
    expect(all.notes.filter((n) => n.startsWith('PROBLEM'))).toEqual([]);
    expect(all.notes.join('\n')).toMatch(/reader_trusted_role_arns lists the organization read role .*organization-read \(plans read through it; apply reads through OrganizationAccountAccessRole\)/);
    expect(assumable(buildPlanRolePermissions(anInput(settings)))).toEqual([orgReadRole]);
    expect(assumable(buildOrganizationReadRolePermissions(anInput(settings)))).toEqual(['arn:aws:iam::*:role/aws-access-as-code-reader']);
    expect(assumable(buildOrganizationRolePermissions(anInput(settings))).sort()).toEqual([
      'arn:aws:iam::*:role/OrganizationAccountAccessRole',
      'arn:aws:iam::*:role/aws-access-as-code-reader',
    ]);
    // Trusting the write role only (the old set-up) misses the read role.
    const old = buildSetupPolicies(anInput(withReader({ role_to_assume: orgRole, read_role_to_assume: orgReadRole, reader_trusted_role_arns: [orgRole] })));
    expect(old.notes.join('\n')).toMatch(/PROBLEM: organization.reader_trusted_role_arns does not list .*organization-read/);
  });
});
