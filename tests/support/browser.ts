/** Chromium for end-to-end tests: Debian's /usr/bin/chromium (or CHROMIUM_PATH) driven by playwright-core. */
import crypto from 'node:crypto';
import net from 'node:net';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A client address of its own, as separate visitors have. */
const randomAddress = () => `10.${crypto.randomInt(256)}.${crypto.randomInt(256)}.${crypto.randomInt(1, 255)}`;

/**
 * Each browser context (and each `newPage()`, which makes one) is a separate visitor with an address
 * of its own, sent as X-Forwarded-For: the e2e apps trust the loopback proxy (TRUST_PROXY=127.0.0.1,
 * see E2E_APP_ENV). Without it every test file's Chromium is 127.0.0.1, and the per-address limits
 * (shared in Redis by test files running in parallel) add up across files.
 */
/** `mapHosts`: more host patterns to resolve to the loopback address (custom domains such as `*.test`). */
export async function launchBrowser(options: { mapHosts?: string[] } = {}): Promise<Browser> {
  const browser = await chromium.launch({
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
      // Tenants live on subdomains of localhost: resolve them all to the loopback address the app listens on.
      `--host-resolver-rules=${['*.localhost', 'localhost', ...(options.mapHosts ?? [])].map((h) => `MAP ${h} 127.0.0.1`).join(', ')}`,
    ],
  });
  const newContext = browser.newContext.bind(browser);
  const newPage = browser.newPage.bind(browser);
  const withAddress = <T extends { extraHTTPHeaders?: Record<string, string> }>(options: T = {} as T): T => ({
    ...options,
    extraHTTPHeaders: { 'x-forwarded-for': randomAddress(), ...options.extraHTTPHeaders },
  });
  browser.newContext = (options) => newContext(withAddress(options));
  browser.newPage = (options) => newPage(withAddress(options));
  return browser;
}

/** What an app under a browser test needs: it trusts the loopback proxy for X-Forwarded-For (see launchBrowser). */
export const E2E_APP_ENV = { TRUST_PROXY: '127.0.0.1' } as const;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Collects console errors and CSP violations so a test can assert the page ran cleanly. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (msg: ConsoleMessage) => {
    if (msg.type() === 'error') problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(err.message));
  return problems;
}
