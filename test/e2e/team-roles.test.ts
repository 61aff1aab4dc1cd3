/**
 * Team roles end to end, on the sandbox and on moto through the AWS adapters: plan and apply create
 * a team role, change whom it trusts, change its kind (a new name under the page's naming, so the
 * old role goes) and its policies in place, delete it, and never touch a team's own unmanaged role.
 */
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterAll, describe, expect, it } from 'vitest';
import { createAwsOrganization } from '../../src/adapters/aws/organization.ts';
import { createAwsUsersAccount } from '../../src/adapters/aws/iam-users-account.ts';
import { applyPlan } from '../../src/apply/apply-plan.ts';
import type { Plan } from '../../src/core/changes.ts';
import type { AccountFile, DesiredState, LiveRole, PolicyDocument, SettingsFile } from '../../src/core/model.ts';
import { computePlan } from '../../src/core/plan.ts';
import { usersTrustPolicy } from '../../src/core/trust-policy.ts';
import { readLiveState } from '../../src/apply/read-live-state.ts';
import type { Target } from '../../src/ports/target.ts';
import { aSandbox, type TempSandbox } from '../apply/fixtures.ts';
import { awsSettings, createMotoOrganization, MOTO_ACCOUNT_ID, motoClient, useMoto } from '../support/aws.ts';
import { aDesiredState, anAccount, aUser, liveRoleOf, someSettings, summaryOf } from '../support/builders.ts';
import { motoEnv } from '../support/moto.ts';

const ADA = 'ada@example.gov.uk';
const BOB = 'bob@example.gov.uk';
const OFFICE = { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] as [string] } };
type Roles = NonNullable<AccountFile['roles']>;

interface World {
  target: Target;
  settings: SettingsFile;
  /** Creates a role without the managed-by tag in the account, as a team's Terraform would. */
  createUnmanagedRole(accountId: string, name: string, trust: PolicyDocument): Promise<void>;
  /** The mails sent so far (the sandbox's outbox), where the world keeps them. */
  outbox?: () => Promise<{ name: string; text: string }[]>;
}

function lifecycle(name: string, makeWorld: () => Promise<World>): void {
  describe(`team roles on ${name}`, () => {
    let world: World;
    let accountId = '';
    const desired = (roles: Roles): DesiredState =>
      aDesiredState({ settings: world.settings, users: [aUser(ADA), aUser(BOB)], accounts: [anAccount('svc', { roles }, world.settings)] });
    const planFor = async (roles: Roles): Promise<Plan> => computePlan(desired(roles), await readLiveState(world.target, world.settings));
    const apply = async (plan: Plan): Promise<void> => {
      const report = await applyPlan(plan, {
        target: world.target,
        settings: world.settings,
        generatePassword: () => 'Temporary-Password-123!',
        onSecret: () => {},
        log: () => {},
        sleep: async () => {},
        now: () => new Date('2026-11-30T10:00:00Z'),
        allowMassDeletion: false,
      });
      expect(report.results.filter((r) => r.status !== 'done')).toEqual([]);
    };
    const roleNamed = async (roleName: string): Promise<LiveRole | undefined> => {
      const live = await readLiveState(world.target, world.settings);
      return liveRoleOf(live.organization.accounts.find((a) => a.name === 'svc'), roleName);
    };
    const converge = async (roles: Roles): Promise<Plan> => {
      const plan = await planFor(roles);
      await apply(plan);
      expect((await planFor(roles)).changes).toEqual([]);
      return plan;
    };

    it('creates the account with its team role, trusting the user with MFA and the named condition', async () => {
      world = await makeWorld();
      await converge([{ name: 'platform-admin', kind: 'admin', users: [ADA], conditions: ['office-ip'] }]);
      const live = await readLiveState(world.target, world.settings);
      accountId = live.organization.accounts.find((a) => a.name === 'svc')?.id ?? '';
      const role = await roleNamed('platform-admin');
      expect(role?.attachedPolicyArns).toEqual(['arn:aws:iam::aws:policy/AdministratorAccess']);
      expect(role?.tags).toEqual({ 'managed-by': 'aws-access-as-code', 'team-role': 'admin' });
      expect(role?.trustPolicy).toEqual(usersTrustPolicy(world.settings.users_account.id, [ADA], [OFFICE]));
    });

    it("leaves a team's own role alone, and lists it", async () => {
      await world.createUnmanagedRole(accountId, 'terraform-admin', usersTrustPolicy(world.settings.users_account.id, [BOB]));
      const plan = await planFor([{ name: 'platform-admin', kind: 'admin', users: [ADA], conditions: ['office-ip'] }]);
      expect(plan.changes).toEqual([]);
      expect(plan.notes.join('\n')).toMatch(/left alone: terraform-admin\./);
    });

    it('changes whom it trusts', async () => {
      const plan = await converge([{ name: 'platform-admin', kind: 'admin', users: [BOB], conditions: ['office-ip'] }]);
      expect(plan.changes.map((c) => `${c.impact} ${summaryOf(c)}`)).toEqual([
        expect.stringMatching(/^access update team role platform-admin \(admin\) in svc .*: trust bob@example.gov.uk; stop trusting ada@example.gov.uk$/),
        expect.stringMatching(
          /^routine tell bob@example.gov.uk they may now assume the platform-admin role in svc \(\d{12}\), with the switch-role link and their ~\/.aws\/config; tell ada@example.gov.uk they may no longer assume/,
        ),
      ]);
      expect((await roleNamed('platform-admin'))?.trustPolicy).toEqual(usersTrustPolicy(world.settings.users_account.id, [BOB], [OFFICE]));
      if (world.outbox === undefined) return;
      const mails = (await world.outbox()).map((m) => m.text.replace(/\r\n/g, '\n'));
      const bobs = mails.filter((text) => text.includes(`To: ${BOB}\n`) && text.includes('Subject: You may now use the platform-admin role in AWS account svc'));
      expect(bobs).toHaveLength(1);
      expect(bobs[0]).toContain(`switchrole?roleName=platform-admin&account=${accountId}&displayName=svc`);
      expect(bobs[0]).toContain(`role_arn = arn:aws:iam::${accountId}:role/platform-admin`);
      expect(bobs[0]).toContain(`mfa_serial = arn:aws:iam::${world.settings.users_account.id}:mfa/${BOB}`);
      expect(mails.filter((text) => text.includes(`To: ${ADA}\n`) && text.includes('Subject: You may no longer use the platform-admin role'))).toHaveLength(1);
    });

    it('changes its kind: the read-only role is created and the admin role deleted', async () => {
      const plan = await converge([{ name: 'platform-read-only', kind: 'read-only', users: [BOB] }]);
      expect(plan.changes.map((c) => `${c.impact} ${c.change.kind}`)).toEqual(['destructive delete-role', 'access put-role', 'routine notify-bootstrap-users', 'routine notify-bootstrap-users']);
      expect(await roleNamed('platform-admin')).toBeUndefined();
      const role = await roleNamed('platform-read-only');
      expect(role?.attachedPolicyArns).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
      expect(JSON.stringify(role?.inlinePolicies)).toContain('ssm:DescribeParameters');
    });

    it('changes the policies of a custom role in place', async () => {
      await converge([{ name: 'platform-read-only', kind: 'read-only', users: [BOB] }, { name: 'deployer', kind: 'custom', users: [ADA], policies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }]);
      const plan = await converge([
        { name: 'platform-read-only', kind: 'read-only', users: [BOB] },
        { name: 'deployer', kind: 'custom', users: [ADA], policies: ['arn:aws:iam::aws:policy/PowerUserAccess'] },
      ]);
      expect(plan.changes.map((c) => summaryOf(c))).toEqual([expect.stringMatching(/: attach arn:aws:iam::aws:policy\/PowerUserAccess; detach arn:aws:iam::aws:policy\/ReadOnlyAccess$/)]);
      expect((await roleNamed('deployer'))?.attachedPolicyArns).toEqual(['arn:aws:iam::aws:policy/PowerUserAccess']);
    });

    it('deletes the team roles removed from the file, and only those', async () => {
      const plan = await converge([]);
      expect(plan.changes.map((c) => `${c.impact} ${c.change.kind}`)).toEqual([
        'destructive delete-role',
        'destructive delete-role',
        'routine notify-bootstrap-users',
        'routine notify-bootstrap-users',
      ]);
      expect(await roleNamed('deployer')).toBeUndefined();
      expect(await roleNamed('platform-read-only')).toBeUndefined();
      expect((await roleNamed('terraform-admin'))?.tags).toEqual({});
      expect(await roleNamed('bootstrap')).toBeDefined();
    });
  });
}

const sandboxes: TempSandbox[] = [];
afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.cleanup()));
});

lifecycle('the sandbox', async () => {
  const settings = someSettings({ role_conditions: { 'office-ip': OFFICE } });
  const s = await aSandbox({ settings, ouPaths: ['/Workloads/Production'] });
  sandboxes.push(s);
  return {
    target: s.target,
    settings,
    outbox: () => s.outbox(),
    createUnmanagedRole: (accountId, roleName, trust) =>
      s.target.store.update((state) => {
        state.organization.accounts.find((a) => a.id === accountId)?.roles.push({ name: roleName, trustPolicy: trust, tags: {}, attachedPolicies: [] });
      }),
  };
});

describe('moto', () => {
  const moto = useMoto({ managedPolicies: true });
  lifecycle('moto (AWS adapters)', async () => {
    await createMotoOrganization(moto.url, ['/Workloads/Production']);
    const settings = awsSettings({ organization: { management_account_id: MOTO_ACCOUNT_ID } });
    const withConditions: SettingsFile = { ...settings, role_conditions: { 'office-ip': OFFICE } };
    const env = motoEnv(moto.url);
    return {
      settings: withConditions,
      target: {
        baseline: { kind: 'aws', usersAccountId: settings.users_account.id, managementAccountId: MOTO_ACCOUNT_ID },
        usersAccount: createAwsUsersAccount(withConditions, env),
        organization: createAwsOrganization(withConditions, env),
        mailer: { send: async () => {} },
      },
      async createUnmanagedRole(accountId, roleName, trust) {
        const member = motoClient(IAMClient, moto.url, { roleArn: `arn:aws:iam::${accountId}:role/${settings.organization.access_role_name}` });
        await member.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify(trust) }));
        member.destroy();
      },
    };
  });
});
