/**
 * Free-form account tags whose keys are names JavaScript objects already carry (`constructor`,
 * `toString`, ...) are data like any other: applied, read back, and planned as no change. `__proto__`,
 * the one key a plain object cannot hold as data, is refused by validation before any target is
 * touched.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { useRepoCopy } from './repo-copy.ts';

const copy = useRepoCopy('aac-tag-keys-');
const run = copy.run;

const ACCOUNT = 'accounts/tag-keys-test.yaml';
const account = (...tags: string[]): string => `# yaml-language-server: $schema=../schema/account.schema.json
name: tag-keys-test
description: Tags named like JavaScript's own properties.
organizational_unit: /Workloads/Production
team:
  name: Platform
  email: amara.okafor@digital.cabinet-office.gov.uk
requested_by: amara.okafor@digital.cabinet-office.gov.uk
billing:
  cost_centre: "1234"
  business_unit: GDS
state: active
tags:
${tags.map((tag) => `  ${tag}`).join('\n')}
`;

it('keys such as constructor and toString are applied, read back, and then plan as no change', async () => {
  await writeFile(join(copy.dir, ACCOUNT), account('constructor: a', 'toString: b', 'hasOwnProperty: c', 'valueOf: d', 'owner: e'));
  const applied = await run('apply');
  expect(applied.code).toBe(0);
  const state = JSON.parse(await readFile(join(copy.dir, '.sandbox', 'state.json'), 'utf8')) as {
    organization: { accounts: { name: string; tags: Record<string, string> }[] };
  };
  const tags = state.organization.accounts.find((a) => a.name === 'tag-keys-test')?.tags ?? {};
  expect([tags['constructor'], tags['toString'], tags['hasOwnProperty'], tags['valueOf'], tags['owner']]).toEqual(['a', 'b', 'c', 'd', 'e']);

  const again = await run('plan', '--detailed-exitcode');
  expect(again.stdout).toContain('No changes.');
  expect(again.code).toBe(0);

  // Removing such a key from the file removes the tag, as for any other key the project set.
  await writeFile(join(copy.dir, ACCOUNT), account('toString: b', 'owner: e'));
  const removal = await run('plan');
  expect(removal.stdout).toMatch(/tag-keys-test.*remove tags constructor, hasOwnProperty, valueOf/);
});

it('__proto__ is refused before any target is touched', async () => {
  await writeFile(join(copy.dir, ACCOUNT), account('owner: e', '__proto__: x'));
  const result = await run('apply');
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(`${ACCOUNT}:15:3`);
  expect(result.stderr).toContain('tags: key "__proto__" is a special name in JavaScript');
  expect(existsSync(join(copy.dir, '.sandbox'))).toBe(false);
});
