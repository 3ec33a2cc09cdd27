import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import { SignJWT } from 'jose';
import { ACCESS_TOKEN_TTL_SECONDS, createAccessTokens } from './access-tokens.js';

const secret = 'unit-test-secret-0123456789-0123456789';

test('a token issued verifies to its claims', async () => {
  const tokens = createAccessTokens(secret);
  const { token, expiresIn } = await tokens.issue('11111111-1111-4111-8111-111111111111', 'sess-1');
  assert.equal(expiresIn, ACCESS_TOKEN_TTL_SECONDS);
  const claims = await tokens.verify(token);
  assert.equal(claims?.userId, '11111111-1111-4111-8111-111111111111');
  assert.equal(claims?.sessionId, 'sess-1');
});

test('expired, tampered, foreign-key and alg:none tokens are rejected', async () => {
  let now = Date.now();
  const tokens = createAccessTokens(secret, () => now);
  const { token } = await tokens.issue('u', 's');
  const [h, p, s] = token.split('.');
  const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
  const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: 'someone-else' })).toString('base64url')}.${s}`;
  assert.equal(await tokens.verify(tampered), null);
  const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
  assert.equal(await tokens.verify(none), null);
  assert.equal(await createAccessTokens('another-secret-0123456789-0123456789').verify(token), null);
  const hs512 = await new SignJWT(payload).setProtectedHeader({ alg: 'HS512' }).sign(crypto.randomBytes(64));
  assert.equal(await tokens.verify(hs512), null);
  assert.equal(await tokens.verify('garbage'), null);
  now += (ACCESS_TOKEN_TTL_SECONDS + 1) * 1000;
  assert.equal(await tokens.verify(token), null, 'expired (also when cached)');
});

test('the JWKS verifies issued tokens; wrong key id, audience, issuer, not-yet-valid and HS256-with-the-public-key tokens are rejected', async () => {
  const { createLocalJWKSet, jwtVerify, SignJWT: Sign, importJWK } = await import('jose');
  const now = Date.now();
  const tokens = createAccessTokens(secret, () => now);
  const { token } = await tokens.issue('user-1', 'session-1');
  const jwks = await tokens.jwks();
  assert.equal(jwks.keys.length, 1);
  const [jwk] = jwks.keys;
  assert.deepEqual({ kty: jwk!.kty, crv: jwk!.crv, alg: jwk!.alg, use: jwk!.use }, { kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
  assert.equal('d' in jwk!, false, 'the private part is published');
  const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: 'saas-app', audience: 'saas-app:api' });
  assert.equal(payload.sub, 'user-1');

  // Same secret, same key: another process verifies what this one issued.
  assert.equal((await createAccessTokens(secret, () => now).verify(token))?.userId, 'user-1');

  const privateJwk = crypto.createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), crypto.randomBytes(32)]), format: 'der', type: 'pkcs8' }).export({ format: 'jwk' });
  const otherKey = await importJWK({ ...privateJwk, alg: 'EdDSA' }, 'EdDSA');
  const base = (claims: Record<string, unknown>, header: Record<string, unknown>) =>
    new Sign({ sid: 's', ...claims }).setProtectedHeader({ alg: 'EdDSA', kid: jwk!.kid, ...header }).setSubject('u').setIssuedAt().setNotBefore(Math.floor(now / 1000)).setExpirationTime('5m');
  assert.equal(await tokens.verify(await base({}, {}).setIssuer('saas-app').setAudience('saas-app:api').sign(otherKey)), null, 'signed by another key');
  const hsWithPublicKey = await new Sign({ sid: 's' })
    .setProtectedHeader({ alg: 'HS256', kid: jwk!.kid })
    .setSubject('u')
    .setIssuer('saas-app')
    .setAudience('saas-app:api')
    .setIssuedAt()
    .setNotBefore(Math.floor(now / 1000))
    .setExpirationTime('5m')
    .sign(Buffer.from(jwk!.x!, 'base64url'));
  assert.equal(await tokens.verify(hsWithPublicKey), null, 'algorithm confusion');
  const future = createAccessTokens(secret, () => now - 3600_000);
  const early = await future.issue('u', 's');
  assert.equal(await tokens.verify(early.token), null, 'issued in the future / expired');
  const notBefore = await createAccessTokens(secret, () => now + 600_000).issue('u', 's');
  assert.equal(await tokens.verify(notBefore.token), null, 'not valid yet');
});
