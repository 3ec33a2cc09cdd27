import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ALL_PERMISSIONS, ANY_MEMBER, canGrant, PERMISSIONS, permissionsOf, ROLE_LABELS, ROLE_PERMISSIONS, roleCan } from './permissions.js';
import { MEMBER_ROLES } from './roles.js';

test('the matrix names only known permissions, and owners hold every one', () => {
  for (const role of MEMBER_ROLES) for (const p of ROLE_PERMISSIONS[role]) assert.ok(p in PERMISSIONS, `${role}: ${p}`);
  assert.deepEqual([...permissionsOf('owner')].sort(), [...ALL_PERMISSIONS].sort());
  assert.equal(roleCan('admin', 'tenant:delete'), false);
  assert.equal(roleCan('viewer', 'data:write'), false);
  assert.equal(roleCan('billing', 'billing:manage'), true);
});

test('an unknown role has nothing, not even membership', () => {
  assert.equal(permissionsOf('superuser').size, 0);
  assert.equal(roleCan('superuser', ANY_MEMBER), false);
  assert.equal(roleCan('', 'data:read'), false);
  for (const role of MEMBER_ROLES) assert.equal(roleCan(role, ANY_MEMBER), true);
});

test('nobody grants a role above their own', () => {
  for (const role of MEMBER_ROLES) assert.equal(canGrant('owner', role), true, `owner grants ${role}`);
  assert.equal(canGrant('admin', 'owner'), false);
  for (const role of ['admin', 'member', 'billing', 'viewer']) assert.equal(canGrant('admin', role), true, `admin grants ${role}`);
  for (const granter of ['member', 'billing', 'viewer']) for (const role of MEMBER_ROLES) assert.equal(canGrant(granter, role), false, `${granter} grants ${role}`);
  assert.equal(canGrant('owner', 'superuser'), false);
});

/** The table docs/permissions.md must show, built from the code. */
function expectedTable(): string {
  const header = `| permission | what it allows | ${MEMBER_ROLES.map((r) => ROLE_LABELS[r].name).join(' | ')} |`;
  const rule = `|---|---|${MEMBER_ROLES.map(() => ':-:').join('|')}|`;
  const rows = ALL_PERMISSIONS.map((p) => `| \`${p}\` | ${PERMISSIONS[p]} | ${MEMBER_ROLES.map((r) => (roleCan(r, p) ? 'yes' : '')).join(' | ')} |`);
  return [header, rule, ...rows].join('\n');
}

test('docs/permissions.md shows the matrix the code enforces', () => {
  const doc = fs.readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/permissions.md'), 'utf8');
  const table = expectedTable();
  assert.ok(doc.includes(table), `docs/permissions.md is out of date; its matrix must read:\n\n${table}\n`);
});
