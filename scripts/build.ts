/**
 * `npm run build`: compiles the CLI into dist/ so that npm scripts, the `bin` entry and the
 * workflows run it with plain `node` (tsx stays for development and tests).
 *
 * - One ES module per command (code splitting): src/cli/main.ts imports each command only when it
 *   runs, so `validate` never loads the AWS SDK or Octokit.
 * - Dependencies are bundled in, which spares Node resolving and reading hundreds of small files at
 *   every start.
 * - The schema validators are generated here by ajv ("standalone" code, from the same schemas and
 *   options as src/config/schema-validators.ts), instead of being compiled at every start.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { build, type Plugin } from 'esbuild';
import { createAjv, SCHEMAS } from '../src/config/schema-validators.ts';

const ROOT = join(import.meta.dirname, '..');

/** ES module source exporting `SCHEMAS` and `validators` as schema-validators.ts does. */
export function standaloneValidators(): string {
  const ajv = createAjv({ code: { source: true, esm: true } });
  const ids: Record<string, string> = {};
  for (const [kind, schema] of Object.entries(SCHEMAS)) {
    ajv.addSchema(schema);
    ids[kind] = schema.$id;
  }
  return [
    standaloneCode.default(ajv, ids),
    `export const SCHEMAS = ${JSON.stringify(SCHEMAS)};`,
    `export const validators = { ${Object.keys(ids).join(', ')} };`,
  ].join('\n');
}

const precompiledValidators: Plugin = {
  name: 'precompiled-validators',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]src[\\/]config[\\/]schema-validators\.ts$/ }, () => ({
      contents: standaloneValidators(),
      loader: 'js',
      resolveDir: join(ROOT, 'src', 'config'),
    }));
  },
};

export async function buildCli(outdir = join(ROOT, 'dist')): Promise<void> {
  await rm(outdir, { recursive: true, force: true });
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  await build({
    // `--version` of the compiled CLI, wherever its files are copied (src/cli/version.ts).
    define: { AWS_ACCESS_VERSION: JSON.stringify(`${pkg.name} ${pkg.version}`) },
    absWorkingDir: ROOT,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunks/[name]-[hash]',
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [precompiledValidators],
    // Bundled CommonJS packages (ajv, parts of the SDK) call require() for Node's own modules.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
}

if (process.argv[1] === import.meta.filename) await buildCli(process.argv[2]);
