/**
 * Derives the TypeScript types of the data files from the JSON Schemas in schema/, the single
 * source of truth. `npm run gen:types` rewrites src/config/schema-types.ts; the test suite calls
 * renderSchemaTypes() and fails if the committed file differs, so the two cannot drift.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
export const schemaTypesPath = `${root}src/config/schema-types.ts`;

export async function renderSchemaTypes(): Promise<string> {
  const parts: string[] = [
    '/* Generated from schema/*.schema.json by `npm run gen:types`. Do not edit by hand. */',
  ];
  for (const name of ['user', 'account', 'settings']) {
    const schema = JSON.parse(await readFile(`${root}schema/${name}.schema.json`, 'utf8'));
    parts.push(
      await compile(schema, schema.title, {
        bannerComment: '',
        additionalProperties: false,
        cwd: `${root}schema`,
        style: { singleQuote: true },
      }),
    );
  }
  return parts.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(schemaTypesPath, await renderSchemaTypes());
  console.error(`wrote ${schemaTypesPath}`);
}
