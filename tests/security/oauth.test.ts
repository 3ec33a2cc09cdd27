/**
 * Sign-in with Google, Microsoft and GitHub, black-box: the app against a local provider that signs
 * real ID tokens. The state binds a callback to the browser that started the flow and works once;
 * PKCE, nonce, signature, issuer, audience and expiry are all checked; identities match on provider
 * + subject, never on an email; MFA still applies; linking completes only in the session that asked.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { generate } from 'otplib';
import { accounts, sessions } from '../../src/modules/auth/auth.tables.js';
import { loadConfig, ConfigError } from '../../src/platform/config.js';
import { startFakeOAuthProvider, type FakeOAuthProvider, type FakeUser } from '../support/fake-oauth-provider.js';
import { createBrowser, createTenantWithOwner, csrfFrom, hostFor, startTestApp, uniqueName, type TestApp } from '../support/test-app.js';

let provider: FakeOAuthProvider;
let t: TestApp;
const ROOT = hostFor(null);

before(async () => {
  provider = await startFakeOAuthProvider();
  t = await startTestApp(provider.env);
});
after(async () => {
  await t?.close();
  await provider?.close();
});

const someone = (overrides: Partial<FakeUser> = {}): FakeUser => ({ sub: `sub-${uniqueName('u')}`, email: `${uniqueName('oauth')}@example.com`, emailVerified: true, name: 'Ada Lovelace', ...overrides });

type Browser = ReturnType<typeof createBrowser>;

/** Starts a flow on the root site and lets the provider answer; returns the app's callback path (not yet visited). */
async function toProvider(b: Browser, name: 'google' | 'microsoft' | 'github', query = ''): Promise<string> {
  const start = await b.request('GET', ROOT, `/auth/oauth/${name}/start${query}`);
  assert.equal(start.statusCode, 303, start.body);
  const authorize = new URL(start.headers.location as string);
  assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
  assert.ok(authorize.searchParams.get('state'));
  if (name !== 'github') assert.ok(authorize.searchParams.get('nonce'), 'OpenID Connect flows carry a nonce');
  const answer = await fetch(authorize, { redirect: 'manual' });
  assert.equal(answer.status, 302);
  const callback = new URL(answer.headers.get('location')!);
  return callback.pathname + callback.search;
}

async function signInWith(b: Browser, name: 'google' | 'microsoft' | 'github', query = '') {
  return b.request('GET', ROOT, await toProvider(b, name, query));
}

const locationOf = (res: { headers: Record<string, unknown> }) => String(res.headers.location ?? '');

async function sessionCount(userId: string) {
  return (await t.deps.database.db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, userId))).length;
}

/** Signs up with the provider: the callback sends a new identity to the sign-up form, which creates the workspace. */
async function signUpWith(b: Browser, name: 'google' | 'microsoft' | 'github', user: FakeUser) {
  provider.signInAs(user);
  const callback = await signInWith(b, name);
  assert.equal(locationOf(callback), `http://${ROOT}/signup`);
  const form = await b.request('GET', ROOT, '/signup');
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /id="signup-identity"/);
  assert.doesNotMatch(form.body, /name="password"/);
  const subdomain = uniqueName('oa');
  const created = await b.request('POST', ROOT, '/signup', { _csrf: csrfFrom(form.body), company_name: 'Provider Co', subdomain });
  assert.equal(created.statusCode, 201, created.body);
  const account = await t.services.auth.users.findByEmail(user.email!);
  assert.ok(account);
  return { subdomain, userId: account.id };
}

describe('OAuth sign-in', () => {
  test('only configured providers show, each needs both keys, and unknown ones are 404', async () => {
    const plain = await startTestApp({ OAUTH_GOOGLE_CLIENT_ID: 'x', OAUTH_GOOGLE_CLIENT_SECRET: 'y', OAUTH_GOOGLE_ISSUER: provider.env.OAUTH_GOOGLE_ISSUER! });
    try {
      const page = await plain.app.inject({ method: 'GET', url: '/login', headers: { host: ROOT } });
      assert.match(page.body, /Continue with Google/);
      assert.doesNotMatch(page.body, /Continue with GitHub|Continue with Microsoft/);
      const github = await plain.app.inject({ method: 'GET', url: '/auth/oauth/github/start', headers: { host: ROOT } });
      assert.equal(github.statusCode, 404);
      const unknown = await plain.app.inject({ method: 'GET', url: '/auth/oauth/facebook/start', headers: { host: ROOT } });
      assert.equal(unknown.statusCode, 404);
    } finally {
      await plain.close();
    }
    assert.throws(() => loadConfig({ NODE_ENV: 'test', OAUTH_GITHUB_CLIENT_ID: 'only-the-id' }), (err: unknown) => err instanceof ConfigError && /OAUTH_GITHUB_CLIENT_SECRET/.test(err.message));
    assert.throws(
      () => loadConfig({ NODE_ENV: 'test', OAUTH_GOOGLE_CLIENT_ID: 'a', OAUTH_GOOGLE_CLIENT_SECRET: 'b', OAUTH_GOOGLE_ISSUER: 'http://accounts.example.com' }),
      (err: unknown) => err instanceof ConfigError && /OAUTH_GOOGLE_ISSUER: must be an https/.test(err.message),
    );
  });

  test('a new identity with a verified email signs up, then signs in by provider + subject', async () => {
    const b = createBrowser(t);
    const ada = someone();
    const { subdomain, userId } = await signUpWith(b, 'google', ada);
    const user = await t.services.auth.users.findById(userId);
    assert.equal(user?.emailVerified, true);
    assert.equal(await t.services.auth.hasPassword(userId), false);

    // Later, from another browser: the same subject signs in, even after the address changed at the provider.
    provider.signInAs({ ...ada, email: `${uniqueName('renamed')}@example.com` });
    const other = createBrowser(t);
    const back = await signInWith(other, 'google');
    assert.equal(back.statusCode, 303);
    assert.match(locationOf(back), new RegExp(`^http://${subdomain}\\.localhost:8000/auth/handoff\\?token=`));
    const events = await t.services.audit.listForUser(userId, 10);
    assert.ok(events.some((e) => e.action === 'auth.login' && e.details?.method === 'oauth' && e.details?.provider === 'google'));
    for (const e of events) assert.doesNotMatch(JSON.stringify(e.details ?? {}), /code|token|secret/i);
  });

  test('an email that matches an account is never linked automatically, verified or not', async () => {
    const owner = await createTenantWithOwner(t);
    for (const emailVerified of [true, false]) {
      provider.signInAs(someone({ email: owner.email, emailVerified }));
      const res = await signInWith(createBrowser(t), 'google');
      assert.equal(res.statusCode, 303);
      assert.match(locationOf(res), emailVerified ? /\/login\?oauth=not_linked/ : /\/login\?oauth=unverified/);
    }
    const links = await t.deps.database.db.select().from(accounts).where(and(eq(accounts.userId, owner.userId), eq(accounts.providerId, 'google')));
    assert.equal(links.length, 0);
    assert.equal(await sessionCount(owner.userId), 0);
    const page = await createBrowser(t).request('GET', ROOT, '/login?oauth=not_linked&provider=google');
    assert.match(page.body, /Log in with your password, then link Google/);
  });

  test('an unverified email cannot create an account', async () => {
    provider.signInAs(someone({ emailVerified: false }));
    const b = createBrowser(t);
    const res = await signInWith(b, 'microsoft');
    assert.match(locationOf(res), /oauth=unverified/);
    assert.equal(b.jar.get(ROOT, 'saas.oauth_signup'), undefined);
  });

  test('the state: a callback needs the browser that started it, works once, and only for its provider', async () => {
    provider.signInAs(someone());
    const victim = createBrowser(t);
    const attacker = createBrowser(t);
    // Another browser (no state cookie) cannot finish this flow.
    const path = await toProvider(victim, 'google');
    const stolen = await attacker.request('GET', ROOT, path);
    assert.match(locationOf(stolen), /oauth=expired/);
    // The right browser finishes it once; a replay is refused.
    const first = await victim.request('GET', ROOT, path);
    assert.equal(locationOf(first), `http://${ROOT}/signup`);
    const replay = await victim.request('GET', ROOT, path);
    assert.match(locationOf(replay), /oauth=expired/);
    // A state altered in the URL does not match the cookie.
    const path2 = await toProvider(victim, 'google');
    const forged = await victim.request('GET', ROOT, path2.replace(/state=[^&]+/, 'state=forged-state-value'));
    assert.match(locationOf(forged), /oauth=expired/);
    // A Google flow's answer on GitHub's callback is refused.
    const path3 = await toProvider(victim, 'google');
    const crossed = await victim.request('GET', ROOT, path3.replace('/google/', '/github/'));
    assert.match(locationOf(crossed), /oauth=expired/);
    // Callbacks live on the root site only.
    const owner = await createTenantWithOwner(t);
    const onTenant = await victim.request('GET', hostFor(owner.tenant.subdomain), path3);
    assert.equal(onTenant.statusCode, 404);
  });

  test('PKCE: a code issued to another flow is refused at the token endpoint', async () => {
    provider.signInAs(someone());
    const attacker = createBrowser(t);
    const victim = createBrowser(t);
    const attackerPath = await toProvider(attacker, 'google');
    const attackerCode = new URL(attackerPath, 'http://x').searchParams.get('code')!;
    const victimPath = await toProvider(victim, 'google');
    const injected = victimPath.replace(/code=[^&]+/, `code=${attackerCode}`);
    const res = await victim.request('GET', ROOT, injected);
    assert.match(locationOf(res), /oauth=failed/);
    const last = provider.tokenRequests.at(-1)!;
    assert.ok(last.code_verifier && last.code_verifier.length >= 43, 'the token request carries the PKCE verifier');
  });

  for (const [label, misbehaviour] of [
    ['another nonce', { nonce: 'not-the-nonce' }],
    ['a key not in the JWKS', { rogueKey: true }],
    ['another audience', { audience: 'someone-else' }],
    ['another issuer', { issuer: 'https://evil.example.com' }],
    ['an expired ID token', { expired: true }],
  ] as const) {
    test(`an ID token with ${label} opens nothing`, async () => {
      const ada = someone();
      const b = createBrowser(t);
      const { userId } = await signUpWith(b, 'google', ada);
      const before = await sessionCount(userId);
      provider.misbehave(misbehaviour);
      try {
        const res = await signInWith(createBrowser(t), 'google');
        assert.match(locationOf(res), /\/login\?oauth=failed/);
      } finally {
        provider.misbehave({});
      }
      assert.equal(await sessionCount(userId), before);
    });
  }

  test('a user who says no at the provider is told so', async () => {
    provider.misbehave({ deny: true });
    try {
      const b = createBrowser(t);
      const res = await signInWith(b, 'google');
      assert.match(locationOf(res), /oauth=cancelled/);
      const page = await b.request('GET', ROOT, '/login?oauth=cancelled&provider=google');
      assert.match(page.body, /Signing in with Google was cancelled/);
    } finally {
      provider.misbehave({});
    }
  });

  test('Microsoft (multi-tenant issuer) and GitHub (no ID token) sign up and sign in', async () => {
    for (const name of ['microsoft', 'github'] as const) {
      const user = someone({ sub: name === 'github' ? String(Date.now() + Math.floor(Math.random() * 1e6)) : `ms-${uniqueName('s')}` });
      const { subdomain } = await signUpWith(createBrowser(t), name, user);
      provider.signInAs(user);
      const again = await signInWith(createBrowser(t), name);
      assert.match(locationOf(again), new RegExp(`^http://${subdomain}\\.localhost`), `${name} sign-in`);
    }
  });

  test('MFA still applies after a provider sign-in: the session opens only the code page', async () => {
    const ada = someone();
    const b = createBrowser(t);
    const { subdomain, userId } = await signUpWith(b, 'google', ada);
    const secret = (await t.services.auth.mfa.startTotpSetup(userId, ada.email!)).secret;
    await t.services.auth.mfa.confirmTotp(userId, await generate({ secret }));

    provider.signInAs(ada);
    const other = createBrowser(t);
    const res = await signInWith(other, 'google');
    assert.match(locationOf(res), /^\/login\/mfa\?next=/);
    const dashboard = await other.request('GET', ROOT, '/workspaces');
    assert.notEqual(dashboard.statusCode, 200, 'a pending session opens nothing');
    const handoff = await other.request('GET', ROOT, `/workspaces/${subdomain}/open`);
    assert.doesNotMatch(locationOf(handoff), /handoff/, 'no hand-off to the workspace before the second factor');
    const mfaPage = await other.request('GET', ROOT, '/login/mfa');
    assert.equal(mfaPage.statusCode, 200);
    const done = await other.request('POST', ROOT, '/login/mfa', { _csrf: csrfFrom(mfaPage.body), code: await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }) });
    assert.equal(done.statusCode, 303);
    assert.equal(locationOf(done), '/workspaces');
  });

  test('a disabled account cannot sign in with its provider', async () => {
    const ada = someone();
    const { userId } = await signUpWith(createBrowser(t), 'google', ada);
    await t.services.auth.setDisabled(userId, true);
    provider.signInAs(ada);
    const res = await signInWith(createBrowser(t), 'google');
    assert.match(locationOf(res), /oauth=failed/);
    assert.equal(await sessionCount(userId), 0);
  });
});

describe('linking providers from the account page', () => {
  async function startLink(b: Browser, host: string, name: string, password: string) {
    const page = await b.request('GET', host, '/account');
    return b.request('POST', host, `/account/linked-accounts/${name}`, { _csrf: csrfFrom(page.body), current_password: password });
  }

  /** Asks to link (password given), follows the page's link to the provider and back: the confirmation URL on the asking site, not yet visited. */
  async function linkThroughProvider(b: Browser, host: string, name: string, password: string): Promise<URL> {
    const asked = await startLink(b, host, name, password);
    assert.equal(asked.statusCode, 200);
    const continueUrl = new URL(/id="link-continue" href="([^"]+)"/.exec(asked.body)![1]!.replace(/&amp;/g, '&'));
    const start = await b.request('GET', ROOT, continueUrl.pathname + continueUrl.search);
    const callback = new URL((await fetch(start.headers.location as string, { redirect: 'manual' })).headers.get('location')!);
    return new URL(locationOf(await b.request('GET', ROOT, callback.pathname + callback.search)));
  }

  test('link with the password, in the session that asked; then sign in with it; unlink', async () => {
    const owner = await createTenantWithOwner(t);
    const host = hostFor(owner.tenant.subdomain);
    const b = createBrowser(t);
    await b.login(owner.tenant.subdomain, owner.email, owner.password);

    const wrong = await startLink(b, host, 'github', 'not the password');
    assert.equal(locationOf(wrong), '/account?done=link-password');

    const gh = someone({ sub: String(Math.floor(Math.random() * 1e9)) });
    provider.signInAs(gh);
    const confirm = await linkThroughProvider(b, host, 'github', owner.password);
    assert.equal(confirm.host, host, 'the answer goes back to the site that asked');

    // The confirmation works only in the session that asked.
    const stranger = createBrowser(t);
    const other = await createTenantWithOwner(t);
    await stranger.login(other.tenant.subdomain, other.email, other.password);
    const hijack = await stranger.request('GET', hostFor(other.tenant.subdomain), confirm.pathname + confirm.search);
    assert.equal(locationOf(hijack), '/account?done=link-expired');
    assert.equal(await t.services.auth.oauth.findLinkedUser('github', gh.sub), null);

    // The ticket was spent by that attempt: the owner starts again and finishes.
    const confirm2 = await linkThroughProvider(b, host, 'github', owner.password);
    const linked = await b.request('GET', host, confirm2.pathname + confirm2.search);
    assert.equal(locationOf(linked), '/account?done=linked-github');
    assert.equal(await t.services.auth.oauth.findLinkedUser('github', gh.sub), owner.userId);
    const account = await b.request('GET', host, '/account?done=linked-github');
    assert.match(account.body, /GitHub is linked/);
    assert.match(account.body, /Unlink GitHub/);

    // Signing in with GitHub now opens the owner's workspace.
    const fresh = createBrowser(t);
    const signedIn = await signInWith(fresh, 'github');
    assert.match(locationOf(signedIn), new RegExp(`^http://${owner.tenant.subdomain}\\.localhost`));

    // Unlink needs the password too.
    const page = await b.request('GET', host, '/account');
    const refused = await b.request('POST', host, '/account/linked-accounts/github/unlink', { _csrf: csrfFrom(page.body), current_password: 'nope' });
    assert.equal(locationOf(refused), '/account?done=link-password');
    const unlinked = await b.request('POST', host, '/account/linked-accounts/github/unlink', { _csrf: csrfFrom(page.body), current_password: owner.password });
    assert.equal(locationOf(unlinked), '/account?done=unlinked-github');
    assert.equal(await t.services.auth.oauth.findLinkedUser('github', gh.sub), null);
    const events = await t.services.audit.listForUser(owner.userId, 20);
    assert.ok(events.some((e) => e.action === 'auth.oauth.linked'));
    assert.ok(events.some((e) => e.action === 'auth.oauth.unlinked'));
  });

  test('an identity linked to one account cannot be linked to another', async () => {
    const ada = someone();
    await signUpWith(createBrowser(t), 'google', ada);
    const owner = await createTenantWithOwner(t);
    const host = hostFor(owner.tenant.subdomain);
    const b = createBrowser(t);
    await b.login(owner.tenant.subdomain, owner.email, owner.password);
    provider.signInAs(ada);
    const confirm = await linkThroughProvider(b, host, 'google', owner.password);
    const res = await b.request('GET', host, confirm.pathname + confirm.search);
    assert.equal(locationOf(res), '/account?done=link-taken');
    assert.notEqual(await t.services.auth.oauth.findLinkedUser('google', ada.sub), owner.userId);
  });

  test('an account made with a provider sets a password by email before changing its sign-in methods', async () => {
    const ada = someone();
    const b = createBrowser(t);
    const { subdomain, userId } = await signUpWith(b, 'google', ada);
    // Finish the hand-off the sign-up page links to, as a browser does.
    provider.signInAs(ada);
    const signedIn = await signInWith(b, 'google');
    const handoff = new URL(locationOf(signedIn));
    await b.request('GET', handoff.host, handoff.pathname + handoff.search);
    const host = hostFor(subdomain);
    const page = await b.request('GET', host, '/account');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Email me a link to set a password/);
    const unlink = await b.request('POST', host, '/account/linked-accounts/google/unlink', { _csrf: csrfFrom(page.body), current_password: '' });
    assert.equal(locationOf(unlink), '/account?done=link-no-password');
    assert.equal(await t.services.auth.oauth.findLinkedUser('google', ada.sub), userId);
    const sent = await b.request('POST', host, '/account/password/set-link', { _csrf: csrfFrom(page.body) });
    assert.equal(locationOf(sent), '/account?done=set-link-sent');
  });
});
