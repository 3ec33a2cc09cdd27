/**
 * The workspace logo: uploaded from the settings page (multipart, CSRF-checked, tenant:manage),
 * recognised by its bytes (PNG, JPEG, WebP; SVG and disguised files refused), at most 256 KB,
 * served at /logo of its own host only with safe headers, shown in the header and on the sign-in page.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { createBrowser, createTenantWithOwner, csrfFrom, hostFor, signedInOwner, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}
/** A valid 2x2 RGB PNG. */
function tinyPng(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(2, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.from([0, 255, 0, 0, 0, 0, 255, 0, 0, 255, 0, 255, 255, 255]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}
/** A valid 1x1 baseline JPEG. */
const TINY_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
  'base64',
);

interface Part {
  name: string;
  value: string | Buffer;
  filename?: string;
  type?: string;
}
function multipart(parts: Part[]): { body: Buffer; contentType: string } {
  const boundary = `----b${crypto.randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`));
    chunks.push(Buffer.isBuffer(p.value) ? p.value : Buffer.from(p.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The signed-in owner of a new workspace, and the logo upload as their browser posts it. */
async function ownerWithUpload() {
  const { owner, host, b, csrf } = await signedInOwner(t);
  /** Posts the upload form as a browser does (the token first, then the file). */
  const upload = async (file: Buffer, opts: { filename?: string; type?: string; csrf?: string | null } = {}) => {
    const token = opts.csrf === undefined ? await csrf() : opts.csrf;
    const form = multipart([
      ...(token ? [{ name: '_csrf', value: token }] : []),
      { name: 'logo', value: file, filename: opts.filename ?? 'logo.png', type: opts.type ?? 'image/png' },
    ]);
    const res = await t.app.inject({
      method: 'POST',
      url: '/settings/workspace/logo',
      remoteAddress: b.remoteAddress,
      headers: { host, cookie: b.jar.header(host), 'content-type': form.contentType },
      payload: form.body,
    });
    b.jar.store(host, res.headers['set-cookie'] as string[] | undefined);
    return res;
  };
  return { owner, host, b, csrf, upload };
}

describe('workspace logo', () => {
  test('an owner uploads a PNG: served on its host with safe headers, versioned, shown in the header and on the sign-in page', async () => {
    const { owner, host, b, upload } = await ownerWithUpload();
    const png = tinyPng();
    const res = await upload(png);
    assert.equal(res.statusCode, 303, res.body.slice(0, 300));
    assert.equal(res.headers.location, '/settings/workspace?done=logo');

    const tenant = await t.services.tenants.getTenantById(owner.tenant.id);
    const version = String(tenant!.logoUpdatedAt!.getTime());
    const page = await b.request('GET', host, '/settings/workspace?done=logo');
    assert.match(page.body, new RegExp(`<img[^>]*src="/logo\\?v=${version}"[^>]*class="tenant-logo`));
    assert.match(page.body, /id="logo-preview"/);
    assert.match(page.body, /id="logo-remove-form"/);

    const served = await t.app.inject({ method: 'GET', url: `/logo?v=${version}`, headers: { host } });
    assert.equal(served.statusCode, 200);
    assert.deepEqual(served.rawPayload, png);
    assert.equal(served.headers['content-type'], 'image/png');
    assert.equal(served.headers['x-content-type-options'], 'nosniff');
    assert.equal(served.headers['content-security-policy'], "default-src 'none'");
    assert.equal(served.headers['content-disposition'], 'inline');
    assert.equal(served.headers['cache-control'], 'public, max-age=31536000, immutable');
    const unversioned = await t.app.inject({ method: 'GET', url: '/logo?v=123', headers: { host } });
    assert.equal(unversioned.headers['cache-control'], 'no-cache');

    const login = await t.app.inject({ method: 'GET', url: '/login', headers: { host } });
    assert.match(login.body, new RegExp(`id="tenant-logo" src="/logo\\?v=${version}" alt="${owner.tenant.name}"`));
    const events = await t.services.audit.listForUser(owner.userId, 10);
    assert.equal(events.find((e) => e.action === 'tenant.logo_changed')?.details?.type, 'image/png');

    // JPEG replaces it.
    assert.equal((await upload(TINY_JPEG, { filename: 'logo.jpg', type: 'image/jpeg' })).statusCode, 303);
    const jpeg = await t.app.inject({ method: 'GET', url: '/logo', headers: { host } });
    assert.equal(jpeg.headers['content-type'], 'image/jpeg');
    assert.equal(jpeg.headers['cache-control'], 'no-cache');
  });

  test('SVG, HTML dressed as PNG, a file over 256 KB and no file are refused with a message on the page, and nothing is stored', async () => {
    const { owner, upload } = await ownerWithUpload();
    const svg = await upload(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), { filename: 'logo.svg', type: 'image/svg+xml' });
    assert.equal(svg.statusCode, 422);
    assert.match(svg.body, /Use a PNG, JPEG or WebP image/);
    const html = await upload(Buffer.from('<!doctype html><script>alert(1)</script>'), { filename: 'logo.png', type: 'image/png' });
    assert.equal(html.statusCode, 422);
    assert.match(html.body, /id="logo-error"/);
    const big = Buffer.concat([tinyPng(), crypto.randomBytes(300 * 1024)]);
    const tooBig = await upload(big);
    assert.equal(tooBig.statusCode, 413);
    assert.match(tooBig.body, /too large: use one of at most 256 KB/);
    const none = await upload(Buffer.alloc(0));
    assert.equal(none.statusCode, 422);
    assert.equal((await t.services.tenants.getTenantById(owner.tenant.id))?.logoUpdatedAt, null);
  });

  test('without the CSRF token: 403; a viewer: 403', async () => {
    const { owner, upload } = await ownerWithUpload();
    const forged = await upload(tinyPng(), { csrf: null });
    assert.equal(forged.statusCode, 403);
    assert.match(forged.body, /form session expired/);
    assert.equal((await t.services.tenants.getTenantById(owner.tenant.id))?.logoUpdatedAt, null);

    const viewer = await createTenantWithOwner(t);
    await t.services.tenants.addMember(owner.tenant.id, viewer.userId, 'viewer');
    const vb = createBrowser(t);
    const host = hostFor(owner.tenant.subdomain);
    await vb.login(owner.tenant.subdomain, viewer.email, viewer.password);
    const csrf = csrfFrom((await vb.request('GET', host, '/account')).body);
    const form = multipart([
      { name: '_csrf', value: csrf },
      { name: 'logo', value: tinyPng(), filename: 'logo.png', type: 'image/png' },
    ]);
    const res = await t.app.inject({ method: 'POST', url: '/settings/workspace/logo', remoteAddress: vb.remoteAddress, headers: { host, cookie: vb.jar.header(host), 'content-type': form.contentType }, payload: form.body });
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /does not allow this/);
    assert.equal((await t.services.tenants.getTenantById(owner.tenant.id))?.logoUpdatedAt, null);
  });

  test("another workspace's host, or the root site, never serves it; removal works (with the version shown) and is audited", async () => {
    const { owner, host, b, csrf, upload } = await ownerWithUpload();
    assert.equal((await upload(tinyPng())).statusCode, 303);
    const other = await createTenantWithOwner(t);
    assert.equal((await t.app.inject({ method: 'GET', url: '/logo', headers: { host: hostFor(other.tenant.subdomain) } })).statusCode, 404);
    assert.equal((await t.app.inject({ method: 'GET', url: '/logo', headers: { host: hostFor(null) } })).statusCode, 404);

    const stale = await b.request('POST', host, '/settings/workspace/logo/remove', { _csrf: await csrf(), version: '1' });
    assert.equal(stale.statusCode, 409);
    const empty = await b.request('POST', host, '/settings/workspace/logo/remove', { _csrf: await csrf() });
    assert.equal(empty.statusCode, 422);
    const version = String((await t.services.tenants.getTenantById(owner.tenant.id))!.logoUpdatedAt!.getTime());
    const removed = await b.request('POST', host, '/settings/workspace/logo/remove', { _csrf: await csrf(), version });
    assert.equal(removed.statusCode, 303);
    assert.equal((await t.app.inject({ method: 'GET', url: '/logo', headers: { host } })).statusCode, 404);
    const page = await b.request('GET', host, '/settings/workspace');
    assert.doesNotMatch(page.body, /class="tenant-logo/);
    const events = await t.services.audit.listForUser(owner.userId, 10);
    assert.ok(events.some((e) => e.action === 'tenant.logo_removed'));
  });
});
