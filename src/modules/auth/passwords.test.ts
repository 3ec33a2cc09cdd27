import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkPasswordPolicy, hashPassword, verifyPassword } from './passwords.js';

test('Argon2id hashes verify, and Unicode forms of the same password match', async () => {
  const hash = await hashPassword('Ｐａｓｓｗｏｒｄ ｏｎｅ');
  assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  assert.equal(await verifyPassword(hash, 'Password one'), true);
  assert.equal(await verifyPassword(hash, 'Password two'), false);
  assert.equal(await verifyPassword('not-a-hash', 'x'), false);
});

test('policy: 8 to 128 characters, counted after normalisation, no composition rules', () => {
  assert.match(checkPasswordPolicy('short')!, /at least 8/);
  assert.equal(checkPasswordPolicy('eightchr'), null);
  assert.equal(checkPasswordPolicy('x'.repeat(128)), null);
  assert.match(checkPasswordPolicy('x'.repeat(129))!, /at most 128/);
  assert.equal(checkPasswordPolicy('ünïcödé pässwörd'), null, 'any characters');
  assert.match(checkPasswordPolicy('ｓｈｏｒｔ')!, /at least 8/, 'full-width letters count as the letters they normalise to');
});

test('policy: the most common passwords are refused with the reason, whatever their case', () => {
  for (const common of ['password', 'iloveyou', 'sunshine', 'qwertyuiop', '1234567890', 'PassWord1', 'ＰＡＳＳＷＯＲＤ']) {
    assert.match(checkPasswordPolicy(common) ?? 'accepted', /most common passwords/, common);
  }
  for (const fine of ['correct horse battery staple', 'tuba-lantern-quietly', 'xK3#m9Qz!vL2']) assert.equal(checkPasswordPolicy(fine), null, fine);
});

test('long passwords are hashed whole: no truncation', async () => {
  const long = `${'a'.repeat(100)}-end-one`;
  const hash = await hashPassword(long);
  assert.equal(await verifyPassword(hash, long), true);
  assert.equal(await verifyPassword(hash, `${'a'.repeat(100)}-end-two`), false);
});
