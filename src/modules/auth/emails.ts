/**
 * The account emails this module sends, as plain text and HTML. Every value is escaped (hono's `html`
 * template), and nothing user-controlled goes into a header but the recipient address, which the
 * mailer validates.
 */
import { html } from 'hono/html';
import type { MailMessage } from '../../platform/mail/mailer.js';

/** One call to action: a greeting, a sentence, a button with its link (also in clear), a closing note. */
function actionEmail(input: { to: string; name: string; subject: string; intro: string; button: string; link: string; closing: string }): MailMessage {
  const greeting = input.name ? `Hello ${input.name},` : 'Hello,';
  const text = [greeting, '', input.intro, '', input.link, '', input.closing].join('\n');
  const body = html`<!doctype html>
<html lang="en">
  <body style="font-family: system-ui, sans-serif; color: #18181b; line-height: 1.5">
    <p>${greeting}</p>
    <p>${input.intro}</p>
    <p><a href="${input.link}" style="display: inline-block; padding: 10px 16px; background: #4f46e5; color: #fff; border-radius: 6px; text-decoration: none">${input.button}</a></p>
    <p style="font-size: 14px; color: #52525b">Or paste this link into your browser: ${input.link}</p>
    <p style="font-size: 14px; color: #52525b">${input.closing}</p>
  </body>
</html>`;
  return { to: input.to, subject: input.subject, text, html: String(body) };
}

export function passwordResetEmail(input: { to: string; name: string; link: string; validMinutes: number; appName: string }): MailMessage {
  return actionEmail({
    ...input,
    subject: `Reset your ${input.appName} password`,
    intro: `Someone asked to reset the password of your ${input.appName} account (${input.to}). To choose a new password, open this link:`,
    button: 'Choose a new password',
    closing: `The link works once, for ${input.validMinutes} minutes. Signing in afterwards still asks for your second factor, if you use one. If you did not ask for this, ignore this email: your password stays as it is.`,
  });
}

export function verifyEmailEmail(input: { to: string; name: string; link: string; validHours: number; appName: string }): MailMessage {
  return actionEmail({
    ...input,
    subject: `Confirm your email address for ${input.appName}`,
    intro: `Please confirm that ${input.to} is your email address for ${input.appName}:`,
    button: 'Confirm my email address',
    closing: `The link works for ${input.validHours} hours. If you did not create an account, ignore this email.`,
  });
}
