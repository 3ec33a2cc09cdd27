/**
 * In Chromium: an owner defines a role with the checkboxes, gives it to a member from the members
 * page, and the member's navigation and pages follow the role's permissions.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signInOnPage, useE2e } from '../support/e2e.js';
import { createTenantWithOwner } from '../support/test-app.js';

const e2e = useE2e();

test('define a role in the browser, give it to a member, and the member gets exactly its pages', async () => {
  const { t, browser, port } = e2e;
  const workspace = await createTenantWithOwner(t);
  const person = await createTenantWithOwner(t);
  await t.services.tenants.addMember(workspace.tenant.id, person.userId, 'viewer');
  const base = `http://${workspace.tenant.subdomain}.localhost:${port}`;

  const ownerContext = await browser.newContext();
  const owner = await ownerContext.newPage();
  await signInOnPage(owner, base, workspace.email, workspace.password);
  await owner.goto(`${base}/settings/members`);
  await owner.click('#manage-roles-link');
  await owner.waitForURL('**/settings/roles');
  await owner.click('#new-role-link');
  await owner.fill('#role-name', 'Auditor');
  await owner.fill('#role-description', 'Reads the data and the audit log');
  await owner.check('#perm-audit-read');
  assert.equal(await owner.isChecked('#perm-data-read'), true, 'data:read is preselected');
  await owner.click('#role-save');
  await owner.waitForURL('**/settings/roles?done=created');
  assert.match((await owner.textContent('main')) ?? '', /Auditor/);

  await owner.goto(`${base}/settings/members`);
  const select = `#role-${person.userId}`;
  await owner.selectOption(select, 'custom:auditor');
  await owner.click(`#member-${person.userId} .member-role button[type=submit]`);
  await owner.waitForURL('**/settings/members?done=role');
  assert.equal(await owner.inputValue(select), 'custom:auditor');

  const memberContext = await browser.newContext();
  const member = await memberContext.newPage();
  await signInOnPage(member, base, person.email, person.password);
  const nav = (await member.textContent('header')) ?? '';
  assert.match(nav, /Audit log/);
  const audit = await member.goto(`${base}/settings/audit`);
  assert.equal(audit?.status(), 200);
  const settings = await member.goto(`${base}/settings/workspace`);
  assert.equal(settings?.status(), 403);
  await ownerContext.close();
  await memberContext.close();
});
