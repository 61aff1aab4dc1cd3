/** The fast path gives exactly what the `yaml` package gives, or steps aside. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { yamlOptions } from '../../src/config/parse-yaml.ts';
import { parseSimpleYaml } from '../../src/config/simple-yaml.ts';
import { seededRandom } from '../support/random.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** What validation reads without the fast path: the value, or undefined when yaml reports anything. */
function viaYaml(text: string): { value: unknown; start: number } | undefined {
  const doc = parseDocument(text, yamlOptions(new LineCounter()));
  if (doc.errors.length > 0 || doc.warnings.length > 0 || doc.contents === null) return undefined;
  return { value: doc.toJS({ maxAliasCount: 0 }), start: doc.contents.range[0] };
}

function expectSameAsYaml(text: string): void {
  const simple = parseSimpleYaml(text);
  if (simple === undefined) return;
  expect(viaYaml(text), text).toEqual(simple);
}

describe('parseSimpleYaml', () => {
  it("reads the repository's data files exactly as yaml does, and takes the fast path for every user file", () => {
    const users = readdirSync(join(ROOT, 'users')).map((f) => join(ROOT, 'users', f));
    const accounts = readdirSync(join(ROOT, 'accounts')).map((f) => join(ROOT, 'accounts', f));
    for (const file of [...users, ...accounts]) {
      const text = readFileSync(file, 'utf8');
      // Users are the bulk at scale; an account with team roles (a list of maps) may take yaml's path.
      if (users.includes(file)) expect(parseSimpleYaml(text), file).toBeDefined();
      expectSameAsYaml(text);
    }
  });

  it.each([
    ['a number', 'a: 5\n'],
    ['a negative number', 'a: -5\n'],
    ['a boolean', 'a: true\n'],
    ['null', 'a: ~\n'],
    ['an empty value', 'a:\nb: x\n'],
    ['an alias', 'a: *x\n'],
    ['an anchor', 'a: &x y\n'],
    ['a tag', 'a: !!str y\n'],
    ['a flow sequence that is not empty', 'a: [x]\n'],
    ['a block scalar', 'a: |\n  x\n'],
    ['an escape', 'a: "x\\ty"\n'],
    ['a multi-line plain scalar', 'a: x\n  y\n'],
    ['a duplicate key', 'a: x\na: y\n'],
    ['a document marker', '---\na: x\n'],
    ['a directive', '%YAML 1.2\n---\na: x\n'],
    ['a tab', 'a:\tx\n'],
    ['a carriage return', 'a: x\r\n'],
    ['a non-ASCII letter', 'a: Zoë\n'],
    ['a zero-width space', 'a: x\u200by\n'],
    ['a nested key in a value', 'a: b: c\n'],
    ['a top-level sequence', '- a\n'],
    ['a mapping in a sequence', 'a:\n  - b: c\n'],
    ['bad indentation', 'a:\n    b: x\n  c: y\n'],
    ['nesting deeper than four', 'a:\n b:\n  c:\n   d:\n    e: x\n'],
    ['a __proto__ key', '__proto__: x\n'],
  ])('steps aside for %s', (_, text) => {
    expect(parseSimpleYaml(text)).toBeUndefined();
  });

  it('agrees with yaml on 5,000 generated documents (same seed, same documents)', () => {
    const random = seededRandom(13);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const safe = ['x', 'Ada Lovelace', 'a@b.gov.uk', '/Workloads/Production', 'yes', 'No', '"quoted"', "'single'", 'x # comment', 'C#', '[]'];
    const scalars = [
      'x', 'Ada Lovelace', 'a@b.gov.uk', '/Workloads/Production', 'yes', 'No', 'on', 'null', 'True', '5', '-1', '0o17', '.5',
      '~', '"quoted"', "'single'", '"a b" # note', 'x # comment', 'x#y', 'a: b', 'a:', 'http://x', '"esc\\"', "'it''s'", '&a x',
      '*a', '!t x', '[a]', '{a: b}', '|', '>', '@x', '`x', '%x', 'C#', '(x)', '_x', 'a, b', 'x  ', ' x', '""', "''", '#',
    ];
    const keys = ['a', 'b', 'name', 'cost-centre', 'a.b', 'team', 'users', 'state', 'true', 'null', '5', '"q"', 'x y', '<<'];
    const scalar = () => (random() < 0.7 ? pick(safe) : pick(scalars));
    const key = () => (random() < 0.9 ? pick(keys.slice(0, 8)) : pick(keys));
    const indents = [0, 1, 2, 3, 4];
    let simple = 0;
    for (let n = 0; n < 5_000; n++) {
      const lines: string[] = [];
      for (let i = 0, count = 1 + Math.floor(random() * 6); i < count; i++) {
        const indent = ' '.repeat(i === 0 || random() < 0.5 ? 0 : pick(indents));
        const kind = random();
        if (kind < 0.55) lines.push(`${indent}${key()}: ${scalar()}`);
        else if (kind < 0.75) lines.push(`${indent}${key()}:`);
        else if (kind < 0.9) lines.push(`${indent}- ${scalar()}`);
        else lines.push(`${indent}# comment`);
      }
      const text = `${lines.join('\n')}\n`;
      if (parseSimpleYaml(text) !== undefined) simple++;
      expectSameAsYaml(text);
    }
    expect(simple).toBeGreaterThan(500); // the fast path was exercised, not only stepped aside
  });
});
