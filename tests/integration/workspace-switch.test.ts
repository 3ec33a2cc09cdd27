/**
 * Switching workspaces from a workspace's header: the chooser opens on the workspace's own host
 * (cookies are host-only), lists the user's workspaces, and hands the session to the one picked,
 * never to one the user is not a member of.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createBrowser, createTenantWithOwner, hostFor, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

test('from one workspace to another through the header chooser', async () => {
  const first = await createTenantWithOwner(t);
  const second = await t.services.tenants.createTenant({ name: 'Second Co', subdomain: `${first.tenant.subdomain}-two`, ownerEmail: first.email });
  const stranger = await createTenantWithOwner(t);
  const b = createBrowser(t);
  await b.login(first.tenant.subdomain, first.email, first.password);
  const host = hostFor(first.tenant.subdomain);

  const dashboard = await b.request('GET', host, '/dashboard');
  assert.match(dashboard.body, /id="switch-workspace" href="\/workspaces"|href="\/workspaces"[^>]*id="switch-workspace"/);
  const chooser = await b.request('GET', host, '/workspaces');
  assert.equal(chooser.statusCode, 200);
  assert.match(chooser.body, new RegExp(`/workspaces/${second.subdomain}/open`));
  assert.doesNotMatch(chooser.body, new RegExp(stranger.tenant.subdomain));

  const open = await b.request('GET', host, `/workspaces/${second.subdomain}/open`);
  assert.equal(open.statusCode, 303);
  const handoff = new URL(String(open.headers.location));
  assert.equal(handoff.host, hostFor(second.subdomain));
  const landed = await b.request('GET', handoff.host, handoff.pathname + handoff.search);
  assert.equal(landed.statusCode, 303);
  const secondDashboard = await b.request('GET', hostFor(second.subdomain), '/dashboard');
  assert.equal(secondDashboard.statusCode, 200);
  assert.match(secondDashboard.body, /Second Co/);

  const foreign = await b.request('GET', host, `/workspaces/${stranger.tenant.subdomain}/open`);
  assert.equal(foreign.statusCode, 404);
});
