/// <reference lib="dom" />
/**
 * Switching workspaces in Chromium: from one workspace's dashboard, the header's switcher opens the
 * chooser on that host, and picking another workspace lands on its dashboard, signed in there.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTenantWithOwner, uniqueName } from '../support/test-app.js';
import { signInOnPage, useE2e } from '../support/e2e.js';
import { watchConsole } from '../support/browser.js';

const e2e = useE2e();

describe('workspace switcher in Chromium', () => {
  test('switch from one workspace to another from the header', async () => {
    const { t, browser, port } = e2e;
    const owner = await createTenantWithOwner(t, { companyName: 'First Works' });
    const second = await t.services.tenants.createTenant({ name: 'Second Works', subdomain: uniqueName('sw'), ownerEmail: owner.email });
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = watchConsole(page);

    await signInOnPage(page, `http://${owner.tenant.subdomain}.localhost:${port}`, owner.email, owner.password);
    assert.equal(await page.textContent('.tenant-name'), 'First Works');
    await page.click('#switch-workspace');
    await page.waitForURL('**/workspaces');
    await page.click(`a[href="/workspaces/${second.subdomain}/open"]`);
    await page.waitForURL(`http://${second.subdomain}.localhost:${port}/dashboard`);
    assert.equal(await page.textContent('.tenant-name'), 'Second Works');
    assert.deepEqual(problems, [], 'no console errors or CSP violations');
    await context.close();
  });
});
