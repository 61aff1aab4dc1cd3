import { CHROMIUM_INSTALL_HINT, hasChromium } from './browser.ts';
import { hasMotoServer, MOTO_INSTALL_HINT } from './moto.ts';

/** Fails fast, with the install command, when the AWS or browser tests cannot run. */
export default function setup(): void {
  if (!hasMotoServer()) throw new Error(MOTO_INSTALL_HINT);
  if (!hasChromium()) throw new Error(CHROMIUM_INSTALL_HINT);
}
