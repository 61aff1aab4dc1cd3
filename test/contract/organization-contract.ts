/**
 * What every OrganizationPort must do. The sandbox runs it (test/adapters/sandbox); an AWS adapter
 * can run it against moto. Creation is polled, since AWS answers IN_PROGRESS first while moto and
 * the sandbox may finish at once.
 */
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/core/errors.ts';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE } from '../../src/core/model.ts';
import { bootstrapTrustPolicy } from '../../src/core/trust-policy.ts';
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
      const live = await org.port.readOrganization(org.bootstrapRoleName);
      const account = live.accounts.find((candidate) => candidate.id === accountId);
      expect(account).toMatchObject({ name: accountName, status: 'ACTIVE', ouPath: '/' });
      expect(account?.tags).toMatchObject(MANAGED);
      expect(account?.bootstrap).toBeUndefined();
      expect(live.ouPaths).toContain(org.ouPath);
      expect(live.creations.some((creation) => creation.accountName === accountName)).toBe(true);
    });

    it('moves, tags and untags an account', async () => {
      const org = await makeOrganization();
      const accountId = await createAccount(org, unique('move'));
      await org.port.moveAccount(accountId, org.ouPath);
      await org.port.tagAccount(accountId, { 'cost-centre': '10023', 'account-email-sent': 'true' });
      await org.port.untagAccount(accountId, ['cost-centre']);
      const account = (await org.port.readOrganization(org.bootstrapRoleName)).accounts.find((a) => a.id === accountId);
      expect(account?.ouPath).toBe(org.ouPath);
      expect(account?.tags).toEqual({ ...MANAGED, 'account-email-sent': 'true' });
    });

    it('tagAccount sets a tag, or replaces its value, and readOrganization shows it', async () => {
      const org = await makeOrganization();
      const accountId = await createAccount(org, unique('tag'));
      const tagsOf = async () => (await org.port.readOrganization(org.bootstrapRoleName)).accounts.find((a) => a.id === accountId)?.tags;
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

    it('puts, rewrites and deletes the bootstrap role', async () => {
      const org = await makeOrganization();
      const accountId = await createAccount(org, unique('bootstrap'));
      const input = {
        accountId,
        roleName: org.bootstrapRoleName,
        trustPolicy: bootstrapTrustPolicy(org.usersAccountId, [org.trustedUserName]),
        tags: MANAGED,
      };
      await org.port.putBootstrapRole(input);
      await org.port.putBootstrapRole(input);
      const read = async () => (await org.port.readOrganization(org.bootstrapRoleName)).accounts.find((a) => a.id === accountId);
      expect((await read())?.bootstrap).toEqual({
        managed: true,
        trustedUsers: [org.trustedUserName],
        requiresMfa: true,
        hasAdministratorAccess: true,
      });
      await org.port.deleteBootstrapRole(accountId, org.bootstrapRoleName);
      expect((await read())?.bootstrap).toBeUndefined();
    });

    it('puts the bootstrap role a second time with the same input without changing anything', async () => {
      const org = await makeOrganization();
      const accountId = await createAccount(org, unique('again'));
      const input = {
        accountId,
        roleName: org.bootstrapRoleName,
        trustPolicy: bootstrapTrustPolicy(org.usersAccountId, [org.trustedUserName]),
        tags: MANAGED,
      };
      const read = async () => (await org.port.readOrganization(org.bootstrapRoleName)).accounts.find((a) => a.id === accountId);
      await org.port.putBootstrapRole(input);
      const first = await read();
      await org.port.putBootstrapRole(input);
      expect(await read()).toEqual(first);
      expect(first?.bootstrap).toMatchObject({ managed: true, trustedUsers: [org.trustedUserName] });
    });

    it('deletes a bootstrap role that does not exist without complaint', async () => {
      const org = await makeOrganization();
      const accountId = await createAccount(org, unique('no-role'));
      await org.port.deleteBootstrapRole(accountId, org.bootstrapRoleName);
      const account = (await org.port.readOrganization(org.bootstrapRoleName)).accounts.find((a) => a.id === accountId);
      expect(account?.bootstrap).toBeUndefined();
    });

    it('refuses every change to the management account and the users account (code protected-account)', async () => {
      const org = await makeOrganization();
      const before = (await org.port.readOrganization(org.bootstrapRoleName)).accounts.find((a) => a.id === org.managementAccountId);
      const trustPolicy = bootstrapTrustPolicy(org.usersAccountId, [org.trustedUserName]);
      for (const id of [org.managementAccountId, org.usersAccountId]) {
        const attempts = [
          org.port.tagAccount(id, MANAGED),
          org.port.untagAccount(id, ['team-name']),
          org.port.moveAccount(id, org.ouPath),
          org.port.closeAccount(id),
          org.port.putBootstrapRole({ accountId: id, roleName: org.bootstrapRoleName, trustPolicy, tags: MANAGED }),
          org.port.deleteBootstrapRole(id, org.bootstrapRoleName),
          org.port.putReaderRole({ accountId: id, roleName: 'reader', trustPolicy, policyName: 'read', policy: trustPolicy, tags: MANAGED }),
        ];
        for (const attempt of attempts) expect(await codeOf(attempt)).toBe('protected-account');
      }
      const after = (await org.port.readOrganization(org.bootstrapRoleName)).accounts.find((a) => a.id === org.managementAccountId);
      expect(after).toEqual(before);
    });

    it('closes a member account, but never the management account', async () => {
      const org = await makeOrganization();
      const accountId = await createAccount(org, unique('close'));
      expect(await codeOf(org.port.closeAccount(org.managementAccountId))).toBeDefined();
      await org.port.closeAccount(accountId);
      const live = await org.port.readOrganization(org.bootstrapRoleName);
      const closed = live.accounts.find((a) => a.id === accountId);
      expect(closed?.status).not.toBe('ACTIVE');
      // A closed account cannot be looked into, and keeps counting as a member.
      expect(closed?.bootstrap).toBe('unknown');
      expect(live.closedInLast30Days).toBeGreaterThanOrEqual(1);
      expect(live.memberAccountCount).toBeGreaterThanOrEqual(1);
    });
  });
}
