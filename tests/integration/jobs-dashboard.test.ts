/**
 * /admin/jobs: super admins only, on the root site; everyone else gets the plain 404 of an unknown
 * path. With Redis it is bull-board (its API refuses cross-site changes); on the embedded default a
 * page with the schedules and their next runs, and the failed set with a retry button. The relaxed
 * style policy applies to this path only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { defineJob } from '../../src/platform/queue/queue.js';
import { createBrowser, createTenantWithOwner, csrfFrom, hostFor, startTestApp, uniqueName, type TestApp } from '../support/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

const root = hostFor(null);
const withRedis = Boolean(process.env.REDIS_URL);

/** A user without a workspace (as `saas-cli setup` makes the super admin): signing in keeps a session on the root site. */
async function signedIn(superAdmin: boolean) {
  const email = `${uniqueName('admin')}@example.com`;
  const password = 'correct horse battery staple';
  const passwordHash = await t.services.auth.hashPassword(password);
  await t.deps.database.transaction((tx) => t.services.auth.users.insertWithPassword(tx, { email, name: 'Operator', passwordHash, isSuperAdmin: superAdmin, emailVerified: true }));
  const b = createBrowser(t);
  const login = await b.login(null, email, password);
  assert.equal(login.statusCode, 303, login.body);
  assert.equal(login.headers.location, '/workspaces');
  return { b };
}

/** The 404 page without its request id. */
const page404 = (body: string) => body.replace(/Request id <code[^>]*>[^<]*<\/code>/, '');

describe('/admin/jobs', () => {
  test('signed out, a normal user and a workspace host get the same 404 as an unknown path', async () => {
    const unknown = await createBrowser(t).request('GET', root, '/no-such-page-here');
    assert.equal(unknown.statusCode, 404);
    const signedOut = await createBrowser(t).request('GET', root, '/admin/jobs');
    assert.equal(signedOut.statusCode, 404);
    assert.equal(page404(signedOut.body), page404(unknown.body));
    const { b } = await signedIn(false);
    for (const url of ['/admin/jobs', '/admin/jobs/api/queues', '/admin/jobs/static/js/main.js']) {
      const res = await b.request('GET', root, url);
      assert.equal(res.statusCode, 404, url);
      assert.doesNotMatch(res.body, /bull|schedule/i);
    }
    const member = await createTenantWithOwner(t);
    const onTenant = await createBrowser(t).request('GET', hostFor(member.tenant.subdomain), '/admin/jobs');
    assert.equal(onTenant.statusCode, 404);
  });

  test('a super admin sees the dashboard; the relaxed style policy is on this path only', async () => {
    const { b } = await signedIn(true);
    const page = await b.request('GET', root, '/admin/jobs');
    assert.equal(page.statusCode, 200, page.body);
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'(;|$)/);
    if (withRedis) {
      assert.match(page.body, /__UI_CONFIG__/);
      assert.match(csp, /style-src 'self' 'unsafe-inline'/);
      const queues = await b.request('GET', root, '/admin/jobs/api/queues?activeQueue=email&page=1&jobsPerPage=10');
      assert.equal(queues.statusCode, 200);
      const names = (JSON.parse(queues.body) as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
      assert.deepEqual(names, ['analytics', 'billing', 'email', 'maintenance', 'webhooks']);
    } else {
      assert.match(page.body, /Jobs run inside the web process/);
      assert.match(page.body, /maintenance\.cleanup/);
      assert.match(page.body, /tenants\.purge_due/);
      assert.match(page.body, /<time datetime="\d{4}-\d{2}-\d{2}T/);
    }
    const elsewhere = await b.request('GET', root, '/workspaces');
    assert.doesNotMatch(String(elsewhere.headers['content-security-policy']), /unsafe-inline/);
  });

  test('changes through the dashboard API need a same-origin request', { skip: withRedis ? false : 'needs Redis (REDIS_URL): the embedded page has no API' }, async () => {
    const { b } = await signedIn(true);
    const put = (headers: Record<string, string> = {}) =>
      t.app.inject({ method: 'PUT', url: '/admin/jobs/api/queues/email/retry/failed', remoteAddress: b.remoteAddress, headers: { host: root, cookie: b.jar.header(root), ...headers } });
    const crossSite = await put({ origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    assert.equal(crossSite.statusCode, 403);
    const noOrigin = await put();
    assert.equal(noOrigin.statusCode, 403);
    const sameOrigin = await put({ origin: t.config.publicUrl.origin, 'sec-fetch-site': 'same-origin' });
    assert.equal(sameOrigin.statusCode, 200, sameOrigin.body);
  });

  test('embedded: a job that used up its attempts is listed with its error; Retry runs it again, once', { skip: withRedis ? 'the embedded runner only: BullMQ keeps its own failed set' : false }, async () => {
    let failing = true;
    let finished = 0;
    const name = `test.flaky_${uniqueName('j').replace(/-/g, '_')}`;
    t.deps.queue.register([
      defineJob({
        name,
        queue: 'maintenance',
        attempts: 2,
        backoffMs: 1,
        parse: (p: unknown) => p as { itemId: string },
        async handle() {
          if (failing) throw new Error('upstream said <no>');
          finished++;
        },
      }),
    ]);
    await t.deps.queue.enqueue(name, { itemId: 'item-42' });
    await t.deps.queue.drain!();

    const { b } = await signedIn(true);
    const page = await b.request('GET', root, '/admin/jobs');
    assert.equal(page.statusCode, 200);
    const row = new RegExp(`<tr class="failure-row">(?:(?!</tr>).)*${name.replace(/\./g, '\\.')}(?:(?!</tr>).)*</tr>`, 's').exec(page.body)?.[0];
    assert.ok(row, 'the failure is listed');
    assert.match(row, /upstream said &lt;no&gt;/, 'the error, escaped');
    assert.match(row, /2 attempts · queue maintenance/);
    assert.match(row, /item-42/);
    const action = /action="(\/admin\/jobs\/failures\/[0-9a-f-]{36}\/retry)"/.exec(row)?.[1];
    assert.ok(action);

    // A form post from elsewhere (no CSRF token) changes nothing.
    const forged = await b.request('POST', root, action, {}, { origin: t.config.publicUrl.origin });
    assert.equal(forged.statusCode, 403);
    assert.equal(finished, 0);

    failing = false;
    const retried = await b.request('POST', root, action, { _csrf: csrfFrom(page.body) }, { origin: t.config.publicUrl.origin });
    assert.equal(retried.statusCode, 303);
    assert.equal(retried.headers.location, '/admin/jobs?retried=queued');
    await t.deps.queue.drain!();
    assert.equal(finished, 1);
    const after = await b.request('GET', root, '/admin/jobs?retried=queued');
    assert.match(after.body, /Queued again/);
    assert.ok(!after.body.includes(name), 'no longer in the failed set');
    // The same failure again: nothing runs twice.
    const twice = await b.request('POST', root, action, { _csrf: csrfFrom(page.body) }, { origin: t.config.publicUrl.origin });
    assert.equal(twice.headers.location, '/admin/jobs?retried=already_retried');
    await t.deps.queue.drain!();
    assert.equal(finished, 1);

    // A malformed id is "not on record", not an error; anyone but a super admin gets the plain 404.
    const malformed = await b.request('POST', root, '/admin/jobs/failures/not-an-id/retry', { _csrf: csrfFrom(page.body) }, { origin: t.config.publicUrl.origin });
    assert.equal(malformed.headers.location, '/admin/jobs?retried=not_found');
    const normal = (await signedIn(false)).b;
    const normalPage = await normal.request('GET', root, '/account');
    const refused = await normal.request('POST', root, action, { _csrf: csrfFrom(normalPage.body) }, { origin: t.config.publicUrl.origin });
    assert.equal(refused.statusCode, 404, 'the same 404 as an unknown path');
  });
});
