/**
 * Custom domains: a workspace claims a hostname, proves control with a TXT record (read through a
 * fake resolver), and the verified hostname then serves the workspace like its subdomain: pages with a
 * session made on that host, and the API with a bearer token. Unverified claims are not routed; the
 * first workspace to prove control wins; removing stops routing at once; a resolver failure retries.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { DnsLookupError, type DnsResolver } from '../../src/platform/dns/resolver.js';
import { clientFor, createBrowser, createTenantWithOwner, csrfFrom, hostFor, loginForToken, randomClientAddress, startTestApp, uniqueName, type TestApp } from '../support/test-app.js';

/** TXT records by name, and names whose lookup fails (no answer). */
const records = new Map<string, string[][]>();
const failing = new Set<string>();
const dns: DnsResolver = {
  async resolveTxt(name) {
    if (failing.has(name)) throw new DnsLookupError(`DNS lookup of ${name} failed: ESERVFAIL`, 'ESERVFAIL');
    return records.get(name) ?? [];
  },
};

let t: TestApp;
before(async () => {
  t = await startTestApp({}, { dnsResolver: dns });
});
after(async () => t?.close());

type Owner = Awaited<ReturnType<typeof createTenantWithOwner>>;
interface DomainJson {
  id: string;
  hostname: string;
  status: string;
  last_error: string | null;
  last_checked_at: string | null;
  verified_at: string | null;
  dns_records: { type: string; name: string; value: string }[];
}

const newHostname = () => `${uniqueName('app')}.customer.test`;

async function ownerWithApi() {
  const owner = await createTenantWithOwner(t);
  const api = clientFor(t, owner.tenant.subdomain, await loginForToken(t, owner.email, owner.password));
  return { owner, api };
}

async function addDomain(api: ReturnType<typeof clientFor>, hostname: string): Promise<DomainJson> {
  const res = await api({ method: 'POST', url: '/api/domains', payload: { hostname } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as DomainJson;
}

/** Runs the `domains.verify` job as a worker would. */
async function runVerifyJob(tenantId: string, domainId: string): Promise<void> {
  const job = t.deps.queue.definitions().find((d) => d.name === 'domains.verify')!;
  await job.handle(job.parse({ tenantId, domainId }), { jobId: `test-${crypto.randomUUID()}`, attempt: 1 });
}

async function domainOf(api: ReturnType<typeof clientFor>, id: string): Promise<DomainJson> {
  const list = (await api({ method: 'GET', url: '/api/domains' })).json() as DomainJson[];
  return list.find((d) => d.id === id)!;
}

const txtValue = (domain: DomainJson) => domain.dns_records.find((r) => r.type === 'TXT')!.value;
const publish = (domain: DomainJson, value = txtValue(domain)) => records.set(`_saas-verify.${domain.hostname}`, [[value]]);

/** What a request on `host` with a bearer token gets from a tenant API route. */
const apiOn = (host: string, token: string, url = '/api/members') => t.app.inject({ method: 'GET', url, headers: { host, authorization: `Bearer ${token}` } });

async function verifiedDomain(): Promise<{ owner: Owner; api: ReturnType<typeof clientFor>; domain: DomainJson }> {
  const { owner, api } = await ownerWithApi();
  const domain = await addDomain(api, newHostname());
  publish(domain);
  await runVerifyJob(owner.tenant.id, domain.id);
  return { owner, api, domain: await domainOf(api, domain.id) };
}

describe('custom domains', () => {
  test('a new domain is pending with its DNS records, and is not routed', async () => {
    const { owner, api } = await ownerWithApi();
    const hostname = newHostname();
    const domain = await addDomain(api, `  ${hostname.toUpperCase()}. `);
    assert.equal(domain.hostname, hostname);
    assert.equal(domain.status, 'pending');
    const txt = domain.dns_records.find((r) => r.type === 'TXT')!;
    assert.equal(txt.name, `_saas-verify.${hostname}`);
    assert.match(txt.value, /^saas-verify=[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(domain.dns_records.find((r) => r.type === 'CNAME'), { type: 'CNAME', name: hostname, value: `${owner.tenant.subdomain}.localhost` });

    const token = await loginForToken(t, owner.email, owner.password);
    const onCustom = await apiOn(hostname, token);
    assert.equal(onCustom.statusCode, 404, 'an unverified domain is the root site: no workspace there');
    const page = await t.app.inject({ method: 'GET', url: '/dashboard', headers: { host: hostname } });
    assert.equal(page.statusCode, 303);
    assert.equal(page.headers.location, '/workspaces');

    const events = await t.deps.database.withTenant(owner.tenant.id, (tx) => t.services.audit.listForTenant(tx, {}, 1, 20));
    const added = events.items.find((e) => e.action === 'tenant.domain_added');
    assert.equal(added?.details?.hostname, hostname);
    assert.equal(added?.actorUserId, owner.userId);
  });

  test('no TXT record, then a wrong value, each say why; the right value verifies it (audited)', async () => {
    const { owner, api } = await ownerWithApi();
    const domain = await addDomain(api, newHostname());
    await runVerifyJob(owner.tenant.id, domain.id);
    let now = await domainOf(api, domain.id);
    assert.equal(now.status, 'failed');
    assert.equal(now.last_error, `No TXT record found at _saas-verify.${domain.hostname}`);
    assert.ok(now.last_checked_at);

    publish(domain, 'saas-verify=somebody-elses-token');
    await runVerifyJob(owner.tenant.id, domain.id);
    now = await domainOf(api, domain.id);
    assert.equal(now.status, 'failed');
    assert.equal(now.last_error, 'TXT record found but the value does not match');

    // Long values come split in several strings; other TXT records may sit beside ours.
    const value = txtValue(domain);
    records.set(`_saas-verify.${domain.hostname}`, [['v=spf1 -all'], [value.slice(0, 20), value.slice(20)]]);
    await runVerifyJob(owner.tenant.id, domain.id);
    now = await domainOf(api, domain.id);
    assert.equal(now.status, 'verified');
    assert.equal(now.last_error, null);
    assert.ok(now.verified_at);
    // Running it again changes nothing (jobs are delivered at least once).
    await runVerifyJob(owner.tenant.id, domain.id);
    assert.equal((await domainOf(api, domain.id)).verified_at, now.verified_at);
    const events = await t.deps.database.withTenant(owner.tenant.id, (tx) => t.services.audit.listForTenant(tx, { action: 'tenant.domain_verified' }, 1, 20));
    assert.equal(events.items.length, 1);
  });

  test('a verified domain serves the workspace: sign-in, pages and API on that host', async () => {
    const { owner, domain } = await verifiedDomain();
    const host = domain.hostname;
    const b = createBrowser(t);
    const login = await b.request('GET', host, '/login');
    assert.equal(login.statusCode, 200);
    assert.match(login.body, new RegExp(owner.tenant.name));
    const signedIn = await b.request('POST', host, '/login', { _csrf: csrfFrom(login.body), email: owner.email, password: owner.password });
    assert.equal(signedIn.statusCode, 303, signedIn.body);
    assert.equal(signedIn.headers.location, '/dashboard');
    const cookies = [signedIn.headers['set-cookie']].flat().map(String);
    const session = cookies.find((c) => c.includes('session_token='));
    assert.ok(session, 'a session cookie for this host');
    assert.doesNotMatch(session!, /domain=/i, 'host-only');
    const dashboard = await b.request('GET', host, '/dashboard');
    assert.equal(dashboard.statusCode, 200);
    assert.match(dashboard.body, new RegExp(owner.tenant.name));

    const token = await loginForToken(t, owner.email, owner.password);
    const members = await apiOn(host, token);
    assert.equal(members.statusCode, 200);
    assert.ok((members.json() as { email: string }[]).some((m) => m.email === owner.email));
    // Trailing dot and upper case are the same host.
    assert.equal((await apiOn(`${host.toUpperCase()}.`, token)).statusCode, 200);

    // A member of another workspace gets no further there than on the subdomain.
    const stranger = await createTenantWithOwner(t);
    const refused = await apiOn(host, await loginForToken(t, stranger.email, stranger.password));
    assert.equal(refused.statusCode, 403);
  });

  test('two workspaces claim one hostname: the first to prove control wins, the other is told', async () => {
    const first = await ownerWithApi();
    const second = await ownerWithApi();
    const hostname = newHostname();
    const claimA = await addDomain(first.api, hostname);
    const claimB = await addDomain(second.api, hostname);
    publish(claimB);
    await runVerifyJob(second.owner.tenant.id, claimB.id);
    assert.equal((await domainOf(second.api, claimB.id)).status, 'verified');

    // A's claim shows the refusal before its next check, and after it; even with A's own record published.
    let a = await domainOf(first.api, claimA.id);
    assert.equal(a.status, 'failed');
    assert.equal(a.last_error, 'verified by another workspace');
    publish(claimA);
    await runVerifyJob(first.owner.tenant.id, claimA.id);
    a = await domainOf(first.api, claimA.id);
    assert.equal(a.status, 'failed');
    assert.equal(a.last_error, 'verified by another workspace');
    assert.equal(a.verified_at, null);

    const token = await loginForToken(t, second.owner.email, second.owner.password);
    assert.equal((await apiOn(hostname, token)).statusCode, 200, 'the winner is served there');
  });

  test('bad hostnames are refused with a clear message', async () => {
    const { api } = await ownerWithApi();
    const cases: [string, RegExp][] = [
      ['', /Enter a domain name/],
      ['192.168.1.10', /not an IP address/],
      ['[::1]', /domain name alone|not an IP address/],
      ['localhost', /at least one dot|localhost/],
      ['app.localhost', /localhost|are ours/],
      ['acme.localhost', /are ours|localhost/],
      ['example', /at least one dot/],
      ['bad_label.example.com', /letters, digits or hyphens/],
      ['-start.example.com', /cannot start or end with a hyphen/],
      [`${'a'.repeat(64)}.example.com`, /1 to 63/],
      [`${'a.'.repeat(127)}com`, /at most 253/],
      ['https://app.example.com/', /domain name alone/],
      ['app.example.com:8443', /domain name alone/],
      ['co.uk', /shared by many owners/],
      ['1.2.3', /not an IP address|not a valid domain/],
    ];
    for (const [hostname, message] of cases) {
      const res = await api({ method: 'POST', url: '/api/domains', payload: { hostname } });
      assert.equal(res.statusCode, 422, `${hostname}: ${res.body}`);
      const body = res.json() as { errors: { hostname: string } };
      assert.match(body.errors.hostname, message, hostname);
    }
    assert.equal((await api({ method: 'POST', url: '/api/domains', payload: {} })).statusCode, 422);
    assert.deepEqual((await api({ method: 'GET', url: '/api/domains' })).json(), []);
  });

  test('international names are stored in their DNS form; a duplicate and a sixth domain are refused', async () => {
    const { api } = await ownerWithApi();
    const suffix = uniqueName('x');
    const idn = await addDomain(api, `Bücher.${suffix}.test.`);
    assert.equal(idn.hostname, `xn--bcher-kva.${suffix}.test`);
    const dup = await api({ method: 'POST', url: '/api/domains', payload: { hostname: `xn--bcher-kva.${suffix}.test` } });
    assert.equal(dup.statusCode, 422);
    assert.match((dup.json() as { errors: { hostname: string } }).errors.hostname, /already on the list/);
    for (let i = 0; i < 4; i++) await addDomain(api, newHostname());
    const sixth = await api({ method: 'POST', url: '/api/domains', payload: { hostname: newHostname() } });
    assert.equal(sixth.statusCode, 422);
    assert.match((sixth.json() as { errors: { hostname: string } }).errors.hostname, /at most 5/);
  });

  test('a viewer may not see or change the domains', async () => {
    const { owner, api } = await ownerWithApi();
    const domain = await addDomain(api, newHostname());
    const viewer = await createTenantWithOwner(t);
    await t.services.tenants.addMember(owner.tenant.id, viewer.userId, 'viewer');
    const asViewer = clientFor(t, owner.tenant.subdomain, await loginForToken(t, viewer.email, viewer.password));
    assert.equal((await asViewer({ method: 'GET', url: '/api/domains' })).statusCode, 403);
    assert.equal((await asViewer({ method: 'POST', url: '/api/domains', payload: { hostname: newHostname() } })).statusCode, 403);
    assert.equal((await asViewer({ method: 'DELETE', url: `/api/domains/${domain.id}` })).statusCode, 403);
    const b = createBrowser(t);
    await b.login(owner.tenant.subdomain, viewer.email, viewer.password);
    assert.equal((await b.request('GET', hostFor(owner.tenant.subdomain), '/settings/domains')).statusCode, 403);
    assert.equal((await api({ method: 'GET', url: '/api/domains' })).json().length, 1, 'still there');
    // Without a token at all.
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/domains', headers: { host: hostFor(owner.tenant.subdomain) } })).statusCode, 401);
  });

  test("another workspace's domain id is a 404 like a random id", async () => {
    const { api } = await ownerWithApi();
    const other = await ownerWithApi();
    const theirs = await addDomain(other.api, newHostname());
    for (const id of [theirs.id, crypto.randomUUID(), 'not-a-uuid']) {
      assert.equal((await api({ method: 'POST', url: `/api/domains/${id}/verify` })).statusCode, 404);
      assert.equal((await api({ method: 'DELETE', url: `/api/domains/${id}` })).statusCode, 404);
    }
    assert.equal((await other.api({ method: 'GET', url: '/api/domains' })).json().length, 1);
  });

  test('removing a verified domain stops routing at once (audited)', async () => {
    const { owner, api, domain } = await verifiedDomain();
    const token = await loginForToken(t, owner.email, owner.password);
    assert.equal((await apiOn(domain.hostname, token)).statusCode, 200);
    const removed = await api({ method: 'DELETE', url: `/api/domains/${domain.id}` });
    assert.equal(removed.statusCode, 204);
    assert.equal((await apiOn(domain.hostname, token)).statusCode, 404);
    assert.deepEqual((await api({ method: 'GET', url: '/api/domains' })).json(), []);
    assert.equal((await api({ method: 'DELETE', url: `/api/domains/${domain.id}` })).statusCode, 404);
    const events = await t.deps.database.withTenant(owner.tenant.id, (tx) => t.services.audit.listForTenant(tx, { action: 'tenant.domain_removed' }, 1, 20));
    assert.equal(events.items[0]?.details?.hostname, domain.hostname);
  });

  test('a resolver failure makes the job throw (so it retries) and the state says the lookup failed', async () => {
    const { owner, api } = await ownerWithApi();
    const domain = await addDomain(api, newHostname());
    failing.add(`_saas-verify.${domain.hostname}`);
    await assert.rejects(runVerifyJob(owner.tenant.id, domain.id), DnsLookupError);
    const now = await domainOf(api, domain.id);
    assert.equal(now.status, 'failed');
    assert.equal(now.last_error, 'DNS lookup failed: try again later');
    // The next attempt, once DNS answers, verifies it.
    failing.delete(`_saas-verify.${domain.hostname}`);
    publish(domain);
    await runVerifyJob(owner.tenant.id, domain.id);
    assert.equal((await domainOf(api, domain.id)).status, 'verified');
  });

  test('the periodic re-check verifies recent pending domains of every workspace', async () => {
    const { owner, api } = await ownerWithApi();
    const domain = await addDomain(api, newHostname());
    publish(domain);
    const results = await t.services.domains.verifyPending();
    const mine = results.find((r) => r.domainId === domain.id);
    assert.equal(mine?.state, 'verified');
    assert.equal(mine?.tenantId, owner.tenant.id);
    assert.equal((await domainOf(api, domain.id)).status, 'verified');
    assert.ok(!(await t.services.domains.verifyPending()).some((r) => r.domainId === domain.id), 'verified domains are not checked again');
  });

  test('"Check now" is limited per workspace', async () => {
    const { api } = await ownerWithApi();
    const domain = await addDomain(api, newHostname());
    let last = 0;
    for (let i = 0; i < 25 && last !== 429; i++) last = (await api({ method: 'POST', url: `/api/domains/${domain.id}/verify` })).statusCode;
    assert.equal(last, 429);
  });

  test('the certificate check answers 200 for verified domains only', async () => {
    const { api, domain } = await verifiedDomain();
    const pending = await addDomain(api, newHostname());
    const ask = (d: string) => t.app.inject({ method: 'GET', url: `/internal/domains/allowed?domain=${encodeURIComponent(d)}`, remoteAddress: randomClientAddress(), headers: { host: 'app:8000' } });
    assert.equal((await ask(domain.hostname)).statusCode, 200);
    assert.equal((await ask(pending.hostname)).statusCode, 404);
    assert.equal((await ask('unknown.example.org')).statusCode, 404);
    assert.equal((await ask('')).statusCode, 404);
    assert.equal((await ask('localhost')).statusCode, 404);
  });

  test('the page: add with inline errors, see the records, check now, remove (plain forms)', async () => {
    const owner = await createTenantWithOwner(t);
    const host = hostFor(owner.tenant.subdomain);
    const b = createBrowser(t);
    await b.login(owner.tenant.subdomain, owner.email, owner.password);
    const settings = await b.request('GET', host, '/settings/workspace');
    assert.match(settings.body, /href="\/settings\/domains"/);
    let page = await b.request('GET', host, '/settings/domains');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /No custom domains yet/);

    const bad = await b.request('POST', host, '/settings/domains', { _csrf: csrfFrom(page.body), hostname: '10.0.0.1' });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /not an IP address/);
    assert.match(bad.body, /value="10.0.0.1"/);

    const hostname = newHostname();
    const added = await b.request('POST', host, '/settings/domains', { _csrf: csrfFrom(bad.body), hostname });
    assert.equal(added.statusCode, 303);
    page = await b.request('GET', host, added.headers.location as string);
    assert.match(page.body, /Domain added/);
    assert.match(page.body, new RegExp(`_saas-verify\\.${hostname.replace(/\./g, '\\.')}`));
    assert.match(page.body, /saas-verify=[A-Za-z0-9_-]{43}/);
    assert.match(page.body, new RegExp(`${owner.tenant.subdomain}\\.localhost`));
    assert.match(page.body, /Pending verification|Check failed/);
    const id = /action="\/settings\/domains\/([0-9a-f-]{36})\/verify"/.exec(page.body)![1]!;

    await runVerifyJob(owner.tenant.id, id);
    page = await b.request('GET', host, '/settings/domains');
    assert.match(page.body, /Check failed/);
    assert.match(page.body, /No TXT record found at _saas-verify\./);

    const check = await b.request('POST', host, `/settings/domains/${id}/verify`, { _csrf: csrfFrom(page.body) });
    assert.equal(check.statusCode, 303);
    const noCsrf = await b.request('POST', host, `/settings/domains/${id}/remove`, {});
    assert.equal(noCsrf.statusCode, 403);
    const removed = await b.request('POST', host, `/settings/domains/${id}/remove`, { _csrf: csrfFrom(page.body) });
    assert.equal(removed.statusCode, 303);
    page = await b.request('GET', host, removed.headers.location as string);
    assert.match(page.body, /Domain removed/);
    assert.match(page.body, /No custom domains yet/);
  });
});
