/**
 * The workspace export: a ZIP with workspace.json, a CSV per kind of record and a README. Values
 * round-trip exactly in the JSON and through RFC 4180 CSV, spreadsheet formulas are neutralised,
 * another workspace's rows never appear, the audit log only for members who may read it, and the
 * export stays open while the workspace is suspended.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { unzipSync } from 'fflate';
import { clientFor, createBrowser, createTenantWithOwner, hostFor, loginForToken, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

const HOSTILE_NAME = '=HYPERLINK("http://evil.example","click")';
const TRICKY_DESCRIPTION = 'comma, "quoted"\nsecond line';

/** RFC 4180 reader (quoted fields, doubled quotes, CRLF), enough to check what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  assert.ok(text.startsWith('\uFEFF'), 'starts with a byte-order mark');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 1; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else {
      assert.notEqual(c, '\n', 'a bare line feed outside quotes');
      field += c;
    }
  }
  assert.equal(field, '', 'the file ends with CRLF');
  return rows;
}

/** Keeps a byte-order mark (the default decoder drops it), so the test sees the files as they are. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function unzip(body: Buffer): Record<string, string> {
  const files = unzipSync(new Uint8Array(body));
  return Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, utf8.decode(bytes)]));
}

/** A column of a parsed CSV, by header name. */
function column(rows: string[][], name: string): string[] {
  const index = rows[0]!.indexOf(name);
  assert.ok(index >= 0, `column ${name} in ${rows[0]!.join(',')}`);
  return rows.slice(1).map((r) => r[index]!);
}

async function workspaceWithData() {
  const owner = await createTenantWithOwner(t);
  const scope = t.services.tenants.getTenantDb(owner.tenant.id);
  await t.services.data.create(scope, owner.tenant.plan, { name: HOSTILE_NAME, description: TRICKY_DESCRIPTION }, owner.userId);
  await t.services.data.create(scope, owner.tenant.plan, { name: '@SUM(A1:A2)', description: '-2+3' }, owner.userId);
  const viewer = await createTenantWithOwner(t);
  await t.services.tenants.addMember(owner.tenant.id, viewer.userId, 'viewer');
  await t.services.invitations.invite(
    owner.tenant.id,
    { userId: owner.userId, role: 'owner' },
    { email: 'invited-person@example.com', role: 'member' },
    { context: { ip: null, userAgent: null, requestId: null }, via: 'cli' },
  );
  // Another workspace, whose rows must never show up.
  const other = await createTenantWithOwner(t);
  await t.services.data.create(t.services.tenants.getTenantDb(other.tenant.id), other.tenant.plan, { name: 'Other workspace secret' }, other.userId);
  return { owner, viewer, other };
}

describe('workspace export', () => {
  test("an owner's archive holds every record, exactly in the JSON and neutralised in CSV, and nothing of other workspaces", async () => {
    const { owner, viewer, other } = await workspaceWithData();
    // More rows than one page of the data service: the export pages through all of them.
    const scope = t.services.tenants.getTenantDb(owner.tenant.id);
    for (let i = 0; i < 510; i++) await t.services.data.create(scope, owner.tenant.plan, { name: `Bulk ${i}` }, owner.userId);
    const b = createBrowser(t);
    await b.login(owner.tenant.subdomain, owner.email, owner.password);
    const host = hostFor(owner.tenant.subdomain);

    const page = await b.request('GET', host, '/settings/export');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /href="\/export\.zip"/);

    const res = await b.request('GET', host, '/export.zip');
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/zip');
    const today = new Date().toISOString().slice(0, 10);
    assert.equal(res.headers['content-disposition'], `attachment; filename="${owner.tenant.subdomain}-export-${today}.zip"`);
    const files = unzip(res.rawPayload);
    assert.deepEqual(Object.keys(files).sort(), [
      'README.txt',
      'csv/audit_events.csv',
      'csv/custom_domains.csv',
      'csv/data_items.csv',
      'csv/invitations.csv',
      'csv/members.csv',
      'csv/roles.csv',
      'csv/workspace.csv',
      'workspace.json',
    ]);

    const doc = JSON.parse(files['workspace.json']!);
    assert.equal(doc.workspace.id, owner.tenant.id);
    assert.equal(doc.workspace.subdomain, owner.tenant.subdomain);
    assert.equal(doc.data_items.length, 512);
    const hostile = doc.data_items.find((d: { name: string }) => d.name === HOSTILE_NAME);
    assert.equal(hostile.description, TRICKY_DESCRIPTION);
    assert.match(hostile.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(doc.members.map((m: { email: string; role: string }) => `${m.email}:${m.role}`).sort(), [`${owner.email}:owner`, `${viewer.email}:viewer`].sort());
    assert.deepEqual(doc.invitations.map((i: { email: string; state: string }) => `${i.email}:${i.state}`), ['invited-person@example.com:pending']);
    assert.ok(!JSON.stringify(doc.invitations).includes('token'), 'no token hashes');
    assert.ok(doc.audit_events.some((e: { action: string }) => e.action === 'member.invited'));

    const items = parseCsv(files['csv/data_items.csv']!);
    assert.deepEqual(items[0], ['id', 'name', 'description', 'created_by', 'created_at', 'updated_at']);
    assert.equal(items.length, 513);
    const names = column(items, 'name');
    const descriptions = column(items, 'description');
    const at = names.indexOf(`'${HOSTILE_NAME}`);
    assert.ok(at >= 0, 'the formula is neutralised with a leading apostrophe');
    assert.equal(descriptions[at], TRICKY_DESCRIPTION, 'comma, quotes and line break round-trip');
    assert.ok(names.includes("'@SUM(A1:A2)"));
    assert.ok(descriptions.includes("'-2+3"));
    assert.ok(!names.includes(HOSTILE_NAME), 'never a bare formula');
    assert.ok(files['csv/data_items.csv']!.includes('"\'=HYPERLINK(""http://evil.example"",""click"")"'), 'quoted per RFC 4180');

    const members = parseCsv(files['csv/members.csv']!);
    assert.deepEqual(members[0], ['user_id', 'email', 'name', 'role', 'joined_at']);
    assert.deepEqual(column(members, 'email').sort(), [owner.email, viewer.email].sort());
    assert.deepEqual(parseCsv(files['csv/invitations.csv']!)[0], ['email', 'role', 'state', 'created_at', 'expires_at', 'accepted_at', 'revoked_at']);
    assert.deepEqual(column(parseCsv(files['csv/workspace.csv']!), 'subdomain'), [owner.tenant.subdomain]);
    assert.ok(column(parseCsv(files['csv/audit_events.csv']!), 'action').includes('tenant.created'));
    assert.match(files['README.txt']!, /workspace\.json/);

    const everything = Object.values(files).join('\n');
    assert.ok(!everything.includes('Other workspace secret'), "another workspace's rows never appear");
    assert.ok(!everything.includes(other.email));
    assert.ok(!everything.includes(other.tenant.id));

    const events = await t.deps.database.withTenant(owner.tenant.id, (tx) => t.services.audit.listForTenant(tx, { action: 'tenant.exported' }, 1, 10));
    assert.equal(events.items.length, 1);
    assert.equal(events.items[0]!.actorUserId, owner.userId);
    assert.equal(events.items[0]!.details.audit_log_included, true);
  });

  test('a viewer can export (page, download and API) but gets no audit log', async () => {
    const { owner, viewer } = await workspaceWithData();
    const api = clientFor(t, owner.tenant.subdomain, await loginForToken(t, viewer.email, viewer.password));
    const res = await api({ method: 'GET', url: '/api/export' });
    assert.equal(res.statusCode, 200);
    const files = unzip(res.rawPayload);
    assert.ok(!('csv/audit_events.csv' in files));
    const doc = JSON.parse(files['workspace.json']!);
    assert.equal(doc.audit_events, undefined);
    assert.equal(doc.data_items.length, 2);
    assert.match(files['README.txt']!, /audit log is not included/);

    const b = createBrowser(t);
    await b.login(owner.tenant.subdomain, viewer.email, viewer.password);
    const page = await b.request('GET', hostFor(owner.tenant.subdomain), '/settings/export');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Your role cannot read the audit log/);
    const web = await b.request('GET', hostFor(owner.tenant.subdomain), '/export.zip');
    assert.equal(web.statusCode, 200);
    assert.ok(!('csv/audit_events.csv' in unzip(web.rawPayload)));
  });

  test("a suspended workspace's members can still export; its other pages answer 403 and point to the export", async () => {
    const { owner, viewer } = await workspaceWithData();
    const host = hostFor(owner.tenant.subdomain);
    const b = createBrowser(t);
    await b.login(owner.tenant.subdomain, viewer.email, viewer.password);
    const api = clientFor(t, owner.tenant.subdomain, await loginForToken(t, viewer.email, viewer.password));
    await t.services.tenants.setStatus(owner.tenant.id, 'suspended');

    const blocked = await b.request('GET', host, '/dashboard');
    assert.equal(blocked.statusCode, 403);
    assert.match(blocked.body, /Tenant suspended/);
    assert.match(blocked.body, /href="\/settings\/export"/);
    assert.equal((await api({ method: 'GET', url: '/api/data' })).json().code, 'tenant_suspended');

    const page = await b.request('GET', host, '/settings/export');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /This workspace is suspended/);
    const web = await b.request('GET', host, '/export.zip');
    assert.equal(web.statusCode, 200);
    assert.equal(JSON.parse(unzip(web.rawPayload)['workspace.json']!).workspace.status, 'suspended');
    const viaApi = await api({ method: 'GET', url: '/api/export' });
    assert.equal(viaApi.statusCode, 200);
    assert.equal(JSON.parse(unzip(viaApi.rawPayload)['workspace.json']!).data_items.length, 2);
  });

  test('without signing in: the page and download send to the login, the API answers 401; a non-member gets 403', async () => {
    const { owner } = await workspaceWithData();
    const host = hostFor(owner.tenant.subdomain);
    const anonymous = createBrowser(t);
    for (const url of ['/settings/export', '/export.zip']) {
      const res = await anonymous.request('GET', host, url);
      assert.equal(res.statusCode, 303);
      assert.match(String(res.headers.location), /^\/login\?next=/);
    }
    const noToken = await clientFor(t, owner.tenant.subdomain)({ method: 'GET', url: '/api/export' });
    assert.equal(noToken.statusCode, 401);

    const stranger = await createTenantWithOwner(t);
    const strangerApi = clientFor(t, owner.tenant.subdomain, await loginForToken(t, stranger.email, stranger.password));
    const refused = await strangerApi({ method: 'GET', url: '/api/export' });
    assert.equal(refused.statusCode, 403);
    assert.ok(!refused.body.includes(owner.tenant.id));
  });
});
