/// <reference lib="dom" />
/**
 * Password recovery in Chromium: "Forgot password?" from the login page, the link from the mail
 * outbox, a refused common password shown inline, the new password set, and signing in with it.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createTenantWithOwner, type TestApp } from '../support/test-app.js';
import { startE2e, type E2eContext } from '../support/e2e.js';
import { watchConsole } from '../support/browser.js';

let e2e: E2eContext;
let t: TestApp;
let browser: Browser;
let port: number;

before(async () => {
  e2e = await startE2e();
  ({ t, browser, port } = e2e);
});
after(async () => e2e?.close());

describe('password reset in Chromium', () => {
  test('forgot password -> link from the outbox -> new password -> log in', async () => {
    const owner = await createTenantWithOwner(t);
    const page = await browser.newPage();
    const problems = watchConsole(page);

    await page.goto(`http://${owner.tenant.subdomain}.localhost:${port}/login`);
    await page.click('text=Forgot password?');
    await page.fill('#email', owner.email);
    await page.click('#forgot-password-button');
    await page.waitForSelector('#reset-sent');

    let link: string | undefined;
    for (let i = 0; i < 100 && !link; i++) {
      const mail = (await t.deps.mailer.listOutbox(20)).find((m) => m.to === owner.email);
      link = mail ? /http:\/\/localhost:\d+\/reset-password\?token=[A-Za-z0-9]+/.exec(mail.text)?.[0] : undefined;
      if (!link) await sleep(20);
    }
    assert.ok(link, 'no reset email in the outbox');

    await page.goto(link);
    await page.fill('#password', 'sunshine1');
    await page.click('#reset-password-button');
    assert.match((await page.textContent('#password-error')) ?? '', /most common passwords/);

    const newPassword = 'violet anchor seventeen';
    await page.fill('#password', newPassword);
    await page.click('#reset-password-button');
    await page.waitForURL('**/login?reset=done');
    assert.match((await page.textContent('.toast-region')) ?? (await page.content()), /password was changed/);

    await page.fill('#email', owner.email);
    await page.fill('#password', newPassword);
    await page.click('#login-button');
    await page.waitForURL('**/dashboard');
    // The refused password answered 422, which Chromium reports; nothing else went wrong on the way.
    assert.deepEqual(problems, ['Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)']);
    await page.close();
  });
});
