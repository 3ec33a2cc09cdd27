/// <reference lib="dom" />
/**
 * The seed's `test_complete_signup_flow`, step for step, in real Chromium against the real app on a
 * real port; then login, and the htmx Data page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { createTenantWithOwner, startTestApp, uniqueName, type TestApp } from '../support/test-app.js';
import { E2E_APP_ENV, freePort, launchBrowser, watchConsole } from '../support/browser.js';

let t: TestApp;
let browser: Browser;
let port: number;

before(async () => {
  port = await freePort();
  t = await startTestApp({ PORT: String(port), HOST: '127.0.0.1', ...E2E_APP_ENV });
  await t.app.listen({ host: '127.0.0.1', port });
  // The seed's test uses fixed names; on a reused database, clear them first.
  await t.deps.withOwnerDb(async (db) => {
    await db.execute(sql`delete from tenants where subdomain = 'testco'`);
    await db.execute(sql`delete from users where email = 'admin@testco.com'`);
  });
  await t.deps.cache.delete('tenant:sub:testco');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

describe('sign-up flow in Chromium', () => {
  test('test_complete_signup_flow', async () => {
    const page = await browser.newPage();
    const problems = watchConsole(page);

    // Navigate to signup
    await page.goto(`http://localhost:${port}/signup`);

    // Fill signup form
    await page.fill('#company-name', 'Test Company');
    await page.fill('#subdomain', 'testco');
    await page.fill('#email', 'admin@testco.com');
    await page.fill('#password', 'SecurePass123!');

    // Submit form
    await page.click('#signup-button');

    // Wait for tenant creation
    await page.waitForSelector('.success-message');

    // Verify redirect to dashboard
    await page.waitForURL('**/dashboard');

    // Verify tenant setup
    const tenantName = await page.textContent('.tenant-name');
    assert.equal(tenantName, 'Test Company');
    assert.equal(new URL(page.url()).host, `testco.localhost:${port}`);

    // The stats card loads through htmx.
    await page.waitForSelector('#dashboard-stats .stat-value');
    const stats = await page.textContent('#dashboard-stats');
    assert.match(stats ?? '', /Members/i);
    assert.deepEqual(problems, [], 'no console errors or CSP violations');
    await page.close();
  });

  test('sign-up errors show inline without leaving the page', async () => {
    const page = await browser.newPage();
    await page.goto(`http://localhost:${port}/signup`);
    await page.fill('#company-name', 'Another');
    await page.fill('#subdomain', 'admin');
    await page.fill('#email', `${uniqueName('x')}@example.com`);
    await page.fill('#password', 'long enough passphrase');
    await page.click('#signup-button');
    // Passes the browser's own checks (pattern, length), so the server answers: inline, via htmx.
    await page.waitForSelector('#subdomain-error');
    assert.match((await page.textContent('#subdomain-error')) ?? '', /reserved/);
    assert.equal(await page.inputValue('#company-name'), 'Another', 'what the user typed is kept');
    assert.equal(new URL(page.url()).pathname, '/signup');
    await page.close();
  });
});

describe('login and the Data page in Chromium', () => {
  test('log in on the root site, land on the workspace, add items and scroll', async () => {
    const owner = await createTenantWithOwner(t, { companyName: 'Scroll Co' });
    const scope = t.services.tenants.getTenantDb(owner.tenant.id);
    for (let i = 1; i <= 30; i++) await t.services.data.create(scope, 'premium', { name: `Seeded item ${i}` }, owner.userId);

    const page = await browser.newPage();
    const problems = watchConsole(page);
    await page.goto(`http://localhost:${port}/login`);
    await page.fill('#email', owner.email);
    await page.fill('#password', owner.password);
    await page.click('#login-button');
    await page.waitForURL('**/dashboard');
    assert.equal(await page.textContent('.tenant-name'), 'Scroll Co');

    await page.goto(`http://${owner.tenant.subdomain}.localhost:${port}/data`);
    await page.waitForSelector('#data-rows tr[id^="item-"]');
    assert.equal(await page.locator('#data-rows tr[id^="item-"]').count(), 20);
    // Scrolling to the sentinel loads the next page (hx-trigger="revealed").
    await page.locator('#data-rows tr').last().scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelectorAll('#data-rows tr[id^="item-"]').length === 30);

    await page.fill('#data-name', 'Made in the browser');
    await page.click('#data-create-form button[type="submit"]');
    await page.waitForSelector('#data-rows tr:first-child >> text=Made in the browser');
    assert.deepEqual(problems, [], 'no console errors or CSP violations');
    await page.close();
  });
});
