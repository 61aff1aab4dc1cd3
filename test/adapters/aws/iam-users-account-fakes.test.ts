/**
 * The strict AWS behaviours moto does not reproduce (http://docs.getmoto.org/en/latest/docs/services/iam.html), as client-level fakes of the
 * exact AWS errors. Everything else is tested against moto in iam-users-account.test.ts.
 */
import {
  CreateLoginProfileCommand,
  DeactivateMFADeviceCommand,
  DeleteConflictException,
  DeleteLoginProfileCommand,
  DeleteServiceSpecificCredentialCommand,
  DeleteUserCommand,
  DeleteVirtualMFADeviceCommand,
  EntityAlreadyExistsException,
  EntityTemporarilyUnmodifiableException,
  GetAccountAuthorizationDetailsCommand,
  GetAccountPasswordPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAccountAliasesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListServiceSpecificCredentialsCommand,
  ListSigningCertificatesCommand,
  ListSSHPublicKeysCommand,
  ListUserPoliciesCommand,
  ListUserTagsCommand,
  NoSuchEntityException,
  PasswordPolicyViolationException,
  UpdateLoginProfileCommand,
  type UserDetail,
} from '@aws-sdk/client-iam';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAwsUsersAccount } from '../../../src/adapters/aws/iam-users-account.ts';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE } from '../../../src/core/model.ts';
import { awsSettings, fakeClient } from '../../support/aws.ts';
import { rejectionOf } from '../../support/errors.ts';

const USER = 'alice@example.gov.uk';
const meta = { $metadata: { httpStatusCode: 409 } };

const { client, fake: iam } = fakeClient(IAMClient);
let sleeps: number[];
const account = () =>
  createAwsUsersAccount(awsSettings(), {}, {
    client,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });

/** A managed user with no dependencies at all. */
function aManagedUserWithNothing(): void {
  iam.on(ListUserTagsCommand).resolves({ Tags: [{ Key: MANAGED_BY_TAG, Value: MANAGED_BY_VALUE }], IsTruncated: false });
  iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [] });
  iam.on(ListSigningCertificatesCommand).resolves({ Certificates: [] });
  iam.on(ListSSHPublicKeysCommand).resolves({ SSHPublicKeys: [] });
  iam.on(ListServiceSpecificCredentialsCommand).resolves({ ServiceSpecificCredentials: [] });
  iam.on(ListMFADevicesCommand).resolves({ MFADevices: [] });
  iam.on(ListUserPoliciesCommand).resolves({ PolicyNames: [] });
  iam.on(ListAttachedUserPoliciesCommand).resolves({ AttachedPolicies: [] });
  iam.on(ListGroupsForUserCommand).resolves({ Groups: [] });
}

function commandNames(): string[] {
  return iam.calls().map((call) => (call.args[0] as object).constructor.name.replace(/Command$/, ''));
}

beforeEach(() => {
  iam.reset();
  sleeps = [];
});

describe('deleteUser', () => {
  it('removes every kind of dependency in the order AWS documents, then the user', async () => {
    aManagedUserWithNothing();
    iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [{ AccessKeyId: 'AKIAEXAMPLE' }] });
    iam.on(ListSigningCertificatesCommand).resolves({
      Certificates: [{ UserName: USER, CertificateId: 'CERT1', CertificateBody: 'x', Status: 'Active' }],
    });
    iam.on(ListSSHPublicKeysCommand).resolves({
      SSHPublicKeys: [{ UserName: USER, SSHPublicKeyId: 'APKA1', Status: 'Active', UploadDate: new Date() }],
    });
    iam.on(ListServiceSpecificCredentialsCommand).resolves({
      ServiceSpecificCredentials: [
        {
          UserName: USER,
          Status: 'Active',
          ServiceUserName: 'alice-at-123456789012',
          CreateDate: new Date(),
          ServiceSpecificCredentialId: 'ACCA1',
          ServiceName: 'codecommit.amazonaws.com',
        },
      ],
    });
    const virtual = 'arn:aws:iam::123456789012:mfa/alice';
    iam.on(ListMFADevicesCommand).resolves({
      MFADevices: [
        { UserName: USER, SerialNumber: virtual, EnableDate: new Date() },
        { UserName: USER, SerialNumber: 'GAHT12345678', EnableDate: new Date() },
        { UserName: USER, SerialNumber: 'arn:aws:iam::123456789012:u2f/user/alice/key-ABC', EnableDate: new Date() },
      ],
    });
    iam.on(ListUserPoliciesCommand).resolves({ PolicyNames: ['inline'] });
    iam.on(ListAttachedUserPoliciesCommand).resolves({
      AttachedPolicies: [{ PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
    });
    iam.on(ListGroupsForUserCommand).resolves({
      Groups: [{ GroupName: 'CrossAccountAccess', Path: '/', GroupId: 'G', Arn: 'arn:g', CreateDate: new Date() }],
    });

    await account().deleteUser(USER);

    expect(commandNames()).toEqual([
      'ListUserTags',
      'DeleteLoginProfile',
      'ListAccessKeys',
      'DeleteAccessKey',
      'ListSigningCertificates',
      'DeleteSigningCertificate',
      'ListSSHPublicKeys',
      'DeleteSSHPublicKey',
      'ListServiceSpecificCredentials',
      'DeleteServiceSpecificCredential',
      'ListMFADevices',
      'DeactivateMFADevice',
      'DeleteVirtualMFADevice',
      'DeactivateMFADevice',
      'DeactivateMFADevice',
      'ListUserPolicies',
      'DeleteUserPolicy',
      'ListAttachedUserPolicies',
      'DetachUserPolicy',
      'ListGroupsForUser',
      'RemoveUserFromGroup',
      'DeleteUser',
    ]);
    expect(iam.commandCalls(DeleteServiceSpecificCredentialCommand)[0]?.args[0].input).toEqual({
      UserName: USER,
      ServiceSpecificCredentialId: 'ACCA1',
    });
    expect(iam.commandCalls(DeactivateMFADeviceCommand).map((c) => c.args[0].input.SerialNumber)).toHaveLength(3);
    // Hardware tokens and FIDO keys can only be deactivated; only the virtual device is deleted.
    expect(iam.commandCalls(DeleteVirtualMFADeviceCommand).map((c) => c.args[0].input)).toEqual([
      { SerialNumber: virtual },
    ]);
  });

  it('retries DeleteConflict on DeleteUser (eventual consistency after DeleteLoginProfile)', async () => {
    aManagedUserWithNothing();
    iam
      .on(DeleteUserCommand)
      .rejectsOnce(new DeleteConflictException({ message: 'Cannot delete entity, must delete login profile first.', ...meta }))
      .resolves({});

    await account().deleteUser(USER);

    expect(iam.commandCalls(DeleteUserCommand)).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it('gives up after a bounded number of attempts with delete-conflict', async () => {
    aManagedUserWithNothing();
    iam.on(DeleteUserCommand).rejects(new DeleteConflictException({ message: 'must remove users from group first.', ...meta }));

    const error = await rejectionOf(account().deleteUser(USER));

    expect(error.code).toBe('delete-conflict');
    expect(error.message).toContain(`DeleteUser ${USER}`);
    expect(iam.commandCalls(DeleteUserCommand)).toHaveLength(5);
    expect(sleeps).toHaveLength(4);
    expect(sleeps[3]).toBeGreaterThan(sleeps[0] ?? 0); // back-off grows
  });

  it('ignores a missing login profile', async () => {
    aManagedUserWithNothing();
    iam.on(DeleteLoginProfileCommand).rejects(new NoSuchEntityException({ message: 'Login Profile not found', $metadata: {} }));

    await account().deleteUser(USER);

    expect(iam.commandCalls(DeleteUserCommand)).toHaveLength(1);
  });

  it('does not swallow a real ListServiceSpecificCredentials failure', async () => {
    aManagedUserWithNothing();
    iam.on(ListServiceSpecificCredentialsCommand).rejects(
      Object.assign(new Error('User is not authorized to perform iam:ListServiceSpecificCredentials'), {
        name: 'AccessDenied',
        $metadata: { httpStatusCode: 403 },
      }),
    );

    const error = await rejectionOf(account().deleteUser(USER));

    expect(error.code).toBe('access-denied');
    expect(iam.commandCalls(DeleteUserCommand)).toHaveLength(0);
  });

  it('refuses a user whose managed-by tag has another value', async () => {
    aManagedUserWithNothing();
    iam.on(ListUserTagsCommand).resolves({ Tags: [{ Key: 'Managed-By', Value: 'terraform' }] });

    expect((await rejectionOf(account().deleteUser(USER))).code).toBe('not-managed');
    expect(commandNames()).toEqual(['ListUserTags']);
  });
});

describe('setTemporaryPassword', () => {
  it('retries EntityTemporarilyUnmodifiable and always requires a reset', async () => {
    iam
      .on(CreateLoginProfileCommand)
      .rejectsOnce(
        new EntityTemporarilyUnmodifiableException({
          message: `Login Profile for User ${USER} cannot be modified while login profile is being created.`,
          ...meta,
        }),
      )
      .resolves({});

    await account().setTemporaryPassword(USER, 'Temporary-Password-1234');

    const calls = iam.commandCalls(CreateLoginProfileCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input).toMatchObject({ UserName: USER, PasswordResetRequired: true });
    expect(sleeps).toHaveLength(1);
  });

  it('replaces the password of an existing login profile', async () => {
    iam.on(CreateLoginProfileCommand).rejects(new EntityAlreadyExistsException({ message: 'exists', ...meta }));
    iam.on(UpdateLoginProfileCommand).resolves({});

    await account().setTemporaryPassword(USER, 'Temporary-Password-1234');

    expect(iam.commandCalls(UpdateLoginProfileCommand)[0]?.args[0].input).toEqual({
      UserName: USER,
      Password: 'Temporary-Password-1234',
      PasswordResetRequired: true,
    });
  });

  it('never puts the password in the error, even when AWS echoes it', async () => {
    const password = 'Leaky-Password-9876';
    iam.on(CreateLoginProfileCommand).rejects(
      new PasswordPolicyViolationException({ message: `Password ${password} does not meet the policy`, $metadata: {} }),
    );

    const error = await rejectionOf(account().setTemporaryPassword(USER, password));

    expect(error.code).toBe('password-policy-violation');
    expect(error.message).not.toContain(password);
    expect(String((error.cause as Error).message)).not.toContain(password);
    expect(JSON.stringify({ m: error.message, h: error.hint })).not.toContain(password);
  });
});

describe('readUsersAccount', () => {
  const aUser = (name: string): UserDetail => ({
    UserName: name,
    Arn: `arn:aws:iam::123456789012:user/${name}`,
    GroupList: ['CrossAccountAccess'],
    Tags: [{ Key: MANAGED_BY_TAG, Value: MANAGED_BY_VALUE }],
  });

  it('follows IsTruncated/Marker over every page, even pages shorter than MaxItems', async () => {
    iam
      .on(GetAccountAuthorizationDetailsCommand)
      .resolvesOnce({ UserDetailList: [aUser('a'), aUser('b')], IsTruncated: true, Marker: 'm1' })
      .resolvesOnce({ UserDetailList: [aUser('c')], IsTruncated: true, Marker: 'm2' })
      .resolvesOnce({
        UserDetailList: [aUser('d'), aUser('e')],
        GroupDetailList: [
          {
            GroupName: 'CrossAccountAccess',
            GroupPolicyList: [
              {
                PolicyName: 'p',
                PolicyDocument: encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [] })),
              },
            ],
          },
        ],
        IsTruncated: false,
      });
    iam.on(GetAccountPasswordPolicyCommand).rejects(
      new NoSuchEntityException({ message: 'The Password Policy with domain name 123456789012 cannot be found.', $metadata: {} }),
    );
    iam.on(ListAccountAliasesCommand).resolves({ AccountAliases: ['test-users'] });

    const live = await account().readUsersAccount('CrossAccountAccess');

    expect(live.users.map((u) => u.userName)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(live.group?.policies).toEqual({ p: { Version: '2012-10-17', Statement: [] } });
    expect(live.passwordPolicy).toBeUndefined();
    const pages = iam.commandCalls(GetAccountAuthorizationDetailsCommand).map((c) => c.args[0].input);
    expect(pages).toEqual([
      { Filter: ['User', 'Group', 'LocalManagedPolicy'], MaxItems: 1000 },
      { Filter: ['User', 'Group', 'LocalManagedPolicy'], MaxItems: 1000, Marker: 'm1' },
      { Filter: ['User', 'Group', 'LocalManagedPolicy'], MaxItems: 1000, Marker: 'm2' },
    ]);
    // No per-user calls while reading.
    expect(new Set(commandNames())).toEqual(new Set(['GetAccountAuthorizationDetails', 'GetAccountPasswordPolicy', 'ListAccountAliases']));
    expect(live.aliases).toEqual(['test-users']);
  });

  it('translates throttling that outlasted the SDK retries', async () => {
    iam.on(GetAccountAuthorizationDetailsCommand).rejects(
      Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400 } }),
    );
    iam.on(GetAccountPasswordPolicyCommand).resolves({});
    iam.on(ListAccountAliasesCommand).resolves({ AccountAliases: [] });

    const error = await rejectionOf(account().readUsersAccount('CrossAccountAccess'));

    expect(error.code).toBe('throttled');
    expect(error.message).toContain('GetAccountAuthorizationDetails');
  });
});
