/**
 * A suspended workspace: its pages and API answer 403 "Tenant suspended" for every member, at once
 * in the process that suspended it; nothing is deleted, and reactivation brings everything back.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { clientFor, createBrowser, createTenantWithOwner, hostFor, loginForToken, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

test('suspended: pages and API refuse with "Tenant suspended"; reactivated: all back, data kept', async () => {
  const owner = await createTenantWithOwner(t);
  await t.services.data.create(t.services.tenants.getTenantDb(owner.tenant.id), owner.tenant.plan, { name: 'Kept item' }, owner.userId);
  const b = createBrowser(t);
  await b.login(owner.tenant.subdomain, owner.email, owner.password);
  const api = clientFor(t, owner.tenant.subdomain, await loginForToken(t, owner.email, owner.password));
  const host = hostFor(owner.tenant.subdomain);

  await t.services.tenants.setStatus(owner.tenant.id, 'suspended');
  const page = await b.request('GET', host, '/data');
  assert.equal(page.statusCode, 403);
  assert.match(page.body, /Tenant suspended/);
  const list = await api({ method: 'GET', url: '/api/data' });
  assert.equal(list.statusCode, 403);
  assert.equal(list.json().code, 'tenant_suspended');

  await t.services.tenants.setStatus(owner.tenant.id, 'active');
  const again = await api({ method: 'GET', url: '/api/data' });
  assert.equal(again.statusCode, 200);
  assert.ok((again.json() as { name: string }[]).some((i) => i.name === 'Kept item'));
  const events = await t.deps.database.withTenant(owner.tenant.id, (tx) => t.services.audit.listForTenant(tx, {}, 1, 20));
  const actions = events.items.map((e) => e.action);
  assert.ok(actions.includes('tenant.suspended') && actions.includes('tenant.reactivated'), actions.join(','));
});
