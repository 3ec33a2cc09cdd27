import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkSubdomain, suggestSubdomain } from './subdomains.js';
import { subdomainOf } from './tenants.guards.js';

test('valid subdomains pass', () => {
  for (const s of ['acme', 'a1b', 'my-company', 'x'.repeat(63), '123']) assert.equal(checkSubdomain(s), null, s);
});

test('invalid subdomains get a reason', () => {
  assert.match(checkSubdomain('ab')!, /at least 3/);
  assert.match(checkSubdomain('x'.repeat(64))!, /at most 63/);
  for (const s of ['Acme', 'ac_me', '-acme', 'acme-', 'ac.me', 'ac me', 'ácme']) assert.match(checkSubdomain(s)!, /lowercase/, s);
  assert.match(checkSubdomain('ac--me')!, /two hyphens/);
  for (const s of ['www', 'api', 'admin', 'app']) assert.match(checkSubdomain(s)!, /reserved/, s);
});

test('a subdomain is suggested from a company name', () => {
  assert.equal(suggestSubdomain('Acme Corp.'), 'acme-corp');
  assert.equal(suggestSubdomain('  Café Zürich  '), 'cafe-zurich');
});

test('the Host maps to a tenant subdomain or the root site', () => {
  assert.equal(subdomainOf('acme.localhost', 'localhost'), 'acme');
  assert.equal(subdomainOf('ACME.example.com.', 'example.com'), 'acme');
  assert.equal(subdomainOf('localhost', 'localhost'), null);
  assert.equal(subdomainOf('www.example.com', 'example.com'), null);
  assert.equal(subdomainOf('a.b.example.com', 'example.com'), null);
  assert.equal(subdomainOf('evil-example.com', 'example.com'), null);
  assert.equal(subdomainOf('127.0.0.1', 'localhost'), null);
});
