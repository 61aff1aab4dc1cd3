/**
 * The layers CONVENTIONS describe, checked from the imports themselves: the core imports only the
 * core (and, as types, the types generated from the schemas); ports speak the core's types; each
 * adapter sees the core, the ports and itself; render sees the core; apply sees the core, the ports
 * and the renderers' wording; config sees the core; only the CLI may import everything. No SDK,
 * Octokit or Node I/O outside the edges. A new import that crosses a layer fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

type Layer = 'core' | 'ports' | 'config' | 'render' | 'apply' | 'adapters/aws' | 'adapters/sandbox' | 'adapters/github' | 'cli' | 'form';

/** Which layers each layer may import from (itself included). */
const ALLOWED: Readonly<Record<Layer, readonly Layer[]>> = {
  core: ['core'],
  ports: ['core', 'ports'],
  config: ['core', 'config'],
  render: ['core', 'render'],
  apply: ['core', 'ports', 'render', 'apply'],
  'adapters/aws': ['core', 'ports', 'adapters/aws'],
  'adapters/sandbox': ['core', 'ports', 'adapters/sandbox'],
  'adapters/github': ['core', 'ports', 'adapters/github'],
  cli: ['core', 'ports', 'config', 'render', 'apply', 'adapters/aws', 'adapters/sandbox', 'adapters/github', 'cli'],
  // The request form is an edge of its own: a static site built from the schemas, the settings and
  // the validation code it shares with the CLI (config), never AWS or GitHub.
  form: ['core', 'config', 'render', 'form'],
};

/** Packages only the edges may import: vendors' SDKs belong to their adapters. */
const PACKAGE_OWNERS: readonly [RegExp, readonly Layer[]][] = [
  [/^@aws-sdk\/|^@smithy\//, ['adapters/aws']],
  [/^@octokit\//, ['adapters/github']],
  // render writes YAML files (import) with the yaml package's Document API.
  [/^yaml$/, ['config', 'render', 'form']],
  [/^ajv/, ['config']],
  [/^node:(fs|child_process|net|http|https)/, ['config', 'adapters/sandbox', 'adapters/github', 'cli', 'form']],
];

function layerOf(file: string): Layer {
  const parts = relative(SRC, file).split('/');
  const top = parts[0] ?? '';
  const layer = top === 'adapters' ? `adapters/${parts[1] ?? ''}` : top;
  if (!(layer in ALLOWED)) throw new Error(`${relative(SRC, file)} is in no known layer (${layer})`);
  return layer as Layer;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

interface Import {
  specifier: string;
  typeOnly: boolean;
}

function importsOf(text: string): Import[] {
  const out: Import[] = [];
  for (const match of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'";]*?\bfrom\s+'([^']+)'/gms)) {
    out.push({ specifier: match[3] ?? '', typeOnly: match[2] !== undefined });
  }
  for (const match of text.matchAll(/import\(\s*'([^']+)'\s*\)/g)) out.push({ specifier: match[1] ?? '', typeOnly: false });
  return out;
}

/** Every import of `file` that its layer may not make, as `file -> specifier`. */
function violations(file: string): string[] {
  const layer = layerOf(file);
  const out: string[] = [];
  for (const { specifier, typeOnly } of importsOf(readFileSync(file, 'utf8'))) {
    const name = `${relative(SRC, file)} -> ${specifier}`;
    if (specifier.startsWith('.')) {
      const target = resolve(dirname(file), specifier);
      // Outside src/: only config reads the JSON Schemas in schema/ (imported as JSON).
      if (relative(SRC, target).startsWith('..')) {
        if (layer !== 'config' || !/^\.\.\/schema\/[\w.-]+\.json$/.test(relative(SRC, target))) out.push(name);
        continue;
      }
      // The types generated from schema/ are the core's vocabulary for the files (types only).
      if (layer === 'core' && typeOnly && relative(SRC, target) === 'config/schema-types.ts') continue;
      if (!ALLOWED[layer].includes(layerOf(target))) out.push(name);
      continue;
    }
    const owner = PACKAGE_OWNERS.find(([pattern]) => pattern.test(specifier));
    if (owner !== undefined && !owner[1].includes(layer) && layer !== 'cli' && !typeOnly) out.push(name);
  }
  return out;
}

describe('layers', () => {
  const files = sourceFiles(SRC);

  it('finds the source files and their imports', () => {
    expect(files.length).toBeGreaterThan(40);
    expect(importsOf("import { a } from './a.ts';\nimport type {\n  B,\n} from '../b.ts';\nexport { c } from './c.ts';")).toEqual([
      { specifier: './a.ts', typeOnly: false },
      { specifier: '../b.ts', typeOnly: true },
      { specifier: './c.ts', typeOnly: false },
    ]);
  });

  it('no module imports across the layers', () => {
    expect(files.flatMap(violations)).toEqual([]);
  });

  it('would catch a crossing: the core importing an adapter, render importing apply', () => {
    const fake = (path: string, text: string): string[] => {
      const layer = layerOf(join(SRC, path));
      return importsOf(text).flatMap(({ specifier }) => {
        const target = resolve(dirname(join(SRC, path)), specifier);
        return ALLOWED[layer].includes(layerOf(target)) ? [] : [specifier];
      });
    };
    expect(fake('core/plan.ts', "import { x } from '../adapters/aws/organization.ts';")).toEqual(['../adapters/aws/organization.ts']);
    expect(fake('render/plan-text.ts', "import { y } from '../apply/apply-plan.ts';")).toEqual(['../apply/apply-plan.ts']);
  });
});
