/** Probes, API description and docs page. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

test('/health answers without touching dependencies, on any host', async () => {
  for (const host of ['localhost:8000', '10.1.2.3:8000', 'ghost-tenant.localhost:8000']) {
    const res = await t.app.inject({ method: 'GET', url: '/health', headers: { host } });
    assert.equal(res.statusCode, 200, host);
    assert.equal(res.json().status, 'healthy');
    assert.equal(typeof res.json().version, 'string');
  }
});

test('/ready checks the database, migrations and Redis when configured', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/ready' });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.status, 'ready');
  assert.equal(body.checks.database.status, 'ok');
  assert.equal(body.checks.migrations.status, 'ok');
  assert.equal(body.checks.redis.status, process.env.REDIS_URL ? 'ok' : 'not_configured');
});

test('/ready answers 503 naming the failing check when the database is down', async () => {
  const broken = await startTestApp();
  const ping = broken.deps.database.ping;
  broken.deps.database.ping = async () => {
    throw new Error('connection refused');
  };
  const res = await broken.app.inject({ method: 'GET', url: '/ready' });
  broken.deps.database.ping = ping;
  await broken.close();
  assert.equal(res.statusCode, 503);
  assert.equal(res.json().checks.database.status, 'failing');
  assert.match(res.json().checks.database.detail, /connection refused/);
});

test('/openapi.json describes every /api and /auth route with schemas', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
  assert.equal(res.statusCode, 200);
  const doc = res.json();
  assert.match(doc.openapi, /^3\./);
  const paths = Object.keys(doc.paths);
  for (const p of ['/auth/login', '/auth/logout', '/api/tenants', '/api/data', '/api/data/{id}', '/api/dashboard/stats', '/health', '/ready']) {
    assert.ok(paths.includes(p), `missing ${p}`);
  }
  assert.ok(!paths.some((p) => ['/signup', '/login', '/dashboard', '/data'].includes(p)), 'pages are not API');
  const login = doc.paths['/auth/login'].post;
  assert.ok(login.requestBody.content['application/json'].schema.properties.password);
  assert.ok(login.responses['200'].content['application/json'].schema.properties.access_token);
  assert.ok(doc.paths['/api/data'].post.security.length > 0);
});

test('/docs serves Swagger UI from our own origin', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/docs/' });
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /swagger-ui/i);
  assert.doesNotMatch(res.body, /https?:\/\/(?!localhost)[a-z0-9.-]+\/[^"']*\.(js|css)/i, 'no CDN assets');
});
