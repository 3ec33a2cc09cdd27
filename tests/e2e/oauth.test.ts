/// <reference lib="dom" />
/**
 * Sign-in with a provider in Chromium, against the local provider (a real HTTP server that signs
 * real ID tokens): sign up with Google from the sign-up page, land in the new workspace; sign out;
 * then "Continue with Google" on the workspace's own login page opens it again.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { startFakeOAuthProvider, type FakeOAuthProvider } from '../support/fake-oauth-provider.js';
import { useE2e } from '../support/e2e.js';
import { watchConsole } from '../support/browser.js';
import { uniqueName } from '../support/test-app.js';

let provider: FakeOAuthProvider;
const e2e = useE2e(async () => {
  provider = await startFakeOAuthProvider();
  return provider.env;
});
after(async () => provider?.close());

describe('OAuth sign-in in Chromium', () => {
  test('sign up with Google, sign out, sign in with Google on the workspace page', async () => {
    const { browser, port } = e2e;
    const email = `${uniqueName('grace')}@example.com`;
    provider.signInAs({ sub: `google-${uniqueName('s')}`, email, emailVerified: true, name: 'Grace Hopper' });
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = watchConsole(page);

    await page.goto(`http://localhost:${port}/signup`);
    await page.click('text=Continue with Google');
    await page.waitForURL('**/signup');
    assert.match((await page.textContent('#signup-identity')) ?? '', new RegExp(`Signing up with Google as ${email.replace(/[.]/g, '\\.')}`));
    const subdomain = uniqueName('gg');
    await page.fill('#company-name', 'Hopper Labs');
    await page.fill('#subdomain', subdomain);
    await page.click('#signup-button');
    await page.waitForURL('**/dashboard');
    assert.equal(new URL(page.url()).host, `${subdomain}.localhost:${port}`);
    assert.equal(await page.textContent('.tenant-name'), 'Hopper Labs');

    // The account page lists Google as linked, and offers to set a password by email.
    await page.goto(`http://${subdomain}.localhost:${port}/account`);
    assert.match((await page.textContent('#linked-accounts')) ?? '', new RegExp(`Google[\\s\\S]*${email.replace(/[.]/g, '\\.')}`));
    assert.ok(await page.isVisible('#set-password-button'));

    // Sign out, then in again from the workspace's login page.
    await page.goto(`http://${subdomain}.localhost:${port}/dashboard`);
    await page.click('button:has-text("Log out"), button:has-text("Sign out")');
    await page.waitForURL('**/login');
    await page.click('text=Continue with Google');
    await page.waitForURL('**/dashboard');
    assert.equal(new URL(page.url()).host, `${subdomain}.localhost:${port}`);
    assert.deepEqual(problems, [], 'no console errors or CSP violations');
    await context.close();
  });
});
