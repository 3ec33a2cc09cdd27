/**
 * A local stand-in for Google, Microsoft Entra ID and GitHub: a real HTTP server that speaks their
 * OAuth 2.0 / OpenID Connect endpoints and signs real ID tokens (RS256, published in a JWKS).
 *
 * - It checks what a provider checks: client id and secret, redirect URI, the PKCE verifier (S256)
 *   against the challenge, and that each code works once.
 * - The "user" who signs in at the provider is whoever the test set with `signInAs` (no login page:
 *   authorize answers straight back, like a provider with a signed-in user who already consented).
 * - `misbehave` makes its next answers wrong on purpose (another nonce, a key not in the JWKS, ...).
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';

export const FAKE_CLIENT = { id: 'test-client-id', secret: 'test-client-secret' } as const;
/** The Entra ID tenant the fake's Microsoft users belong to. */
export const FAKE_MS_TENANT_ID = '6f1d2c1e-9b7a-4a55-8d0e-1c2b3a4d5e6f';

export interface FakeUser {
  sub: string;
  email: string | null;
  emailVerified: boolean;
  name: string;
}

export interface Misbehaviour {
  /** Put this nonce in the ID token instead of the one asked for. */
  nonce?: string;
  /** Sign the ID token with a key that is not in the published JWKS. */
  rogueKey?: boolean;
  /** Issue the ID token for another audience (client). */
  audience?: string;
  /** Issue the ID token under another issuer. */
  issuer?: string;
  /** Issue an ID token that expired an hour ago. */
  expired?: boolean;
  /** Answer authorize with `error=access_denied`. */
  deny?: boolean;
}

interface PendingCode {
  provider: 'google' | 'microsoft' | 'github';
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce: string | null;
  user: FakeUser;
}

export interface FakeOAuthProvider {
  url: string;
  /** Env keys that point the app at this server for all three providers. */
  env: Record<string, string>;
  signInAs(user: FakeUser): void;
  misbehave(m: Misbehaviour): void;
  /** Requests the token endpoints received (form fields), newest last. */
  tokenRequests: Record<string, string>[];
  close(): Promise<void>;
}

export async function startFakeOAuthProvider(): Promise<FakeOAuthProvider> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const rogue = await generateKeyPair('RS256');
  const kid = 'fake-key-1';
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const codes = new Map<string, PendingCode>();
  const accessTokens = new Map<string, FakeUser>();
  const tokenRequests: Record<string, string>[] = [];
  let user: FakeUser = { sub: 'user-1', email: 'someone@example.com', emailVerified: true, name: 'Someone' };
  let bad: Misbehaviour = {};
  let base = '';

  const googleIssuer = () => `${base}/google`;
  const msIssuerTemplate = () => `${base}/ms/{tenantid}/v2.0`;
  const msIssuer = () => `${base}/ms/${FAKE_MS_TENANT_ID}/v2.0`;

  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const readForm = (req: http.IncomingMessage) =>
    new Promise<URLSearchParams>((resolve) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => resolve(new URLSearchParams(body)));
    });

  async function signIdToken(code: PendingCode): Promise<string> {
    const issuer = bad.issuer ?? (code.provider === 'google' ? googleIssuer() : msIssuer());
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      sub: code.user.sub,
      name: code.user.name,
      ...(code.user.email ? { email: code.user.email } : {}),
      ...(code.provider === 'google' ? { email_verified: code.user.emailVerified } : { tid: FAKE_MS_TENANT_ID, ...(code.user.emailVerified ? { xms_edov: true } : {}) }),
      nonce: bad.nonce ?? code.nonce,
    };
    const key: CryptoKey = bad.rogueKey ? rogue.privateKey : privateKey;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(issuer)
      .setAudience(bad.audience ?? code.clientId)
      .setIssuedAt(bad.expired ? now - 7200 : now)
      .setExpirationTime(bad.expired ? now - 3600 : now + 600)
      .sign(key);
  }

  function authorize(provider: PendingCode['provider'], url: URL, res: http.ServerResponse) {
    const q = url.searchParams;
    const redirectUri = q.get('redirect_uri') ?? '';
    if (q.get('client_id') !== FAKE_CLIENT.id || !redirectUri) return json(res, 400, { error: 'invalid_request', error_description: 'unknown client or no redirect_uri' });
    if (q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) {
      return json(res, 400, { error: 'invalid_request', error_description: 'code flow with PKCE S256 only' });
    }
    const back = new URL(redirectUri);
    if (q.get('state')) back.searchParams.set('state', q.get('state')!);
    if (bad.deny) {
      back.searchParams.set('error', 'access_denied');
      res.writeHead(302, { location: back.href });
      return res.end();
    }
    const code = crypto.randomBytes(16).toString('hex');
    codes.set(code, { provider, clientId: FAKE_CLIENT.id, redirectUri, codeChallenge: q.get('code_challenge')!, nonce: q.get('nonce'), user });
    back.searchParams.set('code', code);
    res.writeHead(302, { location: back.href });
    res.end();
  }

  async function token(req: http.IncomingMessage, res: http.ServerResponse) {
    const form = await readForm(req);
    tokenRequests.push(Object.fromEntries(form));
    if (form.get('client_id') !== FAKE_CLIENT.id || form.get('client_secret') !== FAKE_CLIENT.secret) return json(res, 401, { error: 'invalid_client' });
    const code = codes.get(form.get('code') ?? '');
    codes.delete(form.get('code') ?? ''); // once, whatever happens
    if (!code || code.redirectUri !== form.get('redirect_uri')) return json(res, 400, { error: 'invalid_grant', error_description: 'unknown, used or mismatched code' });
    const challenge = crypto.createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
    if (challenge !== code.codeChallenge) return json(res, 400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
    const accessToken = crypto.randomBytes(16).toString('hex');
    accessTokens.set(accessToken, code.user);
    if (code.provider === 'github') return json(res, 200, { access_token: accessToken, token_type: 'bearer', scope: 'read:user,user:email' });
    return json(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 3600, id_token: await signIdToken(code) });
  }

  function github(path: string, req: http.IncomingMessage, res: http.ServerResponse) {
    const who = accessTokens.get((req.headers.authorization ?? '').replace(/^Bearer /i, ''));
    if (!who) return json(res, 401, { message: 'Bad credentials' });
    if (path === '/user') return json(res, 200, { id: Number(who.sub.replace(/\D/g, '') || '1'), login: who.name.replace(/\s+/g, '-').toLowerCase(), name: who.name });
    if (path === '/user/emails') return json(res, 200, who.email ? [{ email: who.email, primary: true, verified: who.emailVerified, visibility: 'private' }] : []);
    json(res, 404, { message: 'Not Found' });
  }

  const discovery = (issuer: string, prefix: string) => ({
    issuer,
    authorization_endpoint: `${base}${prefix}/authorize`,
    token_endpoint: `${base}${prefix}/token`,
    jwks_uri: `${base}/jwks`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    code_challenge_methods_supported: ['S256'],
  });

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    const p = url.pathname;
    const route = async () => {
      if (p === '/jwks') return json(res, 200, { keys: [jwk] });
      if (p === '/google/.well-known/openid-configuration') return json(res, 200, discovery(googleIssuer(), '/google'));
      if (p === '/ms/common/v2.0/.well-known/openid-configuration') return json(res, 200, discovery(msIssuerTemplate(), '/ms/common/oauth2/v2.0'));
      if (p === '/google/authorize') return authorize('google', url, res);
      if (p === '/ms/common/oauth2/v2.0/authorize') return authorize('microsoft', url, res);
      if (p === '/github/login/oauth/authorize') return authorize('github', url, res);
      if (req.method === 'POST' && (p === '/google/token' || p === '/ms/common/oauth2/v2.0/token' || p === '/github/login/oauth/access_token')) return token(req, res);
      if (p.startsWith('/github-api/')) return github(p.slice('/github-api'.length), req, res);
      json(res, 404, { error: 'not_found' });
    };
    route().catch((err: unknown) => json(res, 500, { error: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    env: {
      OAUTH_GOOGLE_CLIENT_ID: FAKE_CLIENT.id,
      OAUTH_GOOGLE_CLIENT_SECRET: FAKE_CLIENT.secret,
      OAUTH_GOOGLE_ISSUER: `${base}/google`,
      OAUTH_MICROSOFT_CLIENT_ID: FAKE_CLIENT.id,
      OAUTH_MICROSOFT_CLIENT_SECRET: FAKE_CLIENT.secret,
      OAUTH_MICROSOFT_AUTHORITY: `${base}/ms`,
      OAUTH_GITHUB_CLIENT_ID: FAKE_CLIENT.id,
      OAUTH_GITHUB_CLIENT_SECRET: FAKE_CLIENT.secret,
      OAUTH_GITHUB_URL: `${base}/github`,
      OAUTH_GITHUB_API_URL: `${base}/github-api`,
    },
    signInAs(next) {
      user = next;
    },
    misbehave(m) {
      bad = m;
    },
    tokenRequests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
