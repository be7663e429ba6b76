import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium, headless. Background networking stays off: this machine's closed network
 * refuses those connections and Chromium would retry them for the whole run.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['SHIPSHAPE_CHROMIUM'] ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
