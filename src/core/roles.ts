/**
 * A role is a role. Whatever it is for (the bootstrap administrator, the read-only reader, a team's
 * admin), the core describes the role it wants in a member account as one RoleSpec, the adapters
 * read roles back as LiveRole (raw documents), one diff compares the two, and one port method makes
 * a role exactly its spec. What differs between kinds lives only in the RoleSource that builds the
 * specs (bootstrap-role.ts, reader-role.ts, ...), listed in role-sources.ts.
 */
import type { Impact } from './changes.ts';
import { findTag, type DesiredAccount, type LiveRole, type PolicyDocument, type SettingsFile, type Tags } from './model.ts';
import { compareGrants, grantsOf, isSamePolicy } from './policy-compare.ts';

/** A role as the core wants it: every document in full, tags (managed-by included) and a description. */
export interface RoleSpec extends LiveRole {
  /** Written on create and on put; IAM's GetAccountAuthorizationDetails does not return it, so plans do not compare it. */
  description: string;
}

/** One role a source wants in an account, with what the plan says about it in words. */
export interface WantedRole {
  spec: RoleSpec;
  /** How notes and summaries name it, e.g. `the bootstrap role`, `team role admin (admin)`. */
  label: string;
  /** The note when a role of that name exists without the managed-by tag (it is left alone). */
  unmanagedNote: string;
  /**
   * The role plans read the account through: when reading was refused (`denied`), it is put anyway,
   * which creates or repairs it, and nothing else in the account is compared.
   */
  readsTheAccount?: boolean;
}

export interface RoleContext {
  settings: SettingsFile;
  account: DesiredAccount;
}

/** What one kind of role contributes to the plan of an account. */
export interface RoleSource {
  /** The roles this kind wants in the account, and notes for what it cannot want (e.g. an empty list). */
  rolesFor(context: RoleContext): { wanted: WantedRole[]; notes: string[] };
  /**
   * Whether a role no source wants belongs to this kind: then a managed one is deleted, and an
   * unmanaged one is left alone with `unmanagedNote` (when given); `label` names it in the plan.
   * Undefined: not this kind's.
   */
  ownsUnwanted(role: LiveRole, context: RoleContext): { label: string; unmanagedNote?: string } | undefined;
}

/** What changes between a role as it is and as it is wanted; every list sorted. */
export interface RoleDiff {
  /** Trust principals (verbatim, e.g. user ARNs) added and removed. */
  trustAdded: string[];
  trustRemoved: string[];
  /** The trust policy allows more (a principal, an action, a weaker condition) / less. */
  trustWidens: boolean;
  trustNarrows: boolean;
  attach: string[];
  detach: string[];
  /** Inline policies written (new or different) and deleted. */
  writePolicies: string[];
  deletePolicies: string[];
  /** The inline policies allow more / less. */
  permissionsWiden: boolean;
  permissionsNarrow: boolean;
  /** Tag keys whose value is set. */
  setTags: string[];
}

function sorted(items: Iterable<string>): string[] {
  return [...new Set(items)].sort();
}

/** Principals a trust policy names, verbatim. */
export function trustedPrincipals(trustPolicy: PolicyDocument): string[] {
  return sorted(grantsOf(trustPolicy).filter((g) => g.effect === 'Allow').map((g) => g.principal.replace(/^AWS:/, '')));
}

function allInline(policies: Readonly<Record<string, PolicyDocument>>): PolicyDocument {
  return { Statement: Object.values(policies).flatMap((document) => [document['Statement']].flat()) };
}

/** Tags the spec sets whose live value differs (keys compared ignoring case, as IAM does for roles). */
function tagsToSet(live: Tags, wanted: Tags): string[] {
  return sorted(Object.entries(wanted).filter(([key, value]) => findTag(live, key)?.value !== value).map(([key]) => key));
}

/** The difference between a role as it is (absent: it does not exist) and as it is wanted. */
export function diffRole(before: LiveRole | undefined, after: LiveRole): RoleDiff {
  const empty: LiveRole = { name: after.name, path: after.path, trustPolicy: {}, inlinePolicies: {}, attachedPolicyArns: [], tags: {} };
  const from = before ?? empty;
  const trustBefore = trustedPrincipals(from.trustPolicy);
  const trustAfter = trustedPrincipals(after.trustPolicy);
  const trust = compareGrants(grantsOf(from.trustPolicy), grantsOf(after.trustPolicy));
  const permissions = compareGrants(grantsOf(allInline(from.inlinePolicies)), grantsOf(allInline(after.inlinePolicies)));
  return {
    trustAdded: trustAfter.filter((p) => !trustBefore.includes(p)),
    trustRemoved: trustBefore.filter((p) => !trustAfter.includes(p)),
    trustWidens: trust.widens,
    trustNarrows: trust.narrows,
    attach: sorted(after.attachedPolicyArns.filter((arn) => !from.attachedPolicyArns.includes(arn))),
    detach: sorted(from.attachedPolicyArns.filter((arn) => !after.attachedPolicyArns.includes(arn))),
    writePolicies: sorted(
      Object.entries(after.inlinePolicies)
        .filter(([name, document]) => {
          const current = from.inlinePolicies[name];
          return current === undefined || !isSamePolicy(current, document);
        })
        .map(([name]) => name),
    ),
    deletePolicies: sorted(Object.keys(from.inlinePolicies).filter((name) => !(name in after.inlinePolicies))),
    permissionsWiden: permissions.widens,
    permissionsNarrow: permissions.narrows,
    setTags: tagsToSet(from.tags, after.tags),
  };
}

/** Whether a role as it is already matches what is wanted (documents as IAM reads them, tags the spec sets). */
export function isRoleAsWanted(live: LiveRole, wanted: LiveRole): boolean {
  const diff = diffRole(live, wanted);
  return (
    isSamePolicy(live.trustPolicy, wanted.trustPolicy) &&
    diff.attach.length + diff.detach.length + diff.writePolicies.length + diff.deletePolicies.length + diff.setTags.length === 0
  );
}

/**
 * Impact from the difference, as an infrastructure diff ranks it: a new role, or a change to who
 * may assume it or what it may do (more or less: granting and removing access are both for a
 * reviewer's eyes early) is `access`; tags alone are `routine`. Deleting a role is `destructive`
 * (see impactOf).
 */
export function roleChangeImpact(before: LiveRole | undefined, after: LiveRole): Impact {
  if (before === undefined) return 'access';
  const diff = diffRole(before, after);
  const accessChanges =
    diff.trustWidens || diff.trustNarrows || !isSamePolicy(before.trustPolicy, after.trustPolicy) ||
    diff.attach.length + diff.detach.length + diff.writePolicies.length + diff.deletePolicies.length > 0;
  return accessChanges ? 'access' : 'routine';
}

/** Whether a role trusts users of the users account (people), which makes it a person's role. */
export function trustsUsersOf(usersAccountId: string, role: LiveRole): boolean {
  return trustedPrincipals(role.trustPolicy).some((p) => p.startsWith(`arn:aws:iam::${usersAccountId}:user/`));
}
