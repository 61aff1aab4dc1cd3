/**
 * The per-resource executors of a run: what each change does through the target's ports (users
 * account, Organization, member-account roles and settings, emails), in the order that keeps every
 * step safe to repeat. The run (apply-plan.ts) picks the executor through the table in
 * change-kinds.ts and owns everything else: phases, what a failure holds back, logging, secrets.
 */
import pLimit from 'p-limit';
import type { ApplyDeps, ApplyTiming } from './apply-plan.ts';
import {
  type AdoptUser,
  type CloseAccount,
  type CreateAccount,
  type CreateUser,
  type DeleteRole,
  type DeleteUser,
  type NotifyBootstrapUsers,
  type Plan,
  type PutRole,
  type ResetPassword,
  type RoleNotice,
  type SendAccountEmail,
  type SetAccountAlias,
  type SuspendUser,
  type UpdateAccount,
  type UpdateGroup,
  type UpdatePasswordPolicy,
  type UpdateUser,
  type WarnExpiry,
} from '../core/changes.ts';
import { encodeTagKeys } from '../core/baseline.ts';
import { roleNoticeTag } from '../core/bootstrap-notices.ts';
import { AppError, isAppError } from '../core/errors.ts';
import { EXPIRY_WARNING_TAG, SUSPENDED_CREDENTIALS, expiryWarningTagValue } from '../core/expiry.ts';
import type { FacetFamily } from '../core/facet-sources.ts';
import { FACETS_TAG, facetId, type FacetValue } from '../core/facets.ts';
import { LEAVER_NOTICE_TAG } from '../core/leavers.ts';
import { isAccountId } from '../core/plan-helpers.ts';
import type { RoleGrant } from '../core/profiles.ts';
import type { RoleSpec } from '../core/roles.ts';
import { ACCOUNT_NOTIFIED_TAG, CREDENTIALS_PENDING_TAG, CREDENTIALS_SENT_TAG, REQUESTER_NOTICE_TAG } from '../core/model.ts';
import type { EmailMessage } from '../ports/mailer.ts';
import { creationFailure } from './creation-failure.ts';
import {
  accountAdoptedEmail,
  accountClosedEmail,
  accountCreatedEmail,
  roleRemovedEmail,
  passwordResetEmail,
  requesterNoticeEmail,
  roleAddedEmail,
  welcomeEmail,
} from './emails.ts';
import { expiryWarningEmail, leaverNoticeEmail, removalEmail, suspensionEmail } from './leaver-email.ts';

/** AWS: at most 5 member-account creations in progress at once (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html). */
const MAX_CREATIONS_IN_FLIGHT = 5;

/** What the executors need from the run. */
export interface RunContext {
  readonly plan: Plan;
  readonly deps: ApplyDeps;
  readonly timing: ApplyTiming;
  /** Lower-case names of users whose change failed or waits in this run. */
  readonly failedUsers: ReadonlySet<string>;
  log(line: string): void;
  describeError(error: unknown): { code: string; message: string; hint?: string };
  /** A new temporary password, registered as a secret before anything can print it. */
  newPassword(): string;
  /** Waits `ms`, or throws `apply-stopped` as soon as the run must stop. */
  sleep(ms: number): Promise<void>;
}

export class Executors {
  private readonly run: RunContext;
  private readonly creations = pLimit(MAX_CREATIONS_IN_FLIGHT);
  /** Per account: the facets recorded as set by the project, and the record's pending write. */
  private readonly facetRecords = new Map<string, { ids: Set<string>; chain: Promise<void> }>();
  /** The ids of the accounts created in this run, by name: the emails about their roles need them. */
  private readonly createdAccounts = new Map<string, string>();

  constructor(run: RunContext) {
    this.run = run;
  }

  /** At most MAX_CREATIONS_IN_FLIGHT at once, as AWS allows. */
  createAccountLimited(change: CreateAccount, warnings: string[]): Promise<void> {
    return this.creations(() => this.createAccount(change, warnings));
  }

  updatePasswordPolicy(change: UpdatePasswordPolicy): Promise<void> {
    return this.run.deps.target.usersAccount.putPasswordPolicy(change.to);
  }

  setAccountAlias(change: SetAccountAlias): Promise<void> {
    return this.run.deps.target.usersAccount.setAccountAlias(change.to);
  }

  async putRole(change: PutRole, warnings: string[]): Promise<void> {
    await this.recordRoleNotice(change.accountId, change.after.name, change.notice, warnings);
    const spec = change.before === undefined ? this.withCreationTags(change.after) : change.after;
    await this.whenAccountReady(change.accountName, () => this.run.deps.target.organization.putRole(change.accountId, spec));
  }

  /** A role created by this run also carries the run's creation tags (the spec's own win). */
  private withCreationTags(spec: RoleSpec): RoleSpec {
    const extra = this.run.deps.creationTags;
    return extra === undefined ? spec : { ...spec, tags: { ...extra, ...spec.tags } };
  }

  async deleteRole(change: DeleteRole, warnings: string[]): Promise<void> {
    await this.recordRoleNotice(change.accountId, change.before.name, change.notice, warnings);
    await this.whenAccountReady(change.accountName, () => this.run.deps.target.organization.deleteRole(change.accountId, change.before.name));
  }

  async deleteUser(change: DeleteUser): Promise<void> {
    const { usersAccount, mailer } = this.run.deps.target;
    if (change.notify !== undefined || change.tell !== undefined) {
      // Told once: the tag goes on after the emails and before the deletion (leavers.ts).
      if (change.notify !== undefined && change.stillTrustedBy !== undefined) {
        await mailer.send(leaverNoticeEmail(this.run.deps.settings, change.userName, change.notify, change.stillTrustedBy));
      }
      if (change.tell !== undefined) await mailer.send(removalEmail(this.run.deps.settings, change.userName, change.tell));
      await usersAccount.tagUser(change.userName, { [LEAVER_NOTICE_TAG]: 'true' });
    }
    await usersAccount.deleteUser(change.userName);
  }

  async sendAccountEmailChange(change: SendAccountEmail): Promise<void> {
    if (change.adopted) return this.sendAdoptedNotice(change.accountName, change.accountId, change.recipients);
    return this.sendAccountEmail(change.accountName, change.accountId, change.recipients, this.hasBootstrapRole(change.accountId));
  }


  async updateGroup(change: UpdateGroup): Promise<void> {
    const { usersAccount } = this.run.deps.target;
    if (change.create) await usersAccount.createGroup(change.group);
    for (const [name, document] of Object.entries(change.putPolicies)) await usersAccount.putGroupPolicy(change.group, name, document);
    for (const name of change.deletePolicies) await usersAccount.deleteGroupPolicy(change.group, name);
    for (const arn of change.detachPolicies) await usersAccount.detachGroupPolicy(change.group, arn);
  }

  async createUser(change: CreateUser, warnings: string[]): Promise<void> {
    const { usersAccount } = this.run.deps.target;
    const { settings } = this.run.deps;
    const noticeOwed = change.requestedBy.toLowerCase() !== change.userName.toLowerCase();
    try {
      // The notice is owed from the start: a run stopped anywhere after this sends it on the next.
      // The file's tags win over the run's: a creation tag never replaces one the planner compares.
      const tags = { ...this.run.deps.creationTags, ...change.tags };
      await usersAccount.createUser(change.userName, noticeOwed ? { ...tags, [REQUESTER_NOTICE_TAG]: 'true' } : tags);
    } catch (error) {
      if (isAppError(error) && error.code === 'user-exists') {
        throw new AppError(
          'user-exists',
          `The plan expected no user ${change.userName}, but one with that name (ignoring case) exists now: ` +
            'another run or someone outside this tool created it after the plan was computed.',
          { fault: 'user', hint: 'Run plan again: it will show what to do with the existing user.', cause: error },
        );
      }
      throw error;
    }
    // Independent of each other once the user exists: run together. sendCredentials keeps its own
    // order (credentials-pending tag, password, email, credentials-sent tag).
    await Promise.all([
      usersAccount.addUserToGroup(change.userName, change.group),
      this.sendCredentials(change.userName, change.credentialsToken, (temporaryPassword) =>
        welcomeEmail({ settings, userName: change.userName, fullName: change.fullName, temporaryPassword, ...(change.roles === undefined ? {} : { roles: change.roles }) }),
      ),
    ]);
    if (noticeOwed) {
      try {
        await this.notifyRequester(change.userName, change.fullName, change.requestedBy);
      } catch (error) {
        // Still tagged as owed: the next plan sends it.
        warnings.push(`the notice to ${change.requestedBy} was not sent (it is sent on the next run): ${this.run.describeError(error).message}`);
      }
    }
  }

  /**
   * A new temporary password, emailed, then recorded as sent. The user is tagged credentials-pending
   * first: if apply may not tag it, that fails here, before any password change or email, instead of
   * after them (which would make every run reset and email the password again, for ever).
   */
  async sendCredentials(userName: string, token: string, email: (temporaryPassword: string) => EmailMessage): Promise<void> {
    const { usersAccount, mailer } = this.run.deps.target;
    await usersAccount.tagUser(userName, { [CREDENTIALS_PENDING_TAG]: token });
    const password = this.run.newPassword();
    await usersAccount.setTemporaryPassword(userName, password);
    await mailer.send(email(password));
    // Only now: if the email never went out, the missing tag makes the next plan issue a new password.
    await usersAccount.tagUser(userName, { [CREDENTIALS_SENT_TAG]: token });
    await usersAccount.untagUser(userName, [CREDENTIALS_PENDING_TAG]);
  }

  /** The requester's notice, then the tag that said it was owed goes. */
  async notifyRequester(userName: string, fullName: string, requestedBy: string): Promise<void> {
    const { usersAccount, mailer } = this.run.deps.target;
    await mailer.send(requesterNoticeEmail({ settings: this.run.deps.settings, requestedBy, userName, fullName }));
    await usersAccount.untagUser(userName, [REQUESTER_NOTICE_TAG]);
  }

  async updateUser(change: UpdateUser): Promise<void> {
    const { usersAccount } = this.run.deps.target;
    if (Object.keys(change.setTags).length > 0) await usersAccount.tagUser(change.userName, change.setTags);
    if (change.removeTags.length > 0) await usersAccount.untagUser(change.userName, change.removeTags);
    await this.setAccess(change);
  }

  /**
   * Tags first: the removals below refuse users without the managed-by tag. Never a login profile
   * call, never an email: the user keeps the password, keys and MFA devices it has.
   */
  async adoptUser(change: AdoptUser): Promise<void> {
    const { usersAccount } = this.run.deps.target;
    await usersAccount.tagUser(change.userName, change.tags);
    await this.setAccess(change);
  }

  /** Groups joined first: access the user has outside the configured group goes after it has joined that group. */
  private async setAccess(change: UpdateUser | AdoptUser): Promise<void> {
    const { usersAccount } = this.run.deps.target;
    for (const group of change.addGroups) await usersAccount.addUserToGroup(change.userName, group);
    for (const group of change.removeGroups) await usersAccount.removeUserFromGroup(change.userName, group);
    for (const arn of change.detachPolicies) await usersAccount.detachUserPolicy(change.userName, arn);
    for (const name of change.deletePolicies) await usersAccount.deleteUserPolicy(change.userName, name);
  }

  /**
   * Credentials off first (password, keys), then the groups; the suspended mark last, so a run
   * stopped half way plans the suspension again (every step holds when repeated).
   */
  async suspendUser(change: SuspendUser): Promise<void> {
    const { usersAccount } = this.run.deps.target;
    await usersAccount.suspendUser(change.userName);
    for (const group of change.leaveGroups) await usersAccount.removeUserFromGroup(change.userName, group);
    await this.run.deps.target.mailer.send(suspensionEmail(this.run.deps.settings, change.userName, change.expires, change.tell));
    await usersAccount.tagUser(change.userName, { [CREDENTIALS_SENT_TAG]: SUSPENDED_CREDENTIALS });
  }

  /** The email first, then the tag that says it went out for this date (expiry.ts). */
  async warnExpiry(change: WarnExpiry): Promise<void> {
    const { usersAccount, mailer } = this.run.deps.target;
    await mailer.send(expiryWarningEmail(this.run.deps.settings, change.userName, change.expiry, change.tell));
    await usersAccount.tagUser(change.userName, { [EXPIRY_WARNING_TAG]: expiryWarningTagValue(change.warning, change.expires) });
  }

  /**
   * Before a role's trust changes, each person it adds or removes is tagged as owed the email
   * (bootstrap-notices.ts). A tag that cannot be written never holds the trust change back
   * (removing access matters more than the email about it): the run says so instead.
   */
  async recordRoleNotice(accountId: string, roleName: string, notice: RoleNotice | undefined, warnings: string[]): Promise<void> {
    if (notice === undefined) return;
    const { usersAccount } = this.run.deps.target;
    const tag = roleNoticeTag(accountId, roleName, this.run.deps.settings.organization.bootstrap_role_name);
    const marks: [string, string][] = [...notice.added.map((name): [string, string] => [name, 'added']), ...notice.removed.map((name): [string, string] => [name, 'removed'])];
    for (const [userName, membership] of marks) {
      // A user whose creation or adoption failed is not the project's (yet): its email waits anyway.
      if (this.run.failedUsers.has(userName.toLowerCase())) continue;
      try {
        await usersAccount.tagUser(userName, { [tag]: membership });
      } catch (error) {
        warnings.push(`the email owed to ${userName} could not be recorded (a run stopped before sending it would not send it): ${this.run.describeError(error).message}`);
      }
    }
  }

  /** An account's id: the change's, or, for an account created in this run, the one AWS gave it. */
  private accountIdOf(accountName: string, accountId: string): string {
    const id = isAccountId(accountId) ? accountId : this.createdAccounts.get(accountName);
    if (id === undefined) throw new AppError('account-creation-failed', `The id of ${accountName} is not known: its creation did not finish in this run.`);
    return id;
  }

  /** The roles of a person with the ids of the accounts this run created filled in. */
  private withCreatedIds(roles: readonly RoleGrant[]): RoleGrant[] {
    return roles.map((role) => {
      const id = role.accountId ?? this.createdAccounts.get(role.accountName);
      return id === undefined ? role : { ...role, accountId: id };
    });
  }

  /** One email to each person added (their own ~/.aws/config), one to those removed; then the tags that said they were owed go. */
  async notifyBootstrapUsers(change: NotifyBootstrapUsers): Promise<void> {
    const { usersAccount, mailer } = this.run.deps.target;
    const { settings } = this.run.deps;
    const accountId = this.accountIdOf(change.accountName, change.accountId);
    const input = { settings, accountName: change.accountName, accountId, roleName: change.roleName };
    for (const userName of change.added) {
      const roles = change.profiles?.find((p) => p.userName.toLowerCase() === userName.toLowerCase())?.roles ?? [];
      await mailer.send(
        roleAddedEmail({ ...input, ...(change.description === undefined ? {} : { description: change.description }), userName, roles: this.withCreatedIds(roles) }),
      );
    }
    if (change.removed.length > 0) await mailer.send(roleRemovedEmail({ ...input, recipients: change.removed }));
    const tag = roleNoticeTag(accountId, change.roleName, settings.organization.bootstrap_role_name);
    for (const userName of [...change.added, ...change.removed]) await usersAccount.untagUser(userName, [tag]);
  }

  async resetPassword(change: ResetPassword): Promise<void> {
    const { settings } = this.run.deps;
    await this.sendCredentials(change.userName, change.credentialsToken, (temporaryPassword) => {
      const input = { settings, userName: change.userName, fullName: change.fullName, temporaryPassword, ...(change.roles === undefined ? {} : { roles: change.roles }) };
      // A user whose welcome email never arrived gets the whole welcome, not a bare reset notice.
      return change.why === 'welcome-email-not-sent' ? welcomeEmail(input) : passwordResetEmail(input);
    });
  }


  // ---- organization --------------------------------------------------------------------------

  async createAccount(change: CreateAccount, warnings: string[]): Promise<void> {
    const { organization } = this.run.deps.target;
    const { settings } = this.run.deps;
    const requestId =
      change.resumeRequestId ??
      (await organization.startAccountCreation({
        accountName: change.accountName,
        email: change.email,
        tags: change.tags,
        accessRoleName: settings.organization.access_role_name,
      }));
    if (change.resumeRequestId !== undefined) this.run.log(`${change.accountName}: resuming creation request ${requestId}`);
    const accountId = await this.waitForAccount(change, requestId);
    this.run.log(`${change.accountName}: created as ${accountId}`);
    this.createdAccounts.set(change.accountName, accountId);
    if (change.ouPath !== '/') await organization.moveAccount(accountId, change.ouPath);
    const hasBootstrapRole = change.bootstrapUsers.length > 0;
    // In the plan's order: the bootstrap role, then the reader role the next plan reads it through.
    for (const role of change.roles) {
      await this.recordRoleNotice(accountId, role.spec.name, role.notice, warnings);
      await this.whenAccountReady(change.accountName, () => organization.putRole(accountId, this.withCreationTags(role.spec)));
    }
    for (const facet of change.facets) {
      try {
        await this.whenAccountReady(change.accountName, () => this.putFacet(accountId, [], facet, facet.value));
      } catch (error) {
        // The account and its roles are there: a setting that did not stick is put by the next run
        // (its record went on first), and holds back neither the account email nor anything else.
        warnings.push(`${facet.label} was not set (the next run sets it): ${this.run.describeError(error).message}`);
      }
    }
    await this.sendAccountEmail(change.accountName, accountId, change.recipients, hasBootstrapRole);
  }

  async waitForAccount(change: CreateAccount, requestId: string): Promise<string> {
    const { organization } = this.run.deps.target;
    let delay = this.run.timing.creationFirstDelayMs;
    let waited = 0;
    for (;;) {
      const status = await organization.describeAccountCreation(requestId);
      if (status.state === 'SUCCEEDED') {
        if (status.accountId === undefined) throw new AppError('account-creation-failed', `Request ${requestId} succeeded without an account id.`);
        return status.accountId;
      }
      if (status.state === 'FAILED') {
        const owner = status.failureReason === 'EMAIL_ALREADY_EXISTS' ? await this.emailOwner(change) : undefined;
        throw creationFailure(change, requestId, status.failureReason, owner);
      }
      if (waited >= this.run.timing.creationMaxWaitMs) {
        throw new AppError(
          'account-creation-timeout',
          `AWS is still creating ${change.accountName} after ${Math.round(waited / 1000)}s (request ${requestId}).`,
          { hint: 'Run apply again later: the next plan finds the request and carries on with it instead of asking again.' },
        );
      }
      this.run.log(`${change.accountName}: creation ${requestId} in progress, checking again in ${Math.round(delay / 1000)}s`);
      await this.run.sleep(delay);
      waited += delay;
      delay = Math.min(delay * 2, this.run.timing.creationMaxDelayMs);
    }
  }

  /** Who has the root email AWS says is taken: an account in this Organization, or one outside it. */
  async emailOwner(change: CreateAccount): Promise<string> {
    try {
      const found = await this.run.deps.target.organization.findAccounts({ name: change.accountName, email: change.email });
      const owner = found.find((account) => account.email.toLowerCase() === change.email.toLowerCase());
      if (owner === undefined) return 'No account in this Organization has it, so it belongs to an AWS account outside it.';
      return `It belongs to account ${owner.id} (${owner.name}, ${owner.state}${owner.managed ? ', managed by this project' : ', not created by this project'}) in this Organization.`;
    } catch (error) {
      return `Looking for the account that has it failed too: ${this.run.describeError(error).message}`;
    }
  }

  /**
   * Retries `account-not-ready` (a new account, or a new role in it, refusing us for a while: IAM and
   * STS are eventually consistent), with back-off, within the notReadyMaxWaitMs budget; then fails
   * naming what was not yet usable, and the next run carries on from there.
   */
  async whenAccountReady(accountName: string, action: () => Promise<void>): Promise<void> {
    let delay = this.run.timing.notReadyFirstDelayMs;
    let waited = 0;
    for (;;) {
      try {
        return await action();
      } catch (error) {
        if (!isAppError(error) || error.code !== 'account-not-ready') throw error;
        if (waited >= this.run.timing.notReadyMaxWaitMs) {
          throw new AppError('account-not-ready', `${error.message} Still refused after waiting ${Math.round(waited / 1000)}s, the most one run waits.`, {
            hint: `${error.hint ?? ''} The next apply carries on with ${accountName} from here (nothing done so far is repeated).`.trim(),
            cause: error,
          });
        }
        this.run.log(`${accountName}: account not ready yet, trying again in ${Math.round(delay / 1000)}s`);
        await this.run.sleep(delay);
        waited += delay;
        delay = Math.min(delay * 2, this.run.timing.notReadyMaxDelayMs);
      }
    }
  }

  /** The record first: a run stopped in between leaves a recorded facet the next plan puts again. */
  async putFacet(accountId: string, recorded: readonly string[], facet: { family: FacetFamily; key: string }, value: FacetValue): Promise<void> {
    await this.recordFacet(accountId, recorded, facetId(facet.family, facet.key), true);
    await this.run.deps.target.organization.putFacet(accountId, facet.family, facet.key, value);
  }

  /** The record last: a run stopped in between leaves it, and the next plan deletes (or forgets) the facet. */
  async deleteFacet(accountId: string, recorded: readonly string[], facet: { family: FacetFamily; key: string }): Promise<void> {
    await this.run.deps.target.organization.deleteFacet(accountId, facet.family, facet.key);
    await this.recordFacet(accountId, recorded, facetId(facet.family, facet.key), false);
  }

  /**
   * Rewrites the account's record of the facets the project set (one tag, facets.ts). An account's
   * facet changes run at once, so the record is kept here and written one change after another.
   */
  private recordFacet(accountId: string, recorded: readonly string[], id: string, present: boolean): Promise<void> {
    const { organization } = this.run.deps.target;
    const entry = this.facetRecords.get(accountId) ?? { ids: new Set(recorded), chain: Promise.resolve() };
    this.facetRecords.set(accountId, entry);
    const step = entry.chain.then(async () => {
      if (present === entry.ids.has(id)) return;
      if (present) entry.ids.add(id);
      else entry.ids.delete(id);
      const ids = [...entry.ids].sort();
      if (ids.length === 0) await organization.untagAccount(accountId, [FACETS_TAG]);
      else await organization.tagAccount(accountId, { [FACETS_TAG]: encodeTagKeys(ids) });
    });
    entry.chain = step.catch(() => undefined);
    return step;
  }

  async updateAccount(change: UpdateAccount): Promise<void> {
    const { organization } = this.run.deps.target;
    if (change.move !== undefined) await organization.moveAccount(change.accountId, change.move.to);
    if (Object.keys(change.setTags).length > 0) await organization.tagAccount(change.accountId, change.setTags);
    if (change.removeTags.length > 0) await organization.untagAccount(change.accountId, change.removeTags);
  }

  /** The change does not say; the role is there unless this plan removes it. */
  hasBootstrapRole(accountId: string): boolean {
    const name = this.run.deps.settings.organization.bootstrap_role_name.toLowerCase();
    return !this.run.plan.changes.some(
      ({ change }) => change.kind === 'delete-role' && change.accountId === accountId && change.before.name.toLowerCase() === name,
    );
  }

  async sendAccountEmail(accountName: string, accountId: string, recipients: readonly string[], hasBootstrapRole: boolean): Promise<void> {
    const { organization, mailer } = this.run.deps.target;
    await mailer.send(accountCreatedEmail({ settings: this.run.deps.settings, accountName, accountId, recipients, hasBootstrapRole }));
    await organization.tagAccount(accountId, { [ACCOUNT_NOTIFIED_TAG]: 'true' });
  }

  async sendAdoptedNotice(accountName: string, accountId: string, recipients: readonly string[]): Promise<void> {
    const { organization, mailer } = this.run.deps.target;
    await mailer.send(accountAdoptedEmail({ settings: this.run.deps.settings, accountName, accountId, recipients }));
    await organization.tagAccount(accountId, { [ACCOUNT_NOTIFIED_TAG]: 'true' });
  }

  async closeAccount(change: CloseAccount, warnings: string[]): Promise<void> {
    const { organization, mailer } = this.run.deps.target;
    await organization.closeAccount(change.accountId);
    try {
      await mailer.send(
        accountClosedEmail({ settings: this.run.deps.settings, accountName: change.accountName, accountId: change.accountId, recipients: change.recipients }),
      );
    } catch (error) {
      // The account is closed either way; a later run would not send this again, so say so.
      warnings.push(`the closure email to ${change.recipients.join(', ')} was not sent: ${this.run.describeError(error).message}`);
    }
  }
}
