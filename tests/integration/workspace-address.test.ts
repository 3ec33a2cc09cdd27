/**
 * Changing a workspace's address: the old subdomain answers 308 to the new one (path, query and
 * method kept, pages and API, target from PUBLIC_URL never from the Host) for 30 days; nobody else
 * can take it meanwhile, anyone can afterwards; the workspace can take it back. The session follows
 * to the new host through a hand-off.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { clientFor, createBrowser, createTenantWithOwner, csrfFrom, hostFor, loginForToken, signedInOwner, startTestApp, uniqueName, type TestApp } from '../support/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

/** Moves the workspace through the API; returns the response. */
async function moveByApi(owner: { email: string; password: string; tenant: { subdomain: string } }, to: string) {
  const token = await loginForToken(t, owner.email, owner.password);
  return clientFor(t, owner.tenant.subdomain, token)({ method: 'POST', url: '/api/tenant/address', payload: { subdomain: to } });
}

const expire = (subdomain: string, tenantId: string) =>
  t.deps.database.withTenant(tenantId, (tx) => tx.execute(sql`update subdomain_redirects set expires_at = now() - interval '1 minute' where subdomain = ${subdomain}`));

describe('changing the address', () => {
  test('from the page: the session follows to the new host, and the old one 308s there (GET and POST, path and query kept)', async () => {
    const { owner, host, b, csrf } = await signedInOwner(t);
    const to = uniqueName('moved');
    const page = await b.request('GET', host, '/settings/workspace');
    assert.match(page.body, /id="workspace-address-form"/);
    assert.match(page.body, /redirects to the new one for 30 days, then anyone could take it/);

    const moved = await b.request('POST', host, '/settings/workspace/address', { _csrf: await csrf(), subdomain: ` ${to.toUpperCase()} `, confirm: 'yes' });
    assert.equal(moved.statusCode, 303);
    const handoff = new URL(moved.headers.location as string);
    assert.equal(handoff.host, hostFor(to));
    assert.equal(handoff.pathname, '/auth/handoff');
    // The hand-off signs the member in on the new host, and lands on the settings page.
    const landed = await b.request('GET', hostFor(to), `${handoff.pathname}${handoff.search}`);
    assert.equal(landed.statusCode, 303);
    assert.equal(landed.headers.location, '/settings/workspace?done=address');
    const settings = await b.request('GET', hostFor(to), '/settings/workspace?done=address');
    assert.equal(settings.statusCode, 200);
    assert.match(settings.body, /The workspace moved to this address/);
    assert.match(settings.body, new RegExp(`${owner.tenant.subdomain}\\.localhost:8000</span>\\s*redirects here until`));

    const get = await b.request('GET', host, '/data?page=2&q=a%20b');
    assert.equal(get.statusCode, 308);
    assert.equal(get.headers.location, `http://${hostFor(to)}/data?page=2&q=a%20b`);
    const post = await b.request('POST', host, '/login', { email: 'x@example.com', password: 'y' });
    assert.equal(post.statusCode, 308);
    assert.equal(post.headers.location, `http://${hostFor(to)}/login`);

    assert.equal((await t.services.tenants.getTenantById(owner.tenant.id))?.subdomain, to);
    const events = await t.services.audit.listForUser(owner.userId, 10);
    const changed = events.find((e) => e.action === 'tenant.subdomain_changed');
    assert.equal(changed?.details?.from, owner.tenant.subdomain);
    assert.equal(changed?.details?.to, to);
  });

  test('through the API: the old host 308s API calls too, before any auth, and the Host header cannot move the target', async () => {
    const owner = await createTenantWithOwner(t);
    const to = uniqueName('api');
    const res = await moveByApi(owner, to);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as { subdomain: string; url: string; previous_subdomain: string; redirect_expires_at: string };
    assert.equal(body.subdomain, to);
    assert.equal(body.previous_subdomain, owner.tenant.subdomain);
    assert.equal(body.url, `http://${hostFor(to)}`);
    const days = (Date.parse(body.redirect_expires_at) - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30, `redirect for ${days} days`);

    const api = clientFor(t, owner.tenant.subdomain);
    const list = await api({ method: 'GET', url: '/api/data?per_page=5' });
    assert.equal(list.statusCode, 308);
    assert.equal(list.headers.location, `http://${hostFor(to)}/api/data?per_page=5`);
    const create = await api({ method: 'POST', url: '/api/data', payload: { name: 'x' } });
    assert.equal(create.statusCode, 308);
    assert.equal(create.headers.location, `http://${hostFor(to)}/api/data`);

    // Another port, a forwarded host (TRUST_PROXY is off): the target is still PUBLIC_URL's.
    const spoofed = await t.app.inject({ method: 'GET', url: '/dashboard', headers: { host: `${owner.tenant.subdomain}.localhost:9999`, 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' } });
    assert.equal(spoofed.statusCode, 308);
    assert.equal(spoofed.headers.location, `http://${hostFor(to)}/dashboard`);

    // The new host serves the workspace.
    const token = await loginForToken(t, owner.email, owner.password);
    assert.equal((await clientFor(t, to, token)({ method: 'GET', url: '/api/data' })).statusCode, 200);
  });

  test('a member without tenant:manage is refused (403), and nothing changes', async () => {
    const owner = await createTenantWithOwner(t);
    const member = await createTenantWithOwner(t);
    await t.services.tenants.addMember(owner.tenant.id, member.userId, 'member');
    const token = await loginForToken(t, member.email, member.password);
    const res = await clientFor(t, owner.tenant.subdomain, token)({ method: 'POST', url: '/api/tenant/address', payload: { subdomain: uniqueName('nope') } });
    assert.equal(res.statusCode, 403);
    const b = createBrowser(t);
    await b.login(owner.tenant.subdomain, member.email, member.password);
    const host = hostFor(owner.tenant.subdomain);
    const csrf = csrfFrom((await b.request('GET', host, '/account')).body);
    const page = await b.request('POST', host, '/settings/workspace/address', { _csrf: csrf, subdomain: uniqueName('nope'), confirm: 'yes' });
    assert.equal(page.statusCode, 403);
    assert.equal((await t.services.tenants.getTenantById(owner.tenant.id))?.subdomain, owner.tenant.subdomain);
  });

  test('invalid, reserved, taken or unconfirmed: 422 with the field error, nothing changes', async () => {
    const { owner, host, b, csrf } = await signedInOwner(t);
    const other = await createTenantWithOwner(t);
    for (const [subdomain, message] of [
      ['ab', /at least 3 characters/],
      ['bad_name', /lowercase letters, digits and hyphens/],
      ['admin', /reserved/],
      [other.tenant.subdomain, /This subdomain is taken/],
      [owner.tenant.subdomain, /already the address/],
    ] as const) {
      const page = await b.request('POST', host, '/settings/workspace/address', { _csrf: await csrf(), subdomain, confirm: 'yes' });
      assert.equal(page.statusCode, 422, subdomain);
      assert.match(page.body, message);
      assert.match(page.body, /id="workspace-subdomain-error"/);
      const api = await moveByApi(owner, subdomain);
      assert.equal(api.statusCode, 422, subdomain);
      assert.match((api.json() as { errors: { subdomain: string } }).errors.subdomain, message);
    }
    const unconfirmed = await b.request('POST', host, '/settings/workspace/address', { _csrf: await csrf(), subdomain: uniqueName('ok') });
    assert.equal(unconfirmed.statusCode, 422);
    assert.match(unconfirmed.body, /id="address-confirm-error"/);
    const empty = await b.request('POST', host, '/settings/workspace/address', { _csrf: await csrf() });
    assert.equal(empty.statusCode, 422);
    assert.equal((await t.services.tenants.getTenantById(owner.tenant.id))?.subdomain, owner.tenant.subdomain);
  });

  test('the old name is taken while the redirect lives (sign-up, new workspaces, other workspaces), and free once it expired', async () => {
    const owner = await createTenantWithOwner(t);
    const old = owner.tenant.subdomain;
    assert.equal((await moveByApi(owner, uniqueName('new'))).statusCode, 200);

    await assert.rejects(createTenantWithOwner(t, { subdomain: old }), (err: { fields?: Record<string, string> }) => /taken/.test(err.fields?.subdomain ?? ''));
    const someone = await createTenantWithOwner(t);
    await assert.rejects(t.services.tenants.createTenant({ name: 'X', subdomain: old, ownerEmail: someone.email }), (err: { fields?: Record<string, string> }) => /taken/.test(err.fields?.subdomain ?? ''));
    const api = await moveByApi(someone, old);
    assert.equal(api.statusCode, 422);

    await expire(old, owner.tenant.id);
    // Expired: 404 as for any unknown name (after the cached answer lapses), then anyone may take it.
    await t.services.tenants.forgetCachedTenant(old);
    await t.deps.cache.delete(`tenant:moved:${old}`);
    const gone = await clientFor(t, old)({ method: 'GET', url: '/login' });
    assert.equal(gone.statusCode, 404);
    const taker = await createTenantWithOwner(t, { subdomain: old });
    assert.equal(taker.tenant.subdomain, old);
    const served = await clientFor(t, old)({ method: 'GET', url: '/login' });
    assert.equal(served.statusCode, 200);
    assert.match(served.body, new RegExp(`Log in to ${taker.tenant.name}`));
  });

  test('a workspace created on a name whose redirect expired wins over a cached redirect', async () => {
    const owner = await createTenantWithOwner(t);
    const old = owner.tenant.subdomain;
    assert.equal((await moveByApi(owner, uniqueName('new'))).statusCode, 200);
    assert.equal((await clientFor(t, old)({ method: 'GET', url: '/login' })).statusCode, 308); // cached now
    await expire(old, owner.tenant.id);
    const taker = await createTenantWithOwner(t, { subdomain: old });
    const res = await clientFor(t, old)({ method: 'GET', url: '/login' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, new RegExp(`Log in to ${taker.tenant.name}`));
  });

  test('taking the old name back works and ends its redirect; a chain of moves leads to the current address', async () => {
    const owner = await createTenantWithOwner(t);
    const first = owner.tenant.subdomain;
    const second = uniqueName('second');
    const third = uniqueName('third');
    assert.equal((await moveByApi(owner, second)).statusCode, 200);
    assert.equal((await moveByApi({ ...owner, tenant: { subdomain: second } }, third)).statusCode, 200);
    const hop = await clientFor(t, first)({ method: 'GET', url: '/x' });
    assert.equal(hop.headers.location, `http://${hostFor(third)}/x`);

    const back = await moveByApi({ ...owner, tenant: { subdomain: third } }, first);
    assert.equal(back.statusCode, 200, back.body);
    const redirects = await t.services.address.listRedirects(owner.tenant.id);
    assert.deepEqual(redirects.map((r) => r.subdomain).sort(), [second, third].sort());
    assert.equal((await clientFor(t, first)({ method: 'GET', url: '/login' })).statusCode, 200);
    assert.equal((await clientFor(t, second)({ method: 'GET', url: '/login' })).headers.location, `http://${hostFor(first)}/login`);
    const events = (await t.services.audit.listForUser(owner.userId, 10)).filter((e) => e.action === 'tenant.subdomain_changed');
    assert.equal(events.length, 3);
  });
});
