/**
 * Account facets on AWS (core/facets.ts): one AwsFacetFamily per family of account settings, in a
 * table typed over the core's families, so a family the core lists but AWS cannot reach fails to
 * compile. Each family speaks its own API from the management account (e.g. the Account Management
 * API for alternate contacts, account-contacts.ts) and returns AppErrors.
 */
import { isAppError } from '../../core/errors.ts';
import { isFacetFamily, type FacetFamily } from '../../core/facet-sources.ts';
import { facetId, parseFacetId, type FacetValue } from '../../core/facets.ts';
import type { LiveFacets } from '../../core/model.ts';
import { refuseProtectedAccount } from '../../core/protected-accounts.ts';
import type { OrganizationPort } from '../../ports/organization.ts';
import { createAwsContacts } from './account-contacts.ts';
import type { AwsClientConfig, AwsService } from './clients.ts';

/** What a family needs to build its clients: the management account's config for a service. */
export interface AwsFacetDeps {
  clientConfig(service: AwsService): AwsClientConfig;
}

/** Reads and writes one family's facets of a member account, by key. */
export interface AwsFacetFamily {
  /** The values of `keys` that are set; a key not set is absent. */
  read(accountId: string, keys: readonly string[]): Promise<Record<string, FacetValue>>;
  put(accountId: string, key: string, value: FacetValue): Promise<void>;
  /** A facet not set is done. */
  delete(accountId: string, key: string): Promise<void>;
  /** Releases the family's clients. */
  destroy(): void;
}

export const AWS_FACET_FAMILIES = { contacts: createAwsContacts } as const satisfies { readonly [F in FacetFamily]: (deps: AwsFacetDeps) => AwsFacetFamily };

/** The OrganizationPort's facet trio on AWS: each family's calls, from the management account. */
export function createAwsAccountFacets(deps: AwsFacetDeps & { protectedIds: ReadonlyMap<string, string> }): Pick<OrganizationPort, 'readFacets' | 'putFacet' | 'deleteFacet'> {
  const { protectedIds } = deps;
  const families = new Map<FacetFamily, AwsFacetFamily>();
  const familyFor = (family: FacetFamily): AwsFacetFamily => {
    let built = families.get(family);
    if (built === undefined) {
      const make: (familyDeps: AwsFacetDeps) => AwsFacetFamily = AWS_FACET_FAMILIES[family];
      built = make(deps);
      families.set(family, built);
    }
    return built;
  };
  return {
    async readFacets(accountId: string, ids: readonly string[]): Promise<LiveFacets> {
      const byFamily = new Map<FacetFamily, string[]>();
      for (const id of ids) {
        const parsed = parseFacetId(id);
        if (parsed === undefined || !isFacetFamily(parsed.family)) continue;
        byFamily.set(parsed.family, [...(byFamily.get(parsed.family) ?? []), parsed.key]);
      }
      const out: Record<string, FacetValue> = {};
      try {
        for (const [family, keys] of byFamily) {
          const values = await familyFor(family).read(accountId, keys);
          for (const [key, value] of Object.entries(values)) out[facetId(family, key)] = value;
        }
      } catch (error) {
        // The account cannot be looked into (yet): say so rather than fail the whole read.
        if (isAppError(error) && (error.code === 'account-not-ready' || error.code === 'access-denied')) return 'unknown';
        throw error;
      }
      return out;
    },

    async putFacet(accountId: string, family: FacetFamily, key: string, value: FacetValue): Promise<void> {
      refuseProtectedAccount(protectedIds, accountId, `set ${family} ${key} of`);
      await familyFor(family).put(accountId, key, value);
    },

    async deleteFacet(accountId: string, family: FacetFamily, key: string): Promise<void> {
      refuseProtectedAccount(protectedIds, accountId, `remove ${family} ${key} of`);
      await familyFor(family).delete(accountId, key);
    },
  };
}
