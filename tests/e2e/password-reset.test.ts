/// <reference lib="dom" />
/**
 * Password recovery in Chromium: "Forgot password?" from the login page, the link from the mail
 * outbox, a refused common password shown inline, the new password set, and signing in with it.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { createTenantWithOwner } from '../support/test-app.js';
import { useE2e } from '../support/e2e.js';
import { watchConsole } from '../support/browser.js';

const e2e = useE2e();

describe('password reset in Chromium', () => {
  test('forgot password -> link from the outbox -> new password -> log in', async () => {
    const { t, browser, port } = e2e;
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
