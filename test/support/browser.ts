/**
 * A real browser for the request form's tests: Debian's chromium package, driven by playwright-core
 * (Playwright's own browser download is not used). One browser per test file.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_INSTALL_HINT =
  `Chromium was not found at ${CHROMIUM_PATH}. The request form's tests drive Debian's chromium package; install it with\n` +
  '  sudo apt-get update && sudo apt-get install -y chromium\n' +
  '(.ci/run does this when it is missing), then run the tests again.';

export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export async function launchChromium(): Promise<Browser> {
  if (!hasChromium()) throw new Error(CHROMIUM_INSTALL_HINT);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
