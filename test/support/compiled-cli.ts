/**
 * The CLI as `npm run build` compiles it (scripts/build.ts), and the apply-lock holder
 * (hold-apply-lock.ts) bundled alike, for the tests that run them as real processes with plain
 * node: a process started through tsx spends about 1.5 s of CPU compiling and loading TypeScript
 * before it does anything; the compiled CLI starts in about 0.3 s.
 *
 * Built once per test run, when a file first asks, by the global set-up (serveCompiledCli); a file
 * run without that set-up builds its own copy once.
 */
import { createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const SERVICE_ENV = 'AAC_COMPILED_CLI';

export interface CompiledCli {
  /** The folder `npm run build` would write (cli.js and its chunks). */
  dir: string;
  /** dist/cli.js's counterpart: `node <cli> validate`. */
  cli: string;
  /** hold-apply-lock.ts bundled: `node <holder> <repo> sandbox|aws`. */
  holder: string;
}

async function buildInto(root: string): Promise<CompiledCli> {
  // Loaded only when a file asks: the global set-up would otherwise load esbuild, ajv and the
  // schemas at the start of every run.
  const [{ build }, { buildCli }] = await Promise.all([import('esbuild'), import('../../scripts/build.ts')]);
  const dir = join(root, 'dist');
  await buildCli(dir);
  const holder = join(root, 'hold-apply-lock.mjs');
  await build({
    absWorkingDir: ROOT,
    entryPoints: [join(ROOT, 'test', 'support', 'hold-apply-lock.ts')],
    outfile: holder,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    // As scripts/build.ts: bundled CommonJS packages call require() for Node's own modules.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  return { dir, cli: join(dir, 'cli.js'), holder };
}

let own: Promise<CompiledCli> | undefined;

/** The compiled CLI and holder of this test run. */
export async function compiledCli(): Promise<CompiledCli> {
  const service = process.env[SERVICE_ENV];
  if (service !== undefined) {
    const response = await fetch(service);
    if (!response.ok) throw new Error(`the compiled CLI could not be built: ${await response.text()}`);
    return (await response.json()) as CompiledCli;
  }
  own ??= mkdtemp(join(tmpdir(), 'aac-compiled-cli-')).then(async (root) => {
    process.once('exit', () => void rm(root, { recursive: true, force: true }));
    return buildInto(root);
  });
  return own;
}

/** For the global set-up: builds on the first request, answers every request with the same build. */
export async function serveCompiledCli(): Promise<{ stop(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'aac-compiled-cli-'));
  let built: Promise<CompiledCli> | undefined;
  const server = createServer((_req, res) => {
    built ??= buildInto(root);
    built.then(
      (compiled) => res.end(JSON.stringify(compiled)),
      (error: unknown) => {
        res.statusCode = 500;
        res.end(error instanceof Error ? error.message : String(error));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  process.env[SERVICE_ENV] = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  return {
    async stop() {
      delete process.env[SERVICE_ENV];
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await built?.catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
}
