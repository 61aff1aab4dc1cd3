/**
 * What every UsersAccountPort must do, whatever is behind it. The sandbox runs it
 * (test/adapters/sandbox); an AWS adapter runs it against moto with
 * `describeUsersAccountContract('IAM on moto', async () => ({ port, accountId }))`.
 *
 * Each test uses its own user names, so one port may serve the whole suite. Only behaviour that
 * both AWS and the sandbox show is asserted here (moto is case-sensitive about names, for instance,
 * so that rule lives in the sandbox's own tests).
 */
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/core/errors.ts';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, type PasswordPolicy } from '../../src/core/model.ts';
import type { UsersAccountPort } from '../../src/ports/users-account.ts';

export interface UsersAccountUnderTest {
  port: UsersAccountPort;
  /** The users account id, for ARNs. */
  accountId: string;
}

const MANAGED = { [MANAGED_BY_TAG]: MANAGED_BY_VALUE };
const PASSWORD = 'Contract-Test-Password-42!xyz';

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
      const group = `contract-${Date.now().toString(36)}-${(counter += 1)}`;
      const document = {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'iam:GetAccountPasswordPolicy', Resource: '*' }],
      };
      await port.createGroup(group);
      await port.putGroupPolicy(group, 'one', document);
      await port.putGroupPolicy(group, 'two', document);
      await port.deleteGroupPolicy(group, 'two');
      const userName = unique('member');
      await port.createUser(userName, MANAGED);
      await port.addUserToGroup(userName, group);
      const live = await port.readUsersAccount(group);
      expect(live.group?.name).toBe(group);
      expect(live.group?.policies).toEqual({ one: document });
      expect(live.users.find((user) => user.userName === userName)?.groups).toEqual([group]);
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
      const group = `contract-del-${Date.now().toString(36)}-${(counter += 1)}`;
      await port.createGroup(group);
      const userName = unique('delete');
      await port.createUser(userName, MANAGED);
      await port.addUserToGroup(userName, group);
      await port.setTemporaryPassword(userName, PASSWORD);
      await port.deleteUser(userName);
      const live = await port.readUsersAccount(group);
      expect(live.users.map((user) => user.userName)).not.toContain(userName);
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
