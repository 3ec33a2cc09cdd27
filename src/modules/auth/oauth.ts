/**
 * Sign-in with Google, Microsoft (Entra ID) and GitHub: the authorization code flow with `state`,
 * PKCE (S256) and, for the OpenID Connect providers, a `nonce`. oauth4webapi does the protocol
 * (discovery, the authorization response, the code exchange, the ID token's claims); jose checks
 * the ID token's signature against the provider's published keys as well.
 *
 * The flow's secrets (PKCE verifier, nonce, where to go next) stay on the server, in the cache,
 * under the `state`; the browser holds the `state` in a cookie that the callback must present, so
 * a callback only completes in the browser that started it. Each flow works once and for 10 minutes.
 *
 * Accounts are matched by provider + subject (`accounts.provider_id` / `account_id`), never by email.
 */
import crypto from 'node:crypto';
import { and, eq, ne } from 'drizzle-orm';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import type { Logger } from 'pino';
import type { Cache } from '../../platform/cache/cache.js';
import type { AppConfig } from '../../platform/config.js';
import type { Database } from '../../platform/db/database.js';
import { uniqueViolation } from '../../platform/db/errors.js';
import { accounts, passkeys } from './auth.tables.js';

export const OAUTH_PROVIDERS = {
  google: { name: 'Google' },
  microsoft: { name: 'Microsoft' },
  github: { name: 'GitHub' },
} as const;
export type OAuthProviderId = keyof typeof OAUTH_PROVIDERS;

export const isOAuthProviderId = (value: unknown): value is OAuthProviderId => typeof value === 'string' && Object.hasOwn(OAUTH_PROVIDERS, value);

/** A flow (from the redirect to the provider until its callback) lives this long, and works once. */
export const OAUTH_FLOW_TTL_SECONDS = 10 * 60;
/** Signing algorithms accepted on ID tokens (the providers use RS256). */
const ID_TOKEN_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'];

/** Who the provider says the user is. `emailVerified` is true only when the provider vouches for the address. */
export interface ProviderIdentity {
  provider: OAuthProviderId;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
}

/** What the flow remembers between the redirect and the callback. */
export interface OAuthFlow {
  intent: 'login' | 'link';
  /** Same-site path to land on afterwards. */
  next: string;
  /** Sign-in started on this workspace's page: continue there. */
  workspace: string | null;
  /** Linking: who asked, from which session and site; the link is made only back in that session. */
  link: { userId: string; sessionId: string; returnOrigin: string } | null;
}

interface StoredFlow extends OAuthFlow {
  provider: OAuthProviderId;
  codeVerifier: string;
  nonce: string | null;
}

export type OAuthCallbackResult =
  | { ok: true; identity: ProviderIdentity; flow: OAuthFlow }
  /** state: no flow, a used or expired one, or another browser's. denied: the user said no at the provider. failed: the provider's answer did not check out. */
  | { ok: false; reason: 'state' | 'denied' | 'failed'; flow: OAuthFlow | null };

export interface LinkedAccount {
  provider: OAuthProviderId;
  email: string | null;
  linkedAt: Date;
}

const flowKey = (state: string) => `oauth-flow:${state}`;
const sameString = (a: string, b: string) => a.length === b.length && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function createOAuth(deps: { config: AppConfig; cache: Cache; database: Database; log: Logger }) {
  const { config } = deps;
  const { db } = deps.database;
  const redirectUri = (provider: OAuthProviderId) => `${config.publicUrl.origin}/auth/oauth/${provider}/callback`;
  const http = (url: string) => ({ [oauth.allowInsecureRequests]: new URL(url).protocol === 'http:' });

  /** Provider metadata, discovered once per process (again after a failure). */
  const discovered = new Map<OAuthProviderId, Promise<oauth.AuthorizationServer>>();
  const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

  async function discover(provider: OAuthProviderId): Promise<oauth.AuthorizationServer> {
    if (provider === 'github') {
      const gh = config.oauth.github!;
      // Plain OAuth 2.0: fixed endpoints, no discovery document.
      return { issuer: gh.webUrl, authorization_endpoint: `${gh.webUrl}/login/oauth/authorize`, token_endpoint: `${gh.webUrl}/login/oauth/access_token` };
    }
    let issuerUrl: string;
    if (provider === 'google') issuerUrl = config.oauth.google!.issuer;
    else issuerUrl = `${config.oauth.microsoft!.authority}/${config.oauth.microsoft!.tenant}/v2.0`;
    const response = await oauth.discoveryRequest(new URL(issuerUrl), { algorithm: 'oidc', ...http(issuerUrl) });
    if (provider === 'google') return oauth.processDiscoveryResponse(new URL(issuerUrl), response);
    // Entra ID's multi-tenant endpoints (common, organizations) publish the issuer as a template,
    // `.../{tenantid}/v2.0`, and a domain-named tenant publishes its id: accept an issuer on the
    // authority's own origin, and check each ID token's issuer against it (see issuerFor).
    const published = ((await response.clone().json()) as { issuer?: unknown }).issuer;
    if (typeof published !== 'string' || new URL(published.replace('{tenantid}', 'x')).origin !== new URL(issuerUrl).origin) {
      throw new Error('microsoft: the discovery document names an issuer outside the configured authority');
    }
    return oauth.processDiscoveryResponse(new URL(published), response);
  }

  function metadata(provider: OAuthProviderId): Promise<oauth.AuthorizationServer> {
    let found = discovered.get(provider);
    if (!found) {
      found = discover(provider);
      found.catch(() => discovered.delete(provider));
      discovered.set(provider, found);
    }
    return found;
  }

  function clientOf(provider: OAuthProviderId) {
    const settings = config.oauth[provider];
    if (!settings) throw new Error(`${provider}: not configured`);
    return { client: { client_id: settings.clientId } satisfies oauth.Client, auth: oauth.ClientSecretPost(settings.clientSecret) };
  }

  /** The issuer an ID token must carry: the template filled with the token's own tenant (Entra ID multi-tenant). */
  function issuerFor(as: oauth.AuthorizationServer, idToken: string): string {
    if (!as.issuer.includes('{tenantid}')) return as.issuer;
    const { tid } = decodeJwt(idToken);
    if (typeof tid !== 'string' || !/^[0-9a-f-]{36}$/i.test(tid)) throw new Error('microsoft: the ID token has no tenant id');
    return as.issuer.replace('{tenantid}', tid);
  }

  async function verifyIdTokenSignature(as: oauth.AuthorizationServer, idToken: string, issuer: string, clientId: string) {
    if (!as.jwks_uri) throw new Error('the provider publishes no keys (jwks_uri)');
    let keys = keySets.get(as.jwks_uri);
    if (!keys) {
      keys = createRemoteJWKSet(new URL(as.jwks_uri), { timeoutDuration: 10_000 });
      keySets.set(as.jwks_uri, keys);
    }
    await jwtVerify(idToken, keys, { issuer, audience: clientId, algorithms: ID_TOKEN_ALGORITHMS, clockTolerance: 30 });
  }

  async function githubIdentity(accessToken: string): Promise<ProviderIdentity> {
    const api = config.oauth.github!.apiUrl;
    const headers = { authorization: `Bearer ${accessToken}`, accept: 'application/vnd.github+json', 'user-agent': 'saas-app', 'x-github-api-version': '2022-11-28' };
    const get = async (path: string) => {
      const response = await fetch(`${api}${path}`, { headers, signal: AbortSignal.timeout(10_000) });
      if (!response.ok) throw new Error(`github: ${path} answered ${response.status}`);
      return response.json() as Promise<unknown>;
    };
    const user = (await get('/user')) as { id?: unknown; name?: unknown; login?: unknown };
    if (typeof user.id !== 'number' && typeof user.id !== 'string') throw new Error('github: /user has no id');
    const emails = (await get('/user/emails')) as { email?: unknown; primary?: unknown; verified?: unknown }[];
    const primary = Array.isArray(emails) ? emails.find((e) => e.primary === true && e.verified === true && typeof e.email === 'string') : undefined;
    return {
      provider: 'github',
      subject: String(user.id),
      email: primary ? String(primary.email).toLowerCase() : null,
      emailVerified: Boolean(primary),
      name: typeof user.name === 'string' && user.name ? user.name : typeof user.login === 'string' ? user.login : null,
    };
  }

  function oidcIdentity(provider: OAuthProviderId, claims: oauth.IDToken): ProviderIdentity {
    const email = typeof claims.email === 'string' ? claims.email.toLowerCase() : null;
    // Google says whether it verified the address. Entra ID's `email` is whatever a tenant's admin
    // typed, unless the optional `xms_edov` claim says the domain's owner vouches for it.
    const emailVerified = provider === 'google' ? claims.email_verified === true : claims.xms_edov === true || claims.xms_edov === '1';
    return { provider, subject: claims.sub, email, emailVerified: Boolean(email) && emailVerified, name: typeof claims.name === 'string' ? claims.name : null };
  }

  async function hold(kind: string, value: unknown, ttlSeconds: number): Promise<string> {
    const key = crypto.randomBytes(24).toString('base64url');
    await deps.cache.set(`${kind}:${key}`, JSON.stringify(value), ttlSeconds);
    return key;
  }
  async function peek<T>(kind: string, key: string): Promise<T | null> {
    if (!/^[A-Za-z0-9_-]{32}$/.test(key)) return null;
    const raw = await deps.cache.get(`${kind}:${key}`);
    return raw ? (JSON.parse(raw) as T) : null;
  }
  async function take<T>(kind: string, key: string): Promise<T | null> {
    const value = await peek<T>(kind, key);
    if (value !== null) await deps.cache.delete(`${kind}:${key}`);
    return value;
  }

  const service = {
    /** The providers whose keys are set, in the order the buttons show. */
    enabledProviders(): OAuthProviderId[] {
      return (Object.keys(OAUTH_PROVIDERS) as OAuthProviderId[]).filter((id) => config.oauth[id] !== null);
    },

    isEnabled(provider: OAuthProviderId): boolean {
      return config.oauth[provider] !== null;
    },

    /** Starts a flow: the provider's authorization URL, and the `state` the browser must keep (in a cookie) for the callback. */
    async begin(provider: OAuthProviderId, flow: OAuthFlow): Promise<{ url: string; state: string }> {
      const as = await metadata(provider);
      const { client } = clientOf(provider);
      const state = oauth.generateRandomState();
      const codeVerifier = oauth.generateRandomCodeVerifier();
      const oidc = provider !== 'github';
      const nonce = oidc ? oauth.generateRandomNonce() : null;
      const stored: StoredFlow = { ...flow, provider, codeVerifier, nonce };
      await deps.cache.set(flowKey(state), JSON.stringify(stored), OAUTH_FLOW_TTL_SECONDS);
      const url = new URL(as.authorization_endpoint!);
      url.searchParams.set('client_id', client.client_id);
      url.searchParams.set('redirect_uri', redirectUri(provider));
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('scope', oidc ? 'openid email profile' : 'read:user user:email');
      url.searchParams.set('state', state);
      url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
      url.searchParams.set('code_challenge_method', 'S256');
      if (nonce) url.searchParams.set('nonce', nonce);
      if (provider === 'google' || provider === 'microsoft') url.searchParams.set('prompt', 'select_account');
      return { url: url.href, state };
    },

    /**
     * The provider sent the browser back: checks the state against the browser's cookie, uses up the
     * flow, trades the code (with the PKCE verifier) for tokens, checks the ID token (signature,
     * issuer, audience, expiry, nonce), and says who the user is.
     */
    async complete(provider: OAuthProviderId, callbackUrl: URL, stateCookie: string | undefined): Promise<OAuthCallbackResult> {
      const state = callbackUrl.searchParams.get('state') ?? '';
      if (!state || !stateCookie || state.length > 200 || !sameString(state, stateCookie)) return { ok: false, reason: 'state', flow: null };
      const raw = await deps.cache.get(flowKey(state));
      if (!raw) return { ok: false, reason: 'state', flow: null };
      await deps.cache.delete(flowKey(state)); // once
      const stored = JSON.parse(raw) as StoredFlow;
      const flow: OAuthFlow = { intent: stored.intent, next: stored.next, workspace: stored.workspace, link: stored.link };
      if (stored.provider !== provider) return { ok: false, reason: 'state', flow };
      try {
        const as = await metadata(provider);
        const { client, auth } = clientOf(provider);
        let params: URLSearchParams;
        try {
          params = oauth.validateAuthResponse(as, client, callbackUrl, state);
        } catch (err) {
          if (err instanceof oauth.AuthorizationResponseError) {
            deps.log.info({ provider, error: err.error }, 'oauth: the provider returned an error');
            return { ok: false, reason: err.error === 'access_denied' ? 'denied' : 'failed', flow };
          }
          throw err;
        }
        const response = await oauth.authorizationCodeGrantRequest(as, client, auth, params, redirectUri(provider), stored.codeVerifier, http(as.token_endpoint!));
        if (provider === 'github') {
          const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
          return { ok: true, identity: await githubIdentity(tokens.access_token), flow };
        }
        const body = (await response.clone().json().catch(() => ({}))) as { id_token?: unknown };
        const idToken = typeof body.id_token === 'string' ? body.id_token : '';
        if (!idToken) throw new Error('the token response has no ID token');
        const issuer = issuerFor(as, idToken);
        const tokens = await oauth.processAuthorizationCodeResponse({ ...as, issuer }, client, response, { expectedNonce: stored.nonce!, requireIdToken: true });
        await verifyIdTokenSignature(as, idToken, issuer, client.client_id);
        const claims = oauth.getValidatedIdTokenClaims(tokens)!;
        return { ok: true, identity: oidcIdentity(provider, claims), flow };
      } catch (err) {
        // Logged without tokens or codes: the error's message and kind are enough to see what failed.
        deps.log.warn({ provider, err: { message: (err as Error).message, code: (err as { code?: unknown }).code } }, 'oauth: the provider answer was refused');
        return { ok: false, reason: 'failed', flow };
      }
    },

    /** The user an identity is linked to, or null. */
    async findLinkedUser(provider: OAuthProviderId, subject: string): Promise<string | null> {
      const [row] = await db.select({ userId: accounts.userId }).from(accounts).where(and(eq(accounts.providerId, provider), eq(accounts.accountId, subject)));
      return row?.userId ?? null;
    },

    /** Links an identity to a user; 'taken' when it is linked to another account, 'already' when this user already has one from that provider. */
    async link(userId: string, identity: ProviderIdentity): Promise<'linked' | 'taken' | 'already'> {
      const [existing] = await db.select({ userId: accounts.userId, accountId: accounts.accountId }).from(accounts).where(and(eq(accounts.userId, userId), eq(accounts.providerId, identity.provider)));
      if (existing) return existing.accountId === identity.subject ? 'linked' : 'already';
      try {
        await db.insert(accounts).values({ userId, providerId: identity.provider, accountId: identity.subject, providerEmail: identity.email });
        return 'linked';
      } catch (err) {
        if (uniqueViolation(err) !== null) return 'taken';
        throw err;
      }
    },

    /** Removes a link; false when there was none. The caller checks another way to sign in is left. */
    async unlink(userId: string, provider: OAuthProviderId): Promise<boolean> {
      const removed = await db.delete(accounts).where(and(eq(accounts.userId, userId), eq(accounts.providerId, provider))).returning({ id: accounts.id });
      return removed.length > 0;
    },

    async listLinks(userId: string): Promise<LinkedAccount[]> {
      const rows = await db
        .select({ provider: accounts.providerId, email: accounts.providerEmail, linkedAt: accounts.createdAt })
        .from(accounts)
        .where(and(eq(accounts.userId, userId), ne(accounts.providerId, 'credential')));
      return rows.filter((r): r is LinkedAccount => isOAuthProviderId(r.provider));
    },

    // ---- Short-lived, single-use hand-overs between the steps of a flow (all in the shared cache).

    /** A new identity with a provider-verified email, waiting for its sign-up form (15 minutes). */
    holdForSignUp: (identity: ProviderIdentity) => hold('oauth-signup', identity, 15 * 60),
    peekSignUp: (ticket: string) => peek<ProviderIdentity>('oauth-signup', ticket),
    takeSignUp: (ticket: string) => take<ProviderIdentity>('oauth-signup', ticket),
    /** "Link a provider", asked from a signed-in session on one of our sites (5 minutes). */
    holdLinkRequest: (request: NonNullable<OAuthFlow['link']>) => hold('oauth-link-request', request, 5 * 60),
    takeLinkRequest: (key: string) => take<NonNullable<OAuthFlow['link']>>('oauth-link-request', key),
    /** The provider's answer to a link request, to be applied back in the session that asked (5 minutes). */
    holdLinkResult: (result: { identity: ProviderIdentity; link: NonNullable<OAuthFlow['link']> }) => hold('oauth-link-result', result, 5 * 60),
    takeLinkResult: (ticket: string) => take<{ identity: ProviderIdentity; link: NonNullable<OAuthFlow['link']> }>('oauth-link-result', ticket),

    /** How many ways this user has to sign in (password, passkeys, linked providers): the last one cannot be removed. */
    async signInMethodCount(userId: string): Promise<number> {
      const [linked, keys] = await Promise.all([
        db.select({ id: accounts.id }).from(accounts).where(eq(accounts.userId, userId)),
        db.select({ id: passkeys.id }).from(passkeys).where(eq(passkeys.userId, userId)),
      ]);
      return linked.length + keys.length;
    },
  };
  return service;
}

export type OAuthService = ReturnType<typeof createOAuth>;
