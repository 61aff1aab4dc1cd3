import { CHROMIUM_INSTALL_HINT, hasChromium } from './browser.ts';
import { serveCompiledCli } from './compiled-cli.ts';
import { startMotoBroker } from './moto.ts';
import { ensureMotoServer } from './moto-install.ts';

/**
 * Finds moto, or installs it into a git-ignored virtual environment (moto-install.ts); fails fast,
 * with the install command, when the browser tests cannot run; then lends moto servers to the test
 * files (startMotoBroker) and builds the compiled CLI for those that run it (serveCompiledCli), and
 * stops and removes them all at the end.
 */
export default async function setup(): Promise<() => Promise<void>> {
  ensureMotoServer();
  if (!hasChromium()) throw new Error(CHROMIUM_INSTALL_HINT);
  const [broker, cli] = await Promise.all([startMotoBroker(), serveCompiledCli()]);
  return async () => {
    await Promise.all([broker.stop(), cli.stop()]);
  };
}
