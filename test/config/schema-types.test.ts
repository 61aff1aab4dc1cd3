import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderSchemaTypes, schemaTypesPath } from '../../scripts/generate-types.ts';

describe('schema-types.ts', () => {
  it('is what scripts/generate-types.ts derives from schema/ (run `npm run gen:types` after changing a schema)', async () => {
    expect(await readFile(schemaTypesPath, 'utf8')).toBe(await renderSchemaTypes());
  });
});
