/**
 * The seed's API tests, as written: login -> token; POST /api/tenants -> 201; tenant isolation on /api/data.
 * Against PostgreSQL + Redis in CI (DATABASE_URL / REDIS_URL), PGlite + memory otherwise.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { clientFor, createTenantWithOwner, hostFor, loginForToken, startTestApp, uniqueName, type TestApp, randomClientAddress } from '../support/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t?.close();
});

describe('POST /auth/login', () => {
  test('returns a bearer token for valid credentials', async () => {
    const owner = await createTenantWithOwner(t);
    const res = await t.app.inject({ method: 'POST', url: '/auth/login', remoteAddress: randomClientAddress(), headers: { host: hostFor(null) }, payload: { email: owner.email, password: owner.password } });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.token_type, 'bearer');
    assert.equal(typeof body.access_token, 'string');
    assert.equal(body.expires_in, 900);
  });

  test('answers 401 with one generic message for a wrong password and for an unknown email', async () => {
    const owner = await createTenantWithOwner(t);
    const wrong = await t.app.inject({ method: 'POST', url: '/auth/login', remoteAddress: randomClientAddress(), headers: { host: hostFor(null) }, payload: { email: owner.email, password: 'not the password' } });
    const unknown = await t.app.inject({ method: 'POST', url: '/auth/login', remoteAddress: randomClientAddress(), headers: { host: hostFor(null) }, payload: { email: `${uniqueName('nobody')}@example.com`, password: 'whatever123' } });
    assert.equal(wrong.statusCode, 401);
    assert.equal(unknown.statusCode, 401);
    assert.equal(wrong.json().detail, 'Invalid email or password');
    assert.equal(unknown.json().detail, wrong.json().detail);
  });

  test('is rate limited per client address: 429 with Retry-After after 10 attempts a minute', async () => {
    const remoteAddress = `127.9.${crypto.randomInt(256)}.${crypto.randomInt(1, 255)}`;
    const attempt = () =>
      t.app.inject({ method: 'POST', url: '/auth/login', remoteAddress, headers: { host: hostFor(null) }, payload: { email: `${uniqueName('x')}@example.com`, password: 'wrong-password' } });
    for (let i = 0; i < 10; i++) assert.equal((await attempt()).statusCode, 401);
    const limited = await attempt();
    assert.equal(limited.statusCode, 429);
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.equal(limited.json().code, 'rate_limited');
    const other = await t.app.inject({ method: 'POST', url: '/auth/login', remoteAddress: `127.10.${crypto.randomInt(256)}.${crypto.randomInt(1, 255)}`, headers: { host: hostFor(null) }, payload: { email: 'a@example.com', password: 'wrong-password' } });
    assert.equal(other.statusCode, 401, 'another client is not affected');
  });

  test('rejects malformed JSON, a wrong content type and missing fields with clear 4xx', async () => {
    const bad = await t.app.inject({ method: 'POST', url: '/auth/login', remoteAddress: randomClientAddress(), headers: { host: hostFor(null), 'content-type': 'application/json' }, payload: '{"email":' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'invalid_json');
    const text = await t.app.inject({ method: 'POST', url: '/auth/login', remoteAddress: randomClientAddress(), headers: { host: hostFor(null), 'content-type': 'text/plain' }, payload: 'hello' });
    assert.equal(text.statusCode, 415);
    const missing = await t.app.inject({ method: 'POST', url: '/auth/login', remoteAddress: randomClientAddress(), headers: { host: hostFor(null) }, payload: { email: 'a@b.co' } });
    assert.equal(missing.statusCode, 422);
    assert.equal(missing.json().errors.password, 'is required');
  });
});

describe('/api/tenants', () => {
  test('creates a tenant owned by the caller (201) and lists it', async () => {
    const owner = await createTenantWithOwner(t);
    const token = await loginForToken(t, owner.email, owner.password);
    const client = clientFor(t, null, token);
    const subdomain = uniqueName('testcorp');
    const res = await client({ method: 'POST', url: '/api/tenants', payload: { name: 'Test Corp', subdomain, plan: 'premium' } });
    assert.equal(res.statusCode, 201);
    assert.equal(res.json().name, 'Test Corp');
    assert.equal(res.json().plan, 'premium');
    assert.equal(res.json().subdomain, subdomain);
    const list = await client({ method: 'GET', url: '/api/tenants' });
    assert.equal(list.statusCode, 200);
    assert.deepEqual(
      list.json().map((x: { subdomain: string }) => x.subdomain).sort(),
      [owner.tenant.subdomain, subdomain].sort(),
    );
  });

  test('refuses taken, reserved and malformed subdomains with 422 field errors', async () => {
    const owner = await createTenantWithOwner(t);
    const client = clientFor(t, null, await loginForToken(t, owner.email, owner.password));
    for (const [subdomain, message] of [
      [owner.tenant.subdomain, /taken/],
      ['admin', /reserved/],
      ['ab', /at least 3/],
      ['Bad_Name', /lowercase/],
      ['-edge', /lowercase/],
    ] as const) {
      const res = await client({ method: 'POST', url: '/api/tenants', payload: { name: 'X', subdomain } });
      assert.equal(res.statusCode, 422, subdomain);
      assert.match(res.json().errors.subdomain, message, subdomain);
    }
    const badPlan = await client({ method: 'POST', url: '/api/tenants', payload: { name: 'X', subdomain: uniqueName('ok'), plan: 'gold' } });
    assert.equal(badPlan.statusCode, 422);
    assert.match(badPlan.json().errors.plan, /starter/);
  });

  test('requires a valid bearer token', async () => {
    const none = await clientFor(t, null)({ method: 'GET', url: '/api/tenants' });
    assert.equal(none.statusCode, 401);
    assert.equal(none.headers['www-authenticate'], 'Bearer');
    const forged = await clientFor(t, null, 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.')({ method: 'GET', url: '/api/tenants' });
    assert.equal(forged.statusCode, 401);
  });
});

describe('tenant isolation on /api/data', () => {
  test("data created in tenant 1 is invisible to tenant 2 (the seed's test)", async () => {
    const owner = await createTenantWithOwner(t);
    const token = await loginForToken(t, owner.email, owner.password);
    const root = clientFor(t, null, token);
    const tenant1 = (await root({ method: 'POST', url: '/api/tenants', payload: { name: 'Tenant 1', subdomain: uniqueName('tenant1') } })).json();
    const tenant2 = (await root({ method: 'POST', url: '/api/tenants', payload: { name: 'Tenant 2', subdomain: uniqueName('tenant2') } })).json();
    const client1 = clientFor(t, tenant1.subdomain, token);
    const client2 = clientFor(t, tenant2.subdomain, token);

    const data1 = await client1({ method: 'POST', url: '/api/data', payload: { name: 'tenant1-data' } });
    assert.equal(data1.statusCode, 201);
    const id = data1.json().id;

    const data2 = await client2({ method: 'GET', url: '/api/data' });
    assert.equal(data2.statusCode, 200);
    assert.equal(data2.json().length, 0);

    for (const method of ['GET', 'PATCH', 'PUT', 'DELETE'] as const) {
      const res = await client2({ method, url: `/api/data/${id}`, ...(method === 'PATCH' || method === 'PUT' ? { payload: { name: 'stolen' } } : {}) });
      assert.equal(res.statusCode, 404, method);
    }
    const still = await client1({ method: 'GET', url: `/api/data/${id}` });
    assert.equal(still.statusCode, 200);
    assert.equal(still.json().name, 'tenant1-data');
  });

  test('a user who is not a member of the Host tenant gets 403 and no data', async () => {
    const a = await createTenantWithOwner(t);
    const b = await createTenantWithOwner(t);
    const tokenB = await loginForToken(t, b.email, b.password);
    const res = await clientFor(t, a.tenant.subdomain, tokenB)({ method: 'GET', url: '/api/data' });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().code, 'forbidden');
  });

  test('an unknown subdomain answers 404', async () => {
    const owner = await createTenantWithOwner(t);
    const token = await loginForToken(t, owner.email, owner.password);
    const res = await clientFor(t, uniqueName('ghost'), token)({ method: 'GET', url: '/api/data' });
    assert.equal(res.statusCode, 404);
  });
});

describe('/api/data CRUD', () => {
  test('create, list with pagination, get, update, delete', async () => {
    const owner = await createTenantWithOwner(t);
    const client = clientFor(t, owner.tenant.subdomain, await loginForToken(t, owner.email, owner.password));
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await client({ method: 'POST', url: '/api/data', payload: { name: `item ${i}`, description: `d${i}` } });
      assert.equal(res.statusCode, 201);
      assert.equal(res.headers.location, `/api/data/${res.json().id}`);
      ids.push(res.json().id);
    }
    const page1 = await client({ method: 'GET', url: '/api/data?per_page=2' });
    assert.deepEqual(page1.json().map((x: { name: string }) => x.name), ['item 4', 'item 3']);
    assert.equal(page1.headers.link, '</api/data?page=2&per_page=2>; rel="next"');
    const page3 = await client({ method: 'GET', url: '/api/data?page=3&per_page=2' });
    assert.deepEqual(page3.json().map((x: { name: string }) => x.name), ['item 0']);
    assert.equal(page3.headers.link, undefined);

    const got = await client({ method: 'GET', url: `/api/data/${ids[0]}` });
    assert.equal(got.json().description, 'd0');
    const patched = await client({ method: 'PATCH', url: `/api/data/${ids[0]}`, payload: { name: 'renamed' } });
    assert.equal(patched.statusCode, 200);
    assert.equal(patched.json().name, 'renamed');
    assert.equal(patched.json().description, 'd0');
    const deleted = await client({ method: 'DELETE', url: `/api/data/${ids[0]}` });
    assert.equal(deleted.statusCode, 204);
    assert.equal((await client({ method: 'GET', url: `/api/data/${ids[0]}` })).statusCode, 404);
  });

  test('bad input gets 422 (empty name, unknown field, bad page) and malformed ids 404', async () => {
    const owner = await createTenantWithOwner(t);
    const client = clientFor(t, owner.tenant.subdomain, await loginForToken(t, owner.email, owner.password));
    assert.equal((await client({ method: 'POST', url: '/api/data', payload: { name: '' } })).statusCode, 422);
    assert.equal((await client({ method: 'POST', url: '/api/data', payload: { name: 'x', tenant_id: owner.tenant.id } })).statusCode, 422);
    assert.equal((await client({ method: 'GET', url: '/api/data?page=0' })).statusCode, 422);
    assert.equal((await client({ method: 'GET', url: '/api/data?page=abc' })).statusCode, 422);
    assert.equal((await client({ method: 'PATCH', url: '/api/data/not-a-uuid', payload: { name: 'x' } })).statusCode, 404);
    const big = await client({ method: 'POST', url: '/api/data', payload: { name: 'x'.repeat(2_000_000) } });
    assert.equal(big.statusCode, 413);
  });
});

describe('/api/dashboard/stats', () => {
  test('members, items and plan for members; 401 without a token; 403 for another tenant', async () => {
    const owner = await createTenantWithOwner(t, { plan: 'professional' });
    const token = await loginForToken(t, owner.email, owner.password);
    const client = clientFor(t, owner.tenant.subdomain, token);
    await client({ method: 'POST', url: '/api/data', payload: { name: 'one' } });
    const res = await client({ method: 'GET', url: '/api/dashboard/stats' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { members: 1, data_items: 1, plan: 'professional', data_items_limit: 50_000 });
    assert.equal((await clientFor(t, owner.tenant.subdomain)({ method: 'GET', url: '/api/dashboard/stats' })).statusCode, 401);
    const other = await createTenantWithOwner(t);
    const foreign = await clientFor(t, other.tenant.subdomain, token)({ method: 'GET', url: '/api/dashboard/stats' });
    assert.equal(foreign.statusCode, 403);
  });
});
