/**
 * What every OrganizationPort must do. The sandbox runs it (test/adapters/sandbox); an AWS adapter
 * can run it against moto. Creation is polled, since AWS answers IN_PROGRESS first while moto and
 * the sandbox may finish at once.
 */
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/core/errors.ts';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, type LiveRole, type PolicyDocument } from '../../src/core/model.ts';
import type { RoleSpec } from '../../src/core/roles.ts';
import { usersTrustPolicy } from '../../src/core/trust-policy.ts';
import type { OrganizationPort } from '../../src/ports/organization.ts';

export interface OrganizationUnderTest {
  port: OrganizationPort;
  usersAccountId: string;
  managementAccountId: string;
  /** An OU path that exists in the organization (not `/`). */
  ouPath: string;
  /** A user that exists in the users account, for trust policies. */
  trustedUserName: string;
  accessRoleName: string;
  bootstrapRoleName: string;
  /** A second user that exists in the users account. */
  otherUserName: string;
  /** Makes a role without the managed-by tag in a member account, as a team's own Terraform would. */
  createUnmanagedRole(accountId: string, roleName: string, trustPolicy: PolicyDocument): Promise<void>;
}

const MANAGED = { [MANAGED_BY_TAG]: MANAGED_BY_VALUE };

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
}

async function createAccount(org: OrganizationUnderTest, name: string): Promise<string> {
  const requestId = await org.port.startAccountCreation({
    accountName: name,
    email: `aws-root+${name}@contract.example.gov.uk`,
    tags: MANAGED,
    accessRoleName: org.accessRoleName,
  });
  for (let look = 0; look < 50; look += 1) {
    const status = await org.port.describeAccountCreation(requestId);
    if (status.state === 'SUCCEEDED' && status.accountId !== undefined) return status.accountId;
    if (status.state === 'FAILED') throw new Error(`creation failed: ${status.failureReason ?? '?'}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('creation did not finish');
}

export function describeOrganizationContract(name: string, makeOrganization: () => Promise<OrganizationUnderTest>): void {
  describe(`OrganizationPort contract: ${name}`, () => {
    let counter = 0;
    const unique = (prefix: string): string => `${prefix}-${Date.now().toString(36)}-${(counter += 1)}`;

    it('creates an account that readOrganization then lists, tagged, in the root', async () => {
      const org = await makeOrganization();
      const accountName = unique('create');
      const accountId = await createAccount(org, accountName);
      expect(accountId).toMatch(/^\d{12}$/);
      const live = await org.port.readOrganization();
      const account = live.accounts.find((candidate) => candidate.id === accountId);
      expect(account).toMatchObject({ name: accountName, status: 'ACTIVE', ouPath: '/' });
      expect(account?.tags).toMatchObject(MANAGED);
      expect(live.ouPaths).toContain(org.ouPath);
      expect(live.creations.some((creation) => creation.accountName === accountName)).toBe(true);
    });

    it('moves, tags and untags an account', async () => {
      const org = await makeOrganization();
      const accountId = await createAccount(org, unique('move'));
      await org.port.moveAccount(accountId, org.ouPath);
      await org.port.tagAccount(accountId, { 'cost-centre': '10023', 'account-email-sent': 'true' });
      await org.port.untagAccount(accountId, ['cost-centre']);
      const account = (await org.port.readOrganization()).accounts.find((a) => a.id === accountId);
      expect(account?.ouPath).toBe(org.ouPath);
      expect(account?.tags).toEqual({ ...MANAGED, 'account-email-sent': 'true' });
    });

    it('tagAccount sets a tag, or replaces its value, and readOrganization shows it', async () => {
      const org = await makeOrganization();
      const accountId = await createAccount(org, unique('tag'));
      const tagsOf = async () => (await org.port.readOrganization()).accounts.find((a) => a.id === accountId)?.tags;
      await org.port.tagAccount(accountId, { 'cost-centre': '10023' });
      expect(await tagsOf()).toEqual({ ...MANAGED, 'cost-centre': '10023' });
      await org.port.tagAccount(accountId, { 'cost-centre': '20046' });
      expect(await tagsOf()).toEqual({ ...MANAGED, 'cost-centre': '20046' });
    });

    it('refuses to move an account to an OU that does not exist (code ou-not-found)', async () => {
      const org = await makeOrganization();
      const accountId = await createAccount(org, unique('nowhere'));
      expect(await codeOf(org.port.moveAccount(accountId, '/Does/Not/Exist'))).toBe('ou-not-found');
    });

    const spec = (org: OrganizationUnderTest, name: string, users: string[], extra: Partial<RoleSpec> = {}): RoleSpec => ({
      name,
      path: '/',
      description: 'A contract role.',
      trustPolicy: usersTrustPolicy(org.usersAccountId, users),
      inlinePolicies: { 'read-roles': { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetAccountAuthorizationDetails', Resource: '*' }] } },
      attachedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
      tags: MANAGED,
      ...extra,
    });
    const rolesOf = async (org: OrganizationUnderTest, accountId: string): Promise<readonly LiveRole[]> => {
      const roles = await org.port.readRoles(accountId);
      if (!Array.isArray(roles)) throw new Error(`roles of ${accountId} not readable: ${String(roles)}`);
      return roles;
    };
    const roleIn = async (org: OrganizationUnderTest, accountId: string, name: string): Promise<LiveRole | undefined> =>
      (await rolesOf(org, accountId)).find((role) => role.name === name);
    const asRead = ({ description: _d, ...role }: RoleSpec): LiveRole => role;
    /** A role as read, without its creation date (IAM's own, never compared). */
    const withoutDate = (role: LiveRole | undefined): LiveRole | undefined => {
      if (role === undefined) return undefined;
      const { createdAt: _created, ...rest } = role;
      return rest;
    };

    it('reads every role of an account, the access role Organizations made included', async () => {
      const org = await makeOrganization();
      const accountId = await createAccount(org, unique('roles'));
      expect((await rolesOf(org, accountId)).map((role) => role.name)).toContain(org.accessRoleName);
    });

    it('puts a role exactly as its spec says, and reads back the same documents', async () => {
      const org = await makeOrganization();
      const accountId = await createAccount(org, unique('put'));
      const wanted = spec(org, org.bootstrapRoleName, [org.trustedUserName]);
      await org.port.putRole(accountId, wanted);
      const read = await roleIn(org, accountId, wanted.name);
      expect(withoutDate(read)).toEqual(asRead(wanted));
      // The creation date, for the access review's bootstrap role age (each port has its own clock).
      expect(read?.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    });

    it('puts the same spec a second time without changing anything', async () => {
      const org = await makeOrganization();
      const accountId = await createAccount(org, unique('again'));
      const wanted = spec(org, 'team-admin', [org.trustedUserName]);
      await org.port.putRole(accountId, wanted);
      const first = await rolesOf(org, accountId);
      await org.port.putRole(accountId, wanted);
      expect(await rolesOf(org, accountId)).toEqual(first);
    });

    it('rewrites a role to a new spec: trust, inline policies written and deleted, policies attached and detached', async () => {
      const org = await makeOrganization();
      const accountId = await createAccount(org, unique('rewrite'));
      await org.port.putRole(accountId, spec(org, 'team-admin', [org.trustedUserName]));
      const changed = spec(org, 'team-admin', [org.trustedUserName, org.otherUserName], {
        inlinePolicies: { 'deny-secrets': { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'ssm:DescribeParameters', Resource: '*' }] } },
        attachedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
      });
      await org.port.putRole(accountId, changed);
      expect(withoutDate(await roleIn(org, accountId, 'team-admin'))).toEqual(asRead(changed));
    });

    it('deletes a managed role, and a role that does not exist without complaint', async () => {
      const org = await makeOrganization();
      const accountId = await createAccount(org, unique('delete'));
      await org.port.putRole(accountId, spec(org, org.bootstrapRoleName, [org.trustedUserName]));
      await org.port.deleteRole(accountId, org.bootstrapRoleName);
      expect(await roleIn(org, accountId, org.bootstrapRoleName)).toBeUndefined();
      await org.port.deleteRole(accountId, org.bootstrapRoleName);
    });

    it('lists a role without the managed-by tag but never changes or deletes it (code not-managed)', async () => {
      const org = await makeOrganization();
      const accountId = await createAccount(org, unique('unmanaged'));
      const trust = usersTrustPolicy(org.usersAccountId, [org.trustedUserName]);
      await org.createUnmanagedRole(accountId, 'terraform-admin', trust);
      const before = await roleIn(org, accountId, 'terraform-admin');
      expect(before).toMatchObject({ name: 'terraform-admin', trustPolicy: trust, tags: {} });
      expect(await codeOf(org.port.putRole(accountId, spec(org, 'terraform-admin', [org.otherUserName])))).toBe('not-managed');
      expect(await codeOf(org.port.deleteRole(accountId, 'terraform-admin'))).toBe('not-managed');
      expect(await roleIn(org, accountId, 'terraform-admin')).toEqual(before);
    });

    it('refuses every change to the management account and the users account (code protected-account)', async () => {
      const org = await makeOrganization();
      const before = (await org.port.readOrganization()).accounts.find((a) => a.id === org.managementAccountId);
      for (const id of [org.managementAccountId, org.usersAccountId]) {
        const attempts = [
          org.port.tagAccount(id, MANAGED),
          org.port.untagAccount(id, ['team-name']),
          org.port.moveAccount(id, org.ouPath),
          org.port.closeAccount(id),
          org.port.putRole(id, spec(org, org.bootstrapRoleName, [org.trustedUserName])),
          org.port.deleteRole(id, org.bootstrapRoleName),
        ];
        for (const attempt of attempts) expect(await codeOf(attempt)).toBe('protected-account');
      }
      const after = (await org.port.readOrganization()).accounts.find((a) => a.id === org.managementAccountId);
      expect(after).toEqual(before);
    });

    const contact = (name: string) => ({ name, title: 'Security operations', email: 'security@example.gov.uk', phone: '+44 20 7946 0000' });

    it('says trusted access for account.amazonaws.com is enabled, which alternate contacts need', async () => {
      const org = await makeOrganization();
      expect((await org.port.readOrganization()).trustedServices).toContain('account.amazonaws.com');
    });

    it('reads no alternate contacts in a new account', async () => {
      const org = await makeOrganization();
      const accountId = await createAccount(org, unique('no-contacts'));
      expect(await org.port.readFacets(accountId, ['contacts/security', 'contacts/billing'])).toEqual({});
    });

    it('puts an alternate contact, reads it back whole, replaces it and removes it (twice without complaint)', async () => {
      const org = await makeOrganization();
      const accountId = await createAccount(org, unique('contacts'));
      await org.port.putFacet(accountId, 'contacts', 'security', contact('Security team'));
      await org.port.putFacet(accountId, 'contacts', 'billing', { ...contact('Finance'), title: 'Billing', email: 'billing@example.gov.uk' });
      expect(await org.port.readFacets(accountId, ['contacts/security'])).toEqual({ 'contacts/security': contact('Security team') });
      await org.port.putFacet(accountId, 'contacts', 'security', { ...contact('Cyber team'), phone: '020 7946 0001' });
      expect(await org.port.readFacets(accountId, ['contacts/security', 'contacts/operations', 'contacts/billing'])).toEqual({
        'contacts/security': { ...contact('Cyber team'), phone: '020 7946 0001' },
        'contacts/billing': { ...contact('Finance'), title: 'Billing', email: 'billing@example.gov.uk' },
      });
      await org.port.deleteFacet(accountId, 'contacts', 'security');
      await org.port.deleteFacet(accountId, 'contacts', 'security');
      expect(await org.port.readFacets(accountId, ['contacts/security', 'contacts/billing'])).toEqual({
        'contacts/billing': { ...contact('Finance'), title: 'Billing', email: 'billing@example.gov.uk' },
      });
    });

    it('refuses to set or remove a contact of the management account or the users account (code protected-account)', async () => {
      const org = await makeOrganization();
      for (const id of [org.managementAccountId, org.usersAccountId]) {
        expect(await codeOf(org.port.putFacet(id, 'contacts', 'security', contact('Security team')))).toBe('protected-account');
        expect(await codeOf(org.port.deleteFacet(id, 'contacts', 'security'))).toBe('protected-account');
      }
    });

    it('closes a member account, but never the management account', async () => {
      const org = await makeOrganization();
      const accountId = await createAccount(org, unique('close'));
      expect(await codeOf(org.port.closeAccount(org.managementAccountId))).toBe('protected-account');
      await org.port.closeAccount(accountId);
      const live = await org.port.readOrganization();
      const closed = live.accounts.find((a) => a.id === accountId);
      expect(closed?.status).not.toBe('ACTIVE');
      // A closed account keeps counting as a member (readLiveState does not look into it).
      expect(live.closedInLast30Days).toBeGreaterThanOrEqual(1);
      expect(live.memberAccountCount).toBeGreaterThanOrEqual(1);
    });
  });
}
