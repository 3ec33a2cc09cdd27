/**
 * The audit log page: owners and admins of a tenant read its events (filters, paging, with and
 * without htmx); other roles are refused; another tenant's events never show; a personal event
 * (a sign-in) belongs to the user, not to a tenant page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createBrowser, createTenantWithOwner, hostFor, startTestApp, uniqueName, type TestApp } from '../support/test-app.js';

describe('audit log page', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  test('the owner sees the tenant\'s events; filters narrow them; htmx gets only the results', async () => {
    const owner = await createTenantWithOwner(t);
    const other = await createTenantWithOwner(t);
    const b = createBrowser(t);
    assert.equal((await b.login(owner.tenant.subdomain, owner.email, owner.password)).statusCode, 303);

    const page = await b.request('GET', hostFor(owner.tenant.subdomain), '/settings/audit');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h1 class="page-title">Audit log<\/h1>/);
    assert.match(page.body, /Workspace created/);
    assert.match(page.body, /href="\/settings\/audit"[^>]*aria-current="page"/, 'the nav marks the page');
    assert.ok(!page.body.includes(other.tenant.id), "another tenant's event is on the page");

    const none = await b.request('GET', hostFor(owner.tenant.subdomain), '/settings/audit?action=auth.logout');
    assert.match(none.body, /No events match these filters/);

    const fragment = await b.request('GET', hostFor(owner.tenant.subdomain), '/settings/audit?action=tenant&outcome=success', undefined, { 'hx-request': 'true' });
    assert.equal(fragment.statusCode, 200);
    assert.match(fragment.body, /^<div id="audit-results">/);
    assert.match(fragment.body, /tenant\.created/);
    assert.ok(!fragment.body.includes('<html'), 'htmx got a whole page');

    // Malformed filters are ignored, never a 500.
    const odd = await b.request('GET', hostFor(owner.tenant.subdomain), "/settings/audit?from=2026-13-45&to=nope&page=-3&outcome=maybe&action=%27%3B--&actor=%25_%5C");
    assert.equal(odd.statusCode, 200);
  });

  test('members who are not administrators are refused', async () => {
    const owner = await createTenantWithOwner(t);
    const email = `${uniqueName('viewer')}@example.com`;
    const password = 'a long enough password';
    const passwordHash = await t.services.auth.hashPassword(password);
    const user = await t.deps.database.transaction((tx) => t.services.auth.users.insertWithPassword(tx, { email, name: 'Viewer', passwordHash }));
    await t.services.tenants.addMember(owner.tenant.id, user.id, 'member');
    const b = createBrowser(t);
    assert.equal((await b.login(owner.tenant.subdomain, email, password)).statusCode, 303);
    const res = await b.request('GET', hostFor(owner.tenant.subdomain), '/settings/audit');
    assert.equal(res.statusCode, 403);
    const dashboard = await b.request('GET', hostFor(owner.tenant.subdomain), '/dashboard');
    assert.ok(!dashboard.body.includes('/settings/audit'), 'the nav offers a page the member cannot open');
  });

  test('signed out, the page asks to sign in', async () => {
    const owner = await createTenantWithOwner(t);
    const res = await createBrowser(t).request('GET', hostFor(owner.tenant.subdomain), '/settings/audit');
    assert.equal(res.statusCode, 303);
    assert.match(String(res.headers.location), /\/login/);
  });
});
