/**
 * Passkeys over HTTP, with a software authenticator: adding one needs the current password; a
 * passkey signs in on its own (both factors) and opens the workspace; a wrong origin or RP ID, a
 * replayed challenge, another key's signature, a counter going back and a missing user
 * verification are refused with a 4xx and open no session; removed passkeys and disabled accounts
 * sign nobody in; a non-member is refused on a workspace's host. As a second factor it completes a
 * password sign-in and nothing opens before; another account's passkey fails and counts as a wrong
 * attempt. Garbage bodies get a 4xx, never a 500.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MFA_MAX_ATTEMPTS } from '../../src/modules/auth/mfa.js';
import { createBrowser, createTenantWithOwner, csrfFrom, hostFor, signedInOwner, startTestApp, type TestApp } from '../support/test-app.js';
import { SoftAuthenticator, type AuthenticationOptionsJson, type RegistrationOptionsJson, type Tweaks } from '../support/webauthn-authenticator.js';

type Browser = ReturnType<typeof createBrowser>;

describe('passkeys', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  const originOf = (subdomain: string | null) => `http://${hostFor(subdomain)}`;

  /** A JSON POST from the browser's page (CSRF header, as passkeys.js sends it). */
  async function postJson(b: Browser, host: string, url: string, csrf: string, body: unknown, raw?: string) {
    const res = await t.app.inject({
      method: 'POST',
      url,
      remoteAddress: b.remoteAddress,
      headers: { host, cookie: b.jar.header(host), 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
      payload: raw ?? JSON.stringify(body),
    });
    b.jar.store(host, res.headers['set-cookie'] as string | string[] | undefined);
    return res;
  }

  const sessionCount = async (userId: string) => (await t.services.auth.listSessions(userId)).length;

  /** A tenant owner signed in on their workspace's host. */
  /** Registers a passkey from the account page; returns the authenticator holding it and the server's answer. */
  async function addPasskey(b: Browser, host: string, csrf: string, password: string, authenticator: SoftAuthenticator, name = 'Laptop', tweaks: Tweaks = {}) {
    const options = await postJson(b, host, '/account/passkeys/options', csrf, { name, current_password: password });
    assert.equal(options.statusCode, 200, options.body);
    const created = authenticator.create(options.json().options as RegistrationOptionsJson, tweaks);
    return b.request('POST', host, '/account/passkeys', { _csrf: csrf, response: JSON.stringify(created) });
  }

  /** An owner with a passkey on their workspace's host. */
  async function ownerWithPasskey(options: { counts?: boolean } = {}) {
    const ctx = await signedInOwner(t, '/account');
    const authenticator = new SoftAuthenticator(originOf(ctx.owner.tenant.subdomain), options);
    const added = await addPasskey(ctx.b, ctx.host, await ctx.csrf(), ctx.owner.password, authenticator);
    assert.equal(added.statusCode, 200, added.body);
    return { ...ctx, authenticator };
  }

  /** The passwordless sign-in from a fresh browser: options, then the form post with the assertion. */
  async function passkeySignIn(subdomain: string | null, authenticator: SoftAuthenticator, tweaks: Tweaks = {}, b: Browser = createBrowser(t)) {
    const host = hostFor(subdomain);
    const csrf = csrfFrom((await b.request('GET', host, '/login')).body);
    const options = await postJson(b, host, '/login/passkey/options', csrf, {});
    assert.equal(options.statusCode, 200, options.body);
    const opts = options.json().options as AuthenticationOptionsJson;
    const assertion = authenticator.get(opts, tweaks);
    const res = await b.request('POST', host, '/login/passkey', { _csrf: csrf, response: JSON.stringify(assertion), next: '/dashboard' });
    return { res, b, host, csrf, assertion, options: opts };
  }

  test('adding a passkey needs the current password; the first one turns MFA on and shows backup codes', async () => {
    const { owner, host, b, csrf } = await signedInOwner(t, '/account');
    const token = await csrf();
    const wrong = await postJson(b, host, '/account/passkeys/options', token, { name: 'Laptop', current_password: 'not my password' });
    assert.equal(wrong.statusCode, 422);
    assert.match(wrong.json().error, /not your current password/);
    const noName = await postJson(b, host, '/account/passkeys/options', token, { name: '   ', current_password: owner.password });
    assert.equal(noName.statusCode, 422);

    // No options were made for the refused request: an answer posted anyway has no challenge to match.
    const authenticator = new SoftAuthenticator(originOf(owner.tenant.subdomain));
    const forged = authenticator.create({ challenge: 'bm90LWEtY2hhbGxlbmdl', rp: { id: 'localhost', name: 'x' }, user: { id: 'AAAA', name: 'x', displayName: 'x' } });
    const refused = await b.request('POST', host, '/account/passkeys', { _csrf: token, response: JSON.stringify(forged) });
    assert.equal(refused.statusCode, 400);
    assert.equal((await t.services.auth.mfa.status(owner.userId)).passkeys, 0);

    const options = await postJson(b, host, '/account/passkeys/options', token, { name: 'Laptop', current_password: owner.password });
    assert.equal(options.statusCode, 200);
    const o = options.json().options;
    assert.equal(o.rp.id, 'localhost');
    assert.equal(o.rp.name, 'SaaS App');
    assert.equal(o.authenticatorSelection.residentKey, 'required');
    assert.equal(o.authenticatorSelection.userVerification, 'preferred');
    assert.deepEqual(o.excludeCredentials, []);
    // The same algorithms on every runtime (Node 24's WebCrypto would add ML-DSA): Ed25519, ES256, RS256.
    assert.deepEqual(
      o.pubKeyCredParams.map((p: { alg: number }) => p.alg),
      [-8, -7, -257],
    );
    const created = authenticator.create(o);
    const added = await b.request('POST', host, '/account/passkeys', { _csrf: token, response: JSON.stringify(created) });
    assert.equal(added.statusCode, 200);
    assert.equal([...added.body.matchAll(/<li>([A-Z2-9]{5}-[A-Z2-9]{5})<\/li>/g)].length, 10, 'no backup codes shown');
    assert.equal(await t.services.auth.mfa.isEnabled(owner.userId), true);

    // The same answer again: its challenge was used up.
    const again = await b.request('POST', host, '/account/passkeys', { _csrf: token, response: JSON.stringify(created) });
    assert.equal(again.statusCode, 400);

    // The account page lists it; new options exclude it, so the same authenticator is not registered twice.
    const account = await b.request('GET', host, '/account');
    assert.match(account.body, /class="passkey-name[^"]*">Laptop</);
    const second = await postJson(b, host, '/account/passkeys/options', await csrf(), { name: 'Phone', current_password: owner.password });
    assert.deepEqual(
      second.json().options.excludeCredentials.map((c: { id: string }) => c.id),
      [created.id],
    );

    const events = await t.services.audit.listForUser(owner.userId, 20);
    const addedEvent = events.find((e) => e.action === 'auth.passkey.added' && e.outcome === 'success');
    assert.ok(addedEvent, 'no audit event for the new passkey');
    assert.doesNotMatch(JSON.stringify(events), new RegExp(created.response.attestationObject.slice(0, 40)));
  });

  test('a passkey signs in without a password and opens the workspace, on its host and from the root site', async () => {
    const { owner, authenticator } = await ownerWithPasskey();
    const sessionsBefore = await sessionCount(owner.userId);

    const { res, b, host } = await passkeySignIn(owner.tenant.subdomain, authenticator);
    assert.equal(res.statusCode, 303, res.body);
    assert.equal(res.headers.location, '/dashboard', 'a passkey sign-in was sent to a second step');
    const dashboard = await b.request('GET', host, '/dashboard');
    assert.equal(dashboard.statusCode, 200);
    assert.match(dashboard.body, new RegExp(owner.tenant.name));

    // On the root site: straight to the only workspace, through the hand-off.
    const rootAuthenticator = new SoftAuthenticator(originOf(null));
    rootAuthenticator.credentials.push(...authenticator.credentials);
    const root = await passkeySignIn(null, rootAuthenticator);
    assert.equal(root.res.statusCode, 303);
    const handoff = new URL(String(root.res.headers.location));
    assert.equal(handoff.host, host);
    const landed = await root.b.request('GET', host, `${handoff.pathname}${handoff.search}`);
    assert.equal(landed.statusCode, 303);
    assert.equal((await root.b.request('GET', host, '/dashboard')).statusCode, 200);
    assert.ok((await sessionCount(owner.userId)) > sessionsBefore);

    const events = await t.services.audit.listForUser(owner.userId, 30);
    const login = events.find((e) => e.action === 'auth.login' && e.outcome === 'success' && (e.details as Record<string, unknown>)?.method === 'passkey');
    assert.ok(login, 'the sign-in was not audited');
    assert.deepEqual(login!.details, { via: 'web', method: 'passkey' });
  });

  test('wrong origin, wrong RP ID, another key, a replayed challenge, a counter going back and no user verification are refused and open no session', async () => {
    const { owner, authenticator } = await ownerWithPasskey();
    const sub = owner.tenant.subdomain;
    const before = await sessionCount(owner.userId);
    const refusedCases: [string, Tweaks][] = [
      ['wrong origin', { origin: 'http://evil.localhost:8000' }],
      ['another workspace origin', { origin: originOf('someone-else') }],
      ['wrong RP ID', { rpId: 'evil.example' }],
      ['another key', { otherKey: true }],
      ['no user verification', { noUserVerification: true }],
      ['a stale challenge', { challenge: 'c3RhbGUtY2hhbGxlbmdlLXN0YWxlLWNoYWxsZW5nZQ' }],
    ];
    for (const [label, tweaks] of refusedCases) {
      const { res, b, host } = await passkeySignIn(sub, authenticator, tweaks);
      assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${label}: ${res.statusCode}`);
      assert.match(res.body, /did not sign you in|took longer/, label);
      assert.equal((await b.request('GET', host, '/dashboard')).statusCode, 303, `${label}: a session opened`);
    }

    // A valid sign-in, then its assertion replayed: the challenge is gone, and so is the counter value.
    const ok = await passkeySignIn(sub, authenticator);
    assert.equal(ok.res.statusCode, 303);
    const replay = await ok.b.request('POST', ok.host, '/login/passkey', { _csrf: ok.csrf, response: JSON.stringify(ok.assertion), next: '/dashboard' });
    assert.equal(replay.statusCode, 400);
    const elsewhere = createBrowser(t);
    const host = hostFor(sub);
    const csrf = csrfFrom((await elsewhere.request('GET', host, '/login')).body);
    await postJson(elsewhere, host, '/login/passkey/options', csrf, {});
    const replayed = await elsewhere.request('POST', host, '/login/passkey', { _csrf: csrf, response: JSON.stringify(ok.assertion), next: '/dashboard' });
    assert.ok(replayed.statusCode >= 400 && replayed.statusCode < 500);
    assert.equal((await elsewhere.request('GET', host, '/dashboard')).statusCode, 303);

    // A signature counter lower than the one stored: a cloned authenticator.
    const stored = authenticator.credentials[0]!.signCount;
    assert.ok(stored > 1);
    const cloned = await passkeySignIn(sub, authenticator, { counter: stored - 1 });
    assert.equal(cloned.res.statusCode, 401);
    assert.equal((await cloned.b.request('GET', cloned.host, '/dashboard')).statusCode, 303);

    assert.equal(await sessionCount(owner.userId), before + 1, 'a refused sign-in left a session');
    const events = await t.services.audit.listForUser(owner.userId, 50);
    const reasons = events.filter((e) => e.action === 'auth.login' && e.outcome === 'failure').map((e) => (e.details as Record<string, unknown>).reason);
    assert.ok(reasons.includes('counter_regression'), `reasons: ${reasons.join(', ')}`);
    assert.ok(reasons.includes('verification_failed'));
    assert.doesNotMatch(JSON.stringify(events), /signature|clientDataJSON|authenticatorData/);
  });

  test('authenticators that do not count (counter 0) keep working', async () => {
    const { owner, authenticator } = await ownerWithPasskey({ counts: false });
    for (let i = 0; i < 2; i++) {
      const { res } = await passkeySignIn(owner.tenant.subdomain, authenticator);
      assert.equal(res.statusCode, 303, `sign-in ${i + 1}`);
    }
  });

  test('renaming, and removing with the password: a removed passkey signs nobody in, and MFA turns off with the last one', async () => {
    const { owner, host, b, csrf, authenticator } = await ownerWithPasskey();
    const [passkey] = await t.services.passkeys.list(owner.userId);
    const page = await b.request('GET', host, `/account/passkeys/${passkey!.id}`);
    assert.equal(page.statusCode, 200);
    const token = csrfFrom(page.body);
    assert.equal((await b.request('POST', host, `/account/passkeys/${passkey!.id}/rename`, { _csrf: token, name: '' })).statusCode, 422);
    const renamed = await b.request('POST', host, `/account/passkeys/${passkey!.id}/rename`, { _csrf: token, name: 'Work laptop' });
    assert.equal(renamed.statusCode, 303);
    assert.match((await b.request('GET', host, '/account')).body, />Work laptop</);

    // Another user's passkey id: not found, whatever the form says.
    const other = await ownerWithPasskey();
    const [theirs] = await t.services.passkeys.list(other.owner.userId);
    assert.equal((await b.request('GET', host, `/account/passkeys/${theirs!.id}`)).statusCode, 404);
    assert.equal((await b.request('POST', host, `/account/passkeys/${theirs!.id}/remove`, { _csrf: token, current_password: owner.password })).statusCode, 404);
    assert.equal((await t.services.passkeys.list(other.owner.userId)).length, 1);

    const wrong = await b.request('POST', host, `/account/passkeys/${passkey!.id}/remove`, { _csrf: await csrf(), current_password: 'wrong password' });
    assert.equal(wrong.statusCode, 422);
    assert.equal((await t.services.passkeys.list(owner.userId)).length, 1);
    const removed = await b.request('POST', host, `/account/passkeys/${passkey!.id}/remove`, { _csrf: await csrf(), current_password: owner.password });
    assert.equal(removed.statusCode, 303);
    assert.equal(removed.headers.location, '/account?done=mfa-off');
    const status = await t.services.auth.mfa.status(owner.userId);
    assert.equal(status.passkeys, 0);
    assert.equal(status.backupCodesLeft, 0, 'the backup codes outlived the last second factor');
    assert.equal(await t.services.auth.mfa.isEnabled(owner.userId), false);

    const { res, b: after, host: h } = await passkeySignIn(owner.tenant.subdomain, authenticator);
    assert.equal(res.statusCode, 401);
    assert.equal((await after.request('GET', h, '/dashboard')).statusCode, 303);
  });

  test('a disabled account cannot sign in with its passkey; a non-member is refused on a workspace host with 403', async () => {
    const { owner, authenticator } = await ownerWithPasskey();
    await t.services.auth.setDisabled(owner.userId, true);
    const disabled = await passkeySignIn(owner.tenant.subdomain, authenticator);
    assert.equal(disabled.res.statusCode, 401);
    assert.equal((await disabled.b.request('GET', disabled.host, '/dashboard')).statusCode, 303);
    assert.equal(await sessionCount(owner.userId), 0);
    await t.services.auth.setDisabled(owner.userId, false);

    const elsewhere = await createTenantWithOwner(t);
    const stranger = new SoftAuthenticator(originOf(elsewhere.tenant.subdomain));
    stranger.credentials.push(...authenticator.credentials);
    const refused = await passkeySignIn(elsewhere.tenant.subdomain, stranger);
    assert.equal(refused.res.statusCode, 403);
    assert.match(refused.res.body, new RegExp(`not a member of ${elsewhere.tenant.name}`));
    assert.equal((await refused.b.request('GET', refused.host, '/dashboard')).statusCode, 303);
  });

  test('as a second factor: completes a password sign-in; nothing opens before; another account’s passkey fails and counts', async () => {
    const { owner, authenticator, host } = await ownerWithPasskey();
    const b = createBrowser(t);
    const login = await b.login(owner.tenant.subdomain, owner.email, owner.password);
    assert.equal(login.statusCode, 303);
    assert.match(String(login.headers.location), /^\/login\/mfa/);
    for (const path of ['/dashboard', '/account', '/data']) {
      const res = await b.request('GET', host, path);
      assert.equal(res.statusCode, 303, path);
      assert.match(String(res.headers.location), /^\/login\/mfa/, path);
    }
    // The account routes of passkeys are closed too.
    const mfaPage = await b.request('GET', host, '/login/mfa');
    assert.match(mfaPage.body, /id="passkey-mfa-button"/);
    const csrf = csrfFrom(mfaPage.body);
    assert.equal((await postJson(b, host, '/account/passkeys/options', csrf, { name: 'x', current_password: owner.password })).statusCode, 401);
    // The passwordless route does not finish a pending sign-in either: without its own challenge it fails.
    const options = await postJson(b, host, '/login/mfa/passkey/options', csrf, {});
    assert.equal(options.statusCode, 200);
    const o = options.json().options as AuthenticationOptionsJson;
    assert.deepEqual(
      o.allowCredentials!.map((c) => c.id),
      authenticator.credentials.map((c) => c.id.toString('base64url')),
    );
    const ok = await b.request('POST', host, '/login/mfa/passkey', { _csrf: csrf, next: '/dashboard', response: JSON.stringify(authenticator.get(o, { noUserVerification: true })) });
    assert.equal(ok.statusCode, 303, ok.body);
    assert.equal(ok.headers.location, '/dashboard');
    assert.equal((await b.request('GET', host, '/dashboard')).statusCode, 200);

    // Another account's passkey, for this account's challenge: refused, and it counts.
    const intruder = await ownerWithPasskey();
    const victim = createBrowser(t);
    await victim.login(owner.tenant.subdomain, owner.email, owner.password);
    const page = await victim.request('GET', host, '/login/mfa');
    const token = csrfFrom(page.body);
    const foreign = new SoftAuthenticator(originOf(owner.tenant.subdomain));
    foreign.credentials.push(...intruder.authenticator.credentials);
    let last;
    for (let i = 0; i < MFA_MAX_ATTEMPTS; i++) {
      const opts = (await postJson(victim, host, '/login/mfa/passkey/options', token, {})).json().options as AuthenticationOptionsJson;
      const assertion = foreign.get(opts, { credentialId: intruder.authenticator.credentials[0]!.id.toString('base64url') });
      last = await victim.request('POST', host, '/login/mfa/passkey', { _csrf: token, next: '/dashboard', response: JSON.stringify(assertion) });
      if (i === 0) {
        assert.equal(last.statusCode, 422);
        assert.match(last.body, new RegExp(`${MFA_MAX_ATTEMPTS - 1} tries left`));
      }
    }
    assert.equal(last!.statusCode, 303);
    assert.equal(last!.headers.location, '/login?mfa=too_many');
    assert.equal((await victim.request('GET', host, '/login/mfa')).headers.location, '/login', 'the challenge survived');
    assert.equal((await victim.request('GET', host, '/dashboard')).statusCode, 303);
  });

  test('garbage bodies get a 4xx, never a 500', async () => {
    const { host, b, csrf, owner } = await ownerWithPasskey();
    const token = await csrf();
    const checks: [string, Awaited<ReturnType<typeof postJson>>][] = [
      ['options: not JSON', await postJson(b, host, '/account/passkeys/options', token, null, '{"name": "x", ')],
      ['options: a JSON array', await postJson(b, host, '/account/passkeys/options', token, [1, 2, 3])],
      ['register: not JSON text', await b.request('POST', host, '/account/passkeys', { _csrf: token, response: '{not json' })],
    ];
    await postJson(b, host, '/account/passkeys/options', token, { name: 'Second', current_password: owner.password });
    checks.push(['register: a number', await postJson(b, host, '/account/passkeys', token, { response: 42 })]);
    await postJson(b, host, '/account/passkeys/options', token, { name: 'Second', current_password: owner.password });
    checks.push(['register: wrong shapes', await postJson(b, host, '/account/passkeys', token, { response: { id: 'AA', rawId: 'AA', type: 'public-key', response: { clientDataJSON: 'AA', attestationObject: 'AA' } } })]);

    const visitor = createBrowser(t);
    const loginCsrf = csrfFrom((await visitor.request('GET', host, '/login')).body);
    checks.push(['sign-in options: not JSON', await postJson(visitor, host, '/login/passkey/options', loginCsrf, null, '[[[')]);
    await postJson(visitor, host, '/login/passkey/options', loginCsrf, {});
    checks.push(['sign-in: garbage text', await visitor.request('POST', host, '/login/passkey', { _csrf: loginCsrf, response: 'garbage' })]);
    await postJson(visitor, host, '/login/passkey/options', loginCsrf, {});
    checks.push(['sign-in: JSON with wrong types', await postJson(visitor, host, '/login/passkey', loginCsrf, { response: { id: 5, response: [] } })]);
    await postJson(visitor, host, '/login/passkey/options', loginCsrf, {});
    checks.push([
      'sign-in: bytes that are not WebAuthn',
      await postJson(visitor, host, '/login/passkey', loginCsrf, { response: { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: { clientDataJSON: 'AAAA', authenticatorData: 'AAAA', signature: 'AAAA' } } }),
    ]);
    checks.push(['sign-in: no body', await visitor.request('POST', host, '/login/passkey', { _csrf: loginCsrf })]);

    const pending = createBrowser(t);
    await pending.login(owner.tenant.subdomain, owner.email, owner.password);
    const mfaCsrf = csrfFrom((await pending.request('GET', host, '/login/mfa')).body);
    checks.push(['second factor: not JSON', await postJson(pending, host, '/login/mfa/passkey/options', mfaCsrf, null, '{')]);
    await postJson(pending, host, '/login/mfa/passkey/options', mfaCsrf, {});
    checks.push(['second factor: garbage', await pending.request('POST', host, '/login/mfa/passkey', { _csrf: mfaCsrf, next: '/dashboard', response: '"just a string"' })]);

    for (const [label, res] of checks) assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${label}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    assert.equal((await pending.request('GET', host, '/dashboard')).statusCode, 303);
    assert.equal((await visitor.request('GET', host, '/dashboard')).statusCode, 303);
  });
});
