import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectLogoType, logoUrlOf } from './logo.service.js';

const bytes = (...parts: (number[] | string)[]) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : p)));

test('logo types are told by their first bytes, never by name or declared type', () => {
  assert.equal(detectLogoType(bytes([0x89], 'PNG\r\n\x1a\n', [0, 0, 0, 13])), 'image/png');
  assert.equal(detectLogoType(bytes([0xff, 0xd8, 0xff, 0xe0])), 'image/jpeg');
  assert.equal(detectLogoType(bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 ')), 'image/webp');
  assert.equal(detectLogoType(bytes('RIFF', [1, 2, 3, 4], 'WAVEfmt ')), null);
  assert.equal(detectLogoType(bytes('<svg xmlns="http://www.w3.org/2000/svg"/>')), null);
  assert.equal(detectLogoType(bytes('<!doctype html><img src=x>')), null);
  assert.equal(detectLogoType(bytes('GIF89a')), null);
  assert.equal(detectLogoType(bytes([0x89], 'PN')), null);
  assert.equal(detectLogoType(new Uint8Array()), null);
});

test('the logo URL carries its version', () => {
  assert.equal(logoUrlOf({ logoUpdatedAt: null }), null);
  assert.equal(logoUrlOf({ logoUpdatedAt: new Date(1_700_000_000_123) }), '/logo?v=1700000000123');
});
