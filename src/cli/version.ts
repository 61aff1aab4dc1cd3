/**
 * The CLI's version: package.json's name and `version`. The compiled CLI carries it, written in by
 * `npm run build` (scripts/build.ts defines AWS_ACCESS_VERSION), so it is right wherever its files
 * are copied. From the sources (tsx: development and tests) it is read at run time from the
 * nearest package.json above this module that has one; importing the JSON instead would cross the
 * layers (only config imports JSON from outside src/).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

declare const AWS_ACCESS_VERSION: string | undefined;

/** `aws-access-as-code 0.1.0`, or the name with "(unknown version)" when no package.json says. */
export async function describeVersion(): Promise<string> {
  if (typeof AWS_ACCESS_VERSION === 'string') return AWS_ACCESS_VERSION;
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
