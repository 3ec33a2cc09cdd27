/// <reference lib="dom" />
/**
 * Workspace members in Chromium: the owner opens Members from the navigation, changes a member's
 * role and sees the confirmation and the new role; on a phone the page (table and permission matrix
 * included) never scrolls sideways.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTenantWithOwner, uniqueName } from '../support/test-app.js';
import { useE2e, signInOnPage } from '../support/e2e.js';
import { watchConsole } from '../support/browser.js';

const e2e = useE2e();

describe('members in Chromium', () => {
  test('the owner changes a member\'s role from the Members page; the page fits a phone', async () => {
    const { t, browser, port } = e2e;
    const owner = await createTenantWithOwner(t, { plan: 'professional' });
    const email = `${uniqueName('mo')}@example.com`;
    const passwordHash = await t.services.auth.hashPassword('a long enough password');
    const user = await t.deps.database.transaction((tx) => t.services.auth.users.insertWithPassword(tx, { email, name: 'Morgan Member', passwordHash }));
    await t.services.tenants.addMember(owner.tenant.id, user.id, 'member');
    const base = `http://${owner.tenant.subdomain}.localhost:${port}`;

    const laptop = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await laptop.newPage();
    const problems = watchConsole(page);
    await signInOnPage(page, base, owner.email, owner.password);

    await page.click('nav[aria-label="Main"] >> text=Members');
    await page.waitForURL('**/settings/members');
    assert.equal(await page.getAttribute('nav[aria-label="Main"] a[href="/settings/members"] >> nth=0', 'aria-current'), 'page');
    const row = page.locator(`#member-${user.id}`);
    assert.match((await row.textContent()) ?? '', /Morgan Member/);

    await page.selectOption(`#role-${user.id}`, 'admin');
    await row.locator('td.member-role button:has-text("Change")').click();
    await page.waitForURL('**/settings/members?done=role');
    assert.match((await page.textContent('.toast-message')) ?? '', /The role was changed/);
    assert.equal(await page.inputValue(`#role-${user.id}`), 'admin');
    assert.equal((await t.services.members.listMembers(owner.tenant.id)).find((m) => m.userId === user.id)?.role, 'admin');
    assert.deepEqual(problems, []);

    const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, storageState: await laptop.storageState() });
    const small = await phone.newPage();
    await small.goto(`${base}/settings/members`);
    await small.waitForSelector('#matrix-title');
    const fits = await small.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    assert.ok(fits, 'no horizontal scrolling on a phone');
    // Opening the removal confirmation keeps the page within the screen too.
    await small.click(`#member-${user.id} summary`);
    assert.ok(await small.isVisible(`#member-${user.id} form[action$="/remove"] button`));
    assert.ok(await small.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the confirmation fits');
    await laptop.close();
    await phone.close();
  });
});
