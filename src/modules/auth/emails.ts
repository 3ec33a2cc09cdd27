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

export function confirmEmailChangeEmail(input: { to: string; name: string; link: string; validHours: number; appName: string }): MailMessage {
  return actionEmail({
    ...input,
    subject: `Confirm your new email address for ${input.appName}`,
    intro: `You asked to use ${input.to} as the email address of your ${input.appName} account. To confirm, open this link:`,
    button: 'Use this address',
    closing: `The link works for ${input.validHours} hours. Until you open it, your account keeps its current address. If you did not ask for this, ignore this email.`,
  });
}

/** Sent to the old address when a change is asked for and when it is done: the owner hears of it even if someone else did it. */
export function emailChangeNoticeEmail(input: { to: string; name: string; newEmail: string; done: boolean; resetLink: string; appName: string }): MailMessage {
  const what = input.done ? `The email address of your ${input.appName} account is now ${input.newEmail}.` : `Someone signed in to your ${input.appName} account asked to change its email address to ${input.newEmail}.`;
  return actionEmail({
    to: input.to,
    name: input.name,
    link: input.resetLink,
    subject: input.done ? `Your ${input.appName} email address was changed` : `A change of email address was asked for your ${input.appName} account`,
    intro: `${what} If this was you, there is nothing to do. If not, reset your password now:`,
    button: 'Reset my password',
    closing: 'Then sign out every other device from your account page.',
  });
}

/** A message without a call to action: a greeting, a few paragraphs (the first may be emphasised). */
function noticeEmail(input: { to: string; name: string; subject: string; paragraphs: string[]; emphasis?: string }): MailMessage {
  const greeting = input.name ? `Hello ${input.name},` : 'Hello,';
  const text = [greeting, '', ...(input.emphasis ? [input.emphasis, ''] : []), input.paragraphs.join('\n\n')].join('\n');
  const body = html`<!doctype html>
<html lang="en">
  <body style="font-family: system-ui, sans-serif; color: #18181b; line-height: 1.5">
    <p>${greeting}</p>
    ${input.emphasis ? html`<p style="font-size: 28px; font-weight: 600; letter-spacing: 4px">${input.emphasis}</p>` : ''}
    ${input.paragraphs.map((p) => html`<p>${p}</p>`)}
  </body>
</html>`;
  return { to: input.to, subject: input.subject, text, html: String(body) };
}

export function accountDeletedEmail(input: { to: string; name: string; appName: string }): MailMessage {
  return noticeEmail({
    ...input,
    subject: `Your ${input.appName} account was deleted`,
    paragraphs: [
      `Your ${input.appName} account (${input.to}) was deleted, as you asked. Your sign-in details and memberships are gone; the workspaces you belonged to keep their own data.`,
      'If you did not ask for this, reply to this email at once.',
    ],
  });
}

export function mfaCodeEmail(input: { to: string; name: string; code: string; validMinutes: number; appName: string }): MailMessage {
  return noticeEmail({
    ...input,
    subject: `Your ${input.appName} sign-in code: ${input.code}`,
    emphasis: input.code,
    paragraphs: [
      `Type this code to finish signing in to ${input.appName}. It works once, for ${input.validMinutes} minutes, and only for the sign-in that asked for it.`,
      'If you are not signing in, someone knows your password: reset it now, and never share this code.',
    ],
  });
}
