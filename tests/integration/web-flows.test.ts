/**
 * Browser flows over HTTP (no browser): sign-up with CSRF, hand-off to the tenant's host, dashboard,
 * login/logout, the htmx Data page, and the error pages. The same flows run in Chromium in tests/e2e.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createBrowser, createTenantWithOwner, csrfFrom, hostFor, startTestApp, uniqueName, type TestApp } from '../support/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

/** A tiny browser: cookies per host, follows nothing automatically. */
const browser = () => createBrowser(t);

async function signUp(b: ReturnType<typeof browser>, fields: { companyName: string; subdomain: string; email: string; password: string }, headers: Record<string, string> = {}) {
  const page = await b.request('GET', hostFor(null), '/signup');
  assert.equal(page.statusCode, 200);
  return b.request(
    'POST',
    hostFor(null),
    '/signup',
    { _csrf: csrfFrom(page.body), company_name: fields.companyName, subdomain: fields.subdomain, email: fields.email, password: fields.password },
    headers,
  );
}

describe('sign-up', () => {
  test('creates the workspace, shows success, hands the session to the subdomain and lands on the dashboard', async () => {
    const b = browser();
    const subdomain = uniqueName('testco');
    const res = await signUp(b, { companyName: 'Test <Company>', subdomain, email: `${uniqueName('admin')}@testco.com`, password: 'SecurePass123!' });
    assert.equal(res.statusCode, 201);
    assert.match(res.body, /class="success-message[" ]/);
    assert.match(res.body, /Test &lt;Company&gt;/, 'the company name is escaped');
    const handoff = /href="(http:\/\/[^"]+\/auth\/handoff\?token=[^"]+)"/.exec(res.body)?.[1]?.replace(/&amp;/g, '&');
    assert.ok(handoff, 'success page links to the hand-off URL');
    const url = new URL(handoff);
    assert.equal(url.host, hostFor(subdomain));

    const landed = await b.request('GET', url.host, url.pathname + url.search);
    assert.equal(landed.statusCode, 303);
    assert.equal(landed.headers.location, '/dashboard');
    const cookie = ([] as string[]).concat(landed.headers['set-cookie'] as string[]).find((c) => c.includes('session_token'));
    assert.match(cookie!, /HttpOnly/);
    assert.match(cookie!, /SameSite=Lax/);
    assert.doesNotMatch(cookie!, /Domain=/i, 'host-only cookie');

    const dashboard = await b.request('GET', url.host, '/dashboard');
    assert.equal(dashboard.statusCode, 200);
    assert.match(dashboard.body, /<span class="tenant-name"[^>]*>Test &lt;Company&gt;<\/span>/);
    assert.match(dashboard.body, /hx-get="\/dashboard\/stats"/);
    assert.match(dashboard.body, /hx-trigger="load, every 30s"/);

    const replay = await b.request('GET', url.host, url.pathname + url.search);
    assert.equal(replay.headers.location, '/login', 'a hand-off token works once');
  });

  test('shows inline errors for bad fields and keeps nothing half-created', async () => {
    const b = browser();
    const taken = await createTenantWithOwner(t);
    const email = `${uniqueName('dup')}@example.com`;
    const res = await signUp(b, { companyName: '', subdomain: taken.tenant.subdomain, email, password: 'short' }, { 'hx-request': 'true' });
    assert.equal(res.statusCode, 422);
    assert.doesNotMatch(res.body, /<html/i, 'htmx gets the form fragment only');
    assert.equal(res.headers.vary, 'HX-Request');
    assert.match(res.body, /This subdomain is taken/);
    assert.match(res.body, /at least 8 characters/);
    assert.match(res.body, /Enter your company name/);
    assert.doesNotMatch(res.body, /value="short"/, 'the password is never echoed');
    assert.equal(await t.services.auth.users.findByEmail(email), null, 'no user was created');
  });

  test('a duplicate email is refused with a clear message', async () => {
    const b = browser();
    const existing = await createTenantWithOwner(t);
    const subdomain = uniqueName('fresh');
    const res = await signUp(b, { companyName: 'Fresh', subdomain, email: existing.email, password: 'long enough password' });
    assert.equal(res.statusCode, 422);
    assert.match(res.body, /already exists/);
    assert.equal(await t.services.tenants.getTenantBySubdomain(subdomain), null, 'no tenant was created');
  });

  test('a POST without the CSRF token is refused with 403', async () => {
    const b = browser();
    await b.request('GET', hostFor(null), '/signup');
    const res = await b.request('POST', hostFor(null), '/signup', { company_name: 'X', subdomain: uniqueName('x'), email: 'x@example.com', password: 'long enough password' });
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /form session expired/);
  });
});

describe('login and logout', () => {
  test('login on the tenant host, then logout ends the session server-side', async () => {
    const owner = await createTenantWithOwner(t);
    const b = browser();
    const host = hostFor(owner.tenant.subdomain);
    const page = await b.request('GET', host, '/login');
    const res = await b.request('POST', host, '/login', { _csrf: csrfFrom(page.body), email: owner.email, password: owner.password, next: '/data' });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/data');
    const cookieValue = b.jar.get(host, 'saas.session_token');
    assert.ok(cookieValue);
    const data = await b.request('GET', host, '/data');
    assert.equal(data.statusCode, 200);

    const out = await b.request('POST', host, '/logout', { _csrf: csrfFrom(data.body) });
    assert.equal(out.statusCode, 303);
    // Replaying the old cookie does not work: the session is gone on the server.
    const replay = await t.app.inject({ method: 'GET', url: '/dashboard', headers: { host, cookie: `saas.session_token=${cookieValue}` } });
    assert.equal(replay.statusCode, 303);
    assert.match(String(replay.headers.location), /^\/login/);
  });

  test('wrong password and unknown email get the same generic message', async () => {
    const owner = await createTenantWithOwner(t);
    const b = browser();
    const page = await b.request('GET', hostFor(null), '/login');
    const csrf = csrfFrom(page.body);
    const wrong = await b.request('POST', hostFor(null), '/login', { _csrf: csrf, email: owner.email, password: 'wrong password' });
    const unknown = await b.request('POST', hostFor(null), '/login', { _csrf: csrf, email: `${uniqueName('nobody')}@example.com`, password: 'wrong password' });
    assert.equal(wrong.statusCode, 401);
    assert.equal(unknown.statusCode, 401);
    assert.match(wrong.body, /Invalid email or password/);
    assert.match(unknown.body, /Invalid email or password/);
  });

  test('login on the root site goes to the only workspace through a hand-off', async () => {
    const owner = await createTenantWithOwner(t);
    const b = browser();
    const page = await b.request('GET', hostFor(null), '/login');
    const res = await b.request('POST', hostFor(null), '/login', { _csrf: csrfFrom(page.body), email: owner.email, password: owner.password });
    assert.equal(res.statusCode, 303);
    assert.match(String(res.headers.location), new RegExp(`^http://${owner.tenant.subdomain}\\.localhost:8000/auth/handoff\\?token=`));
  });

  test('a user of several workspaces picks one on the root site; other workspaces are not offered', async () => {
    const owner = await createTenantWithOwner(t, { companyName: 'First Co' });
    const second = await t.services.tenants.createTenant({ name: 'Second Co', subdomain: uniqueName('second'), ownerEmail: owner.email });
    const stranger = await createTenantWithOwner(t);
    const b = browser();
    const page = await b.request('GET', hostFor(null), '/login');
    const res = await b.request('POST', hostFor(null), '/login', { _csrf: csrfFrom(page.body), email: owner.email, password: owner.password });
    assert.equal(res.headers.location, '/workspaces');
    const chooser = await b.request('GET', hostFor(null), '/workspaces');
    assert.equal(chooser.statusCode, 200);
    assert.match(chooser.body, /First Co/);
    assert.match(chooser.body, /Second Co/);
    const open = await b.request('GET', hostFor(null), `/workspaces/${second.subdomain}/open`);
    assert.equal(open.statusCode, 303);
    assert.match(String(open.headers.location), new RegExp(`^http://${second.subdomain}\\.localhost:8000/auth/handoff\\?token=`));
    const notMine = await b.request('GET', hostFor(null), `/workspaces/${stranger.tenant.subdomain}/open`);
    assert.equal(notMine.statusCode, 404);
    const signedOut = await t.app.inject({ method: 'GET', url: '/workspaces', headers: { host: hostFor(null) } });
    assert.equal(signedOut.statusCode, 303);
  });

  test('a member of another tenant is refused on this tenant host', async () => {
    const a = await createTenantWithOwner(t);
    const other = await createTenantWithOwner(t);
    const b = browser();
    const host = hostFor(a.tenant.subdomain);
    const page = await b.request('GET', host, '/login');
    const res = await b.request('POST', host, '/login', { _csrf: csrfFrom(page.body), email: other.email, password: other.password });
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /not a member/);
    assert.equal(b.jar.get(host, 'saas.session_token'), undefined);
  });

  test('pages of a tenant redirect to login when signed out', async () => {
    const owner = await createTenantWithOwner(t);
    const res = await t.app.inject({ method: 'GET', url: '/dashboard', headers: { host: hostFor(owner.tenant.subdomain) } });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/login?next=%2Fdashboard');
  });
});

describe('the Data page (htmx)', () => {
  test('create, list with infinite scroll, delete', async () => {
    const owner = await createTenantWithOwner(t);
    const b = browser();
    const host = hostFor(owner.tenant.subdomain);
    const login = await b.request('GET', host, '/login');
    await b.request('POST', host, '/login', { _csrf: csrfFrom(login.body), email: owner.email, password: owner.password });
    const page = await b.request('GET', host, '/data');
    const csrf = csrfFrom(page.body);
    const htmx = { 'hx-request': 'true', 'x-csrf-token': csrf };
    for (let i = 0; i < 25; i++) {
      const created = await b.request('POST', host, '/data', { name: `Item <${i}>` }, htmx);
      assert.equal(created.statusCode, 201);
    }
    const first = await b.request('GET', host, '/data/list?page=1', undefined, { 'hx-request': 'true' });
    assert.equal(first.statusCode, 200);
    assert.match(first.body, /Item &lt;24&gt;/);
    assert.match(first.body, /hx-trigger="revealed"/);
    assert.match(first.body, /hx-get="\/data\/list"/);
    const second = await b.request('GET', host, '/data/list?page=2', undefined, { 'hx-request': 'true' });
    assert.match(second.body, /Item &lt;0&gt;/);
    assert.doesNotMatch(second.body, /hx-trigger="revealed"/, 'no sentinel after the last page');

    const invalid = await b.request('POST', host, '/data', { name: '   ' }, htmx);
    assert.equal(invalid.statusCode, 422);
    assert.equal(invalid.headers['hx-retarget'], '#data-create-form');
    assert.match(invalid.body, /Enter a name/);

    const id = /id="item-([0-9a-f-]{36})"/.exec(first.body)![1]!;
    const del = await b.request('DELETE', host, `/data/${id}`, undefined, htmx);
    assert.equal(del.statusCode, 200);
    const gone = await b.request('DELETE', host, `/data/${id}`, undefined, htmx);
    assert.equal(gone.statusCode, 404);
  });
});

describe('pages and errors', () => {
  test('landing and pricing render with a strict CSP', async () => {
    const landing = await t.app.inject({ method: 'GET', url: '/', headers: { host: hostFor(null) } });
    assert.equal(landing.statusCode, 200);
    const csp = String(landing.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.doesNotMatch(landing.body, /<script>(?!<\/script>)/, 'no inline script bodies');
    const pricing = await t.app.inject({ method: 'GET', url: '/pricing', headers: { host: hostFor(null) } });
    assert.match(pricing.body, /class="plan-card/);
    assert.match(pricing.body, /<span class="amount">99<\/span>/);
  });

  test('unknown subdomain and unknown path get 404 pages; responses carry a request id', async () => {
    const ghost = await t.app.inject({ method: 'GET', url: '/dashboard', headers: { host: hostFor(uniqueName('ghost')) } });
    assert.equal(ghost.statusCode, 404);
    assert.match(String(ghost.headers['content-type']), /text\/html/);
    assert.ok(ghost.headers['x-request-id']);
    const missing = await t.app.inject({ method: 'GET', url: '/no-such-page', headers: { host: hostFor(null) } });
    assert.equal(missing.statusCode, 404);
    assert.match(missing.body, new RegExp(String(missing.headers['x-request-id'])));
  });

  test('an unexpected error is a 500 page (or problem JSON) that hides the detail and shows the request id', async () => {
    const original = t.services.tenants.getTenantBySubdomain;
    t.services.tenants.getTenantBySubdomain = async () => {
      throw new Error('boom: secret internal detail');
    };
    try {
      const page = await t.app.inject({ method: 'GET', url: '/dashboard', headers: { host: hostFor('anything') } });
      assert.equal(page.statusCode, 500);
      assert.match(String(page.headers['content-type']), /text\/html/);
      assert.doesNotMatch(page.body, /secret internal detail/);
      assert.match(page.body, new RegExp(String(page.headers['x-request-id'])));
      const api = await t.app.inject({ method: 'GET', url: '/api/data', headers: { host: hostFor('anything') } });
      assert.equal(api.statusCode, 500);
      assert.equal(api.json().code, 'internal_error');
      assert.doesNotMatch(api.body, /secret internal detail/);
    } finally {
      t.services.tenants.getTenantBySubdomain = original;
    }
  });
});
