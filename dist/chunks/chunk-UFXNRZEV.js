import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  READER_POLICY_NAME,
  readerPermissions,
  readerRoleSettings,
  readerTrustPolicy
} from "./chunk-RVHXHU5L.js";
import {
  ACCOUNT_NOTIFIED_TAG,
  ACCOUNT_TAG_KEYS,
  CREDENTIALS_SENT_TAG,
  MANAGED_BY_TAG,
  MANAGED_BY_VALUE,
  USER_TAG_KEYS,
  accountTags,
  credentialsToken,
  desiredGroupPolicies,
  desiredPasswordPolicy,
  findTag,
  isManaged,
  recordedAccountTagKeys,
  userTags
} from "./chunk-6G5MSTI5.js";
import {
  IMPACT_ORDER,
  assertNever
} from "./chunk-RWYTXFUT.js";

// src/core/plan.ts
var KIND_ORDER = [
  "close-account",
  "delete-user",
  "delete-bootstrap-role",
  "update-password-policy",
  "update-group",
  "create-user",
  "reset-password",
  "create-account",
  "put-bootstrap-role",
  "put-reader-role",
  "update-user",
  "update-account",
  "send-account-email"
];
function impactOf(change) {
  switch (change.kind) {
    case "close-account":
    case "delete-user":
    case "delete-bootstrap-role":
      return "destructive";
    case "create-user":
    case "reset-password":
    case "create-account":
    case "update-group":
    case "update-password-policy":
      return "access";
    case "put-bootstrap-role": {
      if (change.previouslyTrusted === void 0) return "access";
      const before = new Set(change.previouslyTrusted);
      const adds = change.trustedUsers.some((user) => !before.has(user));
      return adds || (change.repairs ?? []).includes("attach-administrator-access") ? "access" : "routine";
    }
    case "update-user":
      return change.addGroups.length + change.removeGroups.length + change.detachPolicies.length + change.deletePolicies.length > 0 ? "access" : "routine";
    case "update-account":
    case "put-reader-role":
    case "send-account-email":
      return "routine";
    default:
      return assertNever(change);
  }
}
function subjectOf(change) {
  switch (change.kind) {
    case "create-user":
    case "update-user":
    case "reset-password":
    case "delete-user":
      return change.userName;
    case "update-password-policy":
      return "password policy";
    case "update-group":
      return change.group;
    case "create-account":
    case "update-account":
    case "put-bootstrap-role":
    case "delete-bootstrap-role":
    case "put-reader-role":
    case "send-account-email":
    case "close-account":
      return change.accountName;
    default:
      return assertNever(change);
  }
}
function actionOf(change) {
  switch (change.kind) {
    case "create-user":
    case "create-account":
      return "create";
    case "update-group":
      return change.create ? "create" : "change";
    case "put-bootstrap-role":
      return change.previouslyTrusted === void 0 ? "create" : "change";
    case "put-reader-role":
      return (change.repairs ?? []).length === 0 ? "create" : "change";
    case "delete-user":
    case "delete-bootstrap-role":
    case "close-account":
      return "delete";
    case "update-user":
    case "reset-password":
    case "update-password-policy":
    case "update-account":
    case "send-account-email":
      return "change";
    default:
      return assertNever(change);
  }
}
var PASSWORD_POLICY_FIELDS = [
  ["minimumLength", "minimum length"],
  ["requireSymbols", "require symbols"],
  ["requireNumbers", "require numbers"],
  ["requireUppercase", "require upper case"],
  ["requireLowercase", "require lower case"],
  ["allowUsersToChangePassword", "users may change their password"],
  ["maxAgeDays", "maximum age (days)"],
  ["reusePrevention", "remembered passwords"],
  ["hardExpiry", "expired passwords need an administrator (hard expiry)"]
];
function showPolicyValue(value) {
  if (value === void 0 || value === 0) return "none";
  if (typeof value === "boolean") return value ? "yes" : "no";
  return String(value);
}
function describePasswordPolicyChange(from, to) {
  const lines = [];
  for (const [field, label] of PASSWORD_POLICY_FIELDS) {
    const after = showPolicyValue(to[field]);
    if (from === void 0) {
      lines.push(`${label}: ${after}`);
      continue;
    }
    const before = showPolicyValue(from[field]);
    if (before !== after) lines.push(`${label}: ${before} \u2192 ${after}`);
  }
  return lines;
}
function isAccountId(id) {
  return /^\d{12}$/.test(id);
}
function showId(id) {
  return isAccountId(id) ? ` (${id})` : "";
}
function list(items) {
  return items.length === 0 ? "nobody" : items.join(", ");
}
function summarizeChange(change) {
  switch (change.kind) {
    case "create-user":
      return `create user ${change.userName} (team ${change.tags["team"] ?? "?"}, requested by ${change.requestedBy}), add to group ${change.group}, email a temporary password`;
    case "update-user": {
      const parts = [];
      if (change.addGroups.length > 0) parts.push(`add to group ${change.addGroups.join(", ")}`);
      if (change.removeGroups.length > 0) parts.push(`remove from group ${change.removeGroups.join(", ")}`);
      if (change.detachPolicies.length > 0) parts.push(`detach managed policy ${change.detachPolicies.join(", ")}`);
      if (change.deletePolicies.length > 0) parts.push(`delete inline policy ${change.deletePolicies.join(", ")}`);
      const set = Object.keys(change.setTags);
      if (set.length > 0) parts.push(`set tags ${set.join(", ")}`);
      if (change.removeTags.length > 0) parts.push(`remove tags ${change.removeTags.join(", ")}`);
      return `update user ${change.userName}: ${parts.join("; ")}`;
    }
    case "reset-password":
      return change.why === "password-reset-requested" ? `reset the password of ${change.userName} (password_reset is now ${change.credentialsToken}) and email a new temporary password` : `email ${change.userName} a fresh temporary password (the welcome email was never sent)`;
    case "delete-user":
      return `delete user ${change.userName} with its password, access keys, MFA devices and group memberships`;
    case "update-password-policy":
      return change.from === void 0 ? "set the account password policy (there is none)" : `update the account password policy: ${describePasswordPolicyChange(change.from, change.to).join("; ")}`;
    case "update-group": {
      if (change.create) return `create group ${change.group} with policies ${Object.keys(change.putPolicies).join(", ")}`;
      const parts = [];
      const put = Object.keys(change.putPolicies);
      if (put.length > 0) parts.push(`write policies ${put.join(", ")}`);
      if (change.deletePolicies.length > 0) parts.push(`delete policies ${change.deletePolicies.join(", ")}`);
      if (change.detachPolicies.length > 0) parts.push(`detach managed policies ${change.detachPolicies.join(", ")}`);
      return `update group ${change.group}: ${parts.join("; ")}`;
    }
    case "create-account": {
      const resume = change.resumeRequestId === void 0 ? "" : `, resuming request ${change.resumeRequestId}`;
      const bootstrap = change.bootstrapUsers.length === 0 ? "no bootstrap role" : `bootstrap role for ${list(change.bootstrapUsers)}`;
      return `create account ${change.accountName} in ${change.ouPath} (root email ${change.email}; ${bootstrap})${resume}`;
    }
    case "update-account": {
      const parts = [];
      if (change.move) parts.push(`move ${change.move.from} \u2192 ${change.move.to}`);
      const set = Object.keys(change.setTags);
      if (set.length > 0) parts.push(`set tags ${set.join(", ")}`);
      if (change.removeTags.length > 0) parts.push(`remove tags ${change.removeTags.join(", ")}`);
      return `update account ${change.accountName}${showId(change.accountId)}: ${parts.join("; ")}`;
    }
    case "put-bootstrap-role": {
      const where = `${change.accountName}${showId(change.accountId)}`;
      if (change.previouslyTrusted === void 0) {
        return `create the bootstrap role (administrator) in ${where}, trusting ${list(change.trustedUsers)} with MFA`;
      }
      const before = new Set(change.previouslyTrusted);
      const after = new Set(change.trustedUsers);
      const parts = [];
      const added = change.trustedUsers.filter((u) => !before.has(u));
      const removed = change.previouslyTrusted.filter((u) => !after.has(u));
      if (added.length > 0) parts.push(`trust ${added.join(", ")}`);
      if (removed.length > 0) parts.push(`stop trusting ${removed.join(", ")}`);
      for (const repair of change.repairs ?? []) {
        parts.push(repair === "require-mfa" ? "require MFA" : "attach AdministratorAccess");
      }
      return `update the bootstrap role in ${where}: ${parts.join("; ")}`;
    }
    case "delete-bootstrap-role":
      return `delete the bootstrap role in ${change.accountName}${showId(change.accountId)}`;
    case "put-reader-role": {
      const where = `${change.accountName}${showId(change.accountId)}`;
      const repairs = change.repairs ?? [];
      if (repairs.length === 0) return `create the read-only reader role in ${where}, trusting ${list(change.trustedRoleArns)}`;
      const parts = repairs.map((repair) => repair === "trust" ? `trust only ${list(change.trustedRoleArns)}` : "reset its permissions to read-only");
      return `update the reader role in ${where}: ${parts.join("; ")}`;
    }
    case "send-account-email":
      return `send the account email for ${change.accountName}${showId(change.accountId)} to ${list(change.recipients)}`;
    case "close-account":
      return `close account ${change.accountName}${showId(change.accountId)}: AWS suspends it, and after 90 days it is gone for good`;
    default:
      return assertNever(change);
  }
}
function compareText(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
function comparePlannedChanges(a, b) {
  return IMPACT_ORDER.indexOf(a.impact) - IMPACT_ORDER.indexOf(b.impact) || KIND_ORDER.indexOf(a.change.kind) - KIND_ORDER.indexOf(b.change.kind) || compareText(subjectOf(a.change), subjectOf(b.change)) || compareText(JSON.stringify(a.change), JSON.stringify(b.change));
}
function toPlannedChange(change) {
  return { change, impact: impactOf(change), summary: summarizeChange(change) };
}
var lower = (value) => value.toLowerCase();
function isRecord(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function canonical(value) {
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  if (Array.isArray(value)) {
    const items = value.map(canonical);
    if (items.length === 1) return items[0];
    if (items.every((item) => typeof item === "string")) return [...new Set(items)].sort();
    return items;
  }
  if (isRecord(value)) {
    const out = {};
    for (const key of Object.keys(value).sort()) out[key] = canonical(value[key]);
    return out;
  }
  return value;
}
function isSamePolicy(a, b) {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}
function isSamePasswordPolicy(a, b) {
  return PASSWORD_POLICY_FIELDS.every(([field]) => showPolicyValue(a[field]) === showPolicyValue(b[field]));
}
function unique(items) {
  return [...new Set(items)];
}
function sortedEntries(map) {
  return [...map.entries()].sort(([a], [b]) => compareText(a, b));
}
function planUsers(desired, live, out) {
  const settings = desired.settings;
  const group = settings.users_account.group;
  const protectedNames = new Set(settings.protected_users.map(lower));
  const liveUsers = [...live.usersAccount.users].sort((a, b) => compareText(a.userName, b.userName));
  const liveByName = /* @__PURE__ */ new Map();
  for (const user of liveUsers) if (!liveByName.has(lower(user.userName))) liveByName.set(lower(user.userName), user);
  const desiredNames = new Set([...desired.users.keys()].map(lower));
  for (const [name, user] of sortedEntries(desired.users)) {
    if (protectedNames.has(lower(name))) {
      out.notes.push(`${name} has a file but is a protected user (settings.yaml protected_users): it is never created, changed or deleted.`);
      continue;
    }
    const liveUser = liveByName.get(lower(name));
    if (liveUser === void 0) {
      out.changes.push({
        kind: "create-user",
        userName: name,
        tags: userTags(user),
        group,
        fullName: user.data.name,
        requestedBy: user.data.requested_by,
        credentialsToken: credentialsToken(user.data)
      });
    } else if (!isManaged(liveUser.tags)) {
      out.notes.push(
        `${liveUser.userName} exists in the users account but is not managed; adopt it by tagging it ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE} (creating it would fail: IAM user names are unique ignoring case).`
      );
    } else {
      planManagedUser(user, liveUser, group, out);
    }
  }
  for (const liveUser of liveUsers) {
    if (!isManaged(liveUser.tags)) {
      if (!protectedNames.has(lower(liveUser.userName))) out.unmanagedUsers.push(liveUser.userName);
      continue;
    }
    if (desiredNames.has(lower(liveUser.userName))) continue;
    if (protectedNames.has(lower(liveUser.userName))) {
      out.notes.push(`${liveUser.userName} is tagged ${MANAGED_BY_TAG} and has no file, but it is a protected user: it is never deleted.`);
      continue;
    }
    out.changes.push({ kind: "delete-user", userName: liveUser.userName });
  }
}
function planManagedUser(user, liveUser, group, out) {
  if (liveUser.userName !== user.userName) {
    out.notes.push(`${user.userName} exists in the users account as ${liveUser.userName} (IAM names ignore case); it is updated under that name.`);
  }
  const wanted = userTags(user);
  const setTags = {};
  for (const [key, value] of Object.entries(wanted)) {
    if (findTag(liveUser.tags, key)?.value !== value) setTags[key] = value;
  }
  const removeTags = [];
  for (const key of USER_TAG_KEYS) {
    if (key in wanted) continue;
    const found = findTag(liveUser.tags, key);
    if (found) removeTags.push(found.key);
  }
  const isConfiguredGroup = (name) => lower(name) === lower(group);
  const addGroups = liveUser.groups.some(isConfiguredGroup) ? [] : [group];
  const removeGroups = liveUser.groups.filter((name) => !isConfiguredGroup(name)).sort(compareText);
  const detachPolicies = [...liveUser.attachedPolicyArns].sort(compareText);
  const deletePolicies = [...liveUser.inlinePolicyNames].sort(compareText);
  const lists = [removeTags, addGroups, removeGroups, detachPolicies, deletePolicies];
  if (Object.keys(setTags).length > 0 || lists.some((items) => items.length > 0)) {
    out.changes.push({
      kind: "update-user",
      userName: liveUser.userName,
      setTags,
      removeTags: removeTags.sort(compareText),
      addGroups,
      removeGroups,
      detachPolicies,
      deletePolicies
    });
  }
  const token = credentialsToken(user.data);
  const sent = findTag(liveUser.tags, CREDENTIALS_SENT_TAG)?.value;
  if (sent !== token) {
    out.changes.push({
      kind: "reset-password",
      userName: liveUser.userName,
      fullName: user.data.name,
      credentialsToken: token,
      why: sent === void 0 ? "welcome-email-not-sent" : "password-reset-requested"
    });
  }
}
function planBaseline(desired, live, out) {
  const settings = desired.settings;
  const policy = desiredPasswordPolicy(settings);
  const livePolicy = live.usersAccount.passwordPolicy;
  if (livePolicy === void 0) {
    out.changes.push({ kind: "update-password-policy", to: policy });
  } else if (!isSamePasswordPolicy(livePolicy, policy)) {
    out.changes.push({ kind: "update-password-policy", from: livePolicy, to: policy });
  }
  const group = settings.users_account.group;
  const wanted = desiredGroupPolicies(settings);
  const liveGroup = live.usersAccount.group;
  if (liveGroup === void 0) {
    out.changes.push({ kind: "update-group", group, create: true, putPolicies: wanted, deletePolicies: [], detachPolicies: [] });
    return;
  }
  const putPolicies = {};
  for (const [name, document] of Object.entries(wanted)) {
    const current = liveGroup.policies[name];
    if (current === void 0 || !isSamePolicy(current, document)) putPolicies[name] = document;
  }
  const deletePolicies = Object.keys(liveGroup.policies).filter((name) => !(name in wanted)).sort();
  if (deletePolicies.length > 0) {
    out.notes.push(
      `Group ${group} has inline policies the project does not define (${deletePolicies.join(", ")}): the group belongs to this project, so they are deleted.`
    );
  }
  const detachPolicies = [...liveGroup.attachedPolicyArns].sort(compareText);
  if (detachPolicies.length > 0) {
    out.notes.push(
      `Group ${group} has managed policies attached (${detachPolicies.join(", ")}): they widen what every member may do, and the group belongs to this project, so they are detached.`
    );
  }
  if (Object.keys(putPolicies).length > 0 || deletePolicies.length > 0 || detachPolicies.length > 0) {
    out.changes.push({ kind: "update-group", group, create: false, putPolicies, deletePolicies, detachPolicies });
  }
}
function wantedBootstrapUsers(account) {
  const bootstrap = account.data.bootstrap;
  if (bootstrap === void 0 || (bootstrap.state ?? "present") === "removed") return void 0;
  return unique(bootstrap.users.map(lower)).sort();
}
function accountRecipients(account, bootstrapUsers) {
  return unique([account.data.team.email, ...bootstrapUsers, account.data.requested_by]);
}
function matchAccounts(desired, accounts) {
  const matches = /* @__PURE__ */ new Map();
  const used = /* @__PURE__ */ new Set();
  const files = sortedEntries(desired.accounts);
  const passes = [
    ["id", (file, live) => file.data.id !== void 0 && file.data.id === live.id],
    ["name", (file, live) => file.name === live.name],
    ["root email", (file, live) => lower(file.rootEmail) === lower(live.email)]
  ];
  for (const [by, isMatch] of passes) {
    for (const [name, file] of files) {
      if (matches.has(name)) continue;
      const found = accounts.find((live) => !used.has(live) && isMatch(file, live));
      if (found) {
        matches.set(name, { live: found, by });
        used.add(found);
      }
    }
  }
  return matches;
}
function pendingCreation(creations, name) {
  const mine = creations.filter((c) => c.accountName === name).sort((a, b) => compareText(a.requestId, b.requestId));
  return mine.find((c) => c.state === "IN_PROGRESS") ?? mine.find((c) => c.state === "SUCCEEDED");
}
function planAccounts(desired, live, out) {
  const org = live.organization;
  const accounts = [...org.accounts].sort((a, b) => compareText(a.name, b.name) || compareText(a.id, b.id));
  const matches = matchAccounts(desired, accounts);
  const knownOus = live.baseline.kind === "git" ? void 0 : /* @__PURE__ */ new Set(["/", ...org.ouPaths]);
  const warnMissingOu = (name, ouPath) => {
    if (knownOus && !knownOus.has(ouPath)) {
      out.notes.push(`${name}: organizational unit ${ouPath} does not exist in the organization; create it first, or apply fails to place the account.`);
    }
  };
  for (const [name, account] of sortedEntries(desired.accounts)) {
    const match = matches.get(name);
    const bootstrapUsers = wantedBootstrapUsers(account);
    if (match === void 0) {
      planMissingAccount(account, bootstrapUsers ?? [], org.creations, out);
      if (account.data.state === "active") warnMissingOu(name, account.data.organizational_unit);
      continue;
    }
    const liveAccount = match.live;
    if (account.data.id !== void 0 && account.data.id !== liveAccount.id && isAccountId(liveAccount.id)) {
      out.notes.push(`${name}: the file gives id ${account.data.id}, but the account found by ${match.by} has id ${liveAccount.id}; check the file.`);
    }
    if (liveAccount.status !== "ACTIVE") {
      if (account.data.state === "active") {
        out.notes.push(
          `${name}${showId(liveAccount.id)} is ${liveAccount.status} and cannot be reopened through the API: AWS Support can reopen it within 90 days of closure. Until then set state: closed in its file.`
        );
      }
      continue;
    }
    const managed = isManaged(liveAccount.tags);
    if (account.data.state === "closed") {
      if (!managed) {
        out.notes.push(
          `${name}${showId(liveAccount.id)} is marked closed in its file but has no ${MANAGED_BY_TAG} tag, so it is not closed: close it by hand, or set state: active first so the project adopts it.`
        );
        continue;
      }
      const close = {
        kind: "close-account",
        accountName: name,
        accountId: liveAccount.id,
        recipients: unique([account.data.team.email, account.data.requested_by])
      };
      out.changes.push(close);
      continue;
    }
    if (!managed) {
      out.notes.push(`${name}${showId(liveAccount.id)} exists (found by ${match.by}) without the ${MANAGED_BY_TAG} tag: it is adopted and tagged, not created again.`);
    }
    planAccountSettings(account, liveAccount, out);
    warnMissingOu(name, account.data.organizational_unit);
    planBootstrapRole(account, liveAccount, bootstrapUsers, out);
    planReaderRole(desired.settings, account, liveAccount, out);
    if (managed && liveAccount.tags[ACCOUNT_NOTIFIED_TAG] === void 0) {
      out.changes.push({
        kind: "send-account-email",
        accountName: name,
        accountId: liveAccount.id,
        recipients: accountRecipients(account, bootstrapUsers ?? [])
      });
    }
  }
  const matched = new Set([...matches.values()].map((m) => m.live));
  for (const liveAccount of accounts) {
    if (matched.has(liveAccount) || !isManaged(liveAccount.tags)) continue;
    out.notes.push(
      `${liveAccount.name}${showId(liveAccount.id)} is tagged ${MANAGED_BY_TAG} but has no file in accounts/: accounts are closed with state: closed, never by deleting the file. Restore accounts/${liveAccount.name}.yaml.`
    );
  }
  for (const creation of [...org.creations].sort((a, b) => compareText(a.requestId, b.requestId))) {
    if (creation.state === "IN_PROGRESS" && !desired.accounts.has(creation.accountName)) {
      out.notes.push(`AWS is creating an account named ${creation.accountName} (request ${creation.requestId}) that has no file in accounts/.`);
    }
  }
}
function planMissingAccount(account, bootstrapUsers, creations, out) {
  const name = account.name;
  const pending = pendingCreation(creations, name);
  if (account.data.state === "closed") {
    out.notes.push(
      pending === void 0 ? `${name} is closed in its file and was never created: nothing to do.` : `${name} is closed in its file but AWS is still creating it (request ${pending.requestId}); a later run closes it.`
    );
    return;
  }
  if (pending === void 0) {
    const failed = creations.filter((c) => c.accountName === name && c.state === "FAILED");
    for (const attempt of failed) {
      out.notes.push(`${name}: an earlier creation request (${attempt.requestId}) failed (${attempt.failureReason ?? "no reason given"}); it is asked for again.`);
    }
  }
  const create = {
    kind: "create-account",
    accountName: name,
    email: account.rootEmail,
    ouPath: account.data.organizational_unit,
    tags: accountTags(account),
    bootstrapUsers,
    recipients: accountRecipients(account, bootstrapUsers)
  };
  if (pending !== void 0) create.resumeRequestId = pending.requestId;
  out.changes.push(create);
}
function planAccountSettings(account, liveAccount, out) {
  const wanted = accountTags(account);
  const setTags = {};
  for (const [key, value] of Object.entries(wanted)) if (liveAccount.tags[key] !== value) setTags[key] = value;
  const owned = /* @__PURE__ */ new Set([...ACCOUNT_TAG_KEYS, ...recordedAccountTagKeys(liveAccount.tags)]);
  const removeTags = [...owned].filter((key) => !(key in wanted) && liveAccount.tags[key] !== void 0).sort();
  const ouPath = account.data.organizational_unit;
  const move = liveAccount.ouPath === ouPath ? void 0 : { from: liveAccount.ouPath, to: ouPath };
  if (move === void 0 && Object.keys(setTags).length === 0 && removeTags.length === 0) return;
  out.changes.push({
    kind: "update-account",
    accountName: account.name,
    accountId: liveAccount.id,
    ...move === void 0 ? {} : { move },
    setTags,
    removeTags
  });
}
function planBootstrapRole(account, liveAccount, wanted, out) {
  const role = liveAccount.bootstrap;
  const name = account.name;
  if (role === "unknown") {
    out.notes.push(`${name}: the bootstrap role could not be read, so it is not compared this time.`);
    return;
  }
  if (wanted === void 0) {
    if (role === void 0) return;
    if (role.managed) {
      out.changes.push({ kind: "delete-bootstrap-role", accountName: name, accountId: liveAccount.id });
    } else if (account.data.bootstrap?.state === "removed") {
      out.notes.push(`${name}: a bootstrap role exists but is not managed by this project; it is left alone.`);
    }
    return;
  }
  if (wanted.length === 0) {
    out.notes.push(`${name}: bootstrap.users is empty, so no bootstrap role can be created or updated; list users or set bootstrap.state: removed.`);
    return;
  }
  if (role === void 0) {
    out.changes.push({ kind: "put-bootstrap-role", accountName: name, accountId: liveAccount.id, trustedUsers: wanted });
    return;
  }
  if (!role.managed) {
    out.notes.push(`${name}: a role with the bootstrap role's name exists but is not managed by this project; it is left alone (tag it ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE} to adopt it).`);
    return;
  }
  const previouslyTrusted = unique(role.trustedUsers.map(lower)).sort();
  const sameUsers = previouslyTrusted.length === wanted.length && previouslyTrusted.every((user, i) => user === wanted[i]);
  const repairs = [];
  if (!role.requiresMfa) repairs.push("require-mfa");
  if (!role.hasAdministratorAccess) repairs.push("attach-administrator-access");
  if (sameUsers && repairs.length === 0) return;
  out.changes.push({
    kind: "put-bootstrap-role",
    accountName: name,
    accountId: liveAccount.id,
    trustedUsers: wanted,
    previouslyTrusted,
    ...repairs.length === 0 ? {} : { repairs }
  });
}
function planReaderRole(settings, account, liveAccount, out) {
  const wanted = readerRoleSettings(settings);
  if (wanted === void 0) return;
  const name = account.name;
  const role = liveAccount.reader;
  if (role === "unknown") {
    out.notes.push(`${name}: the reader role could not be read, so it is not compared this time.`);
    return;
  }
  const change = {
    kind: "put-reader-role",
    accountName: name,
    accountId: liveAccount.id,
    trustedRoleArns: wanted.trustedRoleArns
  };
  if (role === void 0) {
    out.changes.push(change);
    return;
  }
  if (!role.managed) {
    out.notes.push(
      `${name}: a role named ${wanted.roleName} exists but is not managed by this project; it is left alone (rename reader_role_name, or tag it ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE} to adopt it).`
    );
    return;
  }
  const repairs = [];
  if (!isSamePolicy(role.trustPolicy, readerTrustPolicy(wanted.trustedRoleArns))) repairs.push("trust");
  const permissions = readerPermissions(wanted.roleName, wanted.bootstrapRoleName);
  const policyNames = Object.keys(role.policies);
  const current = role.policies[READER_POLICY_NAME];
  const samePermissions = role.attachedPolicyArns.length === 0 && policyNames.length === 1 && current !== void 0 && isSamePolicy(current, permissions);
  if (!samePermissions) repairs.push("permissions");
  if (repairs.length > 0) out.changes.push({ ...change, repairs });
}
function closureQuota(memberAccountCount) {
  return Math.min(1e3, Math.max(10, Math.floor(memberAccountCount / 10)));
}
function noteLimits(desired, live, out) {
  const limits = desired.settings.limits;
  const deletions = out.changes.filter((c) => c.kind === "delete-user").length;
  const closures = out.changes.filter((c) => c.kind === "close-account").length;
  if (deletions > limits.max_deletions_per_run) {
    out.notes.push(
      `This plan deletes ${deletions} users, more than settings.yaml allows in one run (limits.max_deletions_per_run: ${limits.max_deletions_per_run}): apply refuses unless run with --allow-mass-deletion.`
    );
  }
  if (closures > limits.max_closures_per_run) {
    out.notes.push(
      `This plan closes ${closures} accounts, more than settings.yaml allows in one run (limits.max_closures_per_run: ${limits.max_closures_per_run}): apply refuses unless run with --allow-mass-deletion.`
    );
  }
  const org = live.organization;
  const quota = closureQuota(org.memberAccountCount);
  if (closures > 0 && org.closedInLast30Days + closures > quota) {
    out.notes.push(
      `AWS allows closing ${quota} accounts in 30 days for this organization; ${org.closedInLast30Days} were closed already, so closing ${closures} more would exceed the quota.`
    );
  }
}
function computePlan(desired, live) {
  const out = { changes: [], notes: [], unmanagedUsers: [] };
  planBaseline(desired, live, out);
  planUsers(desired, live, out);
  planAccounts(desired, live, out);
  noteLimits(desired, live, out);
  return {
    version: 1,
    baseline: live.baseline,
    changes: out.changes.map(toPlannedChange).sort(comparePlannedChanges),
    unmanagedUsers: out.unmanagedUsers,
    notes: out.notes
  };
}

// node_modules/yocto-queue/index.js
var Node = class {
  value;
  next;
  constructor(value) {
    this.value = value;
  }
};
var Queue = class {
  #head;
  #tail;
  #size;
  constructor() {
    this.clear();
  }
  enqueue(value) {
    const node = new Node(value);
    if (this.#head) {
      this.#tail.next = node;
      this.#tail = node;
    } else {
      this.#head = node;
      this.#tail = node;
    }
    this.#size++;
  }
  dequeue() {
    const current = this.#head;
    if (!current) {
      return;
    }
    this.#head = this.#head.next;
    this.#size--;
    if (!this.#head) {
      this.#tail = void 0;
    }
    return current.value;
  }
  peek() {
    if (!this.#head) {
      return;
    }
    return this.#head.value;
  }
  clear() {
    this.#head = void 0;
    this.#tail = void 0;
    this.#size = 0;
  }
  get size() {
    return this.#size;
  }
  *[Symbol.iterator]() {
    let current = this.#head;
    while (current) {
      yield current.value;
      current = current.next;
    }
  }
  *drain() {
    while (this.#head) {
      yield this.dequeue();
    }
  }
};

// node_modules/p-limit/index.js
function pLimit(concurrency) {
  let rejectOnClear = false;
  if (typeof concurrency === "object") {
    ({ concurrency, rejectOnClear = false } = concurrency);
  }
  validateConcurrency(concurrency);
  if (typeof rejectOnClear !== "boolean") {
    throw new TypeError("Expected `rejectOnClear` to be a boolean");
  }
  const queue = new Queue();
  let activeCount = 0;
  const resumeNext = () => {
    if (activeCount < concurrency && queue.size > 0) {
      activeCount++;
      queue.dequeue().run();
    }
  };
  const next = () => {
    activeCount--;
    resumeNext();
  };
  const run = async (function_, resolve, arguments_) => {
    const result = (async () => function_(...arguments_))();
    resolve(result);
    try {
      await result;
    } catch {
    }
    next();
  };
  const enqueue = (function_, resolve, reject, arguments_) => {
    const queueItem = { reject };
    new Promise((internalResolve) => {
      queueItem.run = internalResolve;
      queue.enqueue(queueItem);
    }).then(run.bind(void 0, function_, resolve, arguments_));
    if (activeCount < concurrency) {
      resumeNext();
    }
  };
  const generator = (function_, ...arguments_) => new Promise((resolve, reject) => {
    enqueue(function_, resolve, reject, arguments_);
  });
  Object.defineProperties(generator, {
    activeCount: {
      get: () => activeCount
    },
    pendingCount: {
      get: () => queue.size
    },
    clearQueue: {
      value() {
        if (!rejectOnClear) {
          queue.clear();
          return;
        }
        const abortError = AbortSignal.abort().reason;
        while (queue.size > 0) {
          queue.dequeue().reject(abortError);
        }
      }
    },
    concurrency: {
      get: () => concurrency,
      set(newConcurrency) {
        validateConcurrency(newConcurrency);
        concurrency = newConcurrency;
        queueMicrotask(() => {
          while (activeCount < concurrency && queue.size > 0) {
            resumeNext();
          }
        });
      }
    },
    map: {
      async value(iterable, function_) {
        const promises = [];
        try {
          Array.from(iterable, (value, index) => {
            const promise = generator(function_, value, index);
            promises.push(promise);
            return promise;
          });
        } catch (error) {
          for (const promise of promises) {
            promise.catch(() => {
            });
          }
          throw error;
        }
        return Promise.all(promises);
      }
    }
  });
  return generator;
}
function validateConcurrency(concurrency) {
  if (!((Number.isInteger(concurrency) || concurrency === Number.POSITIVE_INFINITY) && concurrency > 0)) {
    throw new TypeError("Expected `concurrency` to be a number from 1 and up");
  }
}

export {
  pLimit,
  KIND_ORDER,
  actionOf,
  describePasswordPolicyChange,
  isSamePolicy,
  closureQuota,
  computePlan
};
