/** The users account (IAM) in the sandbox, with the IAM rules that matter to the reconciler. */
import { AppError } from '../../core/errors.ts';
import {
  MANAGED_BY_TAG,
  isManaged,
  MANAGED_BY_VALUE,
  type LiveUserCredentials,
  type LiveUsersAccount,
  type PasswordPolicy,
  type PolicyDocument,
  type Tags,
} from '../../core/model.ts';
import { userArn } from '../../core/trust-policy.ts';
import type { UsersAccountPort } from '../../ports/users-account.ts';
import {
  assertIamName,
  assertPasswordMeetsPolicy,
  assertPasswordPolicy,
  mergeTags,
  noSuchEntity,
  removeTags,
} from './rules.ts';
import { hashPassword, type SandboxState, type SandboxStore, type SandboxUser } from './state.ts';

const MAX_GROUPS_PER_USER = 10;
const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** IAM finds users and groups by name ignoring case (names are unique regardless of case). */
function findUser(state: SandboxState, userName: string): SandboxUser {
  const user = state.usersAccount.users.find((candidate) => sameName(candidate.userName, userName));
  if (user === undefined) throw noSuchEntity(`User ${userName}`);
  return user;
}

/** Every credential, policy and membership AWS requires gone before DeleteUser (https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteUser.html). */
function remainingDependencies(user: SandboxUser): string[] {
  const left: string[] = [];
  if (user.loginProfile !== undefined) left.push('login profile');
  if (user.accessKeys.length > 0) left.push('access keys');
  if (user.signingCertificates.length > 0) left.push('signing certificates');
  if (user.sshPublicKeys.length > 0) left.push('SSH public keys');
  if (user.serviceSpecificCredentials.length > 0) left.push('service-specific credentials');
  if (user.mfaDevices.length > 0) left.push('MFA devices');
  if (Object.keys(user.inlinePolicies).length > 0) left.push('inline policies');
  if (user.attachedPolicies.length > 0) left.push('attached policies');
  if (user.groups.length > 0) left.push('group memberships');
  return left;
}

export class SandboxUsersAccount implements UsersAccountPort {
  private readonly store: SandboxStore;
  private readonly accountId: string;
  private readonly now: () => Date;
  private readonly protectedUsers: ReadonlySet<string>;

  constructor(store: SandboxStore, accountId: string, now: () => Date, protectedUsers: readonly string[] = []) {
    this.store = store;
    this.accountId = accountId;
    this.now = now;
    this.protectedUsers = new Set(protectedUsers.map((name) => name.toLowerCase()));
  }

  async readUsersAccount(group: string): Promise<LiveUsersAccount> {
    const state = await this.store.read();
    const { users, groups, passwordPolicy, aliases } = state.usersAccount;
    const found = groups.find((candidate) => sameName(candidate.name, group));
    return {
      users: [...users]
        .sort((a, b) => a.userName.localeCompare(b.userName))
        .map((user) => ({
          userName: user.userName,
          arn: this.userArn(user.userName),
          tags: { ...user.tags },
          groups: [...user.groups],
          // `?? …`: state files written before these fields existed lack them.
          inlinePolicyNames: Object.keys(user.inlinePolicies ?? {}).sort(),
          attachedPolicyArns: [...(user.attachedPolicies ?? [])],
        })),
      aliases: [...(aliases ?? [])],
      ...(passwordPolicy === undefined ? {} : { passwordPolicy: { ...passwordPolicy, hardExpiry: passwordPolicy.hardExpiry ?? false } }),
      ...(found === undefined
        ? {}
        : { group: { name: found.name, policies: found.policies, attachedPolicyArns: [...(found.attachedPolicies ?? [])] } }),
    };
  }

  /**
   * The sandbox records no sign-ins: last-use dates are whatever the state file says (set by hand
   * to see the access review). Like IAM's report, two key slots, in the order the keys were made.
   */
  async readCredentialReport(): Promise<readonly LiveUserCredentials[]> {
    const state = await this.store.read();
    return state.usersAccount.users.map((user) => {
      const profile = user.loginProfile;
      return {
        userName: user.userName,
        createdAt: user.createdAt,
        hasPassword: profile !== undefined,
        ...(profile === undefined ? {} : { passwordLastChanged: profile.createdAt }),
        ...(profile?.lastUsedAt === undefined ? {} : { passwordLastUsed: profile.lastUsedAt }),
        mfaActive: user.mfaDevices.length > 0,
        accessKeys: user.accessKeys.slice(0, 2).map((key, index) => ({
          slot: index === 0 ? 1 : 2,
          active: key.status === 'Active',
          ...(key.createdAt === undefined ? {} : { createdAt: key.createdAt }),
          ...(key.lastUsedAt === undefined ? {} : { lastUsed: key.lastUsedAt }),
        })),
      };
    });
  }

  async setAccountAlias(alias: string): Promise<void> {
    await this.store.update((state) => {
      state.usersAccount.aliases = [alias];
    });
  }

  userArn(userName: string): string {
    return userArn(this.accountId, userName);
  }

  async createUser(userName: string, tags: Tags): Promise<void> {
    assertIamName('User', userName, 64);
    const userTags = mergeTags({}, tags, true);
    await this.store.update((state) => {
      const existing = state.usersAccount.users.find((user) => sameName(user.userName, userName));
      if (existing !== undefined) {
        throw new AppError('user-exists', `A user named ${existing.userName} already exists (IAM user names are unique ignoring case).`);
      }
      state.counters.user += 1;
      state.usersAccount.users.push({
        userName,
        userId: `AIDASANDBOX${String(state.counters.user).padStart(9, '0')}`,
        createdAt: this.now().toISOString(),
        tags: userTags,
        groups: [],
        accessKeys: [],
        signingCertificates: [],
        sshPublicKeys: [],
        serviceSpecificCredentials: [],
        mfaDevices: [],
        inlinePolicies: {},
        attachedPolicies: [],
      });
    });
  }

  async tagUser(userName: string, tags: Tags): Promise<void> {
    await this.store.update((state) => {
      const user = findUser(state, userName);
      user.tags = mergeTags(user.tags, tags, true);
    });
  }

  async untagUser(userName: string, keys: readonly string[]): Promise<void> {
    await this.store.update((state) => {
      const user = findUser(state, userName);
      user.tags = removeTags(user.tags, keys, true);
    });
  }

  async addUserToGroup(userName: string, group: string): Promise<void> {
    await this.store.update((state) => {
      const user = findUser(state, userName);
      const found = state.usersAccount.groups.find((candidate) => sameName(candidate.name, group));
      if (found === undefined) throw noSuchEntity(`Group ${group}`);
      if (user.groups.some((name) => sameName(name, found.name))) return;
      if (user.groups.length >= MAX_GROUPS_PER_USER) {
        throw new AppError('limit-exceeded', `User ${user.userName} is already in ${MAX_GROUPS_PER_USER} groups.`);
      }
      user.groups.push(found.name);
    });
  }

  async removeUserFromGroup(userName: string, group: string): Promise<void> {
    await this.store.update((state) => {
      const user = findUser(state, userName);
      this.assertOwned(user);
      const found = state.usersAccount.groups.find((candidate) => sameName(candidate.name, group));
      if (found === undefined) throw noSuchEntity(`Group ${group}`);
      if (!user.groups.some((name) => sameName(name, found.name))) throw noSuchEntity(`User ${user.userName} in group ${found.name}`);
      user.groups = user.groups.filter((name) => !sameName(name, found.name));
    });
  }

  async detachUserPolicy(userName: string, policyArn: string): Promise<void> {
    await this.store.update((state) => {
      const user = findUser(state, userName);
      this.assertOwned(user);
      if (!user.attachedPolicies.includes(policyArn)) throw noSuchEntity(`Policy ${policyArn} attached to user ${user.userName}`);
      user.attachedPolicies = user.attachedPolicies.filter((arn) => arn !== policyArn);
    });
  }

  async deleteUserPolicy(userName: string, policyName: string): Promise<void> {
    await this.store.update((state) => {
      const user = findUser(state, userName);
      this.assertOwned(user);
      if (!(policyName in user.inlinePolicies)) throw noSuchEntity(`Policy ${policyName} of user ${user.userName}`);
      delete user.inlinePolicies[policyName];
    });
  }

  async suspendUser(userName: string): Promise<void> {
    await this.store.update((state) => {
      const user = findUser(state, userName);
      this.assertOwned(user);
      delete user.loginProfile;
      user.accessKeys = user.accessKeys.map((key) => ({ ...key, status: 'Inactive' }));
    });
  }

  async setTemporaryPassword(userName: string, password: string): Promise<void> {
    await this.store.update((state) => {
      const user = findUser(state, userName);
      assertPasswordMeetsPolicy(password, state.usersAccount.passwordPolicy);
      user.loginProfile = { passwordHash: hashPassword(password), passwordResetRequired: true, createdAt: this.now().toISOString() };
    });
  }

  async deleteUser(userName: string): Promise<void> {
    await this.store.update((state) => {
      const user = findUser(state, userName);
      this.assertOwned(user);
      // The API order (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_users_remove.html): credentials first, then MFA (deactivate, then delete the
      // virtual device), policies, group memberships, and only then the user.
      delete user.loginProfile;
      user.accessKeys = [];
      user.signingCertificates = [];
      user.sshPublicKeys = [];
      user.serviceSpecificCredentials = [];
      for (const serial of user.mfaDevices) {
        if (serial.startsWith('arn:') && serial.includes(':mfa/')) {
          state.usersAccount.virtualMfaDevices = state.usersAccount.virtualMfaDevices.filter((device) => device !== serial);
        }
      }
      user.mfaDevices = [];
      user.inlinePolicies = {};
      user.attachedPolicies = [];
      user.groups = [];
      const left = remainingDependencies(user);
      if (left.length > 0) {
        throw new AppError('delete-conflict', `Cannot delete user ${user.userName}: must delete ${left.join(', ')} first.`);
      }
      state.usersAccount.users = state.usersAccount.users.filter((candidate) => candidate !== user);
      // AWS stores trust principals as unique ids: once the user is gone, a role that trusted it
      // shows the bare id, and a new user with the same name is not trusted (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html).
      const arn = this.userArn(user.userName);
      for (const account of state.organization.accounts) {
        for (const role of account.roles) role.trustPolicy = replacePrincipal(role.trustPolicy, arn, user.userId);
      }
    });
  }

  async putPasswordPolicy(policy: PasswordPolicy): Promise<void> {
    assertPasswordPolicy(policy);
    await this.store.update((state) => {
      // Not a partial update: omitted fields revert to their defaults, as in AWS.
      state.usersAccount.passwordPolicy = { ...policy };
    });
  }

  async createGroup(group: string): Promise<void> {
    assertIamName('Group', group, 128);
    await this.store.update((state) => {
      const existing = state.usersAccount.groups.find((candidate) => sameName(candidate.name, group));
      // As the AWS adapter: a group that already exists (a re-run after a crash) is fine.
      if (existing === undefined) state.usersAccount.groups.push({ name: group, policies: {}, attachedPolicies: [] });
    });
  }

  async putGroupPolicy(group: string, policyName: string, document: PolicyDocument): Promise<void> {
    assertIamName('Policy', policyName, 128);
    if (!Array.isArray(document['Statement']) && typeof document['Statement'] !== 'object') {
      throw new AppError('malformed-policy', `Policy ${policyName} has no Statement.`);
    }
    await this.store.update((state) => {
      const found = state.usersAccount.groups.find((candidate) => sameName(candidate.name, group));
      if (found === undefined) throw noSuchEntity(`Group ${group}`);
      found.policies[policyName] = structuredClone(document) as Record<string, unknown>;
    });
  }

  async deleteGroupPolicy(group: string, policyName: string): Promise<void> {
    await this.store.update((state) => {
      const found = state.usersAccount.groups.find((candidate) => sameName(candidate.name, group));
      if (found === undefined) throw noSuchEntity(`Group ${group}`);
      if (!(policyName in found.policies)) throw noSuchEntity(`Policy ${policyName} of group ${found.name}`);
      delete found.policies[policyName];
    });
  }

  async detachGroupPolicy(group: string, policyArn: string): Promise<void> {
    await this.store.update((state) => {
      const found = state.usersAccount.groups.find((candidate) => sameName(candidate.name, group));
      if (found === undefined) throw noSuchEntity(`Group ${group}`);
      const attached = found.attachedPolicies ?? [];
      if (!attached.includes(policyArn)) throw noSuchEntity(`Policy ${policyArn} attached to group ${found.name}`);
      found.attachedPolicies = attached.filter((arn) => arn !== policyArn);
    });
  }

  /** Only users the project owns lose anything: never a protected one, never an unmanaged one. */
  private assertOwned(user: SandboxUser): void {
    if (this.protectedUsers.has(user.userName.toLowerCase())) {
      throw new AppError('protected', `User ${user.userName} is protected (settings.protected_users): not changing it.`, { fault: 'user' });
    }
    if (!isManaged(user.tags)) {
      throw new AppError('not-managed', `User ${user.userName} has no ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE} tag: it is not ours to change.`);
    }
  }
}

function replacePrincipal(document: PolicyDocument, arn: string, uniqueId: string): PolicyDocument {
  const text = JSON.stringify(document);
  if (!text.includes(JSON.stringify(arn))) return document;
  return JSON.parse(text.split(JSON.stringify(arn)).join(JSON.stringify(uniqueId))) as PolicyDocument;
}
