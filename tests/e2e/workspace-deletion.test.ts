/// <reference lib="dom" />
/**
 * Export and deletion in Chromium: the owner downloads the archive from the settings, deletes the
 * workspace (a wrong address is refused inline), lands on the closed workspace's page with its
 * links after signing in again, and cancels the deletion. No console errors or CSP violations; the
 * pages fit a phone.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { unzipSync } from 'fflate';
import { createTenantWithOwner } from '../support/test-app.js';
import { useE2e, signInOnPage } from '../support/e2e.js';
import { watchConsole } from '../support/browser.js';

const e2e = useE2e();

describe('workspace export and deletion in Chromium', () => {
  test('export, schedule the deletion, find the closed workspace, cancel', async () => {
    const { t, browser, port } = e2e;
    const owner = await createTenantWithOwner(t);
    await t.services.data.create(t.services.tenants.getTenantDb(owner.tenant.id), owner.tenant.plan, { name: 'Kept in the archive' }, owner.userId);
    const base = `http://${owner.tenant.subdomain}.localhost:${port}`;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await signInOnPage(page, base, owner.email, owner.password);

    // Export from the settings page.
    await page.goto(`${base}/settings/workspace`);
    await page.click('#workspace-export-link');
    await page.waitForURL('**/settings/export');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-download')]);
    assert.match(download.suggestedFilename(), new RegExp(`^${owner.tenant.subdomain}-export-\\d{4}-\\d\\d-\\d\\d\\.zip$`));
    const chunks: Buffer[] = [];
    for await (const chunk of (await download.createReadStream())!) chunks.push(chunk as Buffer);
    const files = unzipSync(new Uint8Array(Buffer.concat(chunks)));
    assert.match(new TextDecoder().decode(files['workspace.json']), /Kept in the archive/);

    // Delete: a wrong address is refused inline, then the real one schedules it.
    await page.goto(`${base}/settings/workspace`);
    await page.click('#workspace-delete-link');
    await page.waitForURL('**/settings/workspace/delete');
    await page.fill('#deletion-confirm', 'not-this-one');
    await page.fill('#deletion-password', owner.password);
    await page.click('#deletion-button');
    assert.match((await page.textContent('#deletion-confirm-error')) ?? '', /not this workspace's address/);
    assert.equal(await page.getAttribute('#deletion-confirm', 'aria-invalid'), 'true');
    await page.fill('#deletion-confirm', owner.tenant.subdomain);
    await page.fill('#deletion-password', owner.password);
    await page.click('#deletion-button');
    await page.waitForURL('**/settings/workspace/delete?done=scheduled');
    assert.match((await page.textContent('#deletion-pending')) ?? '', /will be deleted on/);

    // Signing in again lands on a page that says what still works.
    const other = await browser.newContext({ viewport: { width: 390, height: 800 } });
    const phone = await other.newPage();
    await phone.goto(`${base}/login`);
    await phone.fill('#email', owner.email);
    await phone.fill('#password', owner.password);
    await phone.click('#login-button');
    await phone.waitForSelector('#closed-workspace-links');
    assert.match((await phone.textContent('h1')) ?? '', /This workspace is closed/);
    await phone.click('#closed-workspace-links >> text=See or cancel the deletion');
    await phone.waitForURL('**/settings/workspace/delete');
    assert.ok(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'fits a phone');

    await phone.click('#deletion-cancel-button');
    await phone.waitForURL('**/settings/workspace/delete?done=cancelled');
    assert.match((await phone.textContent('.toast-message')) ?? '', /deletion was cancelled/);
    assert.equal((await t.services.tenants.requireTenant(owner.tenant.id)).deletionScheduledFor, null);
    await phone.goto(`${base}/dashboard`);
    assert.ok(await phone.isVisible('h1'));
    assert.ok(!(await phone.isVisible('#closed-workspace-links')));
    // The refused address answered 422, which Chromium reports; nothing else went wrong on the way.
    assert.deepEqual(problems, ['Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)']);
    await context.close();
    await other.close();
  });
});
