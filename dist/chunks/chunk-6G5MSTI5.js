import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/core/model.ts
var MANAGED_BY_TAG = "managed-by";
var MANAGED_BY_VALUE = "aws-access-as-code";
var CREDENTIALS_SENT_TAG = "credentials-sent";
var ACCOUNT_NOTIFIED_TAG = "account-email-sent";
var CLOSURE_REQUESTED_TAG = "closure-requested";
function findTag(tags, key) {
  const wanted = key.toLowerCase();
  for (const [k, v] of Object.entries(tags)) if (k.toLowerCase() === wanted) return { key: k, value: v };
  return void 0;
}
function isManaged(tags) {
  return findTag(tags, MANAGED_BY_TAG)?.value === MANAGED_BY_VALUE;
}
function credentialsToken(user) {
  return user.password_reset ?? "initial";
}

// src/core/baseline.ts
var MINIMUM_PASSWORD_LENGTH = 16;
function desiredPasswordPolicy(settings) {
  const source = settings.users_account.password_policy;
  const policy = {
    minimumLength: Math.max(MINIMUM_PASSWORD_LENGTH, source.minimum_length),
    requireSymbols: source.require_symbols ?? false,
    requireNumbers: source.require_numbers ?? false,
    requireUppercase: source.require_uppercase ?? false,
    requireLowercase: source.require_lowercase ?? false,
    allowUsersToChangePassword: true,
    hardExpiry: false
  };
  if (source.max_age_days !== void 0) policy.maxAgeDays = source.max_age_days;
  if (source.reuse_prevention !== void 0) policy.reusePrevention = source.reuse_prevention;
  return policy;
}
var MFA_PRESENT = { Bool: { "aws:MultiFactorAuthPresent": "true" } };
var ALLOWED_WITHOUT_MFA = [
  "iam:ChangePassword",
  "iam:CreateVirtualMFADevice",
  "iam:EnableMFADevice",
  "iam:GetAccountPasswordPolicy",
  "iam:GetLoginProfile",
  "iam:GetMFADevice",
  "iam:GetUser",
  "iam:ListAccountAliases",
  "iam:ListMFADevices",
  "iam:ListVirtualMFADevices",
  "iam:ResyncMFADevice",
  "sts:GetSessionToken"
];
function desiredGroupPolicies(settings) {
  const accountId = settings.users_account.id;
  const ownUser = `arn:aws:iam::${accountId}:user/\${aws:username}`;
  const ownMfaDevices = `arn:aws:iam::${accountId}:mfa/\${aws:username}*`;
  return {
    // `Bool`, not `BoolIfExists`: the key is absent for long-term access keys, and an Allow with
    // BoolIfExists would let those through (aws-facts §3).
    "assume-roles-with-mfa": {
      Version: "2012-10-17",
      Statement: [
        { Sid: "AssumeRolesOnlyWithMfa", Effect: "Allow", Action: "sts:AssumeRole", Resource: "*", Condition: MFA_PRESENT }
      ]
    },
    // A Deny with `BoolIfExists ... false` also matches requests signed with long-term access keys,
    // where the key is missing; `Bool` would silently let them through (aws-facts §3).
    "deny-without-mfa": {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyEverythingElseWithoutMfa",
          Effect: "Deny",
          NotAction: [...ALLOWED_WITHOUT_MFA],
          Resource: "*",
          Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } }
        }
      ]
    },
    "manage-own-credentials": {
      Version: "2012-10-17",
      Statement: [
        {
          // Account-level reads the console needs; these actions take no resource.
          Sid: "ViewAccountInformation",
          Effect: "Allow",
          Action: [
            "iam:GetAccountPasswordPolicy",
            "iam:GetAccountSummary",
            "iam:ListAccountAliases",
            "iam:ListUsers",
            "iam:ListVirtualMFADevices"
          ],
          Resource: "*"
        },
        {
          // ChangePassword only: no Create/Update/DeleteLoginProfile, which would let a user drop
          // the "reset required" flag or remove their own console access.
          Sid: "ManageOwnPassword",
          Effect: "Allow",
          Action: ["iam:ChangePassword", "iam:GetLoginProfile", "iam:GetUser", "iam:ListGroupsForUser"],
          Resource: ownUser
        },
        {
          Sid: "ManageOwnAccessKeys",
          Effect: "Allow",
          Action: [
            "iam:CreateAccessKey",
            "iam:DeleteAccessKey",
            "iam:GetAccessKeyLastUsed",
            "iam:ListAccessKeys",
            "iam:UpdateAccessKey"
          ],
          Resource: ownUser
        },
        {
          Sid: "ManageOwnSshPublicKeys",
          Effect: "Allow",
          Action: [
            "iam:DeleteSSHPublicKey",
            "iam:GetSSHPublicKey",
            "iam:ListSSHPublicKeys",
            "iam:UpdateSSHPublicKey",
            "iam:UploadSSHPublicKey"
          ],
          Resource: ownUser
        },
        {
          Sid: "ManageOwnVirtualMfaDevices",
          Effect: "Allow",
          Action: ["iam:CreateVirtualMFADevice", "iam:DeleteVirtualMFADevice"],
          Resource: ownMfaDevices
        },
        {
          // ListMFADevices is scoped to the caller's own user rather than `*`: listing someone
          // else's devices is not needed to set up one's own.
          Sid: "ManageOwnMfa",
          Effect: "Allow",
          Action: ["iam:EnableMFADevice", "iam:GetMFADevice", "iam:ListMFADevices", "iam:ResyncMFADevice"],
          Resource: ownUser
        },
        {
          // Removing a device is only possible from an MFA session, so a stolen password alone
          // cannot replace the victim's MFA device.
          Sid: "DeactivateOwnMfaOnlyWithMfa",
          Effect: "Allow",
          Action: "iam:DeactivateMFADevice",
          Resource: ownUser,
          Condition: MFA_PRESENT
        }
      ]
    }
  };
}
var TAG_CHARACTER = /[\p{L}\p{Z}\p{N}_.:/=+\-@]/u;
var MAX_TAG_VALUE_LENGTH = 256;
var MAX_TAGS = 50;
function sanitizeTagValue(value) {
  let out = "";
  for (const char of value) if (TAG_CHARACTER.test(char)) out += char;
  return [...out.trim()].slice(0, MAX_TAG_VALUE_LENGTH).join("");
}
var USER_TAG_KEYS = [MANAGED_BY_TAG, "team", "requested-by", "full-name", "github"];
function userTags(user) {
  const tags = {
    [MANAGED_BY_TAG]: MANAGED_BY_VALUE,
    team: sanitizeTagValue(user.data.team),
    "requested-by": sanitizeTagValue(user.data.requested_by),
    "full-name": sanitizeTagValue(user.data.name)
  };
  if (user.data.github !== void 0) tags["github"] = sanitizeTagValue(user.data.github);
  return tags;
}
var ACCOUNT_TAG_KEYS_TAG = "managed-tag-keys";
var ACCOUNT_TAG_KEYS = [
  MANAGED_BY_TAG,
  "team-name",
  "team-email-address",
  "billing-cost-centre",
  "billing-business-unit",
  "requested-by",
  ACCOUNT_TAG_KEYS_TAG
];
function encodeTagKeys(keys) {
  let out = "";
  for (const key of [...keys].sort()) {
    const encoded = key.replaceAll("=", "==").replaceAll(" ", "=_");
    const next = out === "" ? encoded : `${out} ${encoded}`;
    if ([...next].length > MAX_TAG_VALUE_LENGTH) break;
    out = next;
  }
  return out;
}
function decodeTagKeys(value) {
  if (value === "") return [];
  return value.split(" ").map((encoded) => encoded.replace(/=(=|_)/g, (_match, c) => c === "=" ? "=" : " "));
}
function accountTags(account) {
  const data = account.data;
  const own = {
    [MANAGED_BY_TAG]: MANAGED_BY_VALUE,
    "team-name": sanitizeTagValue(data.team.name),
    "team-email-address": sanitizeTagValue(data.team.email),
    "billing-cost-centre": sanitizeTagValue(data.billing.cost_centre),
    "billing-business-unit": sanitizeTagValue(data.billing.business_unit),
    "requested-by": sanitizeTagValue(data.requested_by)
  };
  const ownKeys = /* @__PURE__ */ new Set([...ACCOUNT_TAG_KEYS]);
  const room = MAX_TAGS - 1 - ACCOUNT_TAG_KEYS.length;
  const fileKeys = Object.keys(data.tags ?? {}).filter((key) => !ownKeys.has(key)).sort().slice(0, Math.max(0, room));
  if (fileKeys.length > 0) own[ACCOUNT_TAG_KEYS_TAG] = encodeTagKeys(fileKeys);
  for (const key of fileKeys) own[key] = sanitizeTagValue(data.tags?.[key] ?? "");
  return own;
}
function recordedAccountTagKeys(tags) {
  const value = tags[ACCOUNT_TAG_KEYS_TAG];
  return value === void 0 ? [] : decodeTagKeys(value);
}

export {
  MANAGED_BY_TAG,
  MANAGED_BY_VALUE,
  CREDENTIALS_SENT_TAG,
  ACCOUNT_NOTIFIED_TAG,
  CLOSURE_REQUESTED_TAG,
  findTag,
  isManaged,
  credentialsToken,
  desiredPasswordPolicy,
  desiredGroupPolicies,
  USER_TAG_KEYS,
  userTags,
  ACCOUNT_TAG_KEYS,
  accountTags,
  recordedAccountTagKeys
};
