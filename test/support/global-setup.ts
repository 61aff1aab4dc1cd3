import { CHROMIUM_INSTALL_HINT, hasChromium } from './browser.ts';
import { hasMotoServer, MOTO_INSTALL_HINT, startMotoBroker } from './moto.ts';

/**
 * Fails fast, with the install command, when the AWS or browser tests cannot run; then lends moto
 * servers to the test files (startMotoBroker) and stops them all at the end.
 */
export default async function setup(): Promise<() => Promise<void>> {
  if (!hasMotoServer()) throw new Error(MOTO_INSTALL_HINT);
  if (!hasChromium()) throw new Error(CHROMIUM_INSTALL_HINT);
  const broker = await startMotoBroker();
  return () => broker.stop();
}
