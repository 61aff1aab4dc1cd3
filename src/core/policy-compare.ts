/**
 * Comparing IAM policy documents as IAM evaluates them, and reading what they grant: the one place
 * the planner, the role diff and the adapters agree on when two documents say the same thing.
 */
import type { PolicyDocument } from './model.ts';
import { isRecord } from './plan-helpers.ts';


export function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * A canonical form for comparing policy documents as IAM evaluates them: key order ignored,
 * string lists ignored in order, `["x"]` the same as `"x"`, `true` the same as `"true"`.
 */
function canonical(value: unknown): unknown {
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    const items = value.map(canonical);
    if (items.length === 1) return items[0];
    if (items.every((item) => typeof item === 'string')) return [...new Set(items as string[])].sort();
    return items;
  }
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = canonical(value[key]);
    return out;
  }
  return value;
}

/** Whether two policy documents say the same thing (deep, ignoring key and list order). */
export function isSamePolicy(a: PolicyDocument, b: PolicyDocument): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/**
 * One thing a policy says: an effect for one principal, action and resource, under a set of
 * conditions (each `operator key=values`, canonical). A statement with lists expands to one grant
 * per combination; `NotAction`/`NotResource`/`NotPrincipal` are kept as their own values, prefixed.
 */
export interface Grant {
  effect: 'Allow' | 'Deny';
  principal: string;
  action: string;
  resource: string;
  conditions: readonly string[];
}

function strings(value: unknown): string[] {
  return asArray(value).map((item) => (typeof item === 'string' ? item : JSON.stringify(canonical(item))));
}

function principalsOf(statement: Record<string, unknown>): string[] {
  const principal = statement['Principal'];
  const notPrincipal = statement['NotPrincipal'];
  if (principal === undefined && notPrincipal === undefined) return [''];
  if (principal === '*') return ['*'];
  const out: string[] = [];
  for (const [value, prefix] of [[principal, ''], [notPrincipal, 'not:']] as const) {
    if (!isRecord(value)) continue;
    for (const [type, entries] of Object.entries(value)) for (const entry of strings(entries)) out.push(`${prefix}${type}:${entry}`);
  }
  return out;
}

function conditionsOf(statement: Record<string, unknown>): string[] {
  const condition = statement['Condition'];
  if (!isRecord(condition)) return [];
  const out: string[] = [];
  for (const [operator, block] of Object.entries(condition)) {
    if (!isRecord(block)) continue;
    for (const [key, values] of Object.entries(block)) out.push(`${operator} ${key}=${JSON.stringify(canonical(asArray(values)))}`);
  }
  return out.sort();
}

/** Every grant a policy document makes, one per principal × action × resource of each statement. */
export function grantsOf(document: PolicyDocument): Grant[] {
  const out: Grant[] = [];
  for (const statement of asArray(document['Statement'])) {
    if (!isRecord(statement)) continue;
    const effect = statement['Effect'] === 'Deny' ? 'Deny' : 'Allow';
    const actions = [...strings(statement['Action']), ...strings(statement['NotAction']).map((a) => `not:${a}`)];
    const resources = [...strings(statement['Resource']), ...strings(statement['NotResource']).map((r) => `not:${r}`)];
    const conditions = conditionsOf(statement);
    for (const principal of principalsOf(statement)) {
      for (const action of actions.length === 0 ? [''] : actions) {
        for (const resource of resources.length === 0 ? [''] : resources) out.push({ effect, principal, action, resource, conditions });
      }
    }
  }
  return out;
}

/**
 * How `after` differs from `before` in what it allows: `widens` when it allows something new (a
 * principal, an action, a resource), drops a condition on something allowed, or drops a denial;
 * `narrows` for the reverse. Both can hold at once. Wildcards are compared as written, not expanded.
 */
export function compareGrants(before: readonly Grant[], after: readonly Grant[]): { widens: boolean; narrows: boolean } {
  const index = (grants: readonly Grant[], effect: Grant['effect']): Map<string, Set<string>[]> => {
    const map = new Map<string, Set<string>[]>();
    for (const grant of grants) {
      if (grant.effect !== effect) continue;
      const key = `${grant.principal}|${grant.action}|${grant.resource}`;
      map.set(key, [...(map.get(key) ?? []), new Set(grant.conditions)]);
    }
    return map;
  };
  // `a` is at least as permissive as `b` for one key when some statement of `a` needs a subset of
  // the conditions of some statement of `b`.
  const covers = (a: Set<string>[] | undefined, b: Set<string>[]): boolean =>
    a !== undefined && b.every((need) => a.some((has) => [...has].every((c) => need.has(c))));
  const exceeds = (more: Map<string, Set<string>[]>, less: Map<string, Set<string>[]>): boolean =>
    [...more].some(([key, conditions]) => !covers(less.get(key), conditions));
  const allowBefore = index(before, 'Allow');
  const allowAfter = index(after, 'Allow');
  const denyBefore = index(before, 'Deny');
  const denyAfter = index(after, 'Deny');
  return {
    widens: exceeds(allowAfter, allowBefore) || exceeds(denyBefore, denyAfter),
    narrows: exceeds(allowBefore, allowAfter) || exceeds(denyAfter, denyBefore),
  };
}
