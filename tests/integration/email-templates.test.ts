/**
 * Email templates: every template renders a full HTML document in the shared layout and a text part
 * without markup; what people typed is escaped in the HTML and never breaks a subject line; the
 * service refuses recipients that could carry a header.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EMAIL_TEMPLATES, renderEmail, type EmailContext, type EmailTemplateId } from '../../src/modules/email/index.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const env = { appName: 'SaaS App', rootUrl: 'https://example.test' };
const HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'Eve\r\nBcc: victim@example.com'];
const AT = new Date('2026-12-19T14:03:00Z');

/** A context for every template, with `name` in every free-text field. */
function contexts(name: string): { [Id in EmailTemplateId]: EmailContext<Id> } {
  const link = 'https://app.example.test/reset-password?token=abc&x=1';
  return {
    welcome: { name, email: 'ada@example.com', workspaceName: name, workspaceUrl: 'https://acme.example.test' },
    'verify-email': { name, email: 'ada@example.com', link, validHours: 24 },
    'password-reset': { name, email: 'ada@example.com', link, validMinutes: 60 },
    'email-change-confirm': { name, newEmail: 'new@example.com', link, validHours: 24 },
    'email-change-notice': { name, email: 'ada@example.com', newEmail: 'new@example.com', done: true, resetLink: link },
    'mfa-code': { name, email: 'ada@example.com', code: '123456', validMinutes: 10 },
    'account-deleted': { name, email: 'ada@example.com' },
    invitation: { email: 'bob@example.com', inviterName: name, workspaceName: name, roleName: name, link, validDays: 7 },
    'workspace-deletion-scheduled': { workspaceName: name, requestedBy: name, at: AT, deletionPage: link },
    'workspace-deletion-cancelled': { workspaceName: name, cancelledBy: name, workspaceUrl: link },
    'workspace-deleted': { workspaceName: name, subdomain: 'acme' },
    'usage-report': { workspaceName: name, month: 'November 2026', planName: name, members: { used: 9, limit: 10 }, dataItems: { used: 120, limit: null }, workspaceUrl: link },
    'plan-changed': { workspaceName: name, fromPlan: 'Starter', toPlan: 'Professional', changedBy: name, billingUrl: link },
    'payment-failed': { workspaceName: name, amount: '$99.00', retryOn: '8 December 2026', billingUrl: link },
    announcement: { subject: name, name, headline: name, paragraphs: [name, 'Second paragraph.'], cta: { label: name, url: link }, unsubscribeUrl: link },
  };
}

const render = <Id extends EmailTemplateId>(id: Id, context: EmailContext<Id>) => renderEmail(id, context, env);

describe('email templates', () => {
  test('every template renders a subject, an HTML document in the layout and a text part with the footer', () => {
    const all = contexts('Ada Lovelace');
    assert.equal(Object.keys(all).length, Object.keys(EMAIL_TEMPLATES).length, 'a context for every template');
    for (const id of Object.keys(EMAIL_TEMPLATES) as EmailTemplateId[]) {
      const mail = render(id, all[id] as never);
      // A campaign's subject is the one its author wrote; every other subject names the product.
      if (id !== 'announcement') assert.ok(mail.subject.length > 5 && mail.subject.includes('SaaS App'), `${id}: subject names the product: ${mail.subject}`);
      assert.match(mail.html, /^<!doctype html><html lang="en">/, id);
      assert.match(mail.html, /<table role="presentation"/, `${id}: table layout`);
      assert.match(mail.html, /You got this email because/, `${id}: footer says why`);
      assert.match(mail.html, /<meta name="color-scheme" content="light dark"\/?>/, id);
      assert.doesNotMatch(mail.html, /<script|<style/i, `${id}: no script, no style block`);
      assert.match(mail.text, /You got this email because/, `${id}: text footer`);
      assert.doesNotMatch(mail.text, /<\/?(?:p|a|table|td|strong|br|div|span)\b/i, `${id}: no markup in the text part`);
      assert.doesNotMatch(mail.text, /&(?:amp|lt|gt|quot|#\d+);/, `${id}: no HTML entities in the text part`);
    }
  });

  test('links keep their query strings; in HTML the & is escaped, in text it is not', () => {
    const mail = render('password-reset', contexts('Ada')['password-reset']);
    assert.ok(mail.html.includes('href="https://app.example.test/reset-password?token=abc&amp;x=1"'));
    assert.ok(mail.text.includes('https://app.example.test/reset-password?token=abc&x=1'));
    assert.match(mail.text, /works once, for 60 minutes/);
  });

  for (const hostile of HOSTILE) {
    test(`a hostile name is escaped in HTML and never breaks a subject: ${JSON.stringify(hostile)}`, () => {
      const all = contexts(hostile);
      for (const id of Object.keys(EMAIL_TEMPLATES) as EmailTemplateId[]) {
        const mail = render(id, all[id] as never);
        assert.doesNotMatch(mail.subject, /[\r\n]/, `${id}: one-line subject`);
        assert.doesNotMatch(mail.html, /<script>|<img/i, `${id}: nothing typed becomes markup`);
        assert.doesNotMatch(mail.html, /\r\nBcc:/, id);
        assert.doesNotMatch(mail.text, /\r\nBcc:/, `${id}: a line break in a name does not start a line in the text either`);
        if (hostile.startsWith('<script>')) assert.ok(mail.html.includes('&lt;script&gt;'), `${id}: shown escaped`);
      }
    });
  }

  test('the usage report draws its bars with table cells and says when there is no limit', () => {
    const mail = render('usage-report', contexts('Acme')['usage-report']);
    assert.match(mail.html, /<td width="90%" height="8" bgcolor="#dc2626"/);
    assert.match(mail.html, /9 of 10/);
    assert.match(mail.html, /120 \(no limit\)/);
    assert.match(mail.text, /Members: 9 of 10 \(90%\)/);
    assert.match(mail.text, /Data items: 120 \(no limit\)/);
  });
});

describe('sendTemplateEmail', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ OUTBOX_RELAY: 'false', APP_NAME: 'Acme Cloud' });
  });
  after(async () => t?.close());

  test('stores the rendered message with the product name from config; refuses addresses that could add a header', async () => {
    const id = await t.services.email.sendTemplateEmail({ to: 'ada@example.com', template: 'account-deleted', context: { name: 'Ada\r\nX-Evil: 1', email: 'ada@example.com' } });
    const row = await t.services.email.findMessage(id);
    assert.equal(row?.status, 'queued');
    assert.equal(row?.template, 'account-deleted');
    assert.equal(row?.subject, 'Your Acme Cloud account was deleted');
    assert.match(row!.html!, /Acme Cloud/);
    assert.doesNotMatch(row!.textBody!, /\r\nX-Evil/);
    for (const to of ['ada@example.com\r\nBcc: eve@example.com', 'Ada <ada@example.com>', 'a@example.com, b@example.com', '', `${'a'.repeat(250)}@example.com`]) {
      await assert.rejects(
        t.services.email.sendTemplateEmail({ to, template: 'account-deleted', context: { name: 'Ada', email: 'ada@example.com' } }),
        (err: { status?: number }) => err.status === 422,
        JSON.stringify(to),
      );
    }
  });
});
