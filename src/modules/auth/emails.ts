/**
 * The account emails this module sends, as plain text and HTML. Every value is escaped (hono's `html`
 * template), and nothing user-controlled goes into a header but the recipient address, which the
 * mailer validates.
 */
import { html } from 'hono/html';
import type { MailMessage } from '../../platform/mail/mailer.js';

export function passwordResetEmail(input: { to: string; name: string; link: string; validMinutes: number; appName: string }): MailMessage {
  const greeting = input.name ? `Hello ${input.name},` : 'Hello,';
  const text = [
    greeting,
    '',
    `Someone asked to reset the password of your ${input.appName} account (${input.to}). To choose a new password, open this link:`,
    '',
    input.link,
    '',
    `The link works once, for ${input.validMinutes} minutes. Signing in afterwards still asks for your second factor, if you use one.`,
    '',
    'If you did not ask for this, ignore this email: your password stays as it is.',
  ].join('\n');
  const body = html`<!doctype html>
<html lang="en">
  <body style="font-family: system-ui, sans-serif; color: #18181b; line-height: 1.5">
    <p>${greeting}</p>
    <p>Someone asked to reset the password of your ${input.appName} account (${input.to}).</p>
    <p><a href="${input.link}" style="display: inline-block; padding: 10px 16px; background: #4f46e5; color: #fff; border-radius: 6px; text-decoration: none">Choose a new password</a></p>
    <p style="font-size: 14px; color: #52525b">Or paste this link into your browser: ${input.link}</p>
    <p style="font-size: 14px; color: #52525b">The link works once, for ${input.validMinutes} minutes. If you did not ask for this, ignore this email: your password stays as it is.</p>
  </body>
</html>`;
  return { to: input.to, subject: `Reset your ${input.appName} password`, text, html: String(body) };
}
