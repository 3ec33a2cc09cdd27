/**
 * Custom domains in Chromium: an owner adds a domain from the workspace settings, sees the records to
 * create, checks it once they exist, and then signs in and works on the custom domain itself (its own
 * host-only session). Removing it sends that address back to the root site. DNS answers come from a
 * fake resolver; the browser resolves the custom host to the app.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { DnsResolver } from '../../src/platform/dns/resolver.js';
import { E2E_APP_ENV, freePort, launchBrowser, watchConsole } from '../support/browser.js';
import { signInOnPage } from '../support/e2e.js';
import { createTenantWithOwner, startTestApp, uniqueName, type TestApp } from '../support/test-app.js';

const records = new Map<string, string[][]>();
const dns: DnsResolver = { resolveTxt: async (name) => records.get(name) ?? [] };

let t: TestApp;
let browser: Browser;
let port: number;
before(async () => {
  port = await freePort();
  t = await startTestApp({ PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://localhost:${port}`, ...E2E_APP_ENV }, { dnsResolver: dns, runJobs: true });
  await t.app.listen({ host: '127.0.0.1', port });
  browser = await launchBrowser({ mapHosts: ['*.test'] });
});
after(async () => {
  await browser?.close();
  await t?.close();
});

test('an owner adds a domain, verifies it, and works on it', async () => {
  const owner = await createTenantWithOwner(t);
  const hostname = `${uniqueName('app')}.customer.test`;
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchConsole(page);
  const base = `http://${owner.tenant.subdomain}.localhost:${port}`;
  await signInOnPage(page, base, owner.email, owner.password);

  await page.goto(`${base}/settings/workspace`);
  await page.click('#custom-domains-link');
  await page.waitForURL('**/settings/domains');
  await page.fill('#domain-hostname', hostname);
  await page.click('#add-domain-button');
  await page.waitForURL('**/settings/domains?done=added');
  await page.locator('code', { hasText: `_saas-verify.${hostname}` }).waitFor();
  const value = (await page.locator('code', { hasText: 'saas-verify=' }).first().textContent())!.trim();
  assert.match(value, /^saas-verify=/);

  records.set(`_saas-verify.${hostname}`, [[value]]);
  await page.getByRole('button', { name: `Check ${hostname} now` }).click();
  await page.waitForURL('**/settings/domains?done=checking');
  // The check runs in the background (a worker on Redis; this process on the embedded default).
  for (let i = 0; i < 50 && !(await page.getByText('Verified', { exact: true }).isVisible()); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    await page.reload();
  }
  await page.getByText('Verified', { exact: true }).waitFor();

  // A fresh browser signs in on the custom domain itself.
  const custom = `http://${hostname}:${port}`;
  const visitor = await (await browser.newContext()).newPage();
  await signInOnPage(visitor, custom, owner.email, owner.password);
  assert.equal(new URL(visitor.url()).hostname, hostname);
  await visitor.getByText(owner.tenant.name).first().waitFor();
  const cookies = await visitor.context().cookies();
  assert.ok(cookies.some((c) => c.name.includes('session_token') && c.domain === hostname), 'a host-only session on the custom domain');

  await page.locator('summary', { hasText: 'Remove' }).click();
  await page.getByRole('button', { name: `Remove ${hostname.length > 24 ? 'domain' : hostname}` }).click();
  await page.waitForURL('**/settings/domains?done=removed');
  await visitor.goto(`${custom}/dashboard`);
  assert.equal(new URL(visitor.url()).pathname, '/workspaces', 'the address is the root site again');
  assert.deepEqual(problems, []);
});
