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
