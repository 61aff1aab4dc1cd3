/**
 * The one line a reviewer reads for each change, e.g. `create user ada@x.gov.uk`: presentation,
 * so it lives with the renderers, built only from names, paths and tag keys (never a secret).
 */
import {
  assertNever,
  type AdoptUser,
  type Change,
  type DeleteAccountFacet,
  type PutAccountFacet,
  type PutRole,
  type SetAccountAlias,
  type StillTrusted,
} from '../core/changes.ts';
import { facetSource, type FacetFamily } from '../core/facet-sources.ts';
import { changedFields, type FacetValue } from '../core/facets.ts';
import type { PasswordPolicy } from '../core/model.ts';
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

/** One line a reviewer reads. Built only from names, paths and tag keys: never a secret. */
export function summarizeChange(change: Change): string {
  switch (change.kind) {
    case 'create-user':
      return `create user ${change.userName} (team ${change.tags['team'] ?? '?'}, requested by ${change.requestedBy}${change.expiry === undefined ? '' : `, ${change.expiry}`}), add to group ${change.group}, email a temporary password`;
    case 'update-user': {
      const parts: string[] = [];
      if (change.addGroups.length > 0) parts.push(`add to group ${change.addGroups.join(', ')}`);
      if (change.removeGroups.length > 0) parts.push(`remove from group ${change.removeGroups.join(', ')}`);
      if (change.detachPolicies.length > 0) parts.push(`detach managed policy ${change.detachPolicies.join(', ')}`);
      if (change.deletePolicies.length > 0) parts.push(`delete inline policy ${change.deletePolicies.join(', ')}`);
      const set = Object.keys(change.setTags);
      if (set.length > 0) parts.push(`set tags ${set.join(', ')}`);
      if (change.removeTags.length > 0) parts.push(`remove tags ${change.removeTags.join(', ')}`);
      return `update user ${change.userName}: ${parts.join('; ')}`;
    }
    case 'reset-password':
      return change.why === 'password-reset-requested'
        ? `reset the password of ${change.userName} (password_reset is now ${change.credentialsToken}) and email a new temporary password`
        : change.why === 'access-restored'
          ? `restore ${change.userName}'s console access (expires was extended) and email a fresh temporary password`
          : `email ${change.userName} a fresh temporary password (the welcome email was never sent)`;
    case 'suspend-user':
      return `suspend user ${change.userName} (${change.expiry}): remove its console password, deactivate its access keys${change.leaveGroups.length > 0 ? `, remove from group ${change.leaveGroups.join(', ')}` : ''}${change.stillTrustedBy === undefined ? '' : `; ${describeStillTrusted(change.stillTrustedBy)}`}; tell ${change.tell.join(', ')}`;
    case 'notify-requester':
      return `tell ${change.requestedBy} that ${change.userName} now has a user (the notice was never sent)`;
    case 'warn-expiry':
      return `warn ${change.tell.join(', ')} that ${change.userName}'s access ends (${change.expiry}; the ${change.warning}-day warning)`;
    case 'notify-bootstrap-users': {
      const parts: string[] = [];
      if (change.added.length > 0) parts.push(`tell ${change.added.join(', ')} they may now assume the ${change.roleName} role in ${change.accountName}${showId(change.accountId)}, with the switch-role link`);
      if (change.removed.length > 0) parts.push(`tell ${change.removed.join(', ')} they may no longer assume the ${change.roleName} role in ${change.accountName}${showId(change.accountId)}`);
      return parts.join('; ');
    }
    case 'adopt-user':
      return summarizeAdoptUser(change);
    case 'set-account-alias':
      return summarizeSetAccountAlias(change);
    case 'delete-user':
      return `delete user ${change.userName} with its password, access keys, MFA devices and group memberships${change.stillTrustedBy === undefined ? '' : `; ${describeStillTrusted(change.stillTrustedBy)}`}${change.notify === undefined ? '' : `; email ${change.notify.join(', ')}`}${change.tell === undefined ? '' : `; tell ${change.tell.join(', ')}`}`;
    case 'update-password-policy':
      return change.from === undefined
        ? 'set the account password policy (there is none)'
        : `update the account password policy: ${describePasswordPolicyChange(change.from, change.to).join('; ')}`;
    case 'update-group': {
      if (change.create) return `create group ${change.group} with policies ${Object.keys(change.putPolicies).join(', ')}`;
      const parts: string[] = [];
      const put = Object.keys(change.putPolicies);
      if (put.length > 0) parts.push(`write policies ${put.join(', ')}`);
      if (change.deletePolicies.length > 0) parts.push(`delete policies ${change.deletePolicies.join(', ')}`);
      if (change.detachPolicies.length > 0) parts.push(`detach managed policies ${change.detachPolicies.join(', ')}`);
      return `update group ${change.group}: ${parts.join('; ')}`;
    }
    case 'create-account': {
      const resume = change.resumeRequestId === undefined ? '' : `, resuming request ${change.resumeRequestId}`;
      const bootstrap = change.bootstrapUsers.length === 0 ? 'no bootstrap role' : `bootstrap role for ${list(change.bootstrapUsers)}`;
      return `create account ${change.accountName} in ${change.ouPath} (root email ${change.email}; ${bootstrap})${resume}`;
    }
    case 'update-account': {
      const parts: string[] = [];
      if (change.move) parts.push(`move ${change.move.from} → ${change.move.to}`);
      const set = Object.keys(change.setTags);
      if (set.length > 0) parts.push(`set tags ${set.join(', ')}`);
      if (change.removeTags.length > 0) parts.push(`remove tags ${change.removeTags.join(', ')}`);
      if (change.adopt !== undefined) {
        const role = change.adopt.bootstrapRole ? '; a bootstrap administrator role will be created in an account this project did not create' : '';
        return `adopt account ${change.accountName}${showId(change.accountId)}, which this project did not create (adopt: true in its file)${role}: ${parts.join('; ')}`;
      }
      return `update account ${change.accountName}${showId(change.accountId)}: ${parts.join('; ')}`;
    }
    case 'put-role':
      return summarizeRoleChange(change);
    case 'delete-role':
      return `delete ${change.label} in ${change.accountName}${showId(change.accountId)}`;
    case 'put-account-facet':
      return summarizePutFacet(change);
    case 'delete-account-facet':
      return summarizeDeleteFacet(change);
    case 'send-account-email':
      if (change.adopted) return `tell ${list(change.recipients)} that accounts/${change.accountName}.yaml now manages ${change.accountName}${showId(change.accountId)}`;
      return `send the account email for ${change.accountName}${showId(change.accountId)} to ${list(change.recipients)}`;
    case 'close-account':
      return `close account ${change.accountName}${showId(change.accountId)}: AWS suspends it, and after 90 days it is gone for good`;
    default:
      return assertNever(change);
  }
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

function policyName(arn: string): string {
  return arn.split('/').pop() ?? arn;
}

function summarizeRoleChange(change: PutRole): string {
  const where = `${change.accountName}${showId(change.accountId)}`;
  const after = change.after;
  if (change.before === undefined) {
    const trusted = list(trustedPrincipals(after.trustPolicy).map(showPrincipal));
    const grants = [...after.attachedPolicyArns.map(policyName), ...Object.keys(after.inlinePolicies)];
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
  if (diff.attach.length > 0) parts.push(`attach ${diff.attach.map(policyName).join(', ')}`);
  if (diff.detach.length > 0) parts.push(`detach ${diff.detach.map(policyName).join(', ')}`);
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
