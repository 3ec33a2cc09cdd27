/** Emails about a workspace: invitations, and its deletion (scheduled, cancelled, done). */
import { ActionButton, P } from './layout.js';
import { defineEmailTemplate, describeTime, oneLine, paragraphs } from './define.js';

const OWNER_REASON = (workspaceName: string, appName: string) => `You got this email because you are an owner of the workspace ${oneLine(workspaceName)} on ${appName}.`;

export const invitationEmail = defineEmailTemplate<{ email: string; inviterName: string; workspaceName: string; roleName: string; link: string; validDays: number }>({
  id: 'invitation',
  subject: (c, env) => `${oneLine(c.inviterName) || 'Someone'} invited you to ${oneLine(c.workspaceName)} on ${env.appName}`,
  preheader: (c) => `Join ${oneLine(c.workspaceName)} as ${oneLine(c.roleName)}.`,
  reason: (c, env) => `You got this email because a member of ${oneLine(c.workspaceName)} invited ${c.email} to ${env.appName}.`,
  html: (c, env) => (
    <>
      <P>Hello,</P>
      <P>
        {oneLine(c.inviterName) || 'Someone'} invited you to join <strong>{oneLine(c.workspaceName)}</strong> on {env.appName} as {oneLine(c.roleName)}. To accept, open this
        link:
      </P>
      <ActionButton href={c.link} label="Accept the invitation" />
      <P muted>
        The link expires in {c.validDays} days and works once, only for {c.email}: you sign in, or create an account, with this address. If you did not expect this
        invitation, ignore this email.
      </P>
    </>
  ),
  text: (c, env) =>
    paragraphs(
      'Hello,',
      `${oneLine(c.inviterName) || 'Someone'} invited you to join ${oneLine(c.workspaceName)} on ${env.appName} as ${oneLine(c.roleName)}. To accept, open this link:`,
      c.link,
      `The link expires in ${c.validDays} days and works once, only for ${c.email}: you sign in, or create an account, with this address. If you did not expect this invitation, ignore this email.`,
    ),
});

export const deletionScheduledEmail = defineEmailTemplate<{ workspaceName: string; requestedBy: string; at: Date; deletionPage: string }>({
  id: 'workspace-deletion-scheduled',
  subject: (c, env) => `${oneLine(c.workspaceName)} will be deleted on ${c.at.toISOString().slice(0, 10)} on ${env.appName}`,
  preheader: (c) => `Any owner can cancel until ${describeTime(c.at)}.`,
  reason: (c, env) => OWNER_REASON(c.workspaceName, env.appName),
  html: (c) => (
    <>
      <P>Hello,</P>
      <P>
        {oneLine(c.requestedBy) || 'An owner'} asked to delete the workspace <strong>{oneLine(c.workspaceName)}</strong>. It is closed now: its pages and API refuse every
        request except the data export and the deletion page.
      </P>
      <P>
        On {describeTime(c.at)} the workspace and all its data (members, invitations, roles, data items, domains, logo) are deleted for good. Until then, any owner can
        cancel the deletion and everything is as it was.
      </P>
      <P>Download a copy of the data from the export page before then if you need one.</P>
      <ActionButton href={c.deletionPage} label="See or cancel the deletion" />
    </>
  ),
  text: (c) =>
    paragraphs(
      'Hello,',
      `${oneLine(c.requestedBy) || 'An owner'} asked to delete the workspace ${oneLine(c.workspaceName)}. It is closed now: its pages and API refuse every request except the data export and the deletion page.`,
      `On ${describeTime(c.at)} the workspace and all its data (members, invitations, roles, data items, domains, logo) are deleted for good. Until then, any owner can cancel the deletion and everything is as it was.`,
      'Download a copy of the data from the export page before then if you need one.',
      `See or cancel the deletion: ${c.deletionPage}`,
    ),
});

export const deletionCancelledEmail = defineEmailTemplate<{ workspaceName: string; cancelledBy: string; workspaceUrl: string }>({
  id: 'workspace-deletion-cancelled',
  subject: (c, env) => `${oneLine(c.workspaceName)} will not be deleted on ${env.appName}`,
  preheader: () => 'The workspace is open again, with all its data.',
  reason: (c, env) => OWNER_REASON(c.workspaceName, env.appName),
  html: (c) => (
    <>
      <P>Hello,</P>
      <P>
        {oneLine(c.cancelledBy) || 'An owner'} cancelled the deletion of <strong>{oneLine(c.workspaceName)}</strong>. The workspace is open again, with all its data.
      </P>
      <ActionButton href={c.workspaceUrl} label="Open the workspace" />
    </>
  ),
  text: (c) =>
    paragraphs(
      'Hello,',
      `${oneLine(c.cancelledBy) || 'An owner'} cancelled the deletion of ${oneLine(c.workspaceName)}. The workspace is open again, with all its data.`,
      `Open the workspace: ${c.workspaceUrl}`,
    ),
});

export const workspaceDeletedEmail = defineEmailTemplate<{ workspaceName: string; subdomain: string }>({
  id: 'workspace-deleted',
  subject: (c, env) => `${oneLine(c.workspaceName)} has been deleted on ${env.appName}`,
  preheader: () => 'The workspace and all its data are gone.',
  reason: (c, env) => `You got this email because you were an owner of the workspace ${oneLine(c.workspaceName)} on ${env.appName}.`,
  html: (c) => (
    <>
      <P>Hello,</P>
      <P>
        The workspace <strong>{oneLine(c.workspaceName)}</strong> ({c.subdomain}) and all its data have been deleted, as an owner asked. Its address is free again.
      </P>
      <P muted>Your own account is not affected: you can still sign in to your other workspaces.</P>
    </>
  ),
  text: (c) =>
    paragraphs(
      'Hello,',
      `The workspace ${oneLine(c.workspaceName)} (${c.subdomain}) and all its data have been deleted, as an owner asked. Its address is free again.`,
      'Your own account is not affected: you can still sign in to your other workspaces.',
    ),
});
