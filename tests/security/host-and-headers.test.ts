/** The tenant comes from the Host only: forwarded-host and tenant-id headers from clients are ignored. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { clientFor, createTenantWithOwner, hostFor, loginForToken, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

test('X-Forwarded-Host and X-Tenant-Id do not move a request to another tenant', async () => {
  const a = await createTenantWithOwner(t);
  const b = await createTenantWithOwner(t);
  const scopeB = t.services.tenants.getTenantDb(b.tenant.id);
  await t.services.data.create(scopeB, 'premium', { name: 'b-secret' }, b.userId);
  const tokenA = await loginForToken(t, a.email, a.password);
  const client = clientFor(t, a.tenant.subdomain, tokenA);
  const res = await client({
    method: 'GET',
    url: '/api/data',
    headers: { 'x-forwarded-host': hostFor(b.tenant.subdomain), 'x-tenant-id': b.tenant.id, forwarded: `host=${hostFor(b.tenant.subdomain)}` },
  });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), [], "A's (empty) list, never B's");
});

test('a tenant id in the body or query string is not accepted', async () => {
  const a = await createTenantWithOwner(t);
  const b = await createTenantWithOwner(t);
  const client = clientFor(t, a.tenant.subdomain, await loginForToken(t, a.email, a.password));
  const body = await client({ method: 'POST', url: '/api/data', payload: { name: 'x', tenant_id: b.tenant.id } });
  assert.equal(body.statusCode, 422, 'unknown fields are refused');
  const query = await client({ method: 'GET', url: `/api/data?tenant_id=${b.tenant.id}` });
  assert.equal(query.statusCode, 200);
  assert.deepEqual(query.json(), []);
});

test('behind a trusted proxy, X-Forwarded-Host is honoured (and only then)', async () => {
  const proxied = await (await import('../support/test-app.js')).startTestApp({ TRUST_PROXY: 'true' });
  try {
    const a = await createTenantWithOwner(proxied);
    const token = await loginForToken(proxied, a.email, a.password);
    const res = await proxied.app.inject({
      method: 'GET',
      url: '/api/data',
      headers: { host: 'internal-service:8000', 'x-forwarded-host': hostFor(a.tenant.subdomain), authorization: `Bearer ${token}` },
    });
    assert.equal(res.statusCode, 200);
  } finally {
    await proxied.close();
  }
});

test('an unknown tenant and an unknown id answer alike (no probing)', async () => {
  const a = await createTenantWithOwner(t);
  const client = clientFor(t, a.tenant.subdomain, await loginForToken(t, a.email, a.password));
  const random = await client({ method: 'GET', url: '/api/data/00000000-0000-4000-8000-000000000000' });
  const malformed = await client({ method: 'GET', url: '/api/data/%27%20or%201=1--' });
  assert.equal(random.statusCode, 404);
  assert.equal(malformed.statusCode, 404);
  assert.equal(random.json().detail, malformed.json().detail);
});
