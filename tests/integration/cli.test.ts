/**
 * The operator CLI end to end: each test runs `saas-cli` as a child process, as an operator would.
 * Commands run one after another against one fresh DATA_DIR (embedded database), or against the shared
 * PostgreSQL when DATABASE_URL is set, with names unique to this run.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoStack, cliRunner, type CliResult } from '../support/cli.js';

const SHARED_DATABASE = Boolean(process.env.DATABASE_URL);
const RUN = crypto.randomBytes(4).toString('hex');

let dataDir = '';

const cli = cliRunner({ dataDir: () => dataDir, shareStores: SHARED_DATABASE });

function json<T>(r: CliResult): T {
  assert.equal(r.status, 0, `exit ${r.status}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

describe('saas-cli', () => {
  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'saas-cli-test-'));
  });
  after(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('--help lists the commands and exits 0', () => {
    const r = cli('--help');
    assert.equal(r.status, 0);
    for (const command of ['setup', 'users', 'tenants', 'db', 'health', 'worker']) assert.match(r.stdout, new RegExp(`^\\s+${command}\\b`, 'm'));
  });

  test('usage errors exit 2 with a one-line message and a hint, never a stack trace', () => {
    const unknown = cli('frobnicate');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /^error: unknown command 'frobnicate'/m);
    assert.match(unknown.stderr, /Run saas-cli --help/);
    assertNoStack(unknown);

    const badSubdomain = cli('tenants', 'create', 'Acme', 'Bad_Sub', '--owner-email', 'owner@example.com');
    assert.equal(badSubdomain.status, 2);
    assert.match(badSubdomain.stderr, /Use lowercase letters, digits and hyphens only/);
    assert.match(badSubdomain.stderr, /Run saas-cli tenants create --help/);
    assertNoStack(badSubdomain);

    const badLimit = cli('users', 'list', '--limit', 'abc');
    assert.equal(badLimit.status, 2);
    assert.match(badLimit.stderr, /--limit/);
    assert.equal(badLimit.stdout, '');

    // No terminal to confirm on, and no --yes: refused before anything is opened.
    const reset = cli('db', 'reset');
    assert.equal(reset.status, 2);
    assert.match(reset.stderr, /--yes/);
  });

  const admin = `admin-${RUN}@example.com`;
  test('setup migrates and creates the super admin once', () => {
    const first = cli('setup', '--admin-email', admin);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, new RegExp(`Created super admin: ${admin}`));
    const password = /Password\s+(\S+)/.exec(first.stdout)?.[1];
    assert.ok(password && password.length >= 20, 'a generated password is printed');
    assert.match(first.stdout, /shown only now/);
    assert.match(first.stdout, /http:\/\/localhost:8000\/login/);

    const second = cli('setup', '--admin-email', admin);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /already exists and is a super admin \(password unchanged\)/);
    assert.ok(!second.stdout.includes(password), 'the password is never shown again');
  });

  const subdomain = `t-${RUN}`;
  const owner = `owner-${RUN}@example.com`;
  test('tenants create makes the owner when needed; tenants list shows the tenant', () => {
    const created = cli('tenants', 'create', 'Test Co', subdomain, '--owner-email', owner, '--plan', 'professional');
    assert.equal(created.status, 0, created.stderr);
    assert.match(created.stdout, /✔ Created tenant: Test Co/);
    assert.match(created.stdout, new RegExp(`URL\\s+http://${subdomain}\\.localhost:8000`));
    assert.match(created.stdout, /Password\s+\S{20,}/);

    const taken = cli('tenants', 'create', 'Other Co', subdomain, '--owner-email', owner);
    assert.equal(taken.status, 2);
    assert.match(taken.stderr, /subdomain: This subdomain is taken/);

    const tenants = json<{ name: string; subdomain: string; plan: string; status: string }[]>(cli('tenants', 'list', '--json', '--limit', '10000'));
    const tenant = tenants.find((t) => t.subdomain === subdomain);
    assert.deepEqual(tenant && { name: tenant.name, plan: tenant.plan, status: tenant.status }, { name: 'Test Co', plan: 'professional', status: 'active' });
  });

  test("audit export writes the tenant's events as JSON Lines or CSV; wrong arguments exit 2", () => {
    const everything = cli('audit', 'export', '--all', '--format', 'jsonl');
    assert.equal(everything.status, 0, everything.stderr);
    const adminActions = everything.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { action: string }).action);
    assert.ok(adminActions.includes('admin.user.created'), 'operator-created accounts are not audited');
    const jsonl = cli('audit', 'export', '--tenant', subdomain, '--format', 'jsonl');
    assert.equal(jsonl.status, 0, jsonl.stderr);
    const events = jsonl.stdout.trim().split('\n').map((line) => JSON.parse(line) as { action: string; tenant_id: string; details: Record<string, unknown> });
    assert.ok(events.some((e) => e.action === 'tenant.created' && e.details.via === 'cli'), jsonl.stdout);
    assert.equal(new Set(events.map((e) => e.tenant_id)).size, 1, 'events of one tenant only');

    const csv = cli('audit', 'export', '--tenant', subdomain, '--since', '2000-01-01');
    assert.equal(csv.status, 0, csv.stderr);
    assert.match(csv.stdout, /^occurred_at,tenant_id,actor_user_id,actor_email,action,outcome,/);
    assert.match(csv.stdout, /tenant\.created,success/);

    for (const args of [[], ['--tenant', subdomain, '--all'], ['--all', '--since', 'yesterday'], ['--all', '--format', 'xml']]) {
      const r = cli('audit', 'export', ...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assertNoStack(r);
    }
    const unknown = cli('audit', 'export', '--tenant', `nope-${RUN}`);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /No tenant has the subdomain/);
  });

  test('users disable ends the sign-in of an account; users enable lets it back; unknown emails exit 2', () => {
    const email = `disable-${RUN}@example.com`;
    const created = json<{ id: string; password: string }>(cli('users', 'create', email, '--json'));
    const disabled = cli('users', 'disable', email);
    assert.equal(disabled.status, 0, disabled.stderr);
    assert.match(disabled.stdout, /Disabled .*every session and API token/);
    assert.match(cli('users', 'disable', email).stdout, /already disabled/);
    const listed = json<{ email: string; disabled: boolean }[]>(cli('users', 'list', '--email', email, '--json'));
    assert.deepEqual(listed.map((u) => u.disabled), [true]);
    const enabled = cli('users', 'enable', email);
    assert.equal(enabled.status, 0, enabled.stderr);
    assert.ok(created.id);
    const unknown = cli('users', 'disable', `nobody-${RUN}@example.com`);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /No user has the email/);
    assertNoStack(unknown);
  });

  test('tenants require-mfa turns the requirement on and off; bad settings exit 2', () => {
    const on = cli('tenants', 'require-mfa', subdomain, 'on');
    assert.equal(on.status, 0, on.stderr);
    assert.match(on.stdout, /now requires two-factor authentication/);
    assert.match(cli('tenants', 'require-mfa', subdomain, 'on').stdout, /already requires/);
    assert.equal(cli('tenants', 'require-mfa', subdomain, 'off').status, 0);
    const bad = cli('tenants', 'require-mfa', subdomain, 'maybe');
    assert.equal(bad.status, 2);
    assertNoStack(bad);
  });

  test('tenants suspend and reactivate change the status once; unknown tenants exit 2', () => {
    const statusOf = () => json<{ subdomain: string; status: string }[]>(cli('tenants', 'list', '--json', '--limit', '10000')).find((t) => t.subdomain === subdomain)?.status;
    const suspended = cli('tenants', 'suspend', subdomain);
    assert.equal(suspended.status, 0, suspended.stderr);
    assert.match(suspended.stdout, /is suspended: its pages and API answer 403/);
    assert.equal(statusOf(), 'suspended');
    assert.match(cli('tenants', 'suspend', subdomain).stdout, /already suspended; nothing changed/);
    const back = cli('tenants', 'reactivate', subdomain);
    assert.equal(back.status, 0, back.stderr);
    assert.equal(statusOf(), 'active');
    const unknown = cli('tenants', 'suspend', `nope-${RUN}`);
    assert.equal(unknown.status, 2);
    assertNoStack(unknown);
  });

  const member = `member-${RUN}@example.com`;
  test('users create adds a member with a role; users list finds them', () => {
    const user = json<{ id: string; email: string; name: string; membership: { tenant: string; role: string }; generatedPassword: string }>(
      cli('users', 'create', member, '--name', 'Mia Member', '--tenant', subdomain, '--role', 'admin', '--json'),
    );
    assert.equal(user.email, member);
    assert.deepEqual(user.membership, { tenant: subdomain, role: 'admin' });
    assert.ok(user.generatedPassword.length >= 20);

    const members = json<{ id: string; email: string; name: string; role: string; isSuperAdmin: boolean }[]>(
      cli('users', 'list', '--tenant', subdomain, '--json'),
    );
    assert.deepEqual(
      members.map((m) => [m.email, m.role]).sort(),
      [
        [member, 'admin'],
        [owner, 'owner'],
      ],
    );
    assert.equal(members.find((m) => m.email === member)?.name, 'Mia Member');
  });

  let migrationCount = 0;
  test('db status and health report all OK (exit 0)', () => {
    const status = json<{ upToDate: boolean; pending: string[]; migrations: { tag: string; applied: boolean }[] }>(cli('db', 'status', '--json'));
    assert.equal(status.upToDate, true);
    assert.ok(status.migrations.length > 0 && status.migrations.every((m) => m.applied));
    migrationCount = status.migrations.length;

    const health = json<{ ok: boolean; checks: { check: string; status: string }[] }>(cli('health', '--json'));
    assert.equal(health.ok, true);
    assert.deepEqual(
      health.checks.map((c) => c.check),
      ['database', 'migrations', 'redis', 'mail'],
    );
  });

  test('db reset --yes empties the embedded database and migrates it again', { skip: SHARED_DATABASE && 'DATABASE_URL is shared with other tests' }, () => {
    const reset = cli('db', 'reset', '--yes');
    assert.equal(reset.status, 0, reset.stderr);
    assert.match(reset.stdout, /Dropped every table/);
    // Every migration ran again, so the tables were really gone.
    assert.match(reset.stdout, new RegExp(`Applied ${migrationCount} migrations?:`));
  });

  test('a data folder that holds something other than a database is refused, and left as it was', { skip: SHARED_DATABASE && 'runs on the embedded database only' }, () => {
    const main = dataDir;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'saas-cli-test-'));
    try {
      fs.mkdirSync(path.join(dataDir, 'pgdata'));
      fs.writeFileSync(path.join(dataDir, 'pgdata', 'notes.txt'), 'not a database');
      const r = cli('db', 'status');
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /pgdata is not empty but holds no database/);
      assertNoStack(r);
      assert.deepEqual(fs.readdirSync(path.join(dataDir, 'pgdata')), ['notes.txt']);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
      dataDir = main;
    }
  });
});
