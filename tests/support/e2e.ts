/**
 * The setup every browser test shares: the app listening on a free port (PUBLIC_URL pointing at it,
 * so mailed links work) and one Chromium. Call in a file's `before`, close in its `after`.
 */
import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { E2E_APP_ENV, freePort, launchBrowser } from './browser.js';
import { startTestApp, type TestApp } from './test-app.js';

export interface E2eContext {
  t: TestApp;
  browser: Browser;
  port: number;
  close(): Promise<void>;
}

export async function startE2e(env: Record<string, string> = {}): Promise<E2eContext> {
  const port = await freePort();
  const t = await startTestApp({ PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://localhost:${port}`, ...E2E_APP_ENV, ...env });
  await t.app.listen({ host: '127.0.0.1', port });
  const browser = await launchBrowser();
  return {
    t,
    browser,
    port,
    async close() {
      await browser.close();
      await t.close();
    },
  };
}

/**
 * Registers `before`/`after` for the file and returns the context, filled once `before` has run.
 * `env`: extra configuration for the app, made when `before` runs (it may start the servers the app talks to).
 */
export function useE2e(env: () => Record<string, string> | Promise<Record<string, string>> = () => ({})): E2eContext {
  const context = {} as E2eContext;
  before(async () => {
    Object.assign(context, await startE2e(await env()));
  });
  after(async () => context.close?.());
  return context;
}

/** Signs in with the login form at `base` (a workspace's origin) and waits for its dashboard. */
export async function signInOnPage(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('#login-button');
  await page.waitForURL('**/dashboard');
}
