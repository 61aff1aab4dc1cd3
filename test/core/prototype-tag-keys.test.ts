/**
 * Tag keys are data whatever their name. Validation refuses `__proto__` in account files; below it,
 * the core and the sandbox still carry it as an ordinary key (defence in depth), and keys every
 * object inherits (`constructor`, `toString`) compare as plain keys.
 */
import { describe, expect, it } from 'vitest';
import { mergeTags } from '../../src/adapters/sandbox/rules.ts';
import { accountTags } from '../../src/core/baseline.ts';
import { anAccount } from '../support/builders.ts';

/** An object with an own `__proto__` key, as JSON.parse and the YAML reader make them. */
const withProto = (value: string): Record<string, string> => JSON.parse(`{"__proto__": ${JSON.stringify(value)}, "owner": "x"}`) as Record<string, string>;

describe('tag keys named like JavaScript internals', () => {
  it('accountTags keeps __proto__ as an own key with its value', () => {
    const tags = accountTags(anAccount('team-a', { tags: withProto('p') }));
    expect(Object.hasOwn(tags, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(tags, '__proto__')?.value).toBe('p');
    expect(Object.getPrototypeOf(tags)).toBe(Object.prototype);
    expect(tags['managed-tag-keys']).toBe('__proto__ owner');
  });

  it('the sandbox stores __proto__ as a tag, not as a prototype', () => {
    const merged = mergeTags({}, withProto('p'), false);
    expect(Object.keys(merged).sort()).toEqual(['__proto__', 'owner']);
    expect(JSON.parse(JSON.stringify(merged))).toEqual(withProto('p'));
  });
});
