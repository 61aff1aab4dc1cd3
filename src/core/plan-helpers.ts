/** Small helpers the planner's modules share: ordering, case, ids. */

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A plain object (not null, not a list): what parsed JSON and YAML mappings are. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** IAM names of users and roles are unique ignoring case, so the planner matches them that way. */
export const lower = (value: string): string => value.toLowerCase();

export function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

export function sortedEntries<T>(map: ReadonlyMap<string, T>): [string, T][] {
  return [...map.entries()].sort(([a], [b]) => compareText(a, b));
}

/** Ids from a git baseline are placeholders, not account numbers (see base-ref.ts). */
export function isAccountId(id: string): boolean {
  return /^\d{12}$/.test(id);
}

/** ` (123456789012)` for a real account id, nothing for a placeholder. */
export function showId(id: string): string {
  return isAccountId(id) ? ` (${id})` : '';
}
