/// <reference lib="dom" />
/**
 * Two-factor authentication in Chromium: set up an authenticator app from the account page (QR code
 * and key on the page, a code generated here), save the backup codes, then sign in on another device
 * and give a code at the second step.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generate } from 'otplib';
import { createTenantWithOwner } from '../support/test-app.js';
import { useE2e, signInOnPage } from '../support/e2e.js';
import { watchConsole } from '../support/browser.js';

const e2e = useE2e();

describe('two-factor authentication in Chromium', () => {
  test('enrol with a TOTP app, then sign in with a code', async () => {
    const { t, browser, port } = e2e;
    const owner = await createTenantWithOwner(t);
    const base = `http://${owner.tenant.subdomain}.localhost:${port}`;
    const laptop = await browser.newContext();
    const page = await laptop.newPage();
    const problems = watchConsole(page);

    await signInOnPage(page, base, owner.email, owner.password);

    await page.goto(`${base}/account`);
    await page.fill('#mfa-setup-password', owner.password);
    await page.click('#mfa-setup-button');
    await page.waitForSelector('#mfa-qr svg');
    const secret = ((await page.textContent('#mfa-secret')) ?? '').replace(/\s/g, '');
    assert.match(secret, /^[A-Z2-7]{16,}$/);
    await page.fill('#mfa-confirm-code', await generate({ secret }));
    await page.click('#mfa-confirm-button');
    const codes = await page.locator('#backup-codes li').allTextContents();
    assert.equal(codes.length, 10);
    await page.click('text=I saved them');
    await page.waitForURL('**/account');
    assert.match((await page.textContent('#mfa-title + p')) ?? (await page.content()), /On: signing in with your password also asks for a second factor/);

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const second = await phone.newPage();
    await second.goto(`${base}/login`);
    await second.fill('#email', owner.email);
    await second.fill('#password', owner.password);
    await second.click('#login-button');
    await second.waitForURL('**/login/mfa**');
    // The next 30-second step: the setup just used this one, and a code never works twice.
    await second.fill('#mfa-code', await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
    await second.click('#mfa-button');
    await second.waitForURL('**/dashboard');
    assert.equal(await second.textContent('.tenant-name'), owner.tenant.name);
    assert.deepEqual(problems, []);
    await laptop.close();
    await phone.close();
  });
});
