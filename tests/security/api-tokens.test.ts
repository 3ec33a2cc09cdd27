/**
 * API credentials over HTTP: access tokens (EdDSA, published in a JWKS) and rotating refresh tokens.
 * Forged, tampered, alg:none and expired tokens get 401; a refresh token works once, and a second use
 * (a copy) ends the session, its whole token family and its access tokens; logout ends refresh too.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, jwtVerify, SignJWT } from 'jose';
import { and, eq } from 'drizzle-orm';
import { refreshTokens } from '../../src/modules/auth/auth.tables.js';
import { auditEvents } from '../../src/modules/audit/audit.tables.js';
import { createTenantWithOwner, hostFor, startTestApp, type TestApp } from '../support/test-app.js';

interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  refresh_expires_in: number;
}

describe('API tokens', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t?.close());

  const remoteAddress = () => `10.${crypto.randomInt(256)}.${crypto.randomInt(256)}.${crypto.randomInt(1, 255)}`;
  const login = async (email: string, password: string): Promise<TokenPair> => {
    const res = await t.app.inject({ method: 'POST', url: '/auth/login', remoteAddress: remoteAddress(), headers: { host: hostFor(null) }, payload: { email, password } });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as TokenPair;
  };
  const refresh = (token: string) => t.app.inject({ method: 'POST', url: '/auth/refresh', remoteAddress: remoteAddress(), headers: { host: hostFor(null) }, payload: { refresh_token: token } });
  const apiStatus = async (subdomain: string, token: string) =>
    (await t.app.inject({ method: 'GET', url: '/api/data', headers: { host: hostFor(subdomain), authorization: `Bearer ${token}` } })).statusCode;

  test('login gives a pair; a refresh token works once and is replaced', async () => {
    const owner = await createTenantWithOwner(t);
    const first = await login(owner.email, owner.password);
    assert.ok(first.refresh_expires_in > 24 * 3600);
    const res = await refresh(first.refresh_token);
    assert.equal(res.statusCode, 200);
    const second = res.json() as TokenPair;
    assert.notEqual(second.refresh_token, first.refresh_token);
    assert.equal(await apiStatus(owner.tenant.subdomain, second.access_token), 200);
    const third = await refresh(second.refresh_token);
    assert.equal(third.statusCode, 200);
    const stored = await t.deps.database.db.select().from(refreshTokens).where(eq(refreshTokens.userId, owner.userId));
    assert.equal(stored.length, 3);
    assert.ok(stored.every((r) => r.tokenHash !== first.refresh_token && r.tokenHash !== second.refresh_token), 'stored in clear');
  });

  test('a refresh token used twice ends the session, the family and the access tokens', async () => {
    const owner = await createTenantWithOwner(t);
    const first = await login(owner.email, owner.password);
    const second = (await refresh(first.refresh_token)).json() as TokenPair;
    const replay = await refresh(first.refresh_token);
    assert.equal(replay.statusCode, 401);
    assert.equal((await refresh(second.refresh_token)).statusCode, 401, 'the family survived the reuse');
    assert.equal(await apiStatus(owner.tenant.subdomain, second.access_token), 401, 'the access token survived the reuse');
    const events = await t.deps.withOwnerDb((db) => db.select().from(auditEvents).where(and(eq(auditEvents.actorUserId, owner.userId), eq(auditEvents.action, 'auth.token.reuse'))));
    assert.equal(events.length, 1);
  });

  test('two requests racing with one refresh token: at most one succeeds, and the family ends anyway', async () => {
    const owner = await createTenantWithOwner(t);
    const pair = await login(owner.email, owner.password);
    const results = await Promise.all([refresh(pair.refresh_token), refresh(pair.refresh_token)]);
    const statuses = results.map((r) => r.statusCode).sort();
    // The loser is a reuse: it ends the session, so the winner may find it gone before it answers.
    assert.ok(statuses[1] === 401 && [200, 401].includes(statuses[0]!), statuses.join(','));
    for (const r of results.filter((x) => x.statusCode === 200)) assert.equal((await refresh((r.json() as TokenPair).refresh_token)).statusCode, 401);
    assert.equal(await apiStatus(owner.tenant.subdomain, pair.access_token), 401, 'the session survived the race');
  });

  test('logout ends refresh as well; expired, unknown and malformed refresh tokens get 401; no body gets 422', async () => {
    const owner = await createTenantWithOwner(t);
    const pair = await login(owner.email, owner.password);
    const out = await t.app.inject({ method: 'POST', url: '/auth/logout', headers: { host: hostFor(null), authorization: `Bearer ${pair.access_token}` } });
    assert.equal(out.statusCode, 204);
    assert.equal((await refresh(pair.refresh_token)).statusCode, 401);

    const other = await login(owner.email, owner.password);
    await t.deps.database.db.update(refreshTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(refreshTokens.userId, owner.userId));
    assert.equal((await refresh(other.refresh_token)).statusCode, 401);
    assert.equal((await refresh(crypto.randomBytes(32).toString('base64url'))).statusCode, 401);
    assert.equal((await refresh("' or 1=1 --")).statusCode, 401);
    const empty = await t.app.inject({ method: 'POST', url: '/auth/refresh', headers: { host: hostFor(null) }, payload: {} });
    assert.equal(empty.statusCode, 422);
  });

  test('the JWKS verifies access tokens; forged ones get 401 on the API', async () => {
    const owner = await createTenantWithOwner(t);
    const pair = await login(owner.email, owner.password);
    const jwksRes = await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host: hostFor(null) } });
    assert.equal(jwksRes.statusCode, 200);
    const jwks = jwksRes.json() as { keys: { kid: string; x: string }[] };
    const { payload, protectedHeader } = await jwtVerify(pair.access_token, createLocalJWKSet(jwks as never), { issuer: 'saas-app', audience: 'saas-app:api' });
    assert.equal(payload.sub, owner.userId);
    assert.equal(protectedHeader.alg, 'EdDSA');
    assert.equal(protectedHeader.kid, jwks.keys[0]!.kid);

    const [h, p, s] = pair.access_token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    const stranger = await createTenantWithOwner(t);
    const forged = [
      `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`,
      `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: stranger.userId })).toString('base64url')}.${s}`,
      await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: jwks.keys[0]!.kid }).sign(Buffer.from(jwks.keys[0]!.x, 'base64url')),
      await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(t.config.secretKey)),
      'not.a.jwt',
    ];
    for (const token of forged) assert.equal(await apiStatus(owner.tenant.subdomain, token), 401, token.slice(0, 40));
    assert.equal(await apiStatus(owner.tenant.subdomain, pair.access_token), 200);
  });
});
