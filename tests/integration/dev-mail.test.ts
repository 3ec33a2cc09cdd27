/**
 * /dev/mail: the dev outbox in the browser, on the root site, outside production only. The HTML
 * part is served alone with a CSP that runs nothing and a sandbox.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hostFor, startTestApp, uniqueName, type TestApp } from '../support/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

const get = (url: string, subdomain: string | null = null) => t.app.inject({ method: 'GET', url, headers: { host: hostFor(subdomain) } });

async function mailTo(to: string) {
  for (let i = 0; i < 200; i++) {
    const mail = (await t.deps.mailer.listOutbox(500)).find((m) => m.to === to);
    if (mail) return mail;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no mail to ${to}`);
}

describe('/dev/mail', () => {
  test('lists the outbox newest first with the template, and shows one message: text part and a framed HTML part', async () => {
    const to = `${uniqueName('dev')}@example.com`;
    await t.services.email.sendTemplateEmail({ to, template: 'account-deleted', context: { name: '<b>Ada</b>', email: to } });
    const mail = await mailTo(to);
    // The template is known once the job has recorded what the outbox answered.
    let list = await get('/dev/mail');
    for (let i = 0; i < 40 && !list.body.includes('>account-deleted<'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      list = await get('/dev/mail');
    }
    assert.equal(list.statusCode, 200);
    assert.ok(list.body.includes(`href="/dev/mail/${mail.id}"`));
    assert.ok(list.body.includes(to));
    assert.match(list.body, />account-deleted</);

    const page = await get(`/dev/mail/${mail.id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<iframe[^>]+src="\/dev\/mail\/[0-9a-f-]+\/html"[^>]*sandbox=""/);
    assert.match(page.body, /Hello &lt;b&gt;Ada&lt;\/b&gt;,/, 'the text part, escaped in the page');
    assert.match(page.body, /Message-ID/);

    const html = await get(`/dev/mail/${mail.id}/html`);
    assert.equal(html.statusCode, 200);
    assert.match(String(html.headers['content-type']), /^text\/html/);
    assert.equal(html.headers['content-security-policy'], "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox");
    assert.equal(html.body, mail.html);
  });

  test('unknown or malformed ids are 404; a workspace host has no /dev/mail', async () => {
    assert.equal((await get('/dev/mail/00000000-0000-4000-8000-000000000000')).statusCode, 404);
    assert.equal((await get('/dev/mail/not-an-id/html')).statusCode, 404);
    assert.equal((await get('/dev/mail', 'acme')).statusCode, 404);
  });

  test('not in production', async () => {
    const prod = await startTestApp({ NODE_ENV: 'production', ALLOW_EMBEDDED_DATABASE: 'true', PUBLIC_URL: 'https://localhost:8000', SECRET_KEY: 'production-secret-key-0123456789abcdef-0123456789', SMTP_URL: 'smtp://127.0.0.1:2' });
    try {
      const res = await prod.app.inject({ method: 'GET', url: '/dev/mail', headers: { host: hostFor(null) } });
      assert.equal(res.statusCode, 404);
      // The root site itself answers on that host: the 404 is the missing route.
      assert.equal((await prod.app.inject({ method: 'GET', url: '/pricing', headers: { host: hostFor(null) } })).statusCode, 200);
    } finally {
      await prod.close();
    }
  });
});
