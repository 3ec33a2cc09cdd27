import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inlineParams } from './inline-params.js';

describe('inlineParams', () => {
  it('inlines what Drizzle produces for a tenant page', () => {
    const text = inlineParams('select "id" from "data_items" where "tenant_id" = $1 order by "created_at" desc limit $2 offset $3', [
      '0b7c2f4e-8d1a-4c3b-9e2f-1a2b3c4d5e6f',
      21,
      0,
    ]);
    assert.equal(text, `select "id" from "data_items" where "tenant_id" = '0b7c2f4e-8d1a-4c3b-9e2f-1a2b3c4d5e6f' order by "created_at" desc limit '21' offset '0'`);
  });

  it('keeps $1 and $10 apart', () => {
    const params = Array.from({ length: 10 }, (_, i) => i + 1);
    assert.equal(inlineParams('select $1, $10', params), `select '1', '10'`);
  });

  it('types booleans, bigints and dates as the driver would', () => {
    assert.equal(inlineParams('select $1, $2, $3, $4', [true, 5n, new Date('2026-01-02T03:04:05.000Z'), null]), `select true, '5'::int8, '2026-01-02T03:04:05.000Z'::timestamptz, null`);
  });

  it('declines values that could leave their literal', () => {
    for (const value of ["x' or '1'='1", 'a\\b', 'line\nbreak', 'semi;colon', 'dollar$1', 'é', [1], { a: 1 }, Buffer.from('x'), Number.NaN, Infinity, new Date('nope'), Symbol('s')]) {
      assert.equal(inlineParams('select $1', [value]), null, String(typeof value === 'symbol' ? 'symbol' : JSON.stringify(value)));
    }
  });

  it('declines statements with quotes, backslashes, semicolons or other dollar signs', () => {
    for (const statement of ["select 'a', $1", 'select E\\x, $1', 'select 1; select $1', 'select $$x$$, $1', 'select $tag$x$tag$']) {
      assert.equal(inlineParams(statement, [1]), null, statement);
    }
  });

  it('declines a placeholder without a value', () => {
    assert.equal(inlineParams('select $1, $2', [1]), null);
    assert.equal(inlineParams('select $0', [1]), null);
  });
});
