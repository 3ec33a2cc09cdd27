/**
 * Killing the process during sign-up leaves a whole tenant (owner, membership) or nothing.
 * The app runs as a real child process on PostgreSQL; sign-ups are in flight when it gets SIGKILL.
 * Needs DATABASE_URL (an embedded database dies with its process, so there is nothing to inspect).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../src/platform/db/migrations.js';
import { openPostgres } from '../../src/platform/db/postgres.js';
import { freePort } from '../support/browser.js';

const skip = process.env.DATABASE_URL ? false : 'needs PostgreSQL (set DATABASE_URL)';
const runId = crypto.randomBytes(3).toString('hex');

async function startApp(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    // Behind a "proxy" (this test), so each sign-up can come from its own client address: the per-IP
    // sign-up limit would otherwise stop the flood before the kills land.
    env: { ...process.env, NODE_ENV: 'test', TRUST_PROXY: 'true', PORT: String(port), HOST: '127.0.0.1', SEED_DEMO: 'false', LOG_LEVEL: 'error', SECRET_KEY: 'crash-test-secret-0123456789-0123456789' },
    stdio: 'ignore',
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return child;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error('app did not start');
}

async function signUp(port: number, n: number): Promise<void> {
  const client = `10.${(n >> 8) & 255}.${n & 255}.${crypto.randomInt(1, 255)}`;
  const page = await fetch(`http://127.0.0.1:${port}/signup`, { headers: { host: `localhost:${port}`, 'x-forwarded-for': client } });
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const body = new URLSearchParams({ _csrf: csrf, company_name: `Crash ${n}`, subdomain: `crash-${runId}-${n}`, email: `crash-${runId}-${n}@example.com`, password: 'long enough password' });
  await fetch(`http://127.0.0.1:${port}/signup`, { method: 'POST', headers: { host: `localhost:${port}`, 'x-forwarded-for': client, cookie, 'content-type': 'application/x-www-form-urlencoded' }, body });
}

let owner: ReturnType<typeof openPostgres>;
before(() => {
  if (process.env.DATABASE_URL) owner = openPostgres({ url: process.env.DATABASE_URL, poolSize: 1, asAppRole: false });
});
after(async () => owner?.close());

test('sign-ups interrupted by SIGKILL leave whole tenants or nothing', { skip }, async () => {
  let n = 0;
  for (const killAfterMs of [200, 700, 1500, 3000]) {
    const port = await freePort();
    const app = await startApp(port);
    const inFlight: Promise<unknown>[] = [];
    for (let i = 0; i < 12; i++) inFlight.push(signUp(port, n++).catch(() => undefined));
    await new Promise((r) => setTimeout(r, killAfterMs));
    app.kill('SIGKILL');
    await Promise.allSettled(inFlight);
  }
  const like = `crash-${runId}-%`;
  // Memberships are tenant-owned and RLS is forced even for the owner role: look at each tenant inside its own scope.
  const tenants = rowsOf(await owner.db.execute(sql`select id from tenants where subdomain like ${like}`)) as { id: string }[];
  const users = rowsOf(await owner.db.execute(sql`select id from users where email like ${like}`)) as { id: string }[];
  let tenantsWithoutOwner = 0;
  const usersWithMembership = new Set<string>();
  for (const { id } of tenants) {
    const members = await owner.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.tenant_id', ${id}, true)`);
      return rowsOf(await tx.execute(sql`select user_id, role from memberships`)) as { user_id: string; role: string }[];
    });
    if (!members.some((m) => m.role === 'owner')) tenantsWithoutOwner++;
    for (const m of members) usersWithMembership.add(m.user_id);
  }
  const [credentials] = rowsOf(
    await owner.db.execute(sql`select count(*)::int as n from users u where u.email like ${like}
      and not exists (select 1 from accounts a where a.user_id = u.id and a.provider_id = 'credential')`),
  ) as { n: number }[];
  const counts = {
    tenants: tenants.length,
    users: users.length,
    tenants_without_owner: tenantsWithoutOwner,
    users_without_tenant: users.filter((u) => !usersWithMembership.has(u.id)).length,
    users_without_password: credentials!.n,
  };
  assert.equal(counts.tenants_without_owner, 0);
  assert.equal(counts.users_without_tenant, 0);
  assert.equal(counts.users_without_password, 0);
  assert.equal(counts.tenants, counts.users, 'one owner per signed-up tenant');
  assert.ok(counts.tenants > 0, 'some sign-ups completed, so the kills landed mid-stream rather than before any work');
  console.log(`# crash test: ${counts.tenants} of ${n} sign-ups completed before the kills`);
});
