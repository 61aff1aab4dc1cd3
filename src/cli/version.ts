/**
 * The CLI's version: package.json's `version`. Read at run time from the nearest package.json above
 * this module that has one, which is the project's from the sources (src/cli/) and from the compiled
 * CLI (dist/, dist/chunks/) alike; importing it instead would put the whole file in the bundle and
 * cross the layers (only config imports JSON from outside src/).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `aws-access-as-code 0.1.0`, or the name with "(unknown version)" when no package.json says. */
export async function describeVersion(): Promise<string> {
  for (let folder = dirname(fileURLToPath(import.meta.url)); ; folder = dirname(folder)) {
    const found = versionIn(await readFile(join(folder, 'package.json'), 'utf8').catch(() => undefined));
    if (found !== undefined) return found;
    if (dirname(folder) === folder) return 'aws-access-as-code (unknown version)';
  }
}

function versionIn(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined; // not this project's package.json: keep looking above
  }
  const { name, version } = (typeof json === 'object' && json !== null ? json : {}) as { name?: unknown; version?: unknown };
  return typeof version === 'string' ? `${typeof name === 'string' ? name : 'aws-access'} ${version}` : undefined;
}
