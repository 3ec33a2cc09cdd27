/// <reference lib="dom" />
/**
 * Passkeys in Chromium, with a virtual authenticator (CDP WebAuthn domain, user verification on):
 * add a passkey from the account page, sign out, sign in with it and open a workspace.
 *
 * Host: the root site (http://localhost:PORT). The RP ID is the base domain, "localhost" here, and
 * Chromium accepts it only on localhost itself: on a workspace's address (acme.localhost) it refuses
 * the RP ID "localhost" (not a registrable domain suffix), so in development passkeys work on the
 * root site only. With a real domain (RP ID example.com) they work on every workspace's subdomain.
 * The last test pins that limitation: the page says so in a toast and stays usable.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { createTenantWithOwner, uniqueName } from '../support/test-app.js';
import { useE2e } from '../support/e2e.js';
import { watchConsole } from '../support/browser.js';

const e2e = useE2e();

/** A platform authenticator with resident keys and user verification, as a laptop with a fingerprint reader has. */
async function addVirtualAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  return { cdp, authenticatorId };
}

describe('passkeys in Chromium', () => {
  test('add a passkey on the account page, sign out, sign in with it and land in a workspace', async () => {
    const { t, browser, port } = e2e;
    const owner = await createTenantWithOwner(t);
    // Two workspaces: signing in on the root site then keeps a session there (the chooser), where the account page is.
    const second = await t.services.tenants.createTenant({ name: `Second ${uniqueName('ws')}`, subdomain: uniqueName('co'), ownerEmail: owner.email });
    const root = `http://localhost:${port}`;
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = watchConsole(page);
    const { cdp, authenticatorId } = await addVirtualAuthenticator(page);

    await page.goto(`${root}/login`);
    await page.fill('#email', owner.email);
    await page.fill('#password', owner.password);
    await page.click('#login-button');
    await page.waitForURL('**/workspaces');

    await page.goto(`${root}/account`);
    assert.equal(await page.isVisible('#passkey-unsupported'), false, 'the page says passkeys are not supported');
    await page.fill('#passkey-name', 'This laptop');
    await page.fill('#passkey-add-password', owner.password);
    await page.click('#passkey-add-button');
    // The first passkey turns two-factor authentication on: the backup codes are shown once.
    await page.waitForSelector('#backup-codes li');
    assert.equal((await page.locator('#backup-codes li').allTextContents()).length, 10);
    await page.click('text=I saved them');
    await page.waitForURL('**/account');
    assert.equal(await page.textContent('#passkey-list .passkey-name'), 'This laptop');

    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(credentials.length, 1);
    assert.equal(credentials[0]!.isResidentCredential, true, 'the passkey is not discoverable');
    assert.equal(credentials[0]!.rpId, 'localhost');

    await page.locator('form[action="/logout"] button').first().click();
    await page.goto(`${root}/login`);
    await page.click('#passkey-signin-button');
    await page.waitForURL('**/workspaces');
    await page.click(`a[href="/workspaces/${second.subdomain}/open"]`);
    await page.waitForURL(`http://${second.subdomain}.localhost:${port}/dashboard`);
    assert.equal(await page.textContent('.tenant-name'), second.name);

    const { credentials: after } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.ok(after[0]!.signCount >= 1);
    const [stored] = await t.services.passkeys.list(owner.userId);
    assert.ok(stored?.lastUsedAt, 'the last use was not saved');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('on a workspace address under localhost Chromium refuses the RP ID: a toast says so and the page stays usable', async () => {
    const { t, browser, port } = e2e;
    const owner = await createTenantWithOwner(t);
    const context = await browser.newContext();
    const page = await context.newPage();
    await addVirtualAuthenticator(page);
    await page.goto(`http://${owner.tenant.subdomain}.localhost:${port}/login`);
    await page.click('#passkey-signin-button');
    await page.waitForSelector('.toast-error .toast-message:text("cannot be used on this address")');
    assert.equal(await page.isEnabled('#passkey-signin-button'), true);
    // The password form still works.
    await page.fill('#email', owner.email);
    await page.fill('#password', owner.password);
    await page.click('#login-button');
    await page.waitForURL('**/dashboard');
    await context.close();
  });
});
