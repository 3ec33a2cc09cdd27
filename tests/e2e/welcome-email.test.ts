/// <reference lib="dom" />
/**
 * The welcome email in Chromium: sign up on the form, open /dev/mail, find the welcome email in the
 * list, open it: the HTML part (framed, sandboxed) greets the new workspace by name.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { uniqueName } from '../support/test-app.js';
import { useE2e } from '../support/e2e.js';
import { watchConsole } from '../support/browser.js';

const e2e = useE2e();

describe('the welcome email in Chromium', () => {
  test('sign up -> /dev/mail lists the welcome email -> its HTML part names the workspace', async () => {
    const { browser, port } = e2e;
    const page = await browser.newPage();
    const problems = watchConsole(page);
    const subdomain = uniqueName('welcome');
    const email = `${uniqueName('owner')}@example.com`;
    const companyName = `Welcome ${subdomain.slice(-5)} & Sons`;

    await page.goto(`http://localhost:${port}/signup`);
    await page.fill('#company-name', companyName);
    await page.fill('#subdomain', subdomain);
    await page.fill('#email', email);
    await page.fill('#password', 'SecurePass123!');
    await page.click('#signup-button');
    await page.waitForURL(`**/${subdomain}.localhost:${port}/**`);

    // Mail leaves through the outbox and the email queue, a moment after the sign-up.
    // Sign-up also asks the owner to confirm the address: two messages, the welcome one is ours.
    const row = page.locator('tr.dev-mail-item', { hasText: email }).filter({ hasText: 'Welcome to' });
    for (let i = 0; i < 50; i++) {
      await page.goto(`http://localhost:${port}/dev/mail`);
      if ((await row.count()) > 0) break;
      await page.waitForTimeout(100);
    }
    assert.equal(await row.count(), 1, 'the welcome email is listed');
    assert.match((await row.textContent()) ?? '', /Welcome to SaaS App/);
    assert.match((await row.textContent()) ?? '', /welcome/);

    await row.locator('a').first().click();
    await page.waitForURL(/\/dev\/mail\/[0-9a-f-]+$/);
    assert.match((await page.textContent('.dev-mail-text')) ?? '', new RegExp(`Your workspace ${companyName} is ready`));
    const frame = page.frameLocator('iframe[title^="HTML part"]');
    await frame.locator('strong', { hasText: companyName }).waitFor();
    assert.equal(await frame.locator('a', { hasText: 'Open your workspace' }).getAttribute('href'), `http://${subdomain}.localhost:${port}`);
    assert.deepEqual(problems, []);
    await page.close();
  });
});
