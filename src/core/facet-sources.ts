/**
 * Every family of account settings the project keeps (facets.ts), by family name: the name is the
 * first part of each facet's id (`contacts/security`) and picks the adapters' code for the family.
 * A new family is one FacetSource in its own module, listed here; the AWS adapter's table of
 * families (adapters/aws/account-facets.ts) then fails to compile until it says how to reach it.
 */
import { alternateContacts } from './contacts.ts';
import type { FacetContext, FacetSource, FacetValue } from './facets.ts';
import { facetId } from './facets.ts';
import type { DesiredState, LiveAccount } from './model.ts';

export const FACET_SOURCES = { contacts: alternateContacts } as const satisfies Readonly<Record<string, FacetSource>>;

export type FacetFamily = keyof typeof FACET_SOURCES;

export const FACET_FAMILIES = Object.keys(FACET_SOURCES).sort() as FacetFamily[];

export function isFacetFamily(name: string): name is FacetFamily {
  return Object.hasOwn(FACET_SOURCES, name);
}

export function facetSource(family: FacetFamily): FacetSource {
  return FACET_SOURCES[family];
}

/** One facet a source wants for an account. */
export interface WantedFacet {
  family: FacetFamily;
  key: string;
  /** How the plan names it, e.g. `the security contact`. */
  label: string;
  value: FacetValue;
}

/** Every facet the files and settings want for an account, family by family, key by key. */
export function wantedFacets(context: FacetContext): WantedFacet[] {
  const out: WantedFacet[] = [];
  for (const family of FACET_FAMILIES) {
    const source = facetSource(family);
    const wanted = source.wantedFor(context);
    for (const key of Object.keys(wanted).sort()) {
      const value = wanted[key];
      if (value !== undefined) out.push({ family, key, label: source.keys[key] ?? key, value });
    }
  }
  return out;
}

/** The ids of every facet any file or the settings name: what plans read in each account. */
export function namedFacetIds(contexts: Iterable<FacetContext>): string[] {
  const ids = new Set<string>();
  for (const context of contexts) for (const facet of wantedFacets(context)) ids.add(facetId(facet.family, facet.key));
  return [...ids].sort();
}

/**
 * The facet ids plans read in a live account: every one a file or the settings name, in an account
 * some file may mean (by id, name or root email); none in the others, which no file changes. (The
 * facets an account's record holds are read as well, wherever they are: see readLiveState.)
 */
export function facetIdsToRead(desired: DesiredState): (account: Pick<LiveAccount, 'id' | 'name' | 'email'>) => readonly string[] {
  const files = [...desired.accounts.values()];
  const named = namedFacetIds(files.map((account) => ({ settings: desired.settings, account })));
  if (named.length === 0) return () => [];
  const ids = new Set(files.flatMap((file) => (file.data.id === undefined ? [] : [file.data.id])));
  const names = new Set(files.map((file) => file.name));
  const emails = new Set(files.map((file) => file.rootEmail.toLowerCase()));
  return (account) => (ids.has(account.id) || names.has(account.name) || emails.has(account.email.toLowerCase()) ? named : []);
}
