/**
 * The workspace settings page: renaming (shown at once, audited, bad names refused with a message),
 * and requiring two-factor authentication of members (only by someone who has it; members without
 * it are then sent to set it up). Who may open the page at all is the role-by-route suite's job.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generate } from 'otplib';
import { createBrowser, createTenantWithOwner, signedInOwner, startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

describe('workspace settings', () => {
  test('an owner renames the workspace; the new name shows at once and is audited', async () => {
    const { owner, host, b, csrf } = await signedInOwner(t);
    const page = await b.request('GET', host, '/settings/workspace');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(`${owner.tenant.subdomain}\\.localhost`));
    const saved = await b.request('POST', host, '/settings/workspace', { _csrf: await csrf(), name: '  Renamed <Co>  ' });
    assert.equal(saved.statusCode, 303);
    const dashboard = await b.request('GET', host, '/dashboard');
    assert.match(dashboard.body, /Renamed &lt;Co&gt;/);
    assert.doesNotMatch(dashboard.body, /Renamed <Co>/);
    const events = await t.services.audit.listForUser(owner.userId, 10);
    const renamed = events.find((e) => e.action === 'tenant.renamed');
    assert.equal(renamed?.details?.to, 'Renamed <Co>');
  });

  test('an empty or overlong name is refused with a message, and nothing changes', async () => {
    const { owner, host, b, csrf } = await signedInOwner(t);
    for (const name of ['   ', 'x'.repeat(101)]) {
      const res = await b.request('POST', host, '/settings/workspace', { _csrf: await csrf(), name });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /Enter a name for the workspace|at most 100 characters/);
    }
    assert.equal((await t.services.tenants.getTenantBySubdomain(owner.tenant.subdomain))?.name, owner.tenant.name);
  });

  test('requiring MFA needs it on the requester first; then members without it are sent to set it up', async () => {
    const { owner, host, b, csrf } = await signedInOwner(t);
    const refused = await b.request('POST', host, '/settings/workspace/security', { _csrf: await csrf(), require_mfa: 'on' });
    assert.equal(refused.statusCode, 409);
    assert.match(refused.body, /Set up a second factor for your own account first/);
    const bad = await b.request('POST', host, '/settings/workspace/security', { _csrf: await csrf(), require_mfa: 'maybe' });
    assert.equal(bad.statusCode, 422);

    const setup = await t.services.auth.mfa.startTotpSetup(owner.userId, owner.email);
    await t.services.auth.mfa.confirmTotp(owner.userId, await generate({ secret: setup.secret }));
    const on = await b.request('POST', host, '/settings/workspace/security', { _csrf: await csrf(), require_mfa: 'on' });
    assert.equal(on.statusCode, 303);
    assert.equal((await t.services.tenants.getTenantBySubdomain(owner.tenant.subdomain))?.requireMfa, true);

    const member = await createTenantWithOwner(t);
    await t.services.tenants.addMember(owner.tenant.id, member.userId, 'member');
    const mb = createBrowser(t);
    await mb.login(owner.tenant.subdomain, member.email, member.password);
    const blocked = await mb.request('GET', host, '/data');
    assert.equal(blocked.statusCode, 303);
    assert.equal(blocked.headers.location, '/account?mfa_required=1');

    const off = await b.request('POST', host, '/settings/workspace/security', { _csrf: await csrf(), require_mfa: 'off' });
    assert.equal(off.statusCode, 303);
    const events = await t.services.audit.listForUser(owner.userId, 20);
    assert.deepEqual(
      events.filter((e) => e.action === 'tenant.mfa_requirement_changed').map((e) => e.details?.required),
      [false, true],
    );
  });
});
