/**
 * The emails owners get about their workspace's deletion: scheduled, cancelled, done. Plain text and
 * HTML; every value is escaped in the HTML, and names in subjects lose control characters.
 */
import { html } from 'hono/html';
import type { MailMessage } from '../../platform/mail/mailer.js';

const APP_NAME = 'SaaS App';

const oneLine = (value: string, max = 80) => {
  const flat = value.replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** "5 December 2026 at 14:03 UTC" */
export function describeDeletionTime(at: Date): string {
  const day = at.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const time = at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
  return `${day} at ${time} UTC`;
}

function message(to: string, subject: string, paragraphs: string[], link: { href: string; label: string } | null): MailMessage {
  const text = ['Hello,', '', ...paragraphs.flatMap((p) => [p, '']), ...(link ? [`${link.label}: ${link.href}`, ''] : [])].join('\n');
  const body = html`<!doctype html>
<html lang="en">
  <body style="font-family: system-ui, sans-serif; color: #18181b; line-height: 1.5">
    <p>Hello,</p>
    ${paragraphs.map((p) => html`<p>${p}</p>`)}
    ${link ? html`<p><a href="${link.href}" style="display: inline-block; padding: 10px 16px; background: #4f46e5; color: #fff; border-radius: 6px; text-decoration: none">${link.label}</a></p>` : ''}
  </body>
</html>`;
  return { to, subject: `${subject} on ${APP_NAME}`, text, html: String(body) };
}

export function deletionScheduledEmail(input: { to: string; workspaceName: string; requestedBy: string; at: Date; deletionPage: string }): MailMessage {
  const workspace = oneLine(input.workspaceName);
  return message(
    input.to,
    `${workspace} will be deleted on ${input.at.toISOString().slice(0, 10)}`,
    [
      `${oneLine(input.requestedBy) || 'An owner'} asked to delete the workspace ${workspace}. It is closed now: its pages and API refuse every request except the data export and the deletion page.`,
      `On ${describeDeletionTime(input.at)} the workspace and all its data (members, invitations, roles, data items, domains, logo) are deleted for good. Until then, any owner can cancel the deletion and everything is as it was.`,
      'Download a copy of the data from the export page before then if you need one.',
    ],
    { href: input.deletionPage, label: 'See or cancel the deletion' },
  );
}

export function deletionCancelledEmail(input: { to: string; workspaceName: string; cancelledBy: string; workspaceUrl: string }): MailMessage {
  const workspace = oneLine(input.workspaceName);
  return message(
    input.to,
    `${workspace} will not be deleted`,
    [`${oneLine(input.cancelledBy) || 'An owner'} cancelled the deletion of ${workspace}. The workspace is open again, with all its data.`],
    { href: input.workspaceUrl, label: 'Open the workspace' },
  );
}

export function workspaceDeletedEmail(input: { to: string; workspaceName: string; subdomain: string }): MailMessage {
  const workspace = oneLine(input.workspaceName);
  return message(
    input.to,
    `${workspace} has been deleted`,
    [
      `The workspace ${workspace} (${input.subdomain}) and all its data have been deleted, as an owner asked. Its address is free again.`,
      'Your own account is not affected: you can still sign in to your other workspaces.',
    ],
    null,
  );
}
