import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig, tenantOrigin } from './config.js';

test('defaults give the embedded development setup', () => {
  const config = loadConfig({});
  assert.equal(config.port, 8000);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.baseDomain, 'localhost');
  assert.equal(config.databaseUrl, null);
  assert.equal(config.redisUrl, null);
  assert.equal(config.publicUrl.origin, 'http://localhost:8000');
  assert.equal(tenantOrigin(config, 'acme'), 'http://acme.localhost:8000');
});

test('every bad key is reported at once, without echoing secrets', () => {
  try {
    loadConfig({ PORT: 'eighty', NODE_ENV: 'staging', DATABASE_URL: 'postgres//user:hunter2@db', REDIS_URL: 'http://cache', APP_BASE_DOMAIN: 'bad domain' });
    assert.fail('expected a ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    const keys = err.problems.map((p) => p.split(':')[0]);
    assert.deepEqual(keys.sort(), ['APP_BASE_DOMAIN', 'DATABASE_URL', 'NODE_ENV', 'PORT', 'REDIS_URL']);
    assert.ok(!err.message.includes('hunter2'));
  }
});

test('production refuses placeholder and short secrets, insecure URLs and a missing database', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig({ NODE_ENV: 'production', ...env });
      return [];
    } catch (err) {
      return (err as ConfigError).problems.map((p) => p.split(':')[0]);
    }
  };
  assert.deepEqual(problems({ SECRET_KEY: 'change-me' }).sort(), ['DATABASE_URL', 'PUBLIC_URL', 'SECRET_KEY']);
  assert.ok(problems({ SECRET_KEY: 'short-but-not-placeholder' }).includes('SECRET_KEY'));
  assert.deepEqual(
    problems({ SECRET_KEY: 'x'.repeat(48), DATABASE_URL: 'postgres://db/app', PUBLIC_URL: 'https://example.com', APP_BASE_DOMAIN: 'example.com' }),
    [],
  );
});

test('TRUST_PROXY accepts booleans and address lists', () => {
  assert.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true);
  assert.equal(loadConfig({}).trustProxy, false);
  assert.equal(loadConfig({ TRUST_PROXY: '10.0.0.0/8' }).trustProxy, '10.0.0.0/8');
});
