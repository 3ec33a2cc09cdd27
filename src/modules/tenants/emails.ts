/**
 * The emails this module sends, as plain text and HTML. Every value is escaped in the HTML (hono's
 * `html` template); names that go into the subject lose control characters, so nothing a member
 * typed can add a header.
 */
import { html } from 'hono/html';
import type { MailMessage } from '../../platform/mail/mailer.js';

/** One line, no control characters, clipped: safe in a subject. */
const oneLine = (value: string, max = 80) => {
  const flat = value.replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

export function invitationEmail(input: {
  to: string;
  inviterName: string;
  workspaceName: string;
  roleName: string;
  link: string;
  validDays: number;
  appName: string;
}): MailMessage {
  const inviter = oneLine(input.inviterName) || 'Someone';
  const workspace = oneLine(input.workspaceName);
  const intro = `${inviter} invited you to join ${workspace} on ${input.appName} as ${input.roleName}. To accept, open this link:`;
  const closing = `The link expires in ${input.validDays} days and works once, only for ${input.to}: you sign in, or create an account, with this address. If you did not expect this invitation, ignore this email.`;
  const text = ['Hello,', '', intro, '', input.link, '', closing].join('\n');
  const body = html`<!doctype html>
<html lang="en">
  <body style="font-family: system-ui, sans-serif; color: #18181b; line-height: 1.5">
    <p>Hello,</p>
    <p>${intro}</p>
    <p><a href="${input.link}" style="display: inline-block; padding: 10px 16px; background: #4f46e5; color: #fff; border-radius: 6px; text-decoration: none">Accept the invitation</a></p>
    <p style="font-size: 14px; color: #52525b">Or paste this link into your browser: ${input.link}</p>
    <p style="font-size: 14px; color: #52525b">${closing}</p>
  </body>
</html>`;
  return { to: input.to, subject: `${inviter} invited you to ${workspace} on ${input.appName}`, text, html: String(body) };
}
