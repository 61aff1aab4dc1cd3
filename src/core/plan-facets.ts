/**
 * Planning the settings (facets) of one member account: every facet the sources want
 * (facet-sources.ts) against the values read back, by one diff. A facet nobody names is left alone
 * unless the account's record says the project set it; then it is deleted.
 */
import type { Change } from './changes.ts';
import { facetSource, wantedFacets, FACET_FAMILIES, type FacetFamily, type WantedFacet } from './facet-sources.ts';
import { changedFields, facetId, recordedFacetIds, type FacetContext } from './facets.ts';
import type { LiveAccount } from './model.ts';
import { compareText, showId } from './plan-helpers.ts';

/** Accounts whose facets wait for trusted access, by family (see noteMissingTrustedAccess). */
export type WaitingForTrust = Map<FacetFamily, string[]>;

/** Whether the Organization lets the project reach this family (unknown: assumed yes, as on a git baseline). */
function isReachable(family: FacetFamily, trustedServices: readonly string[] | undefined): boolean {
  const service = facetSource(family).trustedService;
  return service === undefined || trustedServices === undefined || trustedServices.includes(service);
}

function wait(waiting: WaitingForTrust, family: FacetFamily, accountName: string): void {
  const names = waiting.get(family) ?? [];
  if (!names.includes(accountName)) names.push(accountName);
  waiting.set(family, names);
}

/** The facets a new account gets in the apply that creates it: those the Organization lets us write. */
export function facetsForNewAccount(context: FacetContext, trustedServices: readonly string[] | undefined, waiting: WaitingForTrust): WantedFacet[] {
  return wantedFacets(context).filter((facet) => {
    if (isReachable(facet.family, trustedServices)) return true;
    wait(waiting, facet.family, context.account.name);
    return false;
  });
}

export function planAccountFacets(
  context: FacetContext,
  liveAccount: LiveAccount,
  trustedServices: readonly string[] | undefined,
  out: { changes: Change[]; notes: string[] },
  waiting: WaitingForTrust,
): void {
  const name = context.account.name;
  const base = { accountName: name, accountId: liveAccount.id };
  const wanted = wantedFacets(context);
  const recordedIds = recordedFacetIds(liveAccount.tags);
  const recorded = new Set(recordedIds);
  const live = liveAccount.facets;
  for (const family of FACET_FAMILIES) {
    const source = facetSource(family);
    const mine = wanted.filter((facet) => facet.family === family);
    const owned = Object.keys(source.keys).filter((key) => recorded.has(facetId(family, key)) && !mine.some((facet) => facet.key === key));
    if (mine.length === 0 && owned.length === 0) continue;
    if (!isReachable(family, trustedServices)) {
      wait(waiting, family, name);
      continue;
    }
    if (live === undefined || live === 'unknown') {
      out.notes.push(`${name}${showId(liveAccount.id)}: its ${family} could not be read, so they are not compared this time.`);
      continue;
    }
    for (const facet of mine) {
      const id = facetId(family, facet.key);
      const current = live[id];
      // Equal but not recorded: the put records it, so that removing it from the files later removes it.
      if (current !== undefined && changedFields(current, facet.value).length === 0 && recorded.has(id)) continue;
      out.changes.push({
        kind: 'put-account-facet',
        ...base,
        family,
        key: facet.key,
        label: facet.label,
        ...(current === undefined ? {} : { before: current }),
        after: facet.value,
        recorded: recordedIds,
      });
    }
    for (const key of owned) {
      const current = live[facetId(family, key)];
      out.changes.push({
        kind: 'delete-account-facet',
        ...base,
        family,
        key,
        label: source.keys[key] ?? key,
        ...(current === undefined ? {} : { before: current }),
        recorded: recordedIds,
      });
    }
  }
}

/** One note per family that waits for trusted access, naming the accounts. */
export function noteMissingTrustedAccess(waiting: WaitingForTrust, notes: string[]): void {
  for (const [family, names] of [...waiting.entries()].sort(([a], [b]) => compareText(a, b))) {
    const service = facetSource(family).trustedService ?? '?';
    notes.push(
      `The ${family} of ${[...names].sort().join(', ')} are not compared or set: trusted access for ${service} is not enabled in the Organization. ` +
        `Enable it from the management account (aws organizations enable-aws-service-access --service-principal ${service}), then plan again.`,
    );
  }
}
