/**
 * Account facets on AWS (core/facets.ts): one AwsFacetFamily per family of account settings, in a
 * table typed over the core's families, so a family the core lists but AWS cannot reach fails to
 * compile. Each family speaks its own API from the management account (e.g. the Account Management
 * API for alternate contacts, account-contacts.ts) and returns AppErrors.
 */
import type { FacetFamily } from '../../core/facet-sources.ts';
import type { FacetValue } from '../../core/facets.ts';
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
