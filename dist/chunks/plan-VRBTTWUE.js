import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  accountsRemovedSinceBase,
  gitSource,
  liveStateFromDesired
} from "./chunk-SGHDHVBQ.js";
import {
  KIND_ORDER,
  actionOf,
  closureQuota,
  computePlan,
  describePasswordPolicyChange,
  pLimit
} from "./chunk-UFXNRZEV.js";
import {
  READER_POLICY_NAME,
  bootstrapTrustPolicy,
  readerPermissions,
  readerRoleSettings,
  readerTrustPolicy,
  summarizeTrustPolicy,
  userArn
} from "./chunk-RVHXHU5L.js";
import {
  fsSource,
  loadDesiredState
} from "./chunk-JF4YEUYF.js";
import {
  ACCOUNT_NOTIFIED_TAG,
  CREDENTIALS_SENT_TAG,
  MANAGED_BY_TAG,
  MANAGED_BY_VALUE,
  desiredPasswordPolicy,
  isManaged
} from "./chunk-6G5MSTI5.js";
import {
  IMPACT_ORDER,
  assertNever
} from "./chunk-RWYTXFUT.js";
import {
  createPalette,
  escapeData,
  hasErrors,
  isColorWanted,
  renderProblemsText
} from "./chunk-YB3UBEN7.js";
import {
  AppError,
  isAppError
} from "./chunk-V6YHCYFW.js";
import "./chunk-6DG7BXTN.js";

// src/cli/commands/plan.ts
import { writeFile as writeFile3 } from "node:fs/promises";
import { join as join4, resolve as resolve2 } from "node:path";
import { parseArgs } from "node:util";

// src/apply/emails.ts
var MAX_MFA_DEVICES = 8;
function signInUrl(settings) {
  return `https://${settings.users_account.alias}.signin.aws.amazon.com/console`;
}
function switchRoleUrl(roleName, accountId, displayName) {
  const query = new URLSearchParams({ roleName, account: accountId, displayName });
  return `https://signin.aws.amazon.com/switchrole?${query.toString()}`;
}
function footer(settings) {
  return [
    "",
    `Questions, or something not working? Write to ${settings.email.support_mailbox}.`,
    "",
    "This email was sent automatically by aws-access-as-code."
  ].join("\n");
}
function mfaRules(settings, userName) {
  return [
    "Multi-factor authentication (MFA)",
    "",
    `- Add an MFA device before anything else: without MFA you cannot assume roles in other AWS accounts.`,
    `- The device name must start with your user name (${userName}), for example ${userName}-phone;`,
    "  any other name gives a permissions error.",
    `- You may register up to ${MAX_MFA_DEVICES} MFA devices (an authenticator app, or a security key).`,
    `- Add one under your user name (top right) > Security credentials > Assign MFA device, then sign out`,
    `  and back in to ${signInUrl(settings)} to check you are asked for a code.`
  ].join("\n");
}
function commandLine(settings, userName) {
  const alias = settings.users_account.alias;
  return [
    "Using the command line",
    "",
    "1. Once your MFA device works, sign in with MFA and create an access key under Security credentials.",
    `2. Store it for the AWS CLI: aws configure --profile ${alias}`,
    `3. For each account you may use, add a profile to ~/.aws/config that assumes a role with your MFA device:`,
    "",
    "   [profile <account name>]",
    "   role_arn = arn:aws:iam::<account id>:role/<role name>",
    `   source_profile = ${alias}`,
    `   mfa_serial = arn:aws:iam::${settings.users_account.id}:mfa/${userName}-<device>`,
    `   region = ${settings.users_account.region}`,
    "",
    "   Then run, for example: aws sts get-caller-identity --profile <account name>",
    "   (mfa_serial is the ARN of your MFA device, shown under Security credentials)."
  ].join("\n");
}
function welcomeEmail({ settings, userName, fullName, temporaryPassword }) {
  const alias = settings.users_account.alias;
  return {
    to: [userName],
    subject: `Your AWS user in ${alias}`,
    body: [
      `Hello ${fullName},`,
      "",
      `You now have an AWS user in ${alias}, the account everyone signs in to before assuming roles in`,
      "team accounts.",
      "",
      `Sign-in URL:         ${signInUrl(settings)}`,
      `User name:           ${userName}`,
      `Temporary password:  ${temporaryPassword}`,
      "",
      "You must change this password the first time you sign in. Your new password must be at least",
      `${settings.users_account.password_policy.minimum_length} characters long; a shorter one fails with a permissions error.`,
      "Do not forward this email.",
      "",
      mfaRules(settings, userName),
      "",
      commandLine(settings, userName),
      "",
      "Access to team accounts is granted by each team: ask yours which roles you may assume.",
      footer(settings)
    ].join("\n")
  };
}
function passwordResetEmail({ settings, userName, fullName, temporaryPassword }) {
  const alias = settings.users_account.alias;
  return {
    to: [userName],
    subject: `Your new temporary AWS password for ${alias}`,
    body: [
      `Hello ${fullName},`,
      "",
      `A new temporary password was set for your AWS user in ${alias}, as requested. Your old password`,
      "no longer works.",
      "",
      `Sign-in URL:         ${signInUrl(settings)}`,
      `User name:           ${userName}`,
      `Temporary password:  ${temporaryPassword}`,
      "",
      "You must change this password when you sign in. Your MFA devices and access keys are unchanged.",
      `MFA device names must start with ${userName}; you may register up to ${MAX_MFA_DEVICES} devices.`,
      "Do not forward this email.",
      footer(settings)
    ].join("\n")
  };
}
function requesterNoticeEmail({ settings, requestedBy, userName, fullName }) {
  const alias = settings.users_account.alias;
  return {
    to: [requestedBy],
    subject: `AWS user created for ${fullName}`,
    body: [
      "Hello,",
      "",
      `The AWS user you asked for, ${userName} (${fullName}), now exists in ${alias}.`,
      "They have been emailed their sign-in details directly; the password is sent to nobody else.",
      "",
      `They sign in at ${signInUrl(settings)} and must add an MFA device before they can assume roles.`,
      "Grant them access to your team accounts in the usual way.",
      footer(settings)
    ].join("\n")
  };
}
function accountCreatedEmail(input) {
  const { settings, accountName, accountId, recipients, hasBootstrapRole } = input;
  const role = settings.organization.bootstrap_role_name;
  const alias = settings.users_account.alias;
  const access = hasBootstrapRole ? [
    `The account has a "${role}" role with full administrator rights. The users listed under`,
    `bootstrap.users in accounts/${accountName}.yaml may assume it from ${alias}, with MFA.`,
    "",
    "In the console: sign in to",
    `  ${signInUrl(settings)}`,
    "then open this link to switch role:",
    `  ${switchRoleUrl(role, accountId, accountName)}`,
    "",
    "On the command line, add to ~/.aws/config (see your welcome email for the source profile):",
    "",
    `  [profile ${accountName}]`,
    `  role_arn = arn:aws:iam::${accountId}:role/${role}`,
    `  source_profile = ${alias}`,
    `  mfa_serial = arn:aws:iam::${settings.users_account.id}:mfa/<your user name>-<device>`,
    "",
    `Use the ${role} role to set the account up the way your team works (for example with`,
    "Terraform), including an admin role with the permissions your people need. Then remove the",
    `bootstrap role: set "bootstrap: state: removed" in accounts/${accountName}.yaml and open a`,
    "pull request."
  ] : [
    "The account has no bootstrap role (its file says bootstrap: state: removed): access is up to",
    "the roles your team creates in it."
  ];
  return {
    to: [...recipients],
    subject: `AWS account ${accountName} is ready (${accountId})`,
    body: [
      "Hello,",
      "",
      `The AWS account ${accountName} now exists.`,
      "",
      `Account name:  ${accountName}`,
      `Account ID:    ${accountId}`,
      "",
      ...access,
      footer(settings)
    ].join("\n")
  };
}
function accountClosedEmail({ settings, accountName, accountId, recipients }) {
  return {
    to: [...recipients],
    subject: `AWS account ${accountName} has been closed (${accountId})`,
    body: [
      "Hello,",
      "",
      `The AWS account ${accountName} (${accountId}) has been closed, as accounts/${accountName}.yaml asks.`,
      "",
      "AWS suspends a closed account for 90 days: nobody can sign in to it and its resources stop,",
      "but charges for some of them may still arrive. Within those 90 days AWS Support can reopen it;",
      `after that it is gone for good. If this was a mistake, write to ${settings.email.support_mailbox}`,
      "straight away.",
      footer(settings)
    ].join("\n")
  };
}

// src/apply/apply-plan.ts
var DEFAULT_TIMING = {
  creationFirstDelayMs: 2e3,
  creationMaxDelayMs: 3e4,
  creationMaxWaitMs: 15 * 6e4,
  notReadyFirstDelayMs: 5e3,
  notReadyMaxDelayMs: 3e4,
  notReadyMaxWaitMs: 10 * 6e4
};
var MAX_CREATIONS_IN_FLIGHT = 5;
var PHASES = [1, 2, 3, 4, 5, 6];
function phaseOf(kind) {
  switch (kind) {
    case "update-password-policy":
    case "update-group":
      return 1;
    case "create-user":
    case "update-user":
    case "reset-password":
      return 2;
    case "create-account":
    case "update-account":
    case "put-bootstrap-role":
    case "delete-bootstrap-role":
    case "put-reader-role":
      return 3;
    case "send-account-email":
      return 4;
    case "delete-user":
      return 5;
    case "close-account":
      return 6;
    default:
      return assertNever(kind);
  }
}
function awsClosureAllowance(figures) {
  return Math.max(0, closureQuota(figures.memberAccountCount) - figures.closedInLast30Days);
}
function sameBaseline(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}
function describeBaseline(baseline) {
  switch (baseline.kind) {
    case "sandbox":
      return `the sandbox (${baseline.path})`;
    case "aws":
      return `AWS (users account ${baseline.usersAccountId}, management account ${baseline.managementAccountId})`;
    case "git":
      return `the files at ${baseline.ref}`;
    default:
      return assertNever(baseline);
  }
}
function userNameOf(change) {
  switch (change.kind) {
    case "create-user":
    case "update-user":
    case "reset-password":
    case "delete-user":
      return change.userName;
    default:
      return void 0;
  }
}
async function checkPlanMayRun(plan2, deps) {
  const { settings, target } = deps;
  if (!sameBaseline(plan2.baseline, target.baseline)) {
    throw new AppError(
      "baseline-mismatch",
      `This plan was computed against ${describeBaseline(plan2.baseline)}, not ${describeBaseline(target.baseline)}.`,
      { fault: "user", hint: "Compute the plan against the target you apply it to." }
    );
  }
  const protectedUsers = new Set(settings.protected_users.map((name) => name.toLowerCase()));
  const touched = plan2.changes.map(({ change }) => userNameOf(change)).filter((name) => name !== void 0 && protectedUsers.has(name.toLowerCase()));
  if (touched.length > 0) {
    throw new AppError("protected", `The plan changes protected users (settings.protected_users): ${touched.join(", ")}.`, {
      fault: "user",
      hint: "Protected users are never changed. Remove them from protected_users first if that is really meant."
    });
  }
  const deletions = plan2.changes.filter(({ change }) => change.kind === "delete-user" || change.kind === "delete-bootstrap-role").length;
  const maxDeletions = settings.limits.max_deletions_per_run;
  if (deletions > maxDeletions && !deps.allowMassDeletion) {
    throw new AppError(
      "too-many-deletions",
      `The plan deletes ${deletions} users and bootstrap roles; one run may delete at most ${maxDeletions} (settings.limits.max_deletions_per_run). Nothing was changed.`,
      { fault: "user", hint: "If every deletion is intended, run apply again with --allow-mass-deletion." }
    );
  }
  const closures = plan2.changes.filter(({ change }) => change.kind === "close-account").length;
  if (closures === 0) return;
  const maxClosures = settings.limits.max_closures_per_run;
  if (closures > maxClosures && !deps.allowMassDeletion) {
    throw new AppError(
      "too-many-deletions",
      `The plan closes ${closures} accounts; one run may close at most ${maxClosures} (settings.limits.max_closures_per_run). Nothing was changed.`,
      { fault: "user", hint: "If every closure is intended, run apply again with --allow-mass-deletion." }
    );
  }
  const figures = deps.closureQuota ?? await target.organization.readOrganization(settings.organization.bootstrap_role_name, settings.organization.reader_role_name);
  const allowance = awsClosureAllowance(figures);
  if (closures > allowance) {
    throw new AppError(
      "closure-quota",
      `The plan closes ${closures} accounts, but AWS allows only ${allowance} more closures in this 30-day window (10% of ${figures.memberAccountCount} member accounts, at least 10; ${figures.closedInLast30Days} closed recently). Nothing was changed.`,
      { fault: "user", hint: "Keep fewer accounts at state: closed for now and close the rest once the window allows it." }
    );
  }
}
async function applyPlan(plan2, deps) {
  const startedAt = deps.now().toISOString();
  await checkPlanMayRun(plan2, deps);
  const run = new Run(plan2, deps);
  return run.execute(startedAt);
}
var Run = class {
  plan;
  deps;
  timing;
  secrets = [];
  results;
  creations = pLimit(MAX_CREATIONS_IN_FLIGHT);
  /** Users still named by a trust change that failed: deleting them waits for a later run. */
  stillTrusted = /* @__PURE__ */ new Map();
  failedAccounts = /* @__PURE__ */ new Set();
  constructor(plan2, deps) {
    this.plan = plan2;
    this.deps = deps;
    this.timing = { ...DEFAULT_TIMING, ...deps.timing };
    this.results = plan2.changes.map(() => void 0);
  }
  async execute(startedAt) {
    const limit = pLimit(Math.max(1, this.deps.concurrency ?? 4));
    const total = this.plan.changes.length;
    if (total > 0) this.log(`Applying ${total} change${total === 1 ? "" : "s"} to ${describeBaseline(this.deps.target.baseline)}`);
    for (const phase of PHASES) {
      const indexes = this.plan.changes.flatMap((planned, index) => phaseOf(planned.change.kind) === phase ? [index] : []);
      await Promise.all(indexes.map((index) => limit(() => this.runOne(index))));
    }
    const results = this.results.map((result, index) => {
      if (result !== void 0) return result;
      const planned = this.plan.changes[index];
      throw new Error(`no result for change ${index} (${planned?.summary ?? "?"})`);
    });
    return { baseline: this.deps.target.baseline, startedAt, finishedAt: this.deps.now().toISOString(), results };
  }
  async runOne(index) {
    const planned = this.plan.changes[index];
    if (planned === void 0) return;
    const { change, summary } = planned;
    const base = { kind: change.kind, summary };
    const blocked = this.blockedBy(change);
    if (blocked !== void 0) {
      this.results[index] = { ...base, status: "skipped", error: { code: "dependency-failed", message: blocked } };
      this.log(`skipped ${summary}: ${blocked}`);
      return;
    }
    this.log(`${summary} ...`);
    const warnings = [];
    try {
      await this.perform(change, warnings);
      this.results[index] = { ...base, status: "done", ...warnings.length > 0 ? { warnings } : {} };
      this.log(`done: ${summary}${warnings.length > 0 ? ` (with ${warnings.length} warning${warnings.length === 1 ? "" : "s"})` : ""}`);
      for (const warning of warnings) this.log(`  warning: ${warning}`);
    } catch (error) {
      const failure = this.describeError(error);
      this.results[index] = { ...base, status: "failed", error: failure };
      this.log(`FAILED: ${summary}: ${failure.code}: ${failure.message}`);
      this.noteFailedTrust(change);
    }
  }
  /** Why a change must wait for a later run because a change it depends on failed, if it must. */
  blockedBy(change) {
    if (change.kind === "delete-user") {
      const because = this.stillTrusted.get(change.userName.toLowerCase());
      if (because !== void 0) return `still named in the bootstrap role of ${because}, whose update failed; deleting waits for a run where that succeeds`;
    }
    if (change.kind === "send-account-email" && this.failedAccounts.has(change.accountName)) {
      return `a change to ${change.accountName} failed, so its email would describe a role that may not be there; it is sent on a later run`;
    }
    return void 0;
  }
  noteFailedTrust(change) {
    if ("accountName" in change) this.failedAccounts.add(change.accountName);
    if (change.kind === "put-bootstrap-role") {
      for (const name of [...change.trustedUsers, ...change.previouslyTrusted ?? []]) {
        this.stillTrusted.set(name.toLowerCase(), change.accountName);
      }
    } else if (change.kind === "create-account") {
      for (const name of change.bootstrapUsers) this.stillTrusted.set(name.toLowerCase(), change.accountName);
    }
  }
  async perform(change, warnings) {
    const { usersAccount, organization } = this.deps.target;
    switch (change.kind) {
      case "update-password-policy":
        return usersAccount.putPasswordPolicy(change.to);
      case "update-group":
        return this.updateGroup(change);
      case "create-user":
        return this.createUser(change, warnings);
      case "update-user":
        return this.updateUser(change);
      case "reset-password":
        return this.resetPassword(change);
      case "delete-user":
        return usersAccount.deleteUser(change.userName);
      case "create-account":
        return this.creations(() => this.createAccount(change));
      case "update-account":
        return this.updateAccount(change);
      case "put-bootstrap-role":
        return this.putBootstrapRole(change);
      case "delete-bootstrap-role":
        return this.whenAccountReady(
          `${change.accountName}`,
          () => organization.deleteBootstrapRole(change.accountId, this.deps.settings.organization.bootstrap_role_name)
        );
      case "put-reader-role":
        return this.putReaderRole(change.accountName, change.accountId, change.trustedRoleArns);
      case "send-account-email":
        return this.sendAccountEmail(change.accountName, change.accountId, change.recipients, this.hasBootstrapRole(change.accountId));
      case "close-account":
        return this.closeAccount(change, warnings);
      default:
        return assertNever(change);
    }
  }
  // ---- users account -------------------------------------------------------------------------
  async updateGroup(change) {
    const { usersAccount } = this.deps.target;
    if (change.create) await usersAccount.createGroup(change.group);
    for (const [name, document] of Object.entries(change.putPolicies)) await usersAccount.putGroupPolicy(change.group, name, document);
    for (const name of change.deletePolicies) await usersAccount.deleteGroupPolicy(change.group, name);
    for (const arn of change.detachPolicies) await usersAccount.detachGroupPolicy(change.group, arn);
  }
  async createUser(change, warnings) {
    const { usersAccount, mailer } = this.deps.target;
    const { settings } = this.deps;
    try {
      await usersAccount.createUser(change.userName, change.tags);
    } catch (error) {
      if (isAppError(error) && error.code === "user-exists") {
        throw new AppError(
          "user-exists",
          `The plan expected no user ${change.userName}, but one with that name (ignoring case) exists now: another run or someone outside this tool created it after the plan was computed.`,
          { fault: "user", hint: "Run plan again: it will show what to do with the existing user.", cause: error }
        );
      }
      throw error;
    }
    await usersAccount.addUserToGroup(change.userName, change.group);
    const password = this.newPassword();
    await usersAccount.setTemporaryPassword(change.userName, password);
    await mailer.send(welcomeEmail({ settings, userName: change.userName, fullName: change.fullName, temporaryPassword: password }));
    await usersAccount.tagUser(change.userName, { [CREDENTIALS_SENT_TAG]: change.credentialsToken });
    if (change.requestedBy.toLowerCase() !== change.userName.toLowerCase()) {
      try {
        await mailer.send(
          requesterNoticeEmail({ settings, requestedBy: change.requestedBy, userName: change.userName, fullName: change.fullName })
        );
      } catch (error) {
        warnings.push(`the notice to ${change.requestedBy} was not sent: ${this.describeError(error).message}`);
      }
    }
  }
  async updateUser(change) {
    const { usersAccount } = this.deps.target;
    if (Object.keys(change.setTags).length > 0) await usersAccount.tagUser(change.userName, change.setTags);
    if (change.removeTags.length > 0) await usersAccount.untagUser(change.userName, change.removeTags);
    for (const group of change.addGroups) await usersAccount.addUserToGroup(change.userName, group);
    for (const group of change.removeGroups) await usersAccount.removeUserFromGroup(change.userName, group);
    for (const arn of change.detachPolicies) await usersAccount.detachUserPolicy(change.userName, arn);
    for (const name of change.deletePolicies) await usersAccount.deleteUserPolicy(change.userName, name);
  }
  async resetPassword(change) {
    const { usersAccount, mailer } = this.deps.target;
    const { settings } = this.deps;
    const password = this.newPassword();
    await usersAccount.setTemporaryPassword(change.userName, password);
    const input = { settings, userName: change.userName, fullName: change.fullName, temporaryPassword: password };
    await mailer.send(change.why === "welcome-email-not-sent" ? welcomeEmail(input) : passwordResetEmail(input));
    await usersAccount.tagUser(change.userName, { [CREDENTIALS_SENT_TAG]: change.credentialsToken });
  }
  newPassword() {
    const password = this.deps.generatePassword();
    this.secrets.push(password);
    this.deps.onSecret(password);
    return password;
  }
  // ---- organization --------------------------------------------------------------------------
  async createAccount(change) {
    const { organization } = this.deps.target;
    const { settings } = this.deps;
    const requestId = change.resumeRequestId ?? await organization.startAccountCreation({
      accountName: change.accountName,
      email: change.email,
      tags: change.tags,
      accessRoleName: settings.organization.access_role_name
    });
    if (change.resumeRequestId !== void 0) this.log(`${change.accountName}: resuming creation request ${requestId}`);
    const accountId = await this.waitForAccount(change, requestId);
    this.log(`${change.accountName}: created as ${accountId}`);
    if (change.ouPath !== "/") await organization.moveAccount(accountId, change.ouPath);
    const hasBootstrapRole = change.bootstrapUsers.length > 0;
    if (hasBootstrapRole) {
      await this.whenAccountReady(
        change.accountName,
        () => organization.putBootstrapRole({
          accountId,
          roleName: settings.organization.bootstrap_role_name,
          trustPolicy: bootstrapTrustPolicy(settings.users_account.id, change.bootstrapUsers),
          tags: { [MANAGED_BY_TAG]: MANAGED_BY_VALUE }
        })
      );
    }
    const reader = readerRoleSettings(settings);
    if (reader !== void 0) await this.putReaderRole(change.accountName, accountId, reader.trustedRoleArns);
    await this.sendAccountEmail(change.accountName, accountId, change.recipients, hasBootstrapRole);
  }
  async waitForAccount(change, requestId) {
    const { organization } = this.deps.target;
    let delay = this.timing.creationFirstDelayMs;
    let waited = 0;
    for (; ; ) {
      const status = await organization.describeAccountCreation(requestId);
      if (status.state === "SUCCEEDED") {
        if (status.accountId === void 0) throw new AppError("account-creation-failed", `Request ${requestId} succeeded without an account id.`);
        return status.accountId;
      }
      if (status.state === "FAILED") throw creationFailure(change, requestId, status.failureReason);
      if (waited >= this.timing.creationMaxWaitMs) {
        throw new AppError(
          "account-creation-timeout",
          `AWS is still creating ${change.accountName} after ${Math.round(waited / 1e3)}s (request ${requestId}).`,
          { hint: "Run apply again later: the next plan finds the request and carries on with it instead of asking again." }
        );
      }
      this.log(`${change.accountName}: creation ${requestId} in progress, checking again in ${Math.round(delay / 1e3)}s`);
      await this.deps.sleep(delay);
      waited += delay;
      delay = Math.min(delay * 2, this.timing.creationMaxDelayMs);
    }
  }
  /** Retries `account-not-ready` (a new account refusing us for a few minutes), bounded. */
  async whenAccountReady(accountName, action) {
    let delay = this.timing.notReadyFirstDelayMs;
    let waited = 0;
    for (; ; ) {
      try {
        return await action();
      } catch (error) {
        if (!isAppError(error) || error.code !== "account-not-ready" || waited >= this.timing.notReadyMaxWaitMs) throw error;
        this.log(`${accountName}: account not ready yet, trying again in ${Math.round(delay / 1e3)}s`);
        await this.deps.sleep(delay);
        waited += delay;
        delay = Math.min(delay * 2, this.timing.notReadyMaxDelayMs);
      }
    }
  }
  async updateAccount(change) {
    const { organization } = this.deps.target;
    if (change.move !== void 0) await organization.moveAccount(change.accountId, change.move.to);
    if (Object.keys(change.setTags).length > 0) await organization.tagAccount(change.accountId, change.setTags);
    if (change.removeTags.length > 0) await organization.untagAccount(change.accountId, change.removeTags);
  }
  async putBootstrapRole(change) {
    const { settings } = this.deps;
    await this.whenAccountReady(
      change.accountName,
      () => this.deps.target.organization.putBootstrapRole({
        accountId: change.accountId,
        roleName: settings.organization.bootstrap_role_name,
        trustPolicy: bootstrapTrustPolicy(settings.users_account.id, change.trustedUsers),
        tags: { [MANAGED_BY_TAG]: MANAGED_BY_VALUE }
      })
    );
  }
  async putReaderRole(accountName, accountId, trustedRoleArns) {
    const reader = readerRoleSettings(this.deps.settings);
    if (reader === void 0) {
      throw new AppError("no-reader-role", `The plan creates a reader role in ${accountName}, but settings.yaml names none (organization.reader_role_name).`, {
        fault: "user",
        hint: "Compute the plan again with the settings you apply it with."
      });
    }
    const { organization } = this.deps.target;
    await this.whenAccountReady(
      accountName,
      () => organization.putReaderRole({
        accountId,
        roleName: reader.roleName,
        trustPolicy: readerTrustPolicy(trustedRoleArns),
        policyName: READER_POLICY_NAME,
        policy: readerPermissions(reader.roleName, reader.bootstrapRoleName),
        tags: { [MANAGED_BY_TAG]: MANAGED_BY_VALUE }
      })
    );
  }
  /** The change does not say; the role is there unless this plan removes it. */
  hasBootstrapRole(accountId) {
    return !this.plan.changes.some(({ change }) => change.kind === "delete-bootstrap-role" && change.accountId === accountId);
  }
  async sendAccountEmail(accountName, accountId, recipients, hasBootstrapRole) {
    const { organization, mailer } = this.deps.target;
    await mailer.send(accountCreatedEmail({ settings: this.deps.settings, accountName, accountId, recipients, hasBootstrapRole }));
    await organization.tagAccount(accountId, { [ACCOUNT_NOTIFIED_TAG]: "true" });
  }
  async closeAccount(change, warnings) {
    const { organization, mailer } = this.deps.target;
    await organization.closeAccount(change.accountId);
    try {
      await mailer.send(
        accountClosedEmail({ settings: this.deps.settings, accountName: change.accountName, accountId: change.accountId, recipients: change.recipients })
      );
    } catch (error) {
      warnings.push(`the closure email to ${change.recipients.join(", ")} was not sent: ${this.describeError(error).message}`);
    }
  }
  // ---- output --------------------------------------------------------------------------------
  scrub(text) {
    let out = text;
    for (const secret of this.secrets) if (secret !== "") out = out.split(secret).join("***");
    return out;
  }
  log(line) {
    this.deps.log(this.scrub(line));
  }
  describeError(error) {
    if (isAppError(error)) {
      return {
        code: error.code,
        message: this.scrub(error.message),
        ...error.hint === void 0 ? {} : { hint: this.scrub(error.hint) }
      };
    }
    return { code: "internal", message: this.scrub(error instanceof Error ? error.message : String(error)) };
  }
};
function creationFailure(change, requestId, reason) {
  const what = `AWS could not create account ${change.accountName} (request ${requestId}, ${reason ?? "no reason given"})`;
  const file = `accounts/${change.accountName}.yaml`;
  switch (reason) {
    case "EMAIL_ALREADY_EXISTS":
      return new AppError("account-email-taken", `${what}: the root email ${change.email} already belongs to another AWS account.`, {
        fault: "user",
        hint: `Give the account another root_email in ${file}. If that account is the one you meant, it already exists outside the Organization: invite it instead.`
      });
    case "INVALID_EMAIL":
      return new AppError("account-email-invalid", `${what}: AWS does not accept the root email ${change.email}.`, {
        fault: "user",
        hint: `Fix root_email in ${file} (or organization.root_email_template): 6-64 ASCII characters, one @, a dot in the domain.`
      });
    case "ACCOUNT_LIMIT_EXCEEDED":
      return new AppError("account-limit", `${what}: the Organization has reached its maximum number of accounts.`, {
        hint: 'Ask for a higher "Default maximum number of accounts" in Service Quotas (AWS Organizations); closed accounts count for 90 days.'
      });
    case "CONCURRENT_ACCOUNT_MODIFICATION":
      return new AppError("account-creation-conflict", `${what}: a request with the same details is already being processed.`, {
        hint: "Run apply again in a few minutes: the next plan finds the request in progress and carries on with it."
      });
    case "INTERNAL_FAILURE":
      return new AppError("account-creation-failed", `${what}: an internal AWS failure.`, { hint: "Run apply again later." });
    default:
      return new AppError("account-creation-failed", `${what}.`, {
        hint: "Look the reason up under CreateAccountStatus FailureReason in the AWS Organizations API reference, fix it, and run apply again."
      });
  }
}
function counts(report) {
  const out = { done: 0, failed: 0, skipped: 0 };
  for (const result of report.results) out[result.status] += 1;
  return out;
}
function renderApplyReport(report) {
  const target = describeBaseline(report.baseline);
  if (report.results.length === 0) return `Nothing to apply: ${target} already matches the files.
`;
  const n = counts(report);
  const lines = [`Applied to ${target}: ${n.done} done, ${n.failed} failed, ${n.skipped} skipped.`, ""];
  const label = { done: "done   ", failed: "FAILED ", skipped: "skipped" };
  for (const result of report.results) {
    lines.push(`  ${label[result.status]}  ${result.summary}`);
    if (result.error !== void 0) {
      lines.push(`           ${result.error.code}: ${result.error.message}`);
      if (result.error.hint !== void 0) lines.push(`           what to do: ${result.error.hint}`);
    }
    for (const warning of result.warnings ?? []) lines.push(`           warning: ${warning}`);
  }
  return `${lines.join("\n")}
`;
}
function cell(text) {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}
function renderApplyReportMarkdown(report) {
  const target = describeBaseline(report.baseline);
  if (report.results.length === 0) return `### Apply

Nothing to apply: ${target} already matches the files.
`;
  const n = counts(report);
  const icon = { done: "\u2705 done", failed: "\u274C failed", skipped: "\u23ED\uFE0F skipped" };
  const lines = [
    `### Apply: ${n.failed > 0 ? "some changes failed" : "all changes applied"}`,
    "",
    `Applied to ${target}: **${n.done} done, ${n.failed} failed, ${n.skipped} skipped**.`,
    "",
    "| Result | Change | Details |",
    "| --- | --- | --- |"
  ];
  for (const result of report.results) {
    const details = [];
    if (result.error !== void 0) {
      details.push(`\`${result.error.code}\`: ${result.error.message}`);
      if (result.error.hint !== void 0) details.push(`What to do: ${result.error.hint}`);
    }
    for (const warning of result.warnings ?? []) details.push(`Warning: ${warning}`);
    lines.push(`| ${icon[result.status]} | ${cell(result.summary)} | ${cell(details.join("<br>"))} |`);
  }
  return `${lines.join("\n")}
`;
}

// src/apply/password.ts
import { randomInt } from "node:crypto";
var UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ";
var LOWER = "abcdefghijkmnopqrstuvwxyz";
var DIGITS = "23456789";
var SYMBOLS = "!@#$%^&*()_+-=[]{}";
var ALPHABET = UPPER + LOWER + DIGITS + SYMBOLS;
var MINIMUM_LENGTH = 20;
var MAXIMUM_LENGTH = 128;
function pick(chars) {
  return chars.charAt(randomInt(chars.length));
}
function generatePassword(policy) {
  const length = Math.min(MAXIMUM_LENGTH, Math.max(policy.minimumLength, MINIMUM_LENGTH));
  const chars = [pick(UPPER), pick(LOWER), pick(DIGITS), pick(SYMBOLS)];
  while (chars.length < length) chars.push(pick(ALPHABET));
  for (let i = chars.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    const a = chars[i];
    chars[i] = chars[j];
    chars[j] = a;
  }
  return chars.join("");
}

// src/adapters/sandbox/sandbox-target.ts
import { join as join3 } from "node:path";

// src/adapters/sandbox/mailer.ts
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
var MAX_RECIPIENTS = 50;
var ADDRESS = /^[^@\s<>,;"]+@[^@\s<>,;"]+\.[^@\s<>,;"]+$/;
var DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
var pad = (n, width = 2) => String(n).padStart(width, "0");
function formatRfc5322Date(date) {
  return `${DAYS[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}
function headerValue(value) {
  const oneLine = value.replace(/[\r\n]+/g, " ");
  return /^[\x20-\x7e]*$/.test(oneLine) ? oneLine : `=?UTF-8?B?${Buffer.from(oneLine, "utf8").toString("base64")}?=`;
}
function renderEml(message, from, date, messageId) {
  const headers = [
    `Date: ${formatRfc5322Date(date)}`,
    `From: ${headerValue(from)}`,
    `To: ${message.to.map(headerValue).join(", ")}`,
    `Subject: ${headerValue(message.subject)}`,
    `Message-ID: <${messageId}>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: 8bit"
  ];
  const body = message.body.replace(/\r\n|\r|\n/g, "\r\n");
  return `${headers.join("\r\n")}\r
\r
${body}${body.endsWith("\r\n") ? "" : "\r\n"}`;
}
function slugify(text) {
  const slug = text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return slug.slice(0, 60).replace(/-+$/, "") || "message";
}
function compactTimestamp(date) {
  return `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}T${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}${pad(date.getUTCMilliseconds(), 3)}Z`;
}
var OutboxMailer = class {
  outbox;
  from;
  now;
  seq;
  constructor(dir, from, now) {
    this.outbox = join(dir, "outbox");
    this.from = from;
    this.now = now;
  }
  async send(message) {
    if (message.to.length === 0) throw new AppError("invalid-email", "An email needs at least one recipient.");
    if (message.to.length > MAX_RECIPIENTS) {
      throw new AppError("invalid-email", `An email may have at most ${MAX_RECIPIENTS} recipients, not ${message.to.length}.`);
    }
    const bad = message.to.find((address) => !ADDRESS.test(address));
    if (bad !== void 0) throw new AppError("invalid-email", `"${bad}" is not an email address.`);
    await mkdir(this.outbox, { recursive: true });
    if (this.seq === void 0) this.seq = (await readdir(this.outbox)).filter((name) => name.endsWith(".eml")).length;
    const date = this.now();
    const slug = slugify(`${message.subject} ${(message.to[0] ?? "").split("@")[0] ?? ""}`);
    for (; ; ) {
      this.seq += 1;
      const name = `${compactTimestamp(date)}-${pad(this.seq, 4)}-${slug}.eml`;
      const eml = renderEml(message, this.from, date, `${compactTimestamp(date)}.${this.seq}@sandbox.invalid`);
      try {
        await writeFile(join(this.outbox, name), eml, { encoding: "utf8", flag: "wx" });
        return;
      } catch (error) {
        if (error.code === "EEXIST") continue;
        throw new AppError("email-failed", `Could not write ${name} to the sandbox outbox.`, { cause: error });
      }
    }
  }
};

// src/adapters/sandbox/rules.ts
var MAX_TAGS = 50;
var TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
var IAM_NAME = /^[\w+=,.@-]+$/;
function invalidInput(message) {
  return new AppError("invalid-input", message);
}
function noSuchEntity(what) {
  return new AppError("not-found", `${what} does not exist.`);
}
function assertIamName(kind, name, max) {
  if (name.length < 1 || name.length > max || !IAM_NAME.test(name)) {
    throw invalidInput(`${kind} name "${name}" must be 1-${max} characters of letters, digits and + = , . @ _ -.`);
  }
}
function assertTag(key, value) {
  if (key.length < 1 || key.length > 128 || !TAG_TEXT.test(key)) {
    throw invalidInput(`Tag key "${key}" must be 1-128 characters of letters, digits, spaces and _ . : / = + - @.`);
  }
  if (key.toLowerCase().startsWith("aws:")) throw invalidInput(`Tag key "${key}" uses the reserved prefix aws:.`);
  if (value.length > 256 || !TAG_TEXT.test(value)) {
    throw invalidInput(`Tag value of "${key}" must be at most 256 characters of letters, digits, spaces and _ . : / = + - @.`);
  }
}
function mergeTags(current, add, caseInsensitive) {
  const next = { ...current };
  for (const [key, value] of Object.entries(add)) {
    assertTag(key, value);
    if (caseInsensitive) {
      for (const existing of Object.keys(next)) if (existing.toLowerCase() === key.toLowerCase()) delete next[existing];
    }
    next[key] = value;
  }
  if (Object.keys(next).length > MAX_TAGS) {
    throw new AppError("limit-exceeded", `At most ${MAX_TAGS} tags are allowed; this would make ${Object.keys(next).length}.`);
  }
  return next;
}
function removeTags(current, keys, caseInsensitive) {
  const drop = new Set(keys.map((key) => caseInsensitive ? key.toLowerCase() : key));
  return Object.fromEntries(Object.entries(current).filter(([key]) => !drop.has(caseInsensitive ? key.toLowerCase() : key)));
}
var DEFAULT_MINIMUM_LENGTH = 8;
function assertPasswordPolicy(policy) {
  if (!Number.isInteger(policy.minimumLength) || policy.minimumLength < 6 || policy.minimumLength > 128) {
    throw invalidInput("MinimumPasswordLength must be 6-128.");
  }
  if (policy.maxAgeDays !== void 0 && policy.maxAgeDays !== 0 && (policy.maxAgeDays < 1 || policy.maxAgeDays > 1095)) {
    throw invalidInput("MaxPasswordAge must be 1-1095 (or 0 for never).");
  }
  if (policy.reusePrevention !== void 0 && (policy.reusePrevention < 1 || policy.reusePrevention > 24)) {
    throw invalidInput("PasswordReusePrevention must be 1-24.");
  }
}
function assertPasswordMeetsPolicy(password, policy) {
  const problems = [];
  const minimum = policy?.minimumLength ?? DEFAULT_MINIMUM_LENGTH;
  if (password.length < minimum) problems.push(`at least ${minimum} characters`);
  if (password.length > 128) problems.push("at most 128 characters");
  if (policy?.requireUppercase && !/[A-Z]/.test(password)) problems.push("an upper-case letter");
  if (policy?.requireLowercase && !/[a-z]/.test(password)) problems.push("a lower-case letter");
  if (policy?.requireNumbers && !/[0-9]/.test(password)) problems.push("a number");
  if (policy?.requireSymbols && !/[^A-Za-z0-9]/.test(password)) problems.push("a symbol");
  if (problems.length > 0) {
    throw new AppError("password-policy-violation", `The password does not meet the password policy: it needs ${problems.join(", ")}.`);
  }
}

// src/adapters/sandbox/organization.ts
var ADMINISTRATOR_ACCESS_ARN = "arn:aws:iam::aws:policy/AdministratorAccess";
var MAX_CREATIONS_IN_FLIGHT2 = 5;
var DAY_MS = 24 * 60 * 60 * 1e3;
var ACCOUNT_EMAIL = /^[^@\s.][^@\s]*@[^@\s]+\.[^@\s]+$/;
function findAccount(state, accountId) {
  const account = state.organization.accounts.find((candidate) => candidate.id === accountId);
  if (account === void 0) throw new AppError("not-found", `Account ${accountId} is not in the organization.`);
  return account;
}
function toLiveCreation(creation) {
  return {
    requestId: creation.requestId,
    accountName: creation.accountName,
    state: creation.state,
    ...creation.accountId === void 0 ? {} : { accountId: creation.accountId },
    ...creation.failureReason === void 0 ? {} : { failureReason: creation.failureReason }
  };
}
var SandboxOrganization = class {
  store;
  usersAccountId;
  now;
  constructor(store, usersAccountId, now) {
    this.store = store;
    this.usersAccountId = usersAccountId;
    this.now = now;
  }
  async readOrganization(bootstrapRoleName, readerRoleName) {
    const now = this.now();
    return this.store.update((state) => {
      const org = state.organization;
      for (const account of org.accounts) if (account.status === "PENDING_CLOSURE") account.status = "SUSPENDED";
      const accounts = org.accounts.map((account) => {
        let bootstrap;
        let reader;
        const readerRole = readerRoleName === void 0 || account.id === org.managementAccountId ? void 0 : account.roles.find((candidate) => candidate.name.toLowerCase() === readerRoleName.toLowerCase());
        if (readerRoleName !== void 0 && (account.status !== "ACTIVE" || account.id === org.managementAccountId)) reader = "unknown";
        if (account.status !== "ACTIVE") {
          bootstrap = "unknown";
        } else if (readerRoleName !== void 0 && account.id !== org.managementAccountId && readerRole === void 0) {
          bootstrap = "unknown";
        } else {
          if (readerRole !== void 0) {
            reader = {
              managed: isManaged(readerRole.tags),
              trustPolicy: structuredClone(readerRole.trustPolicy),
              policies: structuredClone(readerRole.policies ?? {}),
              attachedPolicyArns: [...readerRole.attachedPolicies]
            };
          }
          const role = account.roles.find((candidate) => candidate.name.toLowerCase() === bootstrapRoleName.toLowerCase());
          if (role !== void 0) {
            const trust = summarizeTrustPolicy(this.usersAccountId, role.trustPolicy);
            bootstrap = {
              managed: isManaged(role.tags),
              trustedUsers: trust.trusted,
              requiresMfa: trust.requiresMfa,
              hasAdministratorAccess: role.attachedPolicies.includes(ADMINISTRATOR_ACCESS_ARN)
            };
          }
        }
        return {
          id: account.id,
          name: account.name,
          email: account.email,
          status: account.status,
          ouPath: account.ouPath,
          tags: { ...account.tags },
          ...bootstrap === void 0 ? {} : { bootstrap },
          ...reader === void 0 ? {} : { reader }
        };
      });
      const since = now.getTime() - 30 * DAY_MS;
      return {
        accounts,
        ouPaths: [...org.ouPaths].sort(),
        creations: org.creations.map(toLiveCreation),
        closedInLast30Days: org.closures.filter((closure) => Date.parse(closure.closedAt) >= since).length,
        // Closed accounts keep counting until they are permanently closed (aws-facts §2).
        memberAccountCount: org.accounts.filter((account) => account.id !== org.managementAccountId).length
      };
    });
  }
  async startAccountCreation(input) {
    if (input.accountName.length < 1 || input.accountName.length > 50 || !/^[\x20-\x7e]+$/.test(input.accountName)) {
      throw invalidInput(`Account name "${input.accountName}" must be 1-50 printable ASCII characters.`);
    }
    assertIamName("Role", input.accessRoleName, 64);
    const tags = mergeTags({}, input.tags, false);
    const now = this.now().toISOString();
    return this.store.update((state) => {
      const inFlight = state.organization.creations.filter((creation) => creation.state === "IN_PROGRESS").length;
      if (inFlight >= MAX_CREATIONS_IN_FLIGHT2) {
        throw new AppError(
          "too-many-creations",
          `Only ${MAX_CREATIONS_IN_FLIGHT2} account creations can be in progress at once; ${inFlight} are.`
        );
      }
      state.counters.request += 1;
      const requestId = `car-sandbox${String(state.counters.request).padStart(8, "0")}`;
      state.organization.creations.push({
        requestId,
        accountName: input.accountName,
        email: input.email,
        tags,
        accessRoleName: input.accessRoleName,
        state: "IN_PROGRESS",
        requestedAt: now
      });
      return requestId;
    });
  }
  async describeAccountCreation(requestId) {
    const now = this.now().toISOString();
    return this.store.update((state) => {
      const creation = state.organization.creations.find((candidate) => candidate.requestId === requestId);
      if (creation === void 0) throw new AppError("not-found", `No account creation request ${requestId}.`);
      if (creation.state === "IN_PROGRESS") this.complete(state, creation, now);
      return toLiveCreation(creation);
    });
  }
  /** What AWS decides asynchronously: a bad or taken email fails the request, not the call. */
  complete(state, creation, now) {
    creation.completedAt = now;
    const email = creation.email;
    if (email.length < 6 || email.length > 64 || !/^[\x21-\x7e]+$/.test(email) || !ACCOUNT_EMAIL.test(email)) {
      creation.state = "FAILED";
      creation.failureReason = "INVALID_EMAIL";
      return;
    }
    if (state.organization.accounts.some((account) => account.email.toLowerCase() === email.toLowerCase())) {
      creation.state = "FAILED";
      creation.failureReason = "EMAIL_ALREADY_EXISTS";
      return;
    }
    const id = this.nextAccountId(state);
    state.organization.accounts.push({
      id,
      name: creation.accountName,
      email,
      status: "ACTIVE",
      ouPath: "/",
      tags: { ...creation.tags },
      roles: [
        {
          // Organizations' access role: administrator, trusting the management account (aws-facts §2).
          name: creation.accessRoleName,
          trustPolicy: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { AWS: `arn:aws:iam::${state.organization.managementAccountId}:root` },
                Action: "sts:AssumeRole"
              }
            ]
          },
          tags: {},
          attachedPolicies: [ADMINISTRATOR_ACCESS_ARN]
        }
      ]
    });
    creation.state = "SUCCEEDED";
    creation.accountId = id;
  }
  /** Deterministic ids, 12 digits, never one already in use. */
  nextAccountId(state) {
    const taken = /* @__PURE__ */ new Set([...state.organization.accounts.map((account) => account.id), state.usersAccount.accountId]);
    let id;
    do {
      state.counters.account += 1;
      id = String(1e11 + state.counters.account * 1111);
    } while (taken.has(id));
    return id;
  }
  async moveAccount(accountId, ouPath) {
    await this.store.update((state) => {
      const account = findAccount(state, accountId);
      if (!state.organization.ouPaths.includes(ouPath)) {
        throw new AppError("ou-not-found", `Organizational unit ${ouPath} does not exist.`, {
          fault: "user",
          hint: "Create the OU in AWS Organizations first (the tool does not create OUs), or fix organizational_unit."
        });
      }
      account.ouPath = ouPath;
    });
  }
  async tagAccount(accountId, tags) {
    await this.store.update((state) => {
      const account = findAccount(state, accountId);
      account.tags = mergeTags(account.tags, tags, false);
    });
  }
  async untagAccount(accountId, keys) {
    await this.store.update((state) => {
      const account = findAccount(state, accountId);
      account.tags = removeTags(account.tags, keys, false);
    });
  }
  async closeAccount(accountId) {
    const now = this.now();
    await this.store.update((state) => {
      const org = state.organization;
      const account = findAccount(state, accountId);
      if (account.id === org.managementAccountId) {
        throw new AppError("management-account", "The management account cannot be closed.", { fault: "user" });
      }
      if (account.status !== "ACTIVE") return;
      if (!isManaged(account.tags)) {
        throw new AppError("not-managed", `Account ${account.name} (${account.id}) has no ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE} tag: it is not ours to close.`, { fault: "user" });
      }
      const since = now.getTime() - 30 * DAY_MS;
      const recent = org.closures.filter((closure) => Date.parse(closure.closedAt) >= since).length;
      const members = org.accounts.filter((candidate) => candidate.id !== org.managementAccountId).length;
      if (recent >= closureQuota(members)) {
        throw new AppError(
          "closure-quota",
          `AWS allows ${closureQuota(members)} account closures in 30 days here and ${recent} were closed already.`
        );
      }
      account.status = "PENDING_CLOSURE";
      org.closures.push({ accountId: account.id, closedAt: now.toISOString() });
    });
  }
  async putBootstrapRole(input) {
    assertIamName("Role", input.roleName, 64);
    const roleTags = mergeTags({}, input.tags, true);
    await this.store.update((state) => {
      const account = this.activeAccount(state, input.accountId);
      const users = state.usersAccount.users;
      for (const principal of principalsOf(input.trustPolicy)) {
        const prefix = `arn:aws:iam::${this.usersAccountId}:user/`;
        if (principal.startsWith(prefix)) {
          const name = principal.slice(prefix.length);
          if (!users.some((user) => user.userName.toLowerCase() === name.toLowerCase())) {
            throw new AppError("malformed-policy", `Invalid principal in policy: user ${name} does not exist.`);
          }
        }
      }
      const role = account.roles.find((candidate) => candidate.name.toLowerCase() === input.roleName.toLowerCase());
      if (role === void 0) {
        account.roles.push({
          name: input.roleName,
          trustPolicy: structuredClone(input.trustPolicy),
          tags: roleTags,
          attachedPolicies: [ADMINISTRATOR_ACCESS_ARN]
        });
        return;
      }
      if (!isManaged(role.tags)) throw unmanagedRole(account, role.name);
      role.trustPolicy = structuredClone(input.trustPolicy);
      role.tags = mergeTags(role.tags, input.tags, true);
      if (!role.attachedPolicies.includes(ADMINISTRATOR_ACCESS_ARN)) role.attachedPolicies.push(ADMINISTRATOR_ACCESS_ARN);
    });
  }
  async deleteBootstrapRole(accountId, roleName) {
    await this.store.update((state) => {
      const account = this.activeAccount(state, accountId);
      const role = account.roles.find((candidate) => candidate.name.toLowerCase() === roleName.toLowerCase());
      if (role === void 0) return;
      if (!isManaged(role.tags)) throw unmanagedRole(account, role.name);
      role.attachedPolicies = [];
      account.roles = account.roles.filter((candidate) => candidate !== role);
    });
  }
  async putReaderRole(input) {
    assertIamName("Role", input.roleName, 64);
    const roleTags = mergeTags({}, input.tags, true);
    await this.store.update((state) => {
      const account = this.activeAccount(state, input.accountId);
      const role = account.roles.find((candidate) => candidate.name.toLowerCase() === input.roleName.toLowerCase());
      const trustPolicy = structuredClone(input.trustPolicy);
      const policies = { [input.policyName]: structuredClone(input.policy) };
      if (role === void 0) {
        account.roles.push({ name: input.roleName, trustPolicy, tags: roleTags, attachedPolicies: [], policies });
        return;
      }
      if (!isManaged(role.tags)) throw unmanagedRole(account, role.name);
      role.trustPolicy = trustPolicy;
      role.tags = mergeTags(role.tags, input.tags, true);
      role.attachedPolicies = [];
      role.policies = policies;
    });
  }
  activeAccount(state, accountId) {
    const account = state.organization.accounts.find((candidate) => candidate.id === accountId);
    if (account === void 0) {
      throw new AppError("account-not-ready", `Account ${accountId} cannot be reached yet.`);
    }
    if (account.status !== "ACTIVE") {
      throw new AppError("account-suspended", `Account ${account.name} (${account.id}) is closed: its roles cannot be changed.`);
    }
    return account;
  }
};
function unmanagedRole(account, roleName) {
  return new AppError(
    "not-managed",
    `Role ${roleName} in account ${account.name} (${account.id}) has no ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE} tag: it is not ours to change.`,
    { fault: "user", hint: "Rename the bootstrap role in settings.yaml, or tag the existing role if it really is the bootstrap role." }
  );
}
function principalsOf(document) {
  const statements = document["Statement"];
  const list = Array.isArray(statements) ? statements : [statements];
  const out = [];
  for (const statement of list) {
    if (typeof statement !== "object" || statement === null) continue;
    const principal = statement["Principal"];
    if (typeof principal !== "object" || principal === null) continue;
    const aws = principal["AWS"];
    for (const entry of Array.isArray(aws) ? aws : [aws]) if (typeof entry === "string") out.push(entry);
  }
  return out;
}

// src/adapters/sandbox/state.ts
import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import { mkdir as mkdir2, readFile, rename, rm, writeFile as writeFile2 } from "node:fs/promises";
import { dirname, join as join2, resolve } from "node:path";
var SANDBOX_STATE_VERSION = 1;
function emptySandboxState(usersAccountId, managementAccountId) {
  return {
    version: SANDBOX_STATE_VERSION,
    counters: { account: 0, request: 0, user: 0 },
    usersAccount: { accountId: usersAccountId, users: [], groups: [], virtualMfaDevices: [] },
    organization: {
      managementAccountId,
      ouPaths: ["/"],
      accounts: [
        {
          id: managementAccountId,
          name: "management",
          email: "management@sandbox.invalid",
          status: "ACTIVE",
          ouPath: "/",
          tags: {},
          roles: []
        }
      ],
      creations: [],
      closures: []
    }
  };
}
function hashPassword(password) {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString("hex")}$${scryptSync(password, salt, 32).toString("hex")}`;
}
function withAncestors(paths) {
  const all = /* @__PURE__ */ new Set();
  for (const path of paths) {
    const parts = path.split("/").filter((part) => part !== "");
    for (let i = 1; i <= parts.length; i += 1) all.add(`/${parts.slice(0, i).join("/")}`);
  }
  return [...all];
}
var queues = /* @__PURE__ */ new Map();
var SandboxStore = class {
  file;
  seed;
  onOpen;
  opened = false;
  /**
   * @param seed the state to start from when the file does not exist yet
   * @param onOpen applied once per store before its first access (e.g. OUs an admin made by hand)
   */
  constructor(dir, seed, onOpen) {
    this.file = join2(resolve(dir), "state.json");
    this.seed = seed;
    this.onOpen = onOpen;
  }
  /** A snapshot of the state (a copy: changing it changes nothing). */
  async read() {
    return this.update((state) => structuredClone(state));
  }
  /** Runs `mutate` on the current state and saves the result, unless it throws. */
  async update(mutate) {
    const previous = queues.get(this.file) ?? Promise.resolve();
    const next = previous.then(
      () => this.run(mutate),
      () => this.run(mutate)
    );
    queues.set(this.file, next);
    return next;
  }
  async run(mutate) {
    const state = await this.load();
    const before = JSON.stringify(state, null, 2);
    if (!this.opened) {
      this.onOpen?.(state);
      this.opened = true;
    }
    const result = mutate(state);
    const after = JSON.stringify(state, null, 2);
    if (after !== before) await this.save(after);
    return result;
  }
  async load() {
    let text;
    try {
      text = await readFile(this.file, "utf8");
    } catch (error) {
      if (error.code === "ENOENT") return this.seed();
      throw new AppError("sandbox-unreadable", `Cannot read the sandbox state ${this.file}.`, { cause: error });
    }
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new AppError("sandbox-corrupt", `The sandbox state ${this.file} is not valid JSON.`, {
        fault: "user",
        hint: "Delete the .sandbox folder to start a fresh sandbox.",
        cause: error
      });
    }
    if (typeof parsed !== "object" || parsed === null || parsed.version !== SANDBOX_STATE_VERSION) {
      throw new AppError("sandbox-corrupt", `The sandbox state ${this.file} has an unknown format.`, {
        fault: "user",
        hint: "Delete the .sandbox folder to start a fresh sandbox."
      });
    }
    return parsed;
  }
  /** Write a temporary file next to the state, then rename: a reader never sees half a file. */
  async save(text) {
    await mkdir2(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      await writeFile2(tmp, `${text}
`, "utf8");
      await rename(tmp, this.file);
    } catch (error) {
      await rm(tmp, { force: true });
      throw new AppError("sandbox-unwritable", `Cannot write the sandbox state ${this.file}.`, { cause: error });
    }
  }
};

// src/adapters/sandbox/users-account.ts
var MAX_GROUPS_PER_USER = 10;
var sameName = (a, b) => a.toLowerCase() === b.toLowerCase();
function findUser(state, userName) {
  const user = state.usersAccount.users.find((candidate) => sameName(candidate.userName, userName));
  if (user === void 0) throw noSuchEntity(`User ${userName}`);
  return user;
}
function remainingDependencies(user) {
  const left = [];
  if (user.loginProfile !== void 0) left.push("login profile");
  if (user.accessKeys.length > 0) left.push("access keys");
  if (user.signingCertificates.length > 0) left.push("signing certificates");
  if (user.sshPublicKeys.length > 0) left.push("SSH public keys");
  if (user.serviceSpecificCredentials.length > 0) left.push("service-specific credentials");
  if (user.mfaDevices.length > 0) left.push("MFA devices");
  if (Object.keys(user.inlinePolicies).length > 0) left.push("inline policies");
  if (user.attachedPolicies.length > 0) left.push("attached policies");
  if (user.groups.length > 0) left.push("group memberships");
  return left;
}
var SandboxUsersAccount = class {
  store;
  accountId;
  now;
  protectedUsers;
  constructor(store, accountId, now, protectedUsers = []) {
    this.store = store;
    this.accountId = accountId;
    this.now = now;
    this.protectedUsers = new Set(protectedUsers.map((name) => name.toLowerCase()));
  }
  async readUsersAccount(group) {
    const state = await this.store.read();
    const { users, groups, passwordPolicy } = state.usersAccount;
    const found = groups.find((candidate) => sameName(candidate.name, group));
    return {
      users: [...users].sort((a, b) => a.userName.localeCompare(b.userName)).map((user) => ({
        userName: user.userName,
        arn: this.userArn(user.userName),
        tags: { ...user.tags },
        groups: [...user.groups],
        // `?? …`: state files written before these fields existed lack them.
        inlinePolicyNames: Object.keys(user.inlinePolicies ?? {}).sort(),
        attachedPolicyArns: [...user.attachedPolicies ?? []]
      })),
      ...passwordPolicy === void 0 ? {} : { passwordPolicy: { ...passwordPolicy, hardExpiry: passwordPolicy.hardExpiry ?? false } },
      ...found === void 0 ? {} : { group: { name: found.name, policies: found.policies, attachedPolicyArns: [...found.attachedPolicies ?? []] } }
    };
  }
  userArn(userName) {
    return userArn(this.accountId, userName);
  }
  async createUser(userName, tags) {
    assertIamName("User", userName, 64);
    const userTags = mergeTags({}, tags, true);
    await this.store.update((state) => {
      const existing = state.usersAccount.users.find((user) => sameName(user.userName, userName));
      if (existing !== void 0) {
        throw new AppError("user-exists", `A user named ${existing.userName} already exists (IAM user names are unique ignoring case).`);
      }
      state.counters.user += 1;
      state.usersAccount.users.push({
        userName,
        userId: `AIDASANDBOX${String(state.counters.user).padStart(9, "0")}`,
        createdAt: this.now().toISOString(),
        tags: userTags,
        groups: [],
        accessKeys: [],
        signingCertificates: [],
        sshPublicKeys: [],
        serviceSpecificCredentials: [],
        mfaDevices: [],
        inlinePolicies: {},
        attachedPolicies: []
      });
    });
  }
  async tagUser(userName, tags) {
    await this.store.update((state) => {
      const user = findUser(state, userName);
      user.tags = mergeTags(user.tags, tags, true);
    });
  }
  async untagUser(userName, keys) {
    await this.store.update((state) => {
      const user = findUser(state, userName);
      user.tags = removeTags(user.tags, keys, true);
    });
  }
  async addUserToGroup(userName, group) {
    await this.store.update((state) => {
      const user = findUser(state, userName);
      const found = state.usersAccount.groups.find((candidate) => sameName(candidate.name, group));
      if (found === void 0) throw noSuchEntity(`Group ${group}`);
      if (user.groups.some((name) => sameName(name, found.name))) return;
      if (user.groups.length >= MAX_GROUPS_PER_USER) {
        throw new AppError("limit-exceeded", `User ${user.userName} is already in ${MAX_GROUPS_PER_USER} groups.`);
      }
      user.groups.push(found.name);
    });
  }
  async removeUserFromGroup(userName, group) {
    await this.store.update((state) => {
      const user = findUser(state, userName);
      this.assertOwned(user);
      const found = state.usersAccount.groups.find((candidate) => sameName(candidate.name, group));
      if (found === void 0) throw noSuchEntity(`Group ${group}`);
      if (!user.groups.some((name) => sameName(name, found.name))) throw noSuchEntity(`User ${user.userName} in group ${found.name}`);
      user.groups = user.groups.filter((name) => !sameName(name, found.name));
    });
  }
  async detachUserPolicy(userName, policyArn) {
    await this.store.update((state) => {
      const user = findUser(state, userName);
      this.assertOwned(user);
      if (!user.attachedPolicies.includes(policyArn)) throw noSuchEntity(`Policy ${policyArn} attached to user ${user.userName}`);
      user.attachedPolicies = user.attachedPolicies.filter((arn) => arn !== policyArn);
    });
  }
  async deleteUserPolicy(userName, policyName) {
    await this.store.update((state) => {
      const user = findUser(state, userName);
      this.assertOwned(user);
      if (!(policyName in user.inlinePolicies)) throw noSuchEntity(`Policy ${policyName} of user ${user.userName}`);
      delete user.inlinePolicies[policyName];
    });
  }
  async setTemporaryPassword(userName, password) {
    await this.store.update((state) => {
      const user = findUser(state, userName);
      assertPasswordMeetsPolicy(password, state.usersAccount.passwordPolicy);
      user.loginProfile = { passwordHash: hashPassword(password), passwordResetRequired: true, createdAt: this.now().toISOString() };
    });
  }
  async deleteUser(userName) {
    await this.store.update((state) => {
      const user = findUser(state, userName);
      this.assertOwned(user);
      delete user.loginProfile;
      user.accessKeys = [];
      user.signingCertificates = [];
      user.sshPublicKeys = [];
      user.serviceSpecificCredentials = [];
      for (const serial of user.mfaDevices) {
        if (serial.startsWith("arn:") && serial.includes(":mfa/")) {
          state.usersAccount.virtualMfaDevices = state.usersAccount.virtualMfaDevices.filter((device) => device !== serial);
        }
      }
      user.mfaDevices = [];
      user.inlinePolicies = {};
      user.attachedPolicies = [];
      user.groups = [];
      const left = remainingDependencies(user);
      if (left.length > 0) {
        throw new AppError("delete-conflict", `Cannot delete user ${user.userName}: must delete ${left.join(", ")} first.`);
      }
      state.usersAccount.users = state.usersAccount.users.filter((candidate) => candidate !== user);
      const arn = this.userArn(user.userName);
      for (const account of state.organization.accounts) {
        for (const role of account.roles) role.trustPolicy = replacePrincipal(role.trustPolicy, arn, user.userId);
      }
    });
  }
  async putPasswordPolicy(policy) {
    assertPasswordPolicy(policy);
    await this.store.update((state) => {
      state.usersAccount.passwordPolicy = { ...policy };
    });
  }
  async createGroup(group) {
    assertIamName("Group", group, 128);
    await this.store.update((state) => {
      const existing = state.usersAccount.groups.find((candidate) => sameName(candidate.name, group));
      if (existing === void 0) state.usersAccount.groups.push({ name: group, policies: {}, attachedPolicies: [] });
    });
  }
  async putGroupPolicy(group, policyName, document) {
    assertIamName("Policy", policyName, 128);
    if (!Array.isArray(document["Statement"]) && typeof document["Statement"] !== "object") {
      throw new AppError("malformed-policy", `Policy ${policyName} has no Statement.`);
    }
    await this.store.update((state) => {
      const found = state.usersAccount.groups.find((candidate) => sameName(candidate.name, group));
      if (found === void 0) throw noSuchEntity(`Group ${group}`);
      found.policies[policyName] = structuredClone(document);
    });
  }
  async deleteGroupPolicy(group, policyName) {
    await this.store.update((state) => {
      const found = state.usersAccount.groups.find((candidate) => sameName(candidate.name, group));
      if (found === void 0) throw noSuchEntity(`Group ${group}`);
      if (!(policyName in found.policies)) throw noSuchEntity(`Policy ${policyName} of group ${found.name}`);
      delete found.policies[policyName];
    });
  }
  async detachGroupPolicy(group, policyArn) {
    await this.store.update((state) => {
      const found = state.usersAccount.groups.find((candidate) => sameName(candidate.name, group));
      if (found === void 0) throw noSuchEntity(`Group ${group}`);
      const attached = found.attachedPolicies ?? [];
      if (!attached.includes(policyArn)) throw noSuchEntity(`Policy ${policyArn} attached to group ${found.name}`);
      found.attachedPolicies = attached.filter((arn) => arn !== policyArn);
    });
  }
  /** Only users the project owns lose anything: never a protected one, never an unmanaged one. */
  assertOwned(user) {
    if (this.protectedUsers.has(user.userName.toLowerCase())) {
      throw new AppError("protected", `User ${user.userName} is protected (settings.protected_users): not changing it.`, { fault: "user" });
    }
    if (!isManaged(user.tags)) {
      throw new AppError("not-managed", `User ${user.userName} has no ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE} tag: it is not ours to change.`);
    }
  }
};
function replacePrincipal(document, arn, uniqueId) {
  const text = JSON.stringify(document);
  if (!text.includes(JSON.stringify(arn))) return document;
  return JSON.parse(text.split(JSON.stringify(arn)).join(JSON.stringify(uniqueId)));
}

// src/adapters/sandbox/sandbox-target.ts
function createSandboxTarget(options) {
  const { dir, settings } = options;
  const now = options.now ?? (() => /* @__PURE__ */ new Date());
  const usersAccountId = settings.users_account.id;
  const ouPaths = withAncestors(options.ouPaths ?? []);
  const store = new SandboxStore(
    dir,
    () => emptySandboxState(usersAccountId, settings.organization.management_account_id),
    (state) => {
      for (const path of ouPaths) if (!state.organization.ouPaths.includes(path)) state.organization.ouPaths.push(path);
    }
  );
  const mailer = new OutboxMailer(dir, settings.email.sender, now);
  return {
    baseline: { kind: "sandbox", path: join3(dir, "state.json") },
    usersAccount: new SandboxUsersAccount(store, usersAccountId, now, settings.protected_users),
    organization: new SandboxOrganization(store, usersAccountId, now),
    mailer,
    store,
    outbox: mailer.outbox
  };
}

// src/ports/target.ts
async function readLiveState(target, settings) {
  const [usersAccount, organization] = await Promise.all([
    target.usersAccount.readUsersAccount(settings.users_account.group),
    target.organization.readOrganization(settings.organization.bootstrap_role_name, settings.organization.reader_role_name)
  ]);
  return { baseline: target.baseline, usersAccount, organization };
}

// src/render/plan-json.ts
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === "object" && value !== null) {
    const record = value;
    const out = {};
    for (const key of Object.keys(record).sort()) {
      if (record[key] !== void 0) out[key] = sortKeys(record[key]);
    }
    return out;
  }
  return value;
}
function renderPlanJson(plan2) {
  return `${JSON.stringify(sortKeys({ ...plan2, version: 1 }), null, 2)}
`;
}

// src/render/plan-text.ts
function describeBaseline2(baseline) {
  switch (baseline.kind) {
    case "sandbox":
      return `local sandbox (${baseline.path})`;
    case "aws":
      return `AWS (users account ${baseline.usersAccountId}, management account ${baseline.managementAccountId})`;
    case "git":
      return `desired state at git ref ${baseline.ref}`;
    default:
      return assertNever(baseline);
  }
}
var IMPACT_TITLES = {
  destructive: "\u26A0 Destructive changes",
  access: "Access changes",
  routine: "Routine changes"
};
function changeSymbol(change) {
  const action = actionOf(change);
  return action === "create" ? "+" : action === "delete" ? "-" : "~";
}
function showTags(tags) {
  return Object.entries(tags).map(([key, value]) => `${key}=${value}`).join(", ");
}
function changeDetails(change) {
  switch (change.kind) {
    case "create-user":
      return [`tags: ${showTags(change.tags)}`];
    case "update-user":
      return [
        ...change.addGroups.map((group) => `join group ${group}`),
        ...change.removeGroups.map((group) => `leave group ${group}`),
        ...change.detachPolicies.map((arn) => `detach managed policy ${arn}`),
        ...change.deletePolicies.map((name) => `delete inline policy ${name}`),
        ...Object.entries(change.setTags).map(([key, value]) => `set tag ${key}=${value}`),
        ...change.removeTags.map((key) => `remove tag ${key}`)
      ];
    case "update-password-policy":
      return describePasswordPolicyChange(change.from, change.to);
    case "update-group":
      return [
        ...Object.keys(change.putPolicies).map((name) => `write inline policy ${name}`),
        ...change.deletePolicies.map((name) => `delete inline policy ${name}`),
        ...change.detachPolicies.map((arn) => `detach managed policy ${arn}`)
      ];
    case "create-account":
      return [`tags: ${showTags(change.tags)}`, `account email to: ${change.recipients.join(", ")}`];
    case "update-account":
      return [
        ...Object.entries(change.setTags).map(([key, value]) => `set tag ${key}=${value}`),
        ...change.removeTags.map((key) => `remove tag ${key}`)
      ];
    case "put-bootstrap-role":
      return [
        `trusted (with MFA): ${change.trustedUsers.join(", ") || "nobody"}`,
        ...change.previouslyTrusted === void 0 ? [] : [`previously: ${change.previouslyTrusted.join(", ") || "nobody"}`]
      ];
    case "put-reader-role":
      return [`trusted: ${change.trustedRoleArns.join(", ")}`, "may read the bootstrap role only (iam:GetRole, iam:ListAttachedRolePolicies, iam:ListRoleTags)"];
    case "close-account":
      return [`notice to: ${change.recipients.join(", ")}`];
    case "reset-password":
    case "delete-user":
    case "delete-bootstrap-role":
    case "send-account-email":
      return [];
    default:
      return assertNever(change);
  }
}
function countPlan(plan2) {
  const totals = { create: 0, change: 0, delete: 0 };
  for (const { change } of plan2.changes) totals[actionOf(change)] += 1;
  return totals;
}
var NO_CHANGES = "No changes. The target matches the files.";
function planTotalsLine(plan2) {
  if (plan2.changes.length === 0) return NO_CHANGES;
  const totals = countPlan(plan2);
  return `Plan: ${totals.create} to create, ${totals.change} to change, ${totals.delete} to delete/close.`;
}
function changesByImpact(plan2) {
  return IMPACT_ORDER.map((impact) => [impact, plan2.changes.filter((c) => c.impact === impact)]);
}
function paintSymbol(palette, symbol) {
  return symbol === "+" ? palette.green(symbol) : symbol === "-" ? palette.red(symbol) : palette.yellow(symbol);
}
function renderPlanText(plan2, options) {
  const p = createPalette(options.color);
  const lines = [`Compared against: ${describeBaseline2(plan2.baseline)}`];
  for (const [impact, changes] of changesByImpact(plan2)) {
    if (changes.length === 0) continue;
    const title = `${IMPACT_TITLES[impact]} (${changes.length})`;
    lines.push("", impact === "destructive" ? p.bold(p.red(title)) : impact === "access" ? p.bold(p.yellow(title)) : p.bold(title));
    if (impact === "destructive") lines.push(p.red("  These cannot simply be undone. Review them first."));
    for (const { change, summary } of changes) {
      lines.push(`  ${paintSymbol(p, changeSymbol(change))} ${summary}`);
      for (const detail of changeDetails(change)) lines.push(p.dim(`      ${detail}`));
    }
  }
  if (plan2.unmanagedUsers.length > 0) {
    lines.push("", p.bold(`Unmanaged users (${plan2.unmanagedUsers.length}): listed only, never changed`));
    for (const user of plan2.unmanagedUsers) lines.push(`  ${user}`);
  }
  if (plan2.notes.length > 0) {
    lines.push("", p.bold("Notes"));
    for (const note of plan2.notes) lines.push(`  \u2022 ${note}`);
  }
  lines.push("", p.bold(planTotalsLine(plan2)));
  return `${lines.join("\n")}
`;
}

// src/render/plan-markdown.ts
var DEFAULT_MAX_MARKDOWN_LENGTH = 65e3;
function escapeMarkdown(text) {
  return text.replace(/[\\`*_{}[\]<>|~#!]/g, (c) => `\\${c}`).replace(/(^|[^\p{L}\p{N}_.+-])@/gu, "$1@\u200B");
}
var CALLOUTS = {
  destructive: "> [!CAUTION]\n> These remove something that cannot simply be put back: review them first.",
  access: "> [!WARNING]\n> These grant or widen access: check who gets what.",
  routine: void 0
};
function isOpen(impact, count) {
  return impact === "destructive" || impact === "access" && count <= 50;
}
function kindLabel(kind) {
  return kind.replaceAll("-", " ");
}
function renderPlanMarkdown(plan2, options = {}) {
  const maxLength = options.maxLength ?? DEFAULT_MAX_MARKDOWN_LENGTH;
  const head = [
    "## AWS access plan",
    "",
    `Compared against: **${escapeMarkdown(describeBaseline2(plan2.baseline))}**`,
    "",
    `**${planTotalsLine(plan2)}**`
  ];
  if (plan2.changes.length > 0) {
    head.push("", "| Change | Count |", "| --- | ---: |");
    for (const kind of KIND_ORDER) {
      const count = plan2.changes.filter((c) => c.change.kind === kind).length;
      if (count > 0) head.push(`| ${kindLabel(kind)} | ${count} |`);
    }
  }
  const out = [head.join("\n")];
  let length = (out[0] ?? "").length + 1;
  const budget = Math.max(0, maxLength - 600);
  const add = (text2) => {
    out.push(text2);
    length += text2.length + 1;
  };
  const addList = (list, limit) => {
    const opening = [
      "",
      `### ${list.heading}`,
      ...list.callout === void 0 ? [] : ["", list.callout],
      "",
      `<details${list.open ? " open" : ""}><summary>${list.summary}</summary>`,
      ""
    ].join("\n");
    const closing = "\n</details>";
    let shown = 0;
    for (const item of list.items) {
      const needed = (shown === 0 ? opening.length + 1 : 0) + item.length + 1 + closing.length + 1;
      if (length + needed > limit) break;
      if (shown === 0) add(opening);
      add(item);
      shown += 1;
    }
    if (shown > 0) add(closing);
    return list.items.length - shown;
  };
  let omittedOther = 0;
  if (plan2.notes.length > 0) {
    omittedOther += addList(
      { heading: "Notes", summary: `${plan2.notes.length} note${plan2.notes.length === 1 ? "" : "s"}`, open: true, items: plan2.notes.map((note) => `- ${escapeMarkdown(note)}`) },
      Math.min(budget, length + Math.floor(budget / 5))
    );
  }
  let omittedChanges = 0;
  for (const [impact, changes] of changesByImpact(plan2)) {
    if (changes.length === 0) continue;
    if (omittedChanges > 0) {
      omittedChanges += changes.length;
      continue;
    }
    const callout = CALLOUTS[impact];
    const items = changes.map(
      ({ change, summary }) => [`- \`${changeSymbol(change)}\` ${escapeMarkdown(summary)}`, ...changeDetails(change).map((detail) => `  - ${escapeMarkdown(detail)}`)].join("\n")
    );
    omittedChanges += addList(
      {
        heading: `${IMPACT_TITLES[impact]} (${changes.length})`,
        ...callout === void 0 ? {} : { callout },
        summary: `${changes.length} ${impact} change${changes.length === 1 ? "" : "s"}`,
        open: isOpen(impact, changes.length),
        items
      },
      budget
    );
  }
  if (plan2.unmanagedUsers.length > 0) {
    omittedOther += addList(
      {
        heading: "Unmanaged users",
        summary: `${plan2.unmanagedUsers.length} IAM user${plan2.unmanagedUsers.length === 1 ? "" : "s"} without the managed-by tag: listed only, never changed`,
        open: false,
        items: plan2.unmanagedUsers.map((user) => `- ${escapeMarkdown(user)}`)
      },
      budget
    );
  }
  if (omittedChanges > 0 || omittedOther > 0) {
    const parts = [];
    if (omittedChanges > 0) parts.push(`${omittedChanges} change${omittedChanges === 1 ? " was" : "s were"} left out`);
    if (omittedOther > 0) parts.push(`${omittedOther} note${omittedOther === 1 ? "" : "s"} or user names were left out`);
    out.push(
      "",
      "> [!NOTE]",
      `> ${parts.join("; ")} to fit GitHub's comment limit (the least dangerous go first). The full plan is in this workflow run's step summary, or run \`npm run plan\` locally.`
    );
  }
  const text = `${out.join("\n")}
`;
  return text.length <= maxLength ? text : text.slice(0, maxLength);
}

// src/cli/commands/plan.ts
var PLAN_HELP = `usage: npm run plan -- [options]

Shows what apply would change. The baseline is the local sandbox unless you choose another.

options:
  --target sandbox|aws   what to compare against (default sandbox: .sandbox/ in this repository;
                         aws uses the standard AWS credential chain, AWS_REGION and AWS_ENDPOINT_URL,
                         and assumes settings.yaml's read_role_to_assume roles, else role_to_assume)
  --base <git ref>       compare against the files at that ref instead (what a PR changes; no AWS access)
  --format text|markdown|json
                         text (default; coloured on a terminal unless NO_COLOR), markdown (PR comment),
                         json (version 1, documented in the README)
  --json                 the same as --format json
  --out <file>           also write the rendered plan to this file
  --detailed-exitcode    exit 0 when there are no changes, 2 when there are, 1 on error
  --sandbox-dir <dir>    sandbox state folder (default .sandbox)
`;
var APPLY_HELP = `usage: npm run apply -- [options]

Computes the plan against the target and executes it. Safe to re-run: a run stopped at any point
converges on the next one.

options:
  --target sandbox|aws     where to apply (default sandbox; aws must be chosen explicitly: it assumes
                           settings.yaml's role_to_assume roles, when named)
  --allow-mass-deletion    allow this run to delete more users and bootstrap roles, or close more accounts,
                           than settings.yaml's limits
  --format text|markdown   the outcome report on stdout (default text)
  --report-json <file>     write the outcome as JSON (version 1) for the workflow's report step
  --sandbox-dir <dir>      sandbox state folder (default .sandbox)
`;
function usageError(message, help) {
  return new AppError("usage", message, { fault: "user", hint: help.split("\n")[0] ?? "" });
}
var PLAN_OPTIONS = {
  target: { type: "string" },
  base: { type: "string" },
  format: { type: "string" },
  json: { type: "boolean" },
  out: { type: "string" },
  "detailed-exitcode": { type: "boolean" },
  "sandbox-dir": { type: "string" },
  help: { type: "boolean", short: "h" }
};
var APPLY_OPTIONS = {
  target: { type: "string" },
  "allow-mass-deletion": { type: "boolean" },
  format: { type: "string" },
  "report-json": { type: "string" },
  "sandbox-dir": { type: "string" },
  help: { type: "boolean", short: "h" }
};
function parse(ctx, options, help) {
  try {
    return parseArgs({ args: [...ctx.args], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw usageError(error instanceof Error ? error.message : String(error), help);
  }
}
function targetKind(value, help) {
  if (value === void 0 || value === "sandbox") return "sandbox";
  if (value === "aws") return "aws";
  throw usageError(`--target must be sandbox or aws, not "${String(value)}"`, help);
}
async function makeTarget(kind, desired, ctx, sandboxDir, access) {
  if (kind === "aws") return (await import("./target-5V6HMTBZ.js")).createAwsTarget(desired.settings, ctx.env, { access });
  const dir = typeof sandboxDir === "string" ? join4(ctx.cwd, sandboxDir) : join4(ctx.cwd, ".sandbox");
  const ouPaths = [...desired.accounts.values()].map((a) => a.data.organizational_unit);
  return createSandboxTarget({ dir, settings: desired.settings, ouPaths });
}
function reportProblems(ctx, problems) {
  if (problems.length > 0) ctx.stderr.write(renderProblemsText(problems, { color: useColor(ctx) }));
}
function useColor(ctx) {
  return isColorWanted(ctx.stdout, ctx.env);
}
async function loadValidated(ctx) {
  const { desired, problems } = await loadDesiredState(fsSource(ctx.cwd), { today: ctx.today });
  reportProblems(ctx, problems);
  if (!desired || hasErrors(problems)) {
    ctx.stderr.write("The files are not valid: nothing was read from or changed in any target. Fix the errors above (npm run validate).\n");
    return void 0;
  }
  return desired;
}
async function baselineFromGit(ctx, desired, ref) {
  const loaded = await loadDesiredState(gitSource(ctx.cwd, ref), { today: ctx.today });
  if (!loaded.desired) {
    ctx.stderr.write(`The files at ${ref} are not valid, so they cannot be a baseline; showing every file as new.
`);
  }
  const base = loaded.desired ?? { ...desired, users: /* @__PURE__ */ new Map(), accounts: /* @__PURE__ */ new Map() };
  const removed = accountsRemovedSinceBase(desired, base);
  if (removed.length > 0) {
    reportProblems(ctx, removed);
    return void 0;
  }
  return liveStateFromDesired(base, ref);
}
function render(plan2, format, ctx) {
  switch (format ?? "text") {
    case "text":
      return renderPlanText(plan2, { color: useColor(ctx) });
    case "markdown":
      return renderPlanMarkdown(plan2, {});
    case "json":
      return renderPlanJson(plan2);
    default:
      throw usageError(`--format must be text, markdown or json, not "${String(format)}"`, PLAN_HELP);
  }
}
var plan = async (ctx) => {
  const values = parse(ctx, PLAN_OPTIONS, PLAN_HELP);
  if (values["help"]) {
    ctx.stdout.write(PLAN_HELP);
    return 0;
  }
  if (values["base"] !== void 0 && values["target"] !== void 0) {
    throw usageError("choose either --base (compare with files at a git ref) or --target, not both", PLAN_HELP);
  }
  const kind = targetKind(values["target"], PLAN_HELP);
  const desired = await loadValidated(ctx);
  if (!desired) return 1;
  let live;
  if (typeof values["base"] === "string") {
    live = await baselineFromGit(ctx, desired, values["base"]);
    if (!live) return 1;
  } else {
    live = await readLiveState(await makeTarget(kind, desired, ctx, values["sandbox-dir"], "read"), desired.settings);
  }
  const computed = computePlan(desired, live);
  const rendered = render(computed, values["json"] ? "json" : values["format"], ctx);
  ctx.stdout.write(rendered.endsWith("\n") ? rendered : `${rendered}
`);
  if (typeof values["out"] === "string") await writeFile3(resolve2(ctx.cwd, values["out"]), rendered);
  if (!values["detailed-exitcode"]) return 0;
  return computed.changes.length > 0 ? 2 : 0;
};
var apply = async (ctx) => {
  const values = parse(ctx, APPLY_OPTIONS, APPLY_HELP);
  if (values["help"]) {
    ctx.stdout.write(APPLY_HELP);
    return 0;
  }
  const format = values["format"] ?? "text";
  if (format !== "text" && format !== "markdown") {
    throw usageError(`--format must be text or markdown, not "${String(format)}"`, APPLY_HELP);
  }
  const kind = targetKind(values["target"], APPLY_HELP);
  const desired = await loadValidated(ctx);
  if (!desired) return 1;
  const target = await makeTarget(kind, desired, ctx, values["sandbox-dir"], "write");
  const live = await readLiveState(target, desired.settings);
  const computed = computePlan(desired, live);
  ctx.stderr.write(renderPlanText(computed, { color: isColorWanted(ctx.stderr, ctx.env) }));
  const inActions = ctx.env["GITHUB_ACTIONS"] === "true";
  const policy = desiredPasswordPolicy(desired.settings);
  const report = await applyPlan(computed, {
    target,
    settings: desired.settings,
    generatePassword: () => generatePassword(policy),
    // The runner reads workflow commands on stderr too, drops ::add-mask:: lines from the log and
    // masks the value everywhere after. stderr, so stdout (the report, maybe piped to a step summary
    // or a file) never holds it; escaped, because the runner unescapes %25, %0D and %0A.
    onSecret: (secret) => {
      if (inActions) ctx.stderr.write(`::add-mask::${escapeData(secret)}
`);
    },
    log: (line) => ctx.stderr.write(`${line}
`),
    sleep: (ms) => new Promise((resolve3) => setTimeout(resolve3, ms)),
    now: () => /* @__PURE__ */ new Date(),
    allowMassDeletion: values["allow-mass-deletion"] === true,
    closureQuota: live.organization
  });
  ctx.stdout.write(format === "markdown" ? renderApplyReportMarkdown(report) : renderApplyReport(report));
  if (typeof values["report-json"] === "string") {
    const json = JSON.stringify({ version: 1, results: report.results }, null, 2);
    await writeFile3(resolve2(ctx.cwd, values["report-json"]), `${json}
`);
  }
  return report.results.some((r) => r.status === "failed") ? 1 : 0;
};
export {
  apply,
  plan
};
