import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSystemResolver, DnsLookupError } from './resolver.js';

const failingWith = (code: string) => ({
  resolveTxt: async () => {
    throw Object.assign(new Error(`queryTxt ${code}`), { code });
  },
  cancel: () => {},
});

test('the system resolver returns the records it gets', async () => {
  const dns = createSystemResolver({ resolver: { resolveTxt: async () => [['saas-verify=', 'abc']], cancel: () => {} } });
  assert.deepEqual(await dns.resolveTxt('_saas-verify.example.com'), [['saas-verify=', 'abc']]);
});

test('no such name and no record are "no record", not failures', async () => {
  for (const code of ['ENOTFOUND', 'ENODATA']) {
    assert.deepEqual(await createSystemResolver({ resolver: failingWith(code) }).resolveTxt('_saas-verify.example.com'), [], code);
  }
});

test('other failures are lookup errors the caller retries', async () => {
  for (const code of ['ESERVFAIL', 'ETIMEOUT', 'ECONNREFUSED', 'EREFUSED']) {
    await assert.rejects(createSystemResolver({ resolver: failingWith(code) }).resolveTxt('x.example.com'), (err: unknown) => err instanceof DnsLookupError && err.code === code);
  }
});

test('a resolver that never answers times out', async () => {
  let cancelled = false;
  const dns = createSystemResolver({
    timeoutMs: 50,
    resolver: {
      resolveTxt: () => new Promise<string[][]>(() => {}),
      cancel: () => {
        cancelled = true;
      },
    },
  });
  await assert.rejects(dns.resolveTxt('slow.example.com'), (err: unknown) => err instanceof DnsLookupError && err.code === 'ETIMEOUT');
  assert.ok(cancelled);
});
