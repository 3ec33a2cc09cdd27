/**
 * Marketing email: consent recorded with its time and source, campaigns that reach only people who
 * opted in (and not those who left or were disabled meanwhile), each person at most once whatever
 * the retries, at the configured pace, with RFC 8058 one-click unsubscribe.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { and, eq, sql } from 'drizzle-orm';
import { createCampaignsService } from '../../src/modules/campaigns/index.js';
import { emailCampaignRecipients, emailConsentEvents } from '../../src/modules/campaigns/campaigns.tables.js';
import { outboxMessages } from '../../src/modules/jobs/jobs.tables.js';
import { emailMessages } from '../../src/modules/email/email.tables.js';
import { createBrowser, createTenantWithOwner, csrfFrom, hostFor, startTestApp, uniqueName, type TestApp } from '../support/test-app.js';
import { users } from '../../src/modules/auth/auth.tables.js';

let t: TestApp;
before(async () => {
  // The tests run the campaign batches themselves (no relay taking them meanwhile).
  t = await startTestApp({ OUTBOX_RELAY: 'false' });
});
after(async () => t?.close());

async function person(marketing: boolean | null) {
  const w = await createTenantWithOwner(t);
  if (marketing !== null) await t.services.subscriptions.setMarketing(w.userId, marketing, 'cli');
  return w;
}

/** The messages of a campaign to one person. */
const messagesTo = (campaignId: string, userId: string) =>
  t.deps.database.db
    .select({ id: emailMessages.id, headers: emailMessages.headers, category: emailMessages.category, to: emailMessages.toAddress })
    .from(emailCampaignRecipients)
    .innerJoin(emailMessages, eq(emailMessages.id, emailCampaignRecipients.messageId))
    .where(and(eq(emailCampaignRecipients.campaignId, campaignId), eq(emailCampaignRecipients.userId, userId)));

const content = { headline: 'Reports are here', paragraphs: ['Build reports from your data.', 'Share them with your team.'], cta: { label: 'Try it', url: 'https://example.com/reports' } };

test('the preferences page records consent with its time, source and client', async () => {
  const w = await person(null);
  const browser = createBrowser(t);
  // The account's pages are on any host where the person is signed in: here, their workspace.
  await browser.login(w.tenant.subdomain, w.email, w.password);
  const root = hostFor(w.tenant.subdomain);
  const page = await browser.request('GET', root, '/account/email-preferences');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /href="\/dashboard"/, "on a workspace's host, the page keeps the workspace's navigation");
  assert.doesNotMatch(page.body, /id="marketing"[^>]*checked/);
  const saved = await browser.request('POST', root, '/account/email-preferences', { _csrf: csrfFrom(page.body), present: '1', marketing: '1' }, { 'user-agent': 'PreferencesTest/1.0' });
  assert.equal(saved.statusCode, 303);
  assert.equal((await t.services.subscriptions.get(w.userId)).marketing, true);
  const again = await browser.request('GET', root, '/account/email-preferences?saved=1');
  assert.match(again.body, /id="marketing"[^>]*checked/);
  assert.match(again.body, /id="consent-record"[^>]*>\s*Subscribed on [^<]*, on this page\./);
  // Unticking the box unsubscribes; both changes are on record.
  await browser.request('POST', root, '/account/email-preferences', { _csrf: csrfFrom(again.body), present: '1' });
  assert.equal((await t.services.subscriptions.get(w.userId)).marketing, false);
  const events = await t.deps.database.db.select().from(emailConsentEvents).where(eq(emailConsentEvents.userId, w.userId));
  assert.deepEqual(
    events.map((e) => [e.marketing, e.source]),
    [
      [true, 'preferences'],
      [false, 'preferences'],
    ],
  );
  assert.equal(events[0]!.userAgent, 'PreferencesTest/1.0');
  assert.ok(events[0]!.ip);
  // Without a session: sign in first.
  const anonymous = await t.app.inject({ method: 'GET', url: '/account/email-preferences', headers: { host: root } });
  assert.equal(anonymous.statusCode, 303);
});

test('sign-up: the product-news box starts unticked; ticking it records consent (source signup) with the account', async () => {
  const signUp = async (fields: Record<string, string>, userAgent: string) => {
    const b = createBrowser(t);
    const page = await b.request('GET', hostFor(null), '/signup');
    assert.match(page.body, /id="marketing-opt-in"/);
    assert.doesNotMatch(page.body, /id="marketing-opt-in"[^>]*checked/, 'never ticked for the person');
    const email = `${uniqueName('optin')}@example.com`;
    const base = { _csrf: csrfFrom(page.body), company_name: 'Opt-in Co', subdomain: uniqueName('optin'), email, password: 'correct horse battery staple' };
    const res = await b.request('POST', hostFor(null), '/signup', { ...base, ...fields }, { 'user-agent': userAgent });
    return { res, email };
  };
  const userIdOf = async (email: string) => (await t.deps.database.db.select({ id: users.id }).from(users).where(eq(users.email, email)))[0]!.id;

  const ticked = await signUp({ marketing_opt_in: '1' }, 'SignupTest/2.0');
  assert.equal(ticked.res.statusCode, 201);
  const yes = await userIdOf(ticked.email);
  const subscription = await t.services.subscriptions.get(yes);
  assert.equal(subscription.marketing, true);
  assert.equal(subscription.source, 'signup');
  const [event] = await t.deps.database.db.select().from(emailConsentEvents).where(eq(emailConsentEvents.userId, yes));
  assert.equal(event?.source, 'signup');
  assert.equal(event?.userAgent, 'SignupTest/2.0');
  assert.ok(event?.ip);

  const unticked = await signUp({}, 'SignupTest/2.0');
  assert.equal(unticked.res.statusCode, 201);
  const no = await userIdOf(unticked.email);
  assert.equal((await t.services.subscriptions.get(no)).changedAt, null, 'no box, no choice recorded: no marketing mail');

  // A sign-up refused for another field shows the box as the person left it, and records nothing.
  const refused = await signUp({ marketing_opt_in: '1', password: 'short' }, 'SignupTest/2.0');
  assert.equal(refused.res.statusCode, 422);
  assert.match(refused.res.body, /id="marketing-opt-in"[^>]*checked/);
  assert.equal((await t.deps.database.db.select().from(users).where(eq(users.email, refused.email))).length, 0);
});

test('a campaign reaches exactly the people who opted in, once each, with one-click unsubscribe headers', async () => {
  const optedIn = await person(true);
  const alsoIn = await person(true);
  const neverAsked = await person(null);
  const optedOut = await person(false);
  const leavesMeanwhile = await person(true);
  const disabled = await person(true);
  await t.deps.database.db.execute(sql`update users set disabled_at = now() where id = ${disabled.userId}`);

  // A small batch and a tiny pace so the test sees batches follow each other.
  const campaigns = createCampaignsService({ database: t.deps.database, config: { publicUrl: t.config.publicUrl, marketingEmailsPerMinute: 60_000 } }, { ...t.services, email: t.services.email }, { batchSize: 2 });
  const campaign = await campaigns.create({ subject: 'News: reports', content, audience: { kind: 'all' } });
  const started = await campaigns.start(campaign.id);
  assert.ok(started.audience >= 2, 'at least our two opted-in people');
  const recipients = await t.deps.database.db.select().from(emailCampaignRecipients).where(eq(emailCampaignRecipients.campaignId, campaign.id));
  const ids = new Set(recipients.map((r) => r.userId));
  assert.ok(ids.has(optedIn.userId) && ids.has(leavesMeanwhile.userId));
  for (const w of [neverAsked, optedOut, disabled]) assert.equal(ids.has(w.userId), false);
  // Starting twice is refused.
  await assert.rejects(campaigns.start(campaign.id), /only a draft/);

  // Someone unsubscribes after the start: they are skipped, not mailed.
  await t.services.subscriptions.setMarketing(leavesMeanwhile.userId, false, 'preferences');
  for (let batch = 1; (await campaigns.progress(campaign.id)).status === 'sending' && batch < 500; batch++) {
    await campaigns.sendBatch(campaign.id, batch);
    // A retried batch (the job delivered twice) mails nobody twice.
    await campaigns.sendBatch(campaign.id, batch);
  }
  const done = await campaigns.progress(campaign.id);
  assert.equal(done.status, 'sent');
  assert.equal(done.pending, 0);
  assert.equal((await messagesTo(campaign.id, optedIn.userId)).length, 1);
  assert.equal((await messagesTo(campaign.id, alsoIn.userId)).length, 1);
  assert.equal((await messagesTo(campaign.id, leavesMeanwhile.userId)).length, 0);
  const [skipped] = await t.deps.database.db
    .select()
    .from(emailCampaignRecipients)
    .where(and(eq(emailCampaignRecipients.campaignId, campaign.id), eq(emailCampaignRecipients.userId, leavesMeanwhile.userId)));
  assert.equal(skipped?.status, 'skipped');

  const [message] = await messagesTo(campaign.id, optedIn.userId);
  assert.equal(message!.category, 'marketing');
  assert.match(message!.headers['List-Unsubscribe'] ?? '', /^<https?:\/\/[^>]+\/email\/unsubscribe\?u=[0-9a-f-]{36}&t=[\w-]+>$/);
  assert.equal(message!.headers['List-Unsubscribe-Post'], 'List-Unsubscribe=One-Click');

  // The pace: each next batch was queued for later.
  const batches = await t.deps.database.db.select().from(outboxMessages).where(sql`${outboxMessages.job} = 'email.campaign_batch' and ${outboxMessages.payload}->>'campaignId' = ${campaign.id}`);
  assert.ok(batches.length >= 2, 'more than one batch');
  assert.ok(batches.some((b) => b.availableAt.getTime() > b.createdAt.getTime()), 'later batches wait their turn');
});

test('one-click unsubscribe (RFC 8058) works without a session or CSRF token; a forged link does nothing', async () => {
  const w = await person(true);
  const link = new URL(t.services.campaigns.unsubscribeUrl(w.userId));
  const host = hostFor(null);
  const page = await t.app.inject({ method: 'GET', url: `${link.pathname}${link.search}`, headers: { host } });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /id="unsubscribe-button"/);
  assert.equal((await t.services.subscriptions.get(w.userId)).marketing, true, 'opening the link changes nothing');

  const forged = await t.app.inject({
    method: 'POST',
    url: `${link.pathname}?u=${w.userId}&t=${'A'.repeat(43)}`,
    headers: { host, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'List-Unsubscribe=One-Click',
  });
  assert.equal(forged.statusCode, 400);
  assert.equal((await t.services.subscriptions.get(w.userId)).marketing, true);

  const oneClick = await t.app.inject({
    method: 'POST',
    url: `${link.pathname}${link.search}`,
    headers: { host, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'List-Unsubscribe=One-Click',
  });
  assert.equal(oneClick.statusCode, 200, oneClick.body.slice(0, 300));
  assert.equal((await t.services.subscriptions.get(w.userId)).marketing, false);
  const [event] = await t.deps.database.db.select().from(emailConsentEvents).where(and(eq(emailConsentEvents.userId, w.userId), eq(emailConsentEvents.marketing, false)));
  assert.equal(event?.source, 'one-click');

  // Mail clients may post multipart; it works the same.
  await t.services.subscriptions.setMarketing(w.userId, true, 'cli');
  const multipart = await t.app.inject({
    method: 'POST',
    url: `${link.pathname}${link.search}`,
    headers: { host, 'content-type': 'multipart/form-data; boundary=x' },
    payload: '--x\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--x--\r\n',
  });
  assert.equal(multipart.statusCode, 200);
  assert.equal((await t.services.subscriptions.get(w.userId)).marketing, false);
});

test('campaign input is checked: subject, headline, paragraphs, https links, audiences', async () => {
  const { parseAudience } = await import('../../src/modules/campaigns/index.js');
  assert.deepEqual(parseAudience('plan:professional'), { kind: 'plan', plan: 'professional' });
  const namesTheChoices = (err: unknown) => /Use all, owners, or plan/.test((err as { fields?: Record<string, string> }).fields?.audience ?? '');
  assert.throws(() => parseAudience('plan:gold'), namesTheChoices);
  assert.throws(() => parseAudience('everyone'), namesTheChoices);
  const bad = [
    { subject: '', content },
    { subject: 'x', content: { ...content, headline: '' } },
    { subject: 'x', content: { ...content, paragraphs: ['  '] } },
    { subject: 'x', content: { ...content, cta: { label: 'Go', url: 'javascript:alert(1)' } } },
  ];
  for (const input of bad) await assert.rejects(t.services.campaigns.create({ ...input, audience: { kind: 'all' } }), /Some fields need attention|validation/i);
  // CR/LF in a subject cannot add headers.
  const ok = await t.services.campaigns.create({ subject: 'Hi\r\nBcc: victim@example.com', content, audience: { kind: 'owners' } });
  assert.equal(ok.subject, 'Hi Bcc: victim@example.com');
});
