/**
 * The users account's baseline and the tags the project writes, as plain data derived from the
 * settings and the files. The planner compares these with what it reads; the apply engine writes
 * them verbatim. Everything here is deterministic: same input, same objects, same key order.
 */
import {
  MANAGED_BY_TAG,
  MANAGED_BY_VALUE,
  type DesiredAccount,
  type DesiredUser,
  type PasswordPolicy,
  type PolicyDocument,
  type SettingsFile,
  type Tags,
} from './model.ts';

/** AWS's (and the seed page's, after NCSC) floor for the minimum password length. */
const MINIMUM_PASSWORD_LENGTH = 16;

/**
 * The whole account password policy. UpdateAccountPasswordPolicy is not partial (a field left out
 * reverts to its default), so every field is given. Users may always change their own password:
 * temporary passwords are issued with PasswordResetRequired, which needs iam:ChangePassword. No
 * hard expiry: with it, a user whose password expired is locked out until an administrator (this
 * tool, through password_reset) sets a new one.
 */
export function desiredPasswordPolicy(settings: SettingsFile): PasswordPolicy {
  const source = settings.users_account.password_policy;
  const policy: PasswordPolicy = {
    minimumLength: Math.max(MINIMUM_PASSWORD_LENGTH, source.minimum_length),
    requireSymbols: source.require_symbols ?? false,
    requireNumbers: source.require_numbers ?? false,
    requireUppercase: source.require_uppercase ?? false,
    requireLowercase: source.require_lowercase ?? false,
    allowUsersToChangePassword: true,
    hardExpiry: false,
  };
  if (source.max_age_days !== undefined) policy.maxAgeDays = source.max_age_days;
  if (source.reuse_prevention !== undefined) policy.reusePrevention = source.reuse_prevention;
  return policy;
}

const MFA_PRESENT = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } as const;

/**
 * What someone without MFA may still do: sign in, change the temporary password, and set up an MFA
 * device (the console's "Security credentials" page reads the user, the aliases, the password policy
 * and the devices). sts:GetSessionToken stays allowed so CLI users can exchange their keys plus an
 * MFA code for an MFA session; creating those keys needs MFA in the first place.
 */
const ALLOWED_WITHOUT_MFA = [
  'iam:ChangePassword',
  'iam:CreateVirtualMFADevice',
  'iam:EnableMFADevice',
  'iam:GetAccountPasswordPolicy',
  'iam:GetLoginProfile',
  'iam:GetMFADevice',
  'iam:GetUser',
  'iam:ListAccountAliases',
  'iam:ListMFADevices',
  'iam:ListVirtualMFADevices',
  'iam:ResyncMFADevice',
  'sts:GetSessionToken',
] as const;

/**
 * The inline policies of the configured group, by name (sorted). Statements have a fixed key order
 * (Sid, Effect, Action/NotAction, Resource, Condition) so the documents are byte-for-byte stable.
 * Together they stay well under IAM's 5,120-character limit for a group's inline policies.
 */
export function desiredGroupPolicies(settings: SettingsFile): Record<string, PolicyDocument> {
  const accountId = settings.users_account.id;
  const ownUser = `arn:aws:iam::${accountId}:user/\${aws:username}`;
  // The seed page's rule: MFA device names must start with the user name (several devices allowed).
  const ownMfaDevices = `arn:aws:iam::${accountId}:mfa/\${aws:username}*`;
  return {
    // `Bool`, not `BoolIfExists`: the key is absent for long-term access keys, and an Allow with
    // BoolIfExists would let those through (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent).
    'assume-roles-with-mfa': {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'AssumeRolesOnlyWithMfa', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*', Condition: MFA_PRESENT },
      ],
    },
    // A Deny with `BoolIfExists ... false` also matches requests signed with long-term access keys,
    // where the key is missing; `Bool` would silently let them through (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent).
    'deny-without-mfa': {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyEverythingElseWithoutMfa',
          Effect: 'Deny',
          NotAction: [...ALLOWED_WITHOUT_MFA],
          Resource: '*',
          Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
        },
      ],
    },
    'manage-own-credentials': {
      Version: '2012-10-17',
      Statement: [
        {
          // Account-level reads the console needs; these actions take no resource.
          Sid: 'ViewAccountInformation',
          Effect: 'Allow',
          Action: [
            'iam:GetAccountPasswordPolicy',
            'iam:GetAccountSummary',
            'iam:ListAccountAliases',
            'iam:ListUsers',
            'iam:ListVirtualMFADevices',
          ],
          Resource: '*',
        },
        {
          // ChangePassword only: no Create/Update/DeleteLoginProfile, which would let a user drop
          // the "reset required" flag or remove their own console access.
          Sid: 'ManageOwnPassword',
          Effect: 'Allow',
          Action: ['iam:ChangePassword', 'iam:GetLoginProfile', 'iam:GetUser', 'iam:ListGroupsForUser'],
          Resource: ownUser,
        },
        {
          Sid: 'ManageOwnAccessKeys',
          Effect: 'Allow',
          Action: [
            'iam:CreateAccessKey',
            'iam:DeleteAccessKey',
            'iam:GetAccessKeyLastUsed',
            'iam:ListAccessKeys',
            'iam:UpdateAccessKey',
          ],
          Resource: ownUser,
        },
        {
          Sid: 'ManageOwnSshPublicKeys',
          Effect: 'Allow',
          Action: [
            'iam:DeleteSSHPublicKey',
            'iam:GetSSHPublicKey',
            'iam:ListSSHPublicKeys',
            'iam:UpdateSSHPublicKey',
            'iam:UploadSSHPublicKey',
          ],
          Resource: ownUser,
        },
        {
          Sid: 'ManageOwnVirtualMfaDevices',
          Effect: 'Allow',
          Action: ['iam:CreateVirtualMFADevice', 'iam:DeleteVirtualMFADevice'],
          Resource: ownMfaDevices,
        },
        {
          // ListMFADevices is scoped to the caller's own user rather than `*`: listing someone
          // else's devices is not needed to set up one's own.
          Sid: 'ManageOwnMfa',
          Effect: 'Allow',
          Action: ['iam:EnableMFADevice', 'iam:GetMFADevice', 'iam:ListMFADevices', 'iam:ResyncMFADevice'],
          Resource: ownUser,
        },
        {
          // Removing a device is only possible from an MFA session, so a stolen password alone
          // cannot replace the victim's MFA device.
          Sid: 'DeactivateOwnMfaOnlyWithMfa',
          Effect: 'Allow',
          Action: 'iam:DeactivateMFADevice',
          Resource: ownUser,
          Condition: MFA_PRESENT,
        },
      ],
    },
  };
}

/** The characters AWS allows in tag keys and values (IAM and Organizations alike). */
const TAG_CHARACTER = /[\p{L}\p{Z}\p{N}_.:/=+\-@]/u;
const MAX_TAG_VALUE_LENGTH = 256;
const MAX_TAGS = 50;

/** Keeps only characters of AWS's tag alphabet (an apostrophe in a name would be refused). */
export function sanitizeTagValue(value: string): string {
  let out = '';
  for (const char of value) if (TAG_CHARACTER.test(char)) out += char;
  return [...out.trim()].slice(0, MAX_TAG_VALUE_LENGTH).join('');
}

/**
 * User tag keys the project writes from the file. The planner compares only these (and the
 * credentials-sent tag, which apply sets after the email): any other tag on a user is left alone.
 */
export const USER_TAG_KEYS = [MANAGED_BY_TAG, 'team', 'requested-by', 'full-name', 'github', 'expires'] as const;

/** The tags a managed user carries, from the file. Not credentials-sent: apply sets that after the email. */
export function userTags(user: DesiredUser): Tags {
  const tags: Record<string, string> = {
    [MANAGED_BY_TAG]: MANAGED_BY_VALUE,
    team: sanitizeTagValue(user.data.team),
    'requested-by': sanitizeTagValue(user.data.requested_by),
    'full-name': sanitizeTagValue(user.data.name),
  };
  if (user.data.github !== undefined) tags['github'] = sanitizeTagValue(user.data.github);
  if (user.data.expires !== undefined) tags['expires'] = user.data.expires;
  return tags;
}

/**
 * Records which of the file's free-form tags the project set on an account, so a tag later removed
 * from the file is removed from the account while tags someone added in AWS are left alone.
 */
export const ACCOUNT_TAG_KEYS_TAG = 'managed-tag-keys';

/** Account tag keys the project always owns. Validation must refuse these in a file's `tags`. */
export const ACCOUNT_TAG_KEYS = [
  MANAGED_BY_TAG,
  'team-name',
  'team-email-address',
  'billing-cost-centre',
  'billing-business-unit',
  'requested-by',
  ACCOUNT_TAG_KEYS_TAG,
] as const;

/**
 * Encodes tag keys into one tag value: keys separated by a space, with `=` escaped as `==` and a
 * space inside a key as `=_` (keys may contain both). Keys that do not fit into 256 characters are
 * left out of the record; they are then simply never removed automatically.
 */
export function encodeTagKeys(keys: readonly string[]): string {
  let out = '';
  for (const key of [...keys].sort()) {
    const encoded = key.replaceAll('=', '==').replaceAll(' ', '=_');
    const next = out === '' ? encoded : `${out} ${encoded}`;
    if ([...next].length > MAX_TAG_VALUE_LENGTH) break;
    out = next;
  }
  return out;
}

/** The inverse of encodeTagKeys. */
export function decodeTagKeys(value: string): string[] {
  if (value === '') return [];
  return value.split(' ').map((encoded) => encoded.replace(/=(=|_)/g, (_match, c: string) => (c === '=' ? '=' : ' ')));
}

/**
 * The tags a managed account carries: the project's own keys, a record of the file's keys (when it
 * has any), then the file's tags (validation forbids collisions with the project's keys). At most 50, AWS's limit; one
 * slot stays free for account-email-sent, which apply sets after the email.
 */
export function accountTags(account: DesiredAccount): Tags {
  const data = account.data;
  const own: Record<string, string> = {
    [MANAGED_BY_TAG]: MANAGED_BY_VALUE,
    'team-name': sanitizeTagValue(data.team.name),
    'team-email-address': sanitizeTagValue(data.team.email),
    'billing-cost-centre': sanitizeTagValue(data.billing.cost_centre),
    'billing-business-unit': sanitizeTagValue(data.billing.business_unit),
    'requested-by': sanitizeTagValue(data.requested_by),
  };
  const ownKeys = new Set<string>([...ACCOUNT_TAG_KEYS]);
  const room = MAX_TAGS - 1 - ACCOUNT_TAG_KEYS.length;
  const fileKeys = Object.keys(data.tags ?? {})
    .filter((key) => !ownKeys.has(key))
    .sort()
    .slice(0, Math.max(0, room));
  // Only when there is something to record: no empty tag on accounts without file tags.
  if (fileKeys.length > 0) own[ACCOUNT_TAG_KEYS_TAG] = encodeTagKeys(fileKeys);
  // Defined, not assigned: a key is data whatever its name (assigning `__proto__` would drop it).
  return { ...own, ...Object.fromEntries(fileKeys.map((key) => [key, sanitizeTagValue(data.tags?.[key] ?? '')])) };
}

/** Keys of the file's tags that an account's tags say the project set (see ACCOUNT_TAG_KEYS_TAG). */
export function recordedAccountTagKeys(tags: Tags): string[] {
  const value = tags[ACCOUNT_TAG_KEYS_TAG];
  return value === undefined ? [] : decodeTagKeys(value);
}
