/**
 * The users account, in AWS IAM.
 *
 * ## How it is tested, and what is faked
 *
 * The happy paths run against moto server (real wire protocol). moto is lenient where AWS is strict
 * (moto's IAM implementation, http://docs.getmoto.org/en/latest/docs/services/iam.html), so these behaviours are covered with client-level fakes
 * (aws-sdk-client-mock) of the exact AWS errors instead:
 *
 * - `DeleteConflict` then success on DeleteUser: moto's DeleteUser ignores login profiles, keys, MFA
 *   and memberships, and AWS can answer DeleteConflict even after the dependency is gone (eventual
 *   consistency), so the retry is only observable with a fake.
 * - `EntityTemporarilyUnmodifiable` on CreateLoginProfile: moto never raises it.
 * - GAAD pagination (`IsTruncated` + `Marker` over several pages): moto never paginates GAAD; the
 *   tests' fault proxy (test/support/faults.ts) also pages every list moto answers.
 * - `Throttling`: moto never throttles; the tests' proxy throttles with token buckets.
 * - ListServiceSpecificCredentials / DeleteServiceSpecificCredential: moto does not implement them;
 *   the tests' proxy in front of moto answers the list as AWS does for a user without any, and the
 *   real path (one credential listed, then deleted) runs against a fake.
 */
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteGroupPolicyCommand,
  DeleteLoginProfileCommand,
  DeleteServiceSpecificCredentialCommand,
  DeleteSigningCertificateCommand,
  DeleteSSHPublicKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DeleteVirtualMFADeviceCommand,
  DetachGroupPolicyCommand,
  DetachUserPolicyCommand,
  GetAccountAuthorizationDetailsCommand,
  GetAccountPasswordPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListServiceSpecificCredentialsCommand,
  ListSigningCertificatesCommand,
  ListSSHPublicKeysCommand,
  ListUserPoliciesCommand,
  ListUserTagsCommand,
  PutGroupPolicyCommand,
  RemoveUserFromGroupCommand,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccountPasswordPolicyCommand,
  UpdateAccessKeyCommand,
  UpdateLoginProfileCommand,
  type AccessKeyMetadata,
  type AttachedPolicy,
  type GroupDetail,
  type IAMClientConfig,
  type ManagedPolicyDetail,
  type PolicyDetail,
  type UserDetail,
} from '@aws-sdk/client-iam';
import { GROUP_POLICY_NAMES, groupPolicyArn } from '../../core/baseline.ts';
import { AppError } from '../../core/errors.ts';
import { isSamePolicy } from '../../core/policy-compare.ts';
import {
  MANAGED_BY_TAG,
  MANAGED_BY_VALUE,
  isManaged,
  type LiveGroup,
  type LiveUser,
  type LiveUsersAccount,
  type PasswordPolicy,
  type PolicyDocument,
  type SettingsFile,
  type Tags,
} from '../../core/model.ts';
import type { UsersAccountPort } from '../../ports/users-account.ts';
import { awsClientConfig, roleToAssume, type AwsAccess, type Env } from './clients.ts';
import { isAwsError, realSleep, translateAwsError, withEndpointInErrors, withRetry, type Sleep } from './errors.ts';
import { createAccountAlias, readAccountAliases } from './account-alias.ts';
import { readCredentialReport } from './credential-report.ts';
import { createPacers, withPacing, type Pacers } from './pacing.ts';
import { decodePolicyDocument } from './policy-document.ts';

/**
 * The IAM client the adapter would build: exported so tests can add middleware (request counting).
 * `access` picks the role to assume (users_account.read_role_to_assume for reads, when set).
 */
export function createIamClient(
  settings: SettingsFile,
  env: Env,
  extra: Partial<IAMClientConfig> = {},
  access: AwsAccess = 'write',
  pacers: Pacers = createPacers(),
  sourceIdentity?: string,
): IAMClient {
  const roleArn = roleToAssume(settings.users_account, access);
  const client = withEndpointInErrors(
    new IAMClient({
      ...awsClientConfig('IAM', { region: settings.users_account.region, roleArn, env, sourceIdentity }),
      ...extra,
    }),
  );
  return withPacing(client, pacers(settings.users_account.id));
}

export interface AwsUsersAccountOptions {
  /** A ready client (a fake, or one with extra middleware); otherwise built from settings and env. */
  client?: IAMClient;
  /** Back-off sleep for IAM's transient conflicts; tests pass a no-op. */
  sleep?: Sleep;
  /** Which role the built client assumes: `read` (plan) or `write` (apply, the default). */
  access?: AwsAccess;
  /** The target's pacers, shared with its other adapters (a fresh set by default). */
  pacers?: Pacers;
  /** STS SourceIdentity for every role the built clients assume (apply with an approval record). */
  sourceIdentity?: string | undefined;
}

/** Attempts for IAM's self-clearing 409s (see withRetry). */
const CONFLICT_ATTEMPTS = 5;
const TRANSIENT_CONFLICTS = ['DeleteConflict', 'EntityTemporarilyUnmodifiable', 'ConcurrentModification'] as const;

interface Page<T> {
  items: readonly T[] | undefined;
  IsTruncated?: boolean | undefined;
  Marker?: string | undefined;
}

/** Every item of an IAM list call: IAM may return fewer than MaxItems while more remain. */
async function listAll<T>(fetchPage: (marker: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  let marker: string | undefined;
  for (;;) {
    const page = await fetchPage(marker);
    all.push(...(page.items ?? []));
    if (!page.IsTruncated || page.Marker === undefined) return all;
    marker = page.Marker;
  }
}

/** How many attempts the SDK made before this error (its retry middleware records it). */
function attemptsOf(error: unknown): number {
  const attempts = (error as { $metadata?: { attempts?: unknown } } | undefined)?.$metadata?.attempts;
  return typeof attempts === 'number' ? attempts : 1;
}

function toTags(tags: readonly { Key: string | undefined; Value: string | undefined }[] | undefined): Tags {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) out[tag.Key] = tag.Value ?? '';
  return out;
}

function policyArns(attached: readonly AttachedPolicy[] | undefined): string[] {
  return (attached ?? []).flatMap((policy) => (policy.PolicyArn === undefined ? [] : [policy.PolicyArn]));
}

/** A user from the GAAD snapshot: its own policies come with it, so no per-user call is needed. */
function toLiveUser(user: UserDetail): LiveUser {
  return {
    userName: user.UserName ?? '',
    ...(user.Arn === undefined ? {} : { arn: user.Arn }),
    tags: toTags(user.Tags),
    groups: [...(user.GroupList ?? [])],
    // Names only: any inline policy on a managed user is drift, whatever it says.
    inlinePolicyNames: (user.UserPolicyList ?? []).flatMap((policy) => (policy.PolicyName === undefined ? [] : [policy.PolicyName])),
    attachedPolicyArns: policyArns(user.AttachedManagedPolicies),
  };
}

/** Prefix of a real inline policy's name when a project policy of the same name lives at its fixed ARN. */
const INLINE_PREFIX = 'inline:';

/**
 * The group as the core sees it: its policies by name. On AWS the project's policies are customer
 * managed policies at fixed ARNs (groupPolicyArn), created by an administrator and attached by
 * apply; each attached one is reported under its name with its default version's document. Until an
 * administrator has created them, the group's inline policies of those names stand in for them (the
 * way this project wrote them before). Once one exists, an inline policy of its name is reported as
 * `inline:<name>`, so the plan deletes it and attaches the managed one.
 */
function toLiveGroup(group: GroupDetail, ownPolicies: ReadonlyMap<string, { name: string; document: PolicyDocument | undefined }>): LiveGroup {
  const name = group.GroupName ?? '';
  const policies: Record<string, PolicyDocument> = {};
  const existing = new Set([...ownPolicies.values()].map((p) => p.name));
  const attachedPolicyArns: string[] = [];
  for (const arn of policyArns(group.AttachedManagedPolicies)) {
    const own = ownPolicies.get(arn);
    if (own === undefined) attachedPolicyArns.push(arn);
    // A document IAM did not return compares as different, so apply re-checks it before attaching.
    else policies[own.name] = own.document ?? { Version: '2012-10-17', Statement: [] };
  }
  for (const policy of group.GroupPolicyList ?? ([] as PolicyDetail[])) {
    if (policy.PolicyName !== undefined && policy.PolicyDocument !== undefined) {
      const key = existing.has(policy.PolicyName) ? `${INLINE_PREFIX}${policy.PolicyName}` : policy.PolicyName;
      policies[key] = decodePolicyDocument(policy.PolicyDocument, `inline policy ${policy.PolicyName} of group ${name}`);
    }
  }
  return { name, policies, attachedPolicyArns };
}

/** The default version's document of a customer managed policy, from the GAAD snapshot. */
function defaultDocument(policy: ManagedPolicyDetail): PolicyDocument | undefined {
  const version = (policy.PolicyVersionList ?? []).find((v) => v.IsDefaultVersion === true) ?? (policy.PolicyVersionList ?? [])[0];
  return version?.Document === undefined ? undefined : decodePolicyDocument(version.Document, `managed policy ${policy.Arn ?? ''}`);
}

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function createAwsUsersAccount(
  settings: SettingsFile,
  env: Env = process.env,
  options: AwsUsersAccountOptions = {},
): UsersAccountPort {
  const client = options.client ?? createIamClient(settings, env, {}, options.access, options.pacers, options.sourceIdentity);
  const sleep = options.sleep ?? realSleep;
  const accountId = settings.users_account.id;
  const partition = partitionOf(settings.users_account.region);
  const protectedUsers = new Set(settings.protected_users.map((name) => name.toLowerCase()));

  /** Runs one call, translating its error with `context` (operation and resource, never values). */
  async function call<T>(context: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw translateAwsError(error, `IAM ${context}`);
    }
  }

  function ownGroupPolicyArn(group: string, name: string): string {
    return groupPolicyArn(accountId, group, name, partition);
  }

  /** The default version's document of a managed policy; undefined when the policy does not exist. */
  async function readManagedPolicy(arn: string): Promise<PolicyDocument | undefined> {
    let versionId: string | undefined;
    try {
      versionId = (await client.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId;
    } catch (error) {
      if (isAwsError(error, 'NoSuchEntity')) return undefined;
      throw translateAwsError(error, `IAM GetPolicy ${arn}`);
    }
    const version = await call(`GetPolicyVersion ${arn}`, () => client.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId })));
    const text = version.PolicyVersion?.Document;
    return text === undefined ? undefined : decodePolicyDocument(text, `managed policy ${arn}`);
  }

  async function readAuthorizationDetails(): Promise<{ users: UserDetail[]; groups: GroupDetail[]; policies: ManagedPolicyDetail[] }> {
    const users: UserDetail[] = [];
    const groups: GroupDetail[] = [];
    const policies: ManagedPolicyDetail[] = [];
    let marker: string | undefined;
    // One paginated snapshot instead of per-user calls; Filter keeps AWS managed policies (hundreds,
    // large) out of the response. The account's own managed policies hold the group's documents.
    for (;;) {
      const page = await call('GetAccountAuthorizationDetails', () =>
        client.send(
          new GetAccountAuthorizationDetailsCommand({
            Filter: ['User', 'Group', 'LocalManagedPolicy'],
            MaxItems: 1000,
            ...(marker === undefined ? {} : { Marker: marker }),
          }),
        ),
      );
      users.push(...(page.UserDetailList ?? []));
      groups.push(...(page.GroupDetailList ?? []));
      policies.push(...(page.Policies ?? []));
      if (!page.IsTruncated || page.Marker === undefined) return { users, groups, policies };
      marker = page.Marker;
    }
  }

  async function readPasswordPolicy(): Promise<PasswordPolicy | undefined> {
    try {
      const { PasswordPolicy: p } = await client.send(new GetAccountPasswordPolicyCommand({}));
      if (p === undefined) return undefined;
      return {
        minimumLength: p.MinimumPasswordLength ?? 6,
        requireSymbols: p.RequireSymbols ?? false,
        requireNumbers: p.RequireNumbers ?? false,
        requireUppercase: p.RequireUppercaseCharacters ?? false,
        requireLowercase: p.RequireLowercaseCharacters ?? false,
        allowUsersToChangePassword: p.AllowUsersToChangePassword ?? false,
        ...(p.MaxPasswordAge ? { maxAgeDays: p.MaxPasswordAge } : {}),
        ...(p.PasswordReusePrevention ? { reusePrevention: p.PasswordReusePrevention } : {}),
        hardExpiry: p.HardExpiry ?? false,
      };
    } catch (error) {
      // AWS's way of saying the account has no password policy at all.
      if (isAwsError(error, 'NoSuchEntity')) return undefined;
      throw translateAwsError(error, 'IAM GetAccountPasswordPolicy');
    }
  }

  /**
   * Refuses protected and unmanaged users before anything is removed from them (`doing`: what was
   * about to happen, for the message). One ListUserTags call: the tags decide, not the plan.
   */
  async function assertOwned(userName: string, doing: string): Promise<void> {
    if (protectedUsers.has(userName.toLowerCase())) {
      throw new AppError('protected', `IAM user ${userName} is protected (settings.protected_users); not ${doing}`, {
        fault: 'user',
      });
    }
    const tags = await call(`ListUserTags ${userName}`, () =>
      listAll(async (Marker) => {
        const r = await client.send(new ListUserTagsCommand({ UserName: userName, ...(Marker ? { Marker } : {}) }));
        return { items: r.Tags, IsTruncated: r.IsTruncated, Marker: r.Marker };
      }),
    );
    if (!isManaged(toTags(tags))) {
      throw new AppError(
        'not-managed',
        `IAM user ${userName} has no ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE} tag; it was not created by this tool, so it is not ${doing}`,
        { fault: 'user', hint: `Remove it by hand, or tag it ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE} to hand it over.` },
      );
    }
  }

  /** Whether the user of exactly this name carries every one of `tags` (false when there is none). */
  async function hasTags(userName: string, tags: Tags): Promise<boolean> {
    let current: Tags;
    try {
      current = toTags(
        await listAll(async (Marker) => {
          const r = await client.send(new ListUserTagsCommand({ UserName: userName, ...(Marker ? { Marker } : {}) }));
          return { items: r.Tags, IsTruncated: r.IsTruncated, Marker: r.Marker };
        }),
      );
    } catch (error) {
      if (isAwsError(error, 'NoSuchEntity')) return false;
      throw translateAwsError(error, `IAM ListUserTags ${userName}`);
    }
    return Object.entries(tags).every(([key, value]) => current[key] === value);
  }

  async function listServiceSpecificCredentialIds(userName: string): Promise<string[]> {
    const credentials = await call(`ListServiceSpecificCredentials ${userName}`, () =>
      listAll(async (Marker) => {
        const r = await client.send(
          new ListServiceSpecificCredentialsCommand({ UserName: userName, ...(Marker ? { Marker } : {}) }),
        );
        return { items: r.ServiceSpecificCredentials, IsTruncated: r.IsTruncated, Marker: r.Marker };
      }),
    );
    return credentials.flatMap((c) => (c.ServiceSpecificCredentialId ? [c.ServiceSpecificCredentialId] : []));
  }

  /** Removes the console password; a user without one is fine. */
  async function deleteLoginProfile(userName: string): Promise<void> {
    await call(`DeleteLoginProfile ${userName}`, async () => {
      try {
        await withRetry(() => client.send(new DeleteLoginProfileCommand({ UserName: userName })), {
          codes: ['EntityTemporarilyUnmodifiable'],
          attempts: CONFLICT_ATTEMPTS,
          sleep,
        });
      } catch (error) {
        if (!isAwsError(error, 'NoSuchEntity')) throw error; // no console password: nothing to remove
      }
    });
  }

  async function listAccessKeys(userName: string): Promise<AccessKeyMetadata[]> {
    return call(`ListAccessKeys ${userName}`, () =>
      listAll(async (Marker) => {
        const r = await client.send(new ListAccessKeysCommand({ UserName: userName, ...(Marker ? { Marker } : {}) }));
        return { items: r.AccessKeyMetadata, IsTruncated: r.IsTruncated, Marker: r.Marker };
      }),
    );
  }

  /** Every dependency AWS requires gone before DeleteUser, in the order of AWS's CLI procedure. */
  async function removeDependencies(userName: string): Promise<void> {
    const UserName = userName;
    const m = (Marker: string | undefined) => (Marker ? { Marker } : {});

    await deleteLoginProfile(userName);
    const keys = await listAccessKeys(userName);
    for (const key of keys) {
      if (key.AccessKeyId === undefined) continue;
      const AccessKeyId = key.AccessKeyId;
      await call(`DeleteAccessKey ${userName}`, () => client.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId })));
    }

    const certificates = await call(`ListSigningCertificates ${userName}`, () =>
      listAll(async (Marker) => {
        const r = await client.send(new ListSigningCertificatesCommand({ UserName, ...m(Marker) }));
        return { items: r.Certificates, IsTruncated: r.IsTruncated, Marker: r.Marker };
      }),
    );
    for (const certificate of certificates) {
      const CertificateId = certificate.CertificateId;
      if (CertificateId === undefined) continue;
      await call(`DeleteSigningCertificate ${userName}`, () =>
        client.send(new DeleteSigningCertificateCommand({ UserName, CertificateId })),
      );
    }

    const sshKeys = await call(`ListSSHPublicKeys ${userName}`, () =>
      listAll(async (Marker) => {
        const r = await client.send(new ListSSHPublicKeysCommand({ UserName, ...m(Marker) }));
        return { items: r.SSHPublicKeys, IsTruncated: r.IsTruncated, Marker: r.Marker };
      }),
    );
    for (const sshKey of sshKeys) {
      const SSHPublicKeyId = sshKey.SSHPublicKeyId;
      if (SSHPublicKeyId === undefined) continue;
      await call(`DeleteSSHPublicKey ${userName}`, () =>
        client.send(new DeleteSSHPublicKeyCommand({ UserName, SSHPublicKeyId })),
      );
    }

    for (const ServiceSpecificCredentialId of await listServiceSpecificCredentialIds(userName)) {
      await call(`DeleteServiceSpecificCredential ${userName}`, () =>
        client.send(new DeleteServiceSpecificCredentialCommand({ UserName, ServiceSpecificCredentialId })),
      );
    }

    const devices = await call(`ListMFADevices ${userName}`, () =>
      listAll(async (Marker) => {
        const r = await client.send(new ListMFADevicesCommand({ UserName, ...m(Marker) }));
        return { items: r.MFADevices, IsTruncated: r.IsTruncated, Marker: r.Marker };
      }),
    );
    for (const device of devices) {
      const SerialNumber = device.SerialNumber;
      if (SerialNumber === undefined) continue;
      await call(`DeactivateMFADevice ${userName}`, () =>
        client.send(new DeactivateMFADeviceCommand({ UserName, SerialNumber })),
      );
      // Only virtual devices can (and must) be deleted; their serial is an `arn:…:mfa/…` ARN.
      // Hardware tokens and FIDO keys (`…:u2f/…`) can only be deactivated.
      if (/^arn:[^:]+:iam::\d*:mfa\//.test(SerialNumber)) {
        await call(`DeleteVirtualMFADevice ${userName}`, () =>
          client.send(new DeleteVirtualMFADeviceCommand({ SerialNumber })),
        );
      }
    }

    const inlinePolicies = await call(`ListUserPolicies ${userName}`, () =>
      listAll(async (Marker) => {
        const r = await client.send(new ListUserPoliciesCommand({ UserName, ...m(Marker) }));
        return { items: r.PolicyNames, IsTruncated: r.IsTruncated, Marker: r.Marker };
      }),
    );
    for (const PolicyName of inlinePolicies) await deleteUserPolicy(userName, PolicyName);

    const attached = await call(`ListAttachedUserPolicies ${userName}`, () =>
      listAll(async (Marker) => {
        const r = await client.send(new ListAttachedUserPoliciesCommand({ UserName, ...m(Marker) }));
        return { items: r.AttachedPolicies, IsTruncated: r.IsTruncated, Marker: r.Marker };
      }),
    );
    for (const policy of attached) {
      if (policy.PolicyArn !== undefined) await detachUserPolicy(userName, policy.PolicyArn);
    }

    // A permissions boundary does not block DeleteUser (API_DeleteUser lists no such dependency), so
    // it is left alone; moto does not implement DeleteUserPermissionsBoundary either.

    const groups = await call(`ListGroupsForUser ${userName}`, () =>
      listAll(async (Marker) => {
        const r = await client.send(new ListGroupsForUserCommand({ UserName, ...m(Marker) }));
        return { items: r.Groups, IsTruncated: r.IsTruncated, Marker: r.Marker };
      }),
    );
    for (const group of groups) {
      if (group.GroupName !== undefined) await removeUserFromGroup(userName, group.GroupName);
    }
  }

  // The unchecked calls, shared by deleteUser (which checks ownership once) and the port methods.
  async function removeUserFromGroup(userName: string, group: string): Promise<void> {
    await call(`RemoveUserFromGroup ${userName} ${group}`, () =>
      client.send(new RemoveUserFromGroupCommand({ UserName: userName, GroupName: group })),
    );
  }

  async function detachUserPolicy(userName: string, policyArn: string): Promise<void> {
    await call(`DetachUserPolicy ${userName} ${policyArn}`, () =>
      client.send(new DetachUserPolicyCommand({ UserName: userName, PolicyArn: policyArn })),
    );
  }

  async function deleteUserPolicy(userName: string, policyName: string): Promise<void> {
    await call(`DeleteUserPolicy ${userName} ${policyName}`, () =>
      client.send(new DeleteUserPolicyCommand({ UserName: userName, PolicyName: policyName })),
    );
  }

  return {
    async readUsersAccount(group: string): Promise<LiveUsersAccount> {
      const [details, passwordPolicy, aliases] = await Promise.all([readAuthorizationDetails(), readPasswordPolicy(), readAccountAliases(client)]);
      const groupDetail = details.groups.find((g) => g.GroupName === group);
      const byArn = new Map(details.policies.map((p) => [p.Arn ?? '', p]));
      const ownPolicies = new Map<string, { name: string; document: PolicyDocument | undefined }>();
      for (const name of GROUP_POLICY_NAMES) {
        const arn = ownGroupPolicyArn(group, name);
        const detail = byArn.get(arn);
        if (detail !== undefined) ownPolicies.set(arn, { name, document: defaultDocument(detail) });
      }
      return {
        users: details.users.map(toLiveUser),
        aliases,
        ...(passwordPolicy === undefined ? {} : { passwordPolicy }),
        ...(groupDetail === undefined ? {} : { group: toLiveGroup(groupDetail, ownPolicies) }),
      };
    },

    readCredentialReport: () => readCredentialReport(client, sleep),

    setAccountAlias: (alias: string) => createAccountAlias(client, alias),

    userArn(userName: string): string {
      return `arn:${partition}:iam::${accountId}:user/${userName}`;
    },

    async createUser(userName: string, tags: Tags): Promise<void> {
      const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
      try {
        await client.send(new CreateUserCommand({ UserName: userName, Tags }));
      } catch (error) {
        // The SDK retries a request whose answer was lost (a reset connection): when an earlier
        // attempt had created the user, the retry finds it. Found on a retry, a user of that exact
        // name carrying every tag this request gave it is the one this request made, so the creation
        // stands. Found on the first attempt, it was there before: user-exists, as always.
        if (isAwsError(error, 'EntityAlreadyExists') && attemptsOf(error) > 1 && (await hasTags(userName, tags))) return;
        throw translateAwsError(error, `IAM CreateUser ${userName}`);
      }
    },

    async tagUser(userName: string, tags: Tags): Promise<void> {
      const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
      if (Tags.length === 0) return;
      await call(`TagUser ${userName}`, () => client.send(new TagUserCommand({ UserName: userName, Tags })));
    },

    async untagUser(userName: string, keys: readonly string[]): Promise<void> {
      if (keys.length === 0) return;
      await call(`UntagUser ${userName}`, () =>
        client.send(new UntagUserCommand({ UserName: userName, TagKeys: [...keys] })),
      );
    },

    async addUserToGroup(userName: string, group: string): Promise<void> {
      await call(`AddUserToGroup ${userName} ${group}`, () =>
        client.send(new AddUserToGroupCommand({ UserName: userName, GroupName: group })),
      );
    },

    async removeUserFromGroup(userName: string, group: string): Promise<void> {
      await assertOwned(userName, `removing it from group ${group}`);
      await removeUserFromGroup(userName, group);
    },

    async detachUserPolicy(userName: string, policyArn: string): Promise<void> {
      await assertOwned(userName, `detaching ${policyArn} from it`);
      await detachUserPolicy(userName, policyArn);
    },

    async deleteUserPolicy(userName: string, policyName: string): Promise<void> {
      await assertOwned(userName, `deleting its inline policy ${policyName}`);
      await deleteUserPolicy(userName, policyName);
    },

    async suspendUser(userName: string): Promise<void> {
      await assertOwned(userName, 'suspending it');
      await deleteLoginProfile(userName);
      for (const key of await listAccessKeys(userName)) {
        if (key.AccessKeyId === undefined || key.Status === 'Inactive') continue;
        const AccessKeyId = key.AccessKeyId;
        await call(`UpdateAccessKey ${userName}`, () =>
          client.send(new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId, Status: 'Inactive' })),
        );
      }
    },

    async setTemporaryPassword(userName: string, password: string): Promise<void> {
      const retry = { codes: ['EntityTemporarilyUnmodifiable'], attempts: CONFLICT_ATTEMPTS, sleep };
      try {
        await withRetry(async () => {
          try {
            await client.send(
              new CreateLoginProfileCommand({ UserName: userName, Password: password, PasswordResetRequired: true }),
            );
          } catch (error) {
            // A profile exists already (a re-sent welcome, or a reset): replace its password.
            if (!isAwsError(error, 'EntityAlreadyExists')) throw error;
            await client.send(
              new UpdateLoginProfileCommand({ UserName: userName, Password: password, PasswordResetRequired: true }),
            );
          }
        }, retry);
      } catch (error) {
        throw translateAwsError(error, `IAM set login profile of ${userName}`, { secrets: [password] });
      }
    },

    async deleteUser(userName: string): Promise<void> {
      await assertOwned(userName, 'deleting it');
      await removeDependencies(userName);
      try {
        await withRetry(() => client.send(new DeleteUserCommand({ UserName: userName })), {
          codes: TRANSIENT_CONFLICTS,
          attempts: CONFLICT_ATTEMPTS,
          sleep,
        });
      } catch (error) {
        // An SDK retry after a lost answer: the first attempt deleted it, which was the goal.
        if (isAwsError(error, 'NoSuchEntity')) return;
        throw translateAwsError(error, `IAM DeleteUser ${userName}`);
      }
    },

    async putPasswordPolicy(policy: PasswordPolicy): Promise<void> {
      // UpdateAccountPasswordPolicy is not partial: every field left out reverts to its default,
      // so all are sent, as given. (The desired policy lets users change their own password, or a
      // login profile with PasswordResetRequired would lock them out: core/baseline.ts.)
      await call('UpdateAccountPasswordPolicy', () =>
        client.send(
          new UpdateAccountPasswordPolicyCommand({
            MinimumPasswordLength: policy.minimumLength,
            RequireSymbols: policy.requireSymbols,
            RequireNumbers: policy.requireNumbers,
            RequireUppercaseCharacters: policy.requireUppercase,
            RequireLowercaseCharacters: policy.requireLowercase,
            AllowUsersToChangePassword: policy.allowUsersToChangePassword,
            HardExpiry: policy.hardExpiry,
            // Omitted means 0 / none: never expires, no reuse rule (AWS rejects 0 for these two).
            ...(policy.maxAgeDays ? { MaxPasswordAge: policy.maxAgeDays } : {}),
            ...(policy.reusePrevention ? { PasswordReusePrevention: policy.reusePrevention } : {}),
          }),
        ),
      );
    },

    async createGroup(group: string): Promise<void> {
      try {
        await client.send(new CreateGroupCommand({ GroupName: group }));
      } catch (error) {
        // The group is the configured baseline group (groups cannot carry tags in IAM); one that
        // exists already is the desired outcome, e.g. on a re-run after a kill.
        if (isAwsError(error, 'EntityAlreadyExists')) return;
        throw translateAwsError(error, `IAM CreateGroup ${group}`);
      }
    },

    async putGroupPolicy(group: string, policyName: string, document: PolicyDocument): Promise<void> {
      const arn = (GROUP_POLICY_NAMES as readonly string[]).includes(policyName) ? ownGroupPolicyArn(group, policyName) : undefined;
      const managed = arn === undefined ? undefined : await readManagedPolicy(arn);
      if (arn !== undefined && managed !== undefined) {
        // The role that applies may attach these ARNs and nothing else, and may not change them: an
        // administrator updates one whose document is not what `npm run policies` prints.
        if (!isSamePolicy(managed, document)) {
          throw new AppError('group-policy-outdated', `The managed policy ${arn} is not the document this version of the project wants for group ${group}.`, {
            fault: 'user',
            hint: `An administrator updates it (aws iam create-policy-version --set-as-default) from \`npm run policies -- group-policies\`; apply may only attach it.`,
          });
        }
        await call(`AttachGroupPolicy ${group} ${arn}`, () => client.send(new AttachGroupPolicyCommand({ GroupName: group, PolicyArn: arn })));
        return;
      }
      try {
        await client.send(
          new PutGroupPolicyCommand({ GroupName: group, PolicyName: policyName, PolicyDocument: JSON.stringify(document) }),
        );
      } catch (error) {
        const translated = translateAwsError(error, `IAM PutGroupPolicy ${group} ${policyName}`);
        if (arn === undefined || !isAwsError(error, 'AccessDenied')) throw translated;
        throw new AppError('group-policy-not-set-up', `The managed policy ${arn} does not exist, and this role may not write the group's policies itself.`, {
          fault: 'user',
          hint: `An administrator creates it once from \`npm run policies -- group-policies\` (see docs/setup.md); apply then attaches it.`,
          cause: translated,
        });
      }
    },

    async deleteGroupPolicy(group: string, policyName: string): Promise<void> {
      const inlineName = policyName.startsWith(INLINE_PREFIX) ? policyName.slice(INLINE_PREFIX.length) : policyName;
      await call(`DeleteGroupPolicy ${group} ${inlineName}`, () =>
        client.send(new DeleteGroupPolicyCommand({ GroupName: group, PolicyName: inlineName })),
      );
    },

    async detachGroupPolicy(group: string, policyArn: string): Promise<void> {
      await call(`DetachGroupPolicy ${group} ${policyArn}`, () =>
        client.send(new DetachGroupPolicyCommand({ GroupName: group, PolicyArn: policyArn })),
      );
    },
  };
}
