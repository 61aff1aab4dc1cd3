/**
 * Account facets: the settings of an account other than its place, tags and roles (its alternate
 * contacts, and whatever comes next), described the way roles are. A FacetSource says what the
 * files and settings want for an account, by facet key; the adapters read and write facets as plain
 * values (named text fields); one diff compares them; put-account-facet and delete-account-facet
 * carry the value before and after. What differs between settings lives only in the source
 * (contacts.ts, ...), listed in facet-sources.ts.
 *
 * Only what it owns: a facet the files do not name is never changed, unless the account's
 * `managed-settings` tag records that the project set it (then removing it from the files deletes
 * it). Apply writes that record before a put and after a delete, so a run stopped in between never
 * leaves a value the project set without its record.
 */
import type { Impact } from './changes.ts';
import { decodeTagKeys } from './baseline.ts';
import type { DesiredAccount, SettingsFile, Tags } from './model.ts';

/** A facet's value: named text fields, as AWS's account APIs take them (`name`, `email`, ...). */
export type FacetValue = Readonly<Record<string, string>>;

/** The tag on an account recording the facets the project set (ids, space-separated). */
export const FACETS_TAG = 'managed-settings';

export interface FacetContext {
  settings: SettingsFile;
  account: DesiredAccount;
}

/** What one family of account settings contributes to the plan. */
export interface FacetSource {
  /** Every facet of the family, by key, with how the plan names it (`the security contact`). */
  keys: Readonly<Record<string, string>>;
  /** How the plan names a field of a value (`email` → `email address`); a field not listed is shown as it is. */
  fieldLabels: Readonly<Record<string, string>>;
  /**
   * The AWS service whose trusted access the Organization must enable before these facets can be
   * read or written in member accounts (e.g. `account.amazonaws.com`), if any.
   */
  trustedService?: string;
  /** The values the files and settings name for the account, by key; a key left out is left alone. */
  wantedFor(context: FacetContext): Readonly<Record<string, FacetValue>>;
  /** How much a change matters to a reviewer: `after` absent means removed, `before` absent not set. */
  impact(key: string, before: FacetValue | undefined, after: FacetValue | undefined): Impact;
}

/** `contacts/security`: the family and the key, as recorded and read. */
export function facetId(family: string, key: string): string {
  return `${family}/${key}`;
}

/** The family and key of a facet id; undefined for an id no source could have written. */
export function parseFacetId(id: string): { family: string; key: string } | undefined {
  const at = id.indexOf('/');
  return at <= 0 || at === id.length - 1 ? undefined : { family: id.slice(0, at), key: id.slice(at + 1) };
}

/** Facet ids an account's tags say the project set. */
export function recordedFacetIds(tags: Tags): string[] {
  const value = Object.hasOwn(tags, FACETS_TAG) ? tags[FACETS_TAG] : undefined;
  return value === undefined ? [] : decodeTagKeys(value);
}

/** The fields whose value differs between two values (either may be absent), sorted. */
export function changedFields(before: FacetValue | undefined, after: FacetValue | undefined): string[] {
  const fields = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...fields].filter((field) => (before?.[field] ?? '') !== (after?.[field] ?? '')).sort();
}

/** Whether a facet as read already is what is wanted. */
export function isFacetAsWanted(live: FacetValue | undefined, wanted: FacetValue): boolean {
  return live !== undefined && changedFields(live, wanted).length === 0;
}
