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

test('policy: length only, 8 to 128 characters', () => {
  assert.match(checkPasswordPolicy('short')!, /at least 8/);
  assert.equal(checkPasswordPolicy('eightchr'), null);
  assert.equal(checkPasswordPolicy('x'.repeat(128)), null);
  assert.match(checkPasswordPolicy('x'.repeat(129))!, /at most 128/);
});
