/**
 * The one line a reviewer reads for each change, e.g. `create user ada@x.gov.uk`: presentation,
 * so it lives with the renderers, built only from names, paths and tag keys (never a secret).
 */
import {
  type AdoptUser,
  type Change,
  type ChangeKind,
  type DeleteAccountFacet,
  type PutAccountFacet,
  type PutRole,
  type SetAccountAlias,
  type StillTrusted,
} from '../core/changes.ts';
import { facetSource, type FacetFamily } from '../core/facet-sources.ts';
import { changedFields, type FacetValue } from '../core/facets.ts';
import { impactOf } from '../core/change-kinds.ts';
import type { PasswordPolicy, Tags } from '../core/model.ts';
import { PASSWORD_POLICY_FIELDS } from '../core/plan.ts';
import { showId } from '../core/plan-helpers.ts';
import { isSamePolicy } from '../core/policy-compare.ts';
import { diffRole, trustedPrincipals } from '../core/roles.ts';

const PASSWORD_POLICY_LABELS: Readonly<Record<keyof PasswordPolicy, string>> = {
  minimumLength: 'minimum length',
  requireSymbols: 'require symbols',
  requireNumbers: 'require numbers',
  requireUppercase: 'require upper case',
  requireLowercase: 'require lower case',
  allowUsersToChangePassword: 'users may change their password',
  maxAgeDays: 'maximum age (days)',
  reusePrevention: 'remembered passwords',
  hardExpiry: 'expired passwords need an administrator (hard expiry)',
};

function showPolicyValue(value: number | boolean | undefined): string {
  if (value === undefined || value === 0) return 'none';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

/** `minimum length: 8 → 16` for each field that differs (every field when there is no policy yet). */
export function describePasswordPolicyChange(from: PasswordPolicy | undefined, to: PasswordPolicy): string[] {
  const lines: string[] = [];
  for (const field of PASSWORD_POLICY_FIELDS) {
    const label = PASSWORD_POLICY_LABELS[field];
    const after = showPolicyValue(to[field]);
    if (from === undefined) {
      lines.push(`${label}: ${after}`);
      continue;
    }
    const before = showPolicyValue(from[field]);
    if (before !== after) lines.push(`${label}: ${before} → ${after}`);
  }
  return lines;
}

function list(items: readonly string[]): string {
  return items.length === 0 ? 'nobody' : items.join(', ');
}

/** The leaver check (core/leavers.ts): "still trusted by `admin` in notify-staging". */
function describeStillTrusted(roles: readonly StillTrusted[]): string {
  return `still trusted by ${roles.map((r) => `\`${r.roleName}\` in ${r.accountName}`).join(', ')}`;
}

type Of<K extends ChangeKind> = Extract<Change, { kind: K }>;

/**
 * What a change does to who may do what:
 * - `grants`: someone gets access, or more of it (a new user, a password, trust for a new user,
 *   a role, the group's policies written);
 * - `changes`: access changes in a way that is neither simply more nor less (an account moving to
 *   another OU gets that OU's policies; the password rules change);
 * - `removes`: access is taken away (a user deleted or leaving other groups, trust narrowed, a
 *   policy detached, a role or account removed);
 * - `none`: bookkeeping (tags, emails, the first account alias).
 * A change that both grants and removes is `grants`: the more dangerous half decides.
 */
export type AccessEffect = 'grants' | 'changes' | 'removes' | 'none';

export interface RenderMeaning<K extends ChangeKind> {
  /** Which heading it goes under (plan-sections.ts), with the core's impact. */
  effect: AccessEffect | ((change: Of<K>) => AccessEffect);
  /** The one line a reviewer reads. Built only from names, paths and tag keys: never a secret. */
  summary(change: Of<K>): string;
  /** Lines under the summary in the text and Markdown plans: the values a reviewer may want to check. */
  details(change: Of<K>): string[];
}

function showTags(tags: Tags): string {
  return Object.entries(tags)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
}

const none = (): string[] => [];

/** What each change kind means to a reader, typed over every kind: a new kind fails to compile until it has a row. */
export const RENDER_KINDS: { readonly [K in ChangeKind]: RenderMeaning<K> } = {
  'create-user': {
    effect: 'grants',
    summary: (c) =>
      `create user ${c.userName} (team ${c.tags['team'] ?? '?'}, requested by ${c.requestedBy}${c.expiry === undefined ? '' : `, ${c.expiry}`}), add to group ${c.group}, email a temporary password`,
    details: (c) => [`tags: ${showTags(c.tags)}`],
  },
  'update-user': {
    effect: (c) => {
      if (c.addGroups.length > 0) return 'grants';
      return c.removeGroups.length + c.detachPolicies.length + c.deletePolicies.length > 0 ? 'removes' : 'none';
    },
    summary: (c) => {
      const parts: string[] = [];
      if (c.addGroups.length > 0) parts.push(`add to group ${c.addGroups.join(', ')}`);
      if (c.removeGroups.length > 0) parts.push(`remove from group ${c.removeGroups.join(', ')}`);
      if (c.detachPolicies.length > 0) parts.push(`detach managed policy ${c.detachPolicies.join(', ')}`);
      if (c.deletePolicies.length > 0) parts.push(`delete inline policy ${c.deletePolicies.join(', ')}`);
      const set = Object.keys(c.setTags);
      if (set.length > 0) parts.push(`set tags ${set.join(', ')}`);
      if (c.removeTags.length > 0) parts.push(`remove tags ${c.removeTags.join(', ')}`);
      return `update user ${c.userName}: ${parts.join('; ')}`;
    },
    details: (c) => [
      ...c.addGroups.map((group) => `join group ${group}`),
      ...c.removeGroups.map((group) => `leave group ${group}`),
      ...c.detachPolicies.map((arn) => `detach managed policy ${arn}`),
      ...c.deletePolicies.map((name) => `delete inline policy ${name}`),
      ...Object.entries(c.setTags).map(([key, value]) => `set tag ${key}=${value}`),
      ...c.removeTags.map((key) => `remove tag ${key}`),
    ],
  },
  'reset-password': {
    effect: 'grants',
    summary: (c) =>
      c.why === 'password-reset-requested'
        ? `reset the password of ${c.userName} (password_reset is now ${c.credentialsToken}) and email a new temporary password`
        : c.why === 'access-restored'
          ? `restore ${c.userName}'s console access (expires was extended) and email a fresh temporary password`
          : `email ${c.userName} a fresh temporary password (the welcome email was never sent)`,
    details: none,
  },
  'suspend-user': {
    effect: 'removes',
    summary: (c) =>
      `suspend user ${c.userName} (${c.expiry}): remove its console password, deactivate its access keys${c.leaveGroups.length > 0 ? `, remove from group ${c.leaveGroups.join(', ')}` : ''}${c.stillTrustedBy === undefined ? '' : `; ${describeStillTrusted(c.stillTrustedBy)}`}; tell ${c.tell.join(', ')}`,
    details: none,
  },
  'notify-requester': {
    effect: 'none',
    summary: (c) => `tell ${c.requestedBy} that ${c.userName} now has a user (the notice was never sent)`,
    details: none,
  },
  'warn-expiry': {
    effect: 'none',
    summary: (c) => `warn ${c.tell.join(', ')} that ${c.userName}'s access ends (${c.expiry}; the ${c.warning}-day warning)`,
    details: none,
  },
  'notify-bootstrap-users': {
    effect: 'none',
    summary: (c) => {
      const parts: string[] = [];
      if (c.added.length > 0) parts.push(`tell ${c.added.join(', ')} they may now assume the ${c.roleName} role in ${c.accountName}${showId(c.accountId)}, with the switch-role link and their ~/.aws/config`);
      if (c.removed.length > 0) parts.push(`tell ${c.removed.join(', ')} they may no longer assume the ${c.roleName} role in ${c.accountName}${showId(c.accountId)}`);
      return parts.join('; ');
    },
    details: none,
  },
  'adopt-user': {
    // The project takes the user over: joining the group grants, losing access outside it removes.
    effect: (c) => {
      if (c.addGroups.length > 0) return 'grants';
      return c.removeGroups.length + c.detachPolicies.length + c.deletePolicies.length > 0 ? 'removes' : 'changes';
    },
    summary: (c) => summarizeAdoptUser(c),
    details: none,
  },
  'set-account-alias': {
    // A new alias changes everyone's sign-in URL; setting the first one breaks nothing.
    effect: (c) => (c.from === undefined ? 'none' : 'changes'),
    summary: (c) => summarizeSetAccountAlias(c),
    details: none,
  },
  'delete-user': {
    effect: 'removes',
    summary: (c) =>
      `delete user ${c.userName} with its password, access keys, MFA devices and group memberships${c.stillTrustedBy === undefined ? '' : `; ${describeStillTrusted(c.stillTrustedBy)}`}${c.notify === undefined ? '' : `; email ${c.notify.join(', ')}`}${c.tell === undefined ? '' : `; tell ${c.tell.join(', ')}`}`,
    details: none,
  },
  'update-password-policy': {
    effect: 'changes',
    summary: (c) =>
      c.from === undefined
        ? 'set the account password policy (there is none)'
        : `update the account password policy: ${describePasswordPolicyChange(c.from, c.to).join('; ')}`,
    details: (c) => describePasswordPolicyChange(c.from, c.to),
  },
  'update-group': {
    effect: (c) => {
      if (c.create || Object.keys(c.putPolicies).length > 0) return 'grants';
      return c.deletePolicies.length + c.detachPolicies.length > 0 ? 'removes' : 'none';
    },
    summary: (c) => {
      if (c.create) return `create group ${c.group} with policies ${Object.keys(c.putPolicies).join(', ')}`;
      const parts: string[] = [];
      const put = Object.keys(c.putPolicies);
      if (put.length > 0) parts.push(`write policies ${put.join(', ')}`);
      if (c.deletePolicies.length > 0) parts.push(`delete policies ${c.deletePolicies.join(', ')}`);
      if (c.detachPolicies.length > 0) parts.push(`detach managed policies ${c.detachPolicies.join(', ')}`);
      return `update group ${c.group}: ${parts.join('; ')}`;
    },
    details: (c) => [
      ...Object.keys(c.putPolicies).map((name) => `write inline policy ${name}`),
      ...c.deletePolicies.map((name) => `delete inline policy ${name}`),
      ...c.detachPolicies.map((arn) => `detach managed policy ${arn}`),
    ],
  },
  'create-account': {
    effect: 'grants',
    summary: (c) => {
      const resume = c.resumeRequestId === undefined ? '' : `, resuming request ${c.resumeRequestId}`;
      // Each role is a part of the change (core/change-kinds.ts, partsOf), shown under it in the
      // words the same role has in an existing account.
      const roles = c.roles.length === 0 ? 'no roles' : `roles ${c.roles.map((role) => role.spec.name).join(', ')}`;
      return `create account ${c.accountName} in ${c.ouPath} (root email ${c.email}; ${roles})${resume}`;
    },
    details: (c) => [
      `tags: ${showTags(c.tags)}`,
      ...c.facets.map((facet) => `${facet.label}: ${describeFacetValue(facet.family, facet.value)}`),
      `account email to: ${c.recipients.join(', ')}`,
    ],
  },
  'update-account': {
    effect: (c) => (c.move === undefined && c.adopt === undefined ? 'none' : 'changes'),
    summary: (c) => {
      const parts: string[] = [];
      if (c.move) parts.push(`move ${c.move.from} → ${c.move.to}`);
      const set = Object.keys(c.setTags);
      if (set.length > 0) parts.push(`set tags ${set.join(', ')}`);
      if (c.removeTags.length > 0) parts.push(`remove tags ${c.removeTags.join(', ')}`);
      if (c.adopt !== undefined) {
        const role = c.adopt.bootstrapRole ? '; a bootstrap administrator role will be created in an account this project did not create' : '';
        return `adopt account ${c.accountName}${showId(c.accountId)}, which this project did not create (adopt: true in its file)${role}: ${parts.join('; ')}`;
      }
      return `update account ${c.accountName}${showId(c.accountId)}: ${parts.join('; ')}`;
    },
    details: (c) => [
      ...(c.move === undefined
        ? []
        : [`organizational unit: ${c.move.from} → ${c.move.to} (policies attached to ${c.move.to} apply instead of those attached to ${c.move.from})`]),
      ...Object.entries(c.setTags).map(([key, value]) => `set tag ${key}=${value}`),
      ...c.removeTags.map((key) => `remove tag ${key}`),
    ],
  },
  'put-role': {
    effect: (c) => {
      if (c.before === undefined) return 'grants';
      const diff = diffRole(c.before, c.after);
      if (diff.trustWidens || diff.permissionsWiden || diff.attach.length > 0) return 'grants';
      return diff.trustNarrows || diff.permissionsNarrow || diff.detach.length + diff.deletePolicies.length > 0 ? 'removes' : 'none';
    },
    summary: (c) => summarizeRoleChange(c),
    details: (c) => {
      const after = c.after;
      const lines = [`role ${after.name} (path ${after.path}): trusted: ${trustedPrincipals(after.trustPolicy).join(', ') || 'nobody'}`];
      if (c.before !== undefined) lines.push(`previously trusted: ${trustedPrincipals(c.before.trustPolicy).join(', ') || 'nobody'}`);
      const diff = diffRole(c.before, after);
      if (diff.trustWidens || diff.permissionsWiden || diff.attach.length > 0) lines.push('grants access it did not have');
      if (diff.trustNarrows || diff.permissionsNarrow || diff.detach.length > 0) lines.push('removes access it had');
      lines.push(`managed policies: ${after.attachedPolicyArns.join(', ') || 'none'}`);
      lines.push(`inline policies: ${Object.keys(after.inlinePolicies).join(', ') || 'none'}`);
      return lines;
    },
  },
  'delete-role': {
    effect: 'removes',
    summary: (c) => `delete ${c.label} in ${c.accountName}${showId(c.accountId)}`,
    details: (c) => [`role ${c.before.name}, trusted: ${trustedPrincipals(c.before.trustPolicy).join(', ') || 'nobody'}`],
  },
  // A setting (who AWS tells about security events, ...) grants no access; one the core ranks
  // `access` still changes who hears about it.
  'put-account-facet': {
    effect: (c) => (impactOf(c) === 'access' ? 'changes' : 'none'),
    summary: (c) => summarizePutFacet(c),
    details: (c) => describeFacetChange(c.family, c.before, c.after),
  },
  'delete-account-facet': {
    effect: (c) => (impactOf(c) === 'access' ? 'changes' : 'none'),
    summary: (c) => summarizeDeleteFacet(c),
    details: (c) => describeFacetChange(c.family, c.before, undefined),
  },
  'send-account-email': {
    effect: 'none',
    summary: (c) =>
      c.adopted
        ? `tell ${list(c.recipients)} that accounts/${c.accountName}.yaml now manages ${c.accountName}${showId(c.accountId)}`
        : `send the account email for ${c.accountName}${showId(c.accountId)} to ${list(c.recipients)}`,
    details: none,
  },
  'close-account': {
    effect: 'removes',
    summary: (c) => `close account ${c.accountName}${showId(c.accountId)}: AWS suspends it, and after 90 days it is gone for good`,
    details: (c) => [`notice to: ${c.recipients.join(', ')}`],
  },
};

/** The row of a change's kind, its functions taking that change (the one place the union is narrowed by the table). */
function renderMeaningOf(change: Change): RenderMeaning<ChangeKind> {
  return RENDER_KINDS[change.kind] as unknown as RenderMeaning<ChangeKind>;
}

/** One line a reviewer reads. Built only from names, paths and tag keys: never a secret. */
export function summarizeChange(change: Change): string {
  return renderMeaningOf(change).summary(change);
}

/** Lines under a change's summary: the values a reviewer may want to check. Never a secret. */
export function changeDetails(change: Change): string[] {
  return renderMeaningOf(change).details(change);
}

export function accessEffectOf(change: Change): AccessEffect {
  const effect = renderMeaningOf(change).effect;
  return typeof effect === 'function' ? effect(change) : effect;
}

function summarizeAdoptUser(change: AdoptUser): string {
  const parts = [`tag it ${Object.keys(change.tags).join(', ')}`];
  if (change.addGroups.length > 0) parts.push(`add to group ${change.addGroups.join(', ')}`);
  const removed: string[] = [];
  if (change.removeGroups.length > 0) removed.push(`group ${change.removeGroups.join(', ')}`);
  if (change.detachPolicies.length > 0) removed.push(`managed policy ${change.detachPolicies.join(', ')}`);
  if (change.deletePolicies.length > 0) removed.push(`inline policy ${change.deletePolicies.join(', ')}`);
  if (removed.length > 0) parts.push(`remove access outside the group: ${removed.join('; ')}`);
  return `adopt user ${change.userName} (team ${change.tags['team'] ?? '?'}, requested by ${change.tags['requested-by'] ?? '?'}), keeping its password, access keys and MFA devices, no email: ${parts.join('; ')}`;
}

function summarizeSetAccountAlias(change: SetAccountAlias): string {
  const url = `https://${change.to}.signin.aws.amazon.com/console`;
  return change.from === undefined
    ? `set the users account alias to ${change.to} (there is none), so the sign-in URL ${url} in the emails works`
    : `change the users account alias ${change.from} → ${change.to}: the sign-in URL becomes ${url} and the old one stops working`;
}

/** A principal as a reviewer reads it: a user by name, anything else verbatim. */
function showPrincipal(principal: string): string {
  const user = /^arn:aws:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(principal);
  return user?.[1] ?? principal;
}

/** Whether every statement of a trust policy requires MFA. */
function requiresMfa(trustPolicy: Readonly<Record<string, unknown>>): boolean {
  const statements = [trustPolicy['Statement']].flat();
  return (
    statements.length > 0 &&
    statements.every((statement) => {
      const condition = (statement as { Condition?: { Bool?: Record<string, unknown> } } | undefined)?.Condition;
      const value = condition?.Bool?.['aws:MultiFactorAuthPresent'];
      return value === 'true' || value === true;
    })
  );
}

function summarizeRoleChange(change: PutRole): string {
  const where = `${change.accountName}${showId(change.accountId)}`;
  const after = change.after;
  if (change.before === undefined) {
    const trusted = list(trustedPrincipals(after.trustPolicy).map(showPrincipal));
    // Managed policies by whole ARN: the last segment alone would show another account's
    // `.../policy/AdministratorAccess` as AWS's.
    const grants = [...after.attachedPolicyArns, ...Object.keys(after.inlinePolicies)];
    return `create ${change.label} in ${where}, trusting ${trusted}${requiresMfa(after.trustPolicy) ? ' with MFA' : ''}${grants.length === 0 ? '' : `; ${grants.join(', ')}`}`;
  }
  const diff = diffRole(change.before, after);
  const parts: string[] = [];
  if (diff.trustAdded.length > 0) parts.push(`trust ${diff.trustAdded.map(showPrincipal).join(', ')}`);
  if (diff.trustRemoved.length > 0) parts.push(`stop trusting ${diff.trustRemoved.map(showPrincipal).join(', ')}`);
  if (diff.trustAdded.length + diff.trustRemoved.length === 0) {
    if (diff.trustWidens) parts.push('loosen its trust conditions');
    else if (diff.trustNarrows) parts.push('tighten its trust conditions');
    else if (!isSamePolicy(change.before.trustPolicy, after.trustPolicy)) parts.push('rewrite its trust policy');
  }
  if (diff.attach.length > 0) parts.push(`attach ${diff.attach.join(', ')}`);
  if (diff.detach.length > 0) parts.push(`detach ${diff.detach.join(', ')}`);
  if (diff.writePolicies.length > 0) parts.push(`write inline policy ${diff.writePolicies.join(', ')}`);
  if (diff.deletePolicies.length > 0) parts.push(`delete inline policy ${diff.deletePolicies.join(', ')}`);
  if (diff.setTags.length > 0) parts.push(`set tags ${diff.setTags.join(', ')}`);
  return `update ${change.label} in ${where}: ${parts.join('; ')}`;
}

function fieldLabel(family: FacetFamily, field: string): string {
  return facetSource(family).fieldLabels[field] ?? field;
}

/** `name Security team, email security@x.gov.uk`: a facet's value as a reviewer reads it. */
export function describeFacetValue(family: FacetFamily, value: FacetValue): string {
  return Object.keys(value)
    .sort()
    .map((field) => `${fieldLabel(family, field)} ${value[field] ?? ''}`)
    .join(', ');
}

/** `email a@x → b@x` for each field that differs (every field of a value not set yet). */
export function describeFacetChange(family: FacetFamily, before: FacetValue | undefined, after: FacetValue | undefined): string[] {
  return changedFields(before, after).map((field) => {
    const label = fieldLabel(family, field);
    const from = before?.[field];
    const to = after?.[field];
    if (from === undefined || from === '') return `${label}: ${to ?? ''}`;
    if (to === undefined || to === '') return `${label}: ${from} → (none)`;
    return `${label}: ${from} → ${to}`;
  });
}

function summarizePutFacet(change: PutAccountFacet): string {
  const where = `${change.accountName}${showId(change.accountId)}`;
  if (change.before === undefined) return `set ${change.label} of ${where}: ${describeFacetValue(change.family, change.after)}`;
  const parts = describeFacetChange(change.family, change.before, change.after);
  if (parts.length === 0) return `record ${change.label} of ${where} as set by its file or the settings (it already has the value they name)`;
  return `change ${change.label} of ${where}: ${parts.join('; ')}`;
}

function summarizeDeleteFacet(change: DeleteAccountFacet): string {
  const where = `${change.accountName}${showId(change.accountId)}`;
  if (change.before === undefined) return `forget ${change.label} of ${where}: no file or setting names it, and it is not set any more`;
  return `remove ${change.label} of ${where} (${describeFacetValue(change.family, change.before)}): this project set it, and no file or setting names it any more`;
}
