import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createThrottles } from './throttles.js';

describe('throttles (memory store)', () => {
  it('lets a key try until its points are used, then makes it wait for the block', async () => {
    const t = createThrottles(null).create({ name: 'test-a', points: 3, windowSeconds: 60, blockSeconds: 900 });
    assert.equal(await t.retryAfter('k'), 0);
    assert.equal(await t.hit('k'), 0);
    assert.equal(await t.hit('k'), 0);
    assert.equal(await t.retryAfter('k'), 0);
    assert.equal(await t.hit('k'), 900);
    const wait = await t.retryAfter('k');
    assert.ok(wait > 890 && wait <= 900, String(wait));
    assert.equal(await t.retryAfter('other'), 0, 'keys are independent');
    await t.reset('k');
    assert.equal(await t.retryAfter('k'), 0);
  });

  it('without a block, waits for the rest of the window', async () => {
    const t = createThrottles(null).create({ name: 'test-b', points: 1, windowSeconds: 30 });
    const wait = await t.hit('k');
    assert.ok(wait > 0 && wait <= 30, String(wait));
    assert.ok((await t.retryAfter('k')) > 0);
  });

  it('refuses a rule defined twice or with no points', () => {
    const throttles = createThrottles(null);
    throttles.create({ name: 'dup', points: 1, windowSeconds: 1 });
    assert.throws(() => throttles.create({ name: 'dup', points: 1, windowSeconds: 1 }), /defined twice/);
    assert.throws(() => throttles.create({ name: 'zero', points: 0, windowSeconds: 1 }), /at least 1/);
  });
});
