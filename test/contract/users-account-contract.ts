/**
 * What every UsersAccountPort must do, whatever is behind it. The sandbox runs it
 * (test/adapters/sandbox), the AWS adapter against moto (test/adapters/aws/iam-contract.test.ts).
 *
 * Each test uses its own user names, so one port may serve the whole suite. Only behaviour that
 * both AWS and the sandbox show is asserted here (moto is case-sensitive about names, for instance,
 * so that rule lives in the sandbox's own tests).
 */
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/core/errors.ts';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, type PasswordPolicy, type PolicyDocument } from '../../src/core/model.ts';
import type { UsersAccountPort } from '../../src/ports/users-account.ts';

export interface UsersAccountUnderTest {
  port: UsersAccountPort;
  /** The users account id, for ARNs. */
  accountId: string;
  /** A name in the port's protected users (settings.protected_users). */
  protectedUserName: string;
  /**
   * Access granted behind the project's back, as someone in the console would: the port has no
   * such methods (the project never grants access this way), so each harness does it its own way.
   */
  grant: AccessOutsideThePort;
}

export interface AccessOutsideThePort {
  /** A managed policy that exists and can be attached. */
  managedPolicyArn: string;
  attachUserPolicy(userName: string, policyArn: string): Promise<void>;
  putUserPolicy(userName: string, policyName: string, document: PolicyDocument): Promise<void>;
  attachGroupPolicy(group: string, policyArn: string): Promise<void>;
  /** Creates an active access key for the user. */
  createAccessKey(userName: string): Promise<void>;
  /** The statuses of the user's access keys, sorted (the port reads none of this). */
  accessKeyStatuses(userName: string): Promise<string[]>;
}

const MANAGED = { [MANAGED_BY_TAG]: MANAGED_BY_VALUE };
const PASSWORD = 'Contract-Test-Password-42!xyz';
const DOCUMENT: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'iam:GetAccountPasswordPolicy', Resource: '*' }],
};

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
}

export function describeUsersAccountContract(name: string, makePort: () => Promise<UsersAccountUnderTest>): void {
  describe(`UsersAccountPort contract: ${name}`, () => {
    let counter = 0;
    const unique = (prefix: string): string => {
      counter += 1;
      return `${prefix}${counter}.${Date.now().toString(36)}@contract.example.gov.uk`;
    };
    const uniqueGroup = (prefix: string): string => `contract-${prefix}-${Date.now().toString(36)}-${(counter += 1)}`;

    it('reports a created user with its tags and ARN', async () => {
      const { port, accountId } = await makePort();
      const userName = unique('create');
      await port.createUser(userName, { ...MANAGED, team: 'platform' });
      const live = await port.readUsersAccount('contract-group-absent');
      const user = live.users.find((candidate) => candidate.userName === userName);
      expect(user?.tags).toMatchObject({ ...MANAGED, team: 'platform' });
      expect(user?.groups).toEqual([]);
      expect(port.userArn(userName)).toBe(`arn:aws:iam::${accountId}:user/${userName}`);
      expect(live.group).toBeUndefined();
    });

    it('refuses a second user with the same name (code user-exists)', async () => {
      const { port } = await makePort();
      const userName = unique('dup');
      await port.createUser(userName, MANAGED);
      expect(await codeOf(port.createUser(userName, MANAGED))).toBe('user-exists');
    });

    it('adds and removes tags', async () => {
      const { port } = await makePort();
      const userName = unique('tags');
      await port.createUser(userName, MANAGED);
      await port.tagUser(userName, { team: 'a', 'credentials-sent': 'initial' });
      await port.tagUser(userName, { team: 'b' });
      await port.untagUser(userName, ['credentials-sent']);
      const live = await port.readUsersAccount('contract-group-absent');
      expect(live.users.find((user) => user.userName === userName)?.tags).toEqual({ ...MANAGED, team: 'b' });
    });

    it('creates a group with inline policies and adds users to it', async () => {
      const { port } = await makePort();
      const group = uniqueGroup('policies');
      const document = DOCUMENT;
      await port.createGroup(group);
      await port.putGroupPolicy(group, 'one', document);
      await port.putGroupPolicy(group, 'two', document);
      await port.deleteGroupPolicy(group, 'two');
      const userName = unique('member');
      await port.createUser(userName, MANAGED);
      await port.addUserToGroup(userName, group);
      const live = await port.readUsersAccount(group);
      expect(live.group).toEqual({ name: group, policies: { one: document }, attachedPolicyArns: [] });
      expect(live.users.find((user) => user.userName === userName)).toMatchObject({
        groups: [group],
        inlinePolicyNames: [],
        attachedPolicyArns: [],
      });
    });

    it('creates a group that exists already without complaint, keeping its policies (a re-run)', async () => {
      const { port } = await makePort();
      const group = uniqueGroup('again');
      await port.createGroup(group);
      await port.putGroupPolicy(group, 'one', DOCUMENT);
      await port.createGroup(group);
      expect((await port.readUsersAccount(group)).group).toEqual({ name: group, policies: { one: DOCUMENT }, attachedPolicyArns: [] });
    });

    it("reads a managed user's access outside the group, and removes it", async () => {
      const { port, grant } = await makePort();
      const group = uniqueGroup('main');
      const other = uniqueGroup('other');
      await port.createGroup(group);
      await port.createGroup(other);
      const userName = unique('drift');
      await port.createUser(userName, MANAGED);
      await port.addUserToGroup(userName, group);
      await port.addUserToGroup(userName, other);
      await grant.attachUserPolicy(userName, grant.managedPolicyArn);
      await grant.putUserPolicy(userName, 'own', DOCUMENT);
      await grant.attachGroupPolicy(group, grant.managedPolicyArn);

      const drifted = await port.readUsersAccount(group);
      expect(drifted.users.find((user) => user.userName === userName)).toMatchObject({
        groups: expect.arrayContaining([group, other]),
        inlinePolicyNames: ['own'],
        attachedPolicyArns: [grant.managedPolicyArn],
      });
      expect(drifted.group?.attachedPolicyArns).toEqual([grant.managedPolicyArn]);

      await port.removeUserFromGroup(userName, other);
      await port.detachUserPolicy(userName, grant.managedPolicyArn);
      await port.deleteUserPolicy(userName, 'own');
      await port.detachGroupPolicy(group, grant.managedPolicyArn);

      const live = await port.readUsersAccount(group);
      expect(live.users.find((user) => user.userName === userName)).toMatchObject({
        groups: [group],
        inlinePolicyNames: [],
        attachedPolicyArns: [],
      });
      expect(live.group?.attachedPolicyArns).toEqual([]);
    });

    it('answers not-found when there is nothing to remove', async () => {
      const { port, grant } = await makePort();
      const group = uniqueGroup('empty');
      await port.createGroup(group);
      const userName = unique('nothing');
      await port.createUser(userName, MANAGED);
      expect(await codeOf(port.removeUserFromGroup(userName, group))).toBe('not-found');
      expect(await codeOf(port.detachUserPolicy(userName, grant.managedPolicyArn))).toBe('not-found');
      expect(await codeOf(port.deleteUserPolicy(userName, 'none'))).toBe('not-found');
      expect(await codeOf(port.detachGroupPolicy(group, grant.managedPolicyArn))).toBe('not-found');
    });

    it('never removes access from an unmanaged or a protected user', async () => {
      const { port, grant, protectedUserName } = await makePort();
      const group = uniqueGroup('theirs');
      await port.createGroup(group);
      const unmanaged = unique('theirs');
      await port.createUser(unmanaged, { team: 'someone-else' });
      await port.createUser(protectedUserName, MANAGED);
      for (const userName of [unmanaged, protectedUserName]) {
        await port.addUserToGroup(userName, group);
        await grant.attachUserPolicy(userName, grant.managedPolicyArn);
        await grant.putUserPolicy(userName, 'own', DOCUMENT);
      }
      for (const [userName, code] of [[unmanaged, 'not-managed'], [protectedUserName, 'protected']] as const) {
        expect(await codeOf(port.removeUserFromGroup(userName, group))).toBe(code);
        expect(await codeOf(port.detachUserPolicy(userName, grant.managedPolicyArn))).toBe(code);
        expect(await codeOf(port.deleteUserPolicy(userName, 'own'))).toBe(code);
      }
      const live = await port.readUsersAccount(group);
      for (const userName of [unmanaged, protectedUserName]) {
        expect(live.users.find((user) => user.userName === userName)).toMatchObject({
          groups: [group],
          inlinePolicyNames: ['own'],
          attachedPolicyArns: [grant.managedPolicyArn],
        });
      }
    });

    it('stores every field of the password policy as given, hard expiry included', async () => {
      const { port } = await makePort();
      const policy: PasswordPolicy = {
        minimumLength: 20,
        requireSymbols: false,
        requireNumbers: true,
        requireUppercase: false,
        requireLowercase: true,
        allowUsersToChangePassword: false,
        maxAgeDays: 90,
        reusePrevention: 5,
        hardExpiry: true,
      };
      await port.putPasswordPolicy(policy);
      expect((await port.readUsersAccount('contract-group-absent')).passwordPolicy).toEqual(policy);
      const plain: PasswordPolicy = { ...policy, allowUsersToChangePassword: true, hardExpiry: false };
      delete plain.maxAgeDays;
      delete plain.reusePrevention;
      await port.putPasswordPolicy(plain);
      expect((await port.readUsersAccount('contract-group-absent')).passwordPolicy).toEqual(plain);
    });

    it('sets the whole password policy and accepts a conforming temporary password, twice', async () => {
      const { port } = await makePort();
      const policy: PasswordPolicy = {
        minimumLength: 16,
        requireSymbols: true,
        requireNumbers: true,
        requireUppercase: true,
        requireLowercase: true,
        allowUsersToChangePassword: true,
        hardExpiry: false,
      };
      await port.putPasswordPolicy(policy);
      expect((await port.readUsersAccount('contract-group-absent')).passwordPolicy).toMatchObject(policy);
      const userName = unique('password');
      await port.createUser(userName, MANAGED);
      await port.setTemporaryPassword(userName, PASSWORD);
      // Replacing the login profile (a reset) is the same call.
      await port.setTemporaryPassword(userName, `${PASSWORD}-again`);
    });

    it('deletes a managed user with its login profile and group membership', async () => {
      const { port } = await makePort();
      const group = uniqueGroup('del');
      await port.createGroup(group);
      const userName = unique('delete');
      await port.createUser(userName, MANAGED);
      await port.addUserToGroup(userName, group);
      await port.setTemporaryPassword(userName, PASSWORD);
      await port.deleteUser(userName);
      const live = await port.readUsersAccount(group);
      expect(live.users.map((user) => user.userName)).not.toContain(userName);
    });

    it('deletes a managed user with its own policies and the groups it was added to by hand', async () => {
      const { port, grant } = await makePort();
      const group = uniqueGroup('del-main');
      const other = uniqueGroup('del-other');
      await port.createGroup(group);
      await port.createGroup(other);
      const userName = unique('delete-drift');
      await port.createUser(userName, MANAGED);
      await port.addUserToGroup(userName, group);
      await port.addUserToGroup(userName, other);
      await grant.attachUserPolicy(userName, grant.managedPolicyArn);
      await grant.putUserPolicy(userName, 'own', DOCUMENT);
      await port.deleteUser(userName);
      expect((await port.readUsersAccount(group)).users.map((user) => user.userName)).not.toContain(userName);
      // A user of the same name starts with nothing: no membership or policy was left behind.
      await port.createUser(userName, MANAGED);
      expect((await port.readUsersAccount(group)).users.find((user) => user.userName === userName)).toMatchObject({
        groups: [],
        inlinePolicyNames: [],
        attachedPolicyArns: [],
      });
    });

    it('sets the account alias; a second one replaces it (IAM allows one)', async () => {
      const { port } = await makePort();
      await port.setAccountAlias('contract-users-a');
      expect((await port.readUsersAccount('contract-group-absent')).aliases).toEqual(['contract-users-a']);
      await port.setAccountAlias('contract-users-b');
      expect((await port.readUsersAccount('contract-group-absent')).aliases).toEqual(['contract-users-b']);
    });

    it("reports each user's sign-in facts in the credential report, without changing anything", async () => {
      const { port } = await makePort();
      const withPassword = unique('report');
      const without = unique('report');
      await port.createUser(withPassword, MANAGED);
      await port.createUser(without, MANAGED);
      await port.setTemporaryPassword(withPassword, PASSWORD);
      const rows = await port.readCredentialReport();
      const row = (name: string) => rows.find((candidate) => candidate.userName === name);
      expect(row(withPassword)).toMatchObject({ hasPassword: true, mfaActive: false, accessKeys: [] });
      expect(row(without)).toMatchObject({ hasPassword: false, mfaActive: false, accessKeys: [] });
      expect(Number.isNaN(Date.parse(row(without)?.createdAt ?? ''))).toBe(false);
      expect(row(without)?.passwordLastUsed).toBeUndefined();
    });

    it('reports each access key by slot, with its creation date, active or not', async () => {
      const { port, grant } = await makePort();
      const userName = unique('keys');
      await port.createUser(userName, MANAGED);
      await grant.createAccessKey(userName);
      await grant.createAccessKey(userName);
      const keys = (await port.readCredentialReport()).find((candidate) => candidate.userName === userName)?.accessKeys ?? [];
      expect(keys.map(({ slot, active, lastUsed }) => ({ slot, active, lastUsed }))).toEqual([
        { slot: 1, active: true, lastUsed: undefined },
        { slot: 2, active: true, lastUsed: undefined },
      ]);
      for (const key of keys) expect(Math.abs(Date.parse(key.createdAt ?? '') - Date.now())).toBeLessThan(3_600_000);
      await port.suspendUser(userName);
      const after = (await port.readCredentialReport()).find((candidate) => candidate.userName === userName)?.accessKeys ?? [];
      expect(after.map((key) => [key.slot, key.active, key.createdAt])).toEqual(keys.map((key) => [key.slot, false, key.createdAt]));
    });

    it('suspends a managed user: no console password, every access key inactive, and again without complaint', async () => {
      const { port, grant } = await makePort();
      const group = uniqueGroup('suspend');
      await port.createGroup(group);
      const userName = unique('suspend');
      await port.createUser(userName, MANAGED);
      await port.addUserToGroup(userName, group);
      await port.setTemporaryPassword(userName, PASSWORD);
      await grant.createAccessKey(userName);
      await grant.createAccessKey(userName);
      await port.suspendUser(userName);
      await port.suspendUser(userName);
      expect(await grant.accessKeyStatuses(userName)).toEqual(['Inactive', 'Inactive']);
      const row = (await port.readCredentialReport()).find((candidate) => candidate.userName === userName);
      expect(row).toMatchObject({ hasPassword: false, accessKeys: [{ active: false }, { active: false }] });
      // The user and its group stay: apply removes the membership itself, and only deletion deletes.
      expect((await port.readUsersAccount(group)).users.find((user) => user.userName === userName)?.groups).toEqual([group]);
      // Restoring is a new temporary password, as for any user without one.
      await port.setTemporaryPassword(userName, PASSWORD);
      expect((await port.readCredentialReport()).find((candidate) => candidate.userName === userName)).toMatchObject({ hasPassword: true });
    });

    it('never suspends an unmanaged or a protected user', async () => {
      const { port, grant, protectedUserName } = await makePort();
      const unmanaged = unique('theirs-suspend');
      await port.createUser(unmanaged, { team: 'someone-else' });
      await grant.createAccessKey(unmanaged);
      expect(await codeOf(port.suspendUser(unmanaged))).toBe('not-managed');
      // The protected user may exist already (one port serves a whole suite on moto).
      expect([undefined, 'user-exists']).toContain(await codeOf(port.createUser(protectedUserName, MANAGED)));
      expect(await codeOf(port.suspendUser(protectedUserName))).toBe('protected');
      expect(await grant.accessKeyStatuses(unmanaged)).toEqual(['Active']);
    });

    it('refuses to delete a user without the managed-by tag (code not-managed)', async () => {
      const { port } = await makePort();
      const userName = unique('unmanaged');
      await port.createUser(userName, { team: 'someone-else' });
      expect(await codeOf(port.deleteUser(userName))).toBe('not-managed');
      const live = await port.readUsersAccount('contract-group-absent');
      expect(live.users.map((user) => user.userName)).toContain(userName);
    });
  });
}
