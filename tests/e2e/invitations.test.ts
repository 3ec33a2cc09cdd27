/// <reference lib="dom" />
/**
 * Invitations in Chromium: the owner invites a new person from the members page; the person opens
 * the mailed link in another browser, creates an account there and lands on the dashboard; the
 * owner sees the new member and changes their role.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTenantWithOwner, uniqueName } from '../support/test-app.js';
import { useE2e, signInOnPage } from '../support/e2e.js';
import { watchConsole } from '../support/browser.js';

const e2e = useE2e();

/** The link of the newest mail to `email` (sending is not awaited by the request: poll briefly). */
async function invitationLink(email: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const mail = (await e2e.t.deps.mailer.listOutbox(200)).find((m) => m.to === email);
    const link = mail && /(https?:\/\/\S+\/invitations\/accept\?token=[A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
    if (link) return link;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no invitation mail to ${email}`);
}

describe('invitations in Chromium', () => {
  test('invite from the members page, join with a new account, then get a new role', async () => {
    const { t, browser, port } = e2e;
    const owner = await createTenantWithOwner(t, { plan: 'professional' });
    const base = `http://${owner.tenant.subdomain}.localhost:${port}`;
    const ownerContext = await browser.newContext();
    const page = await ownerContext.newPage();
    const problems = watchConsole(page);

    await signInOnPage(page, base, owner.email, owner.password);

    await page.goto(`${base}/settings/members`);
    const email = `${uniqueName('newcomer')}@example.com`;
    await page.fill('#invite-email', email);
    await page.selectOption('#invite-role', 'member');
    await page.click('#invite-button');
    await page.waitForURL('**/settings/members?done=invited');
    assert.match((await page.locator('table[aria-labelledby="invitations-title"]').textContent()) ?? '', new RegExp(email.replace('.', '\\.')));

    const link = await invitationLink(email);
    assert.ok(link.startsWith(`${base}/invitations/accept?token=`), link);
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const invitee = await phone.newPage();
    const inviteeProblems = watchConsole(invitee);
    await invitee.goto(link);
    assert.equal(await invitee.inputValue('#invitation-email'), email);
    await invitee.fill('#invitation-name', 'Nora Newcomer');
    await invitee.fill('#invitation-password', 'a long enough password');
    await invitee.click('#invitation-signup-button');
    await invitee.waitForURL('**/dashboard');
    assert.equal(await invitee.textContent('.tenant-name'), owner.tenant.name);

    await page.reload();
    const user = await t.services.auth.users.findByEmail(email);
    assert.ok(user);
    const row = page.locator(`#member-${user.id}`);
    assert.match((await row.textContent()) ?? '', /Nora Newcomer/);
    // The invitation is used: no longer pending.
    assert.equal(await page.locator('#invitations-title').count(), 0);

    await page.selectOption(`#role-${user.id}`, 'viewer');
    await page.click(`#member-${user.id} .member-role button[type="submit"]`);
    await page.waitForURL('**/settings/members?done=role');
    assert.equal(await t.services.tenants.getMembershipRole(owner.tenant.id, user.id), 'viewer');
    assert.equal(await page.inputValue(`#role-${user.id}`), 'viewer');

    assert.deepEqual(problems, []);
    assert.deepEqual(inviteeProblems, []);
    await ownerContext.close();
    await phone.close();
  });
});
