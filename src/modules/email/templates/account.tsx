/** Emails about a person's account: welcome, address verification and change, password reset, sign-in codes, deletion. */
import { ActionButton, Code, P } from './layout.js';
import { defineEmailTemplate, greeting, oneLine, paragraphs } from './define.js';

const ACCOUNT_REASON = (email: string, appName: string) => `You got this email because ${email} has an account on ${appName}.`;

export const welcomeEmail = defineEmailTemplate<{ name: string; email: string; workspaceName: string; workspaceUrl: string }>({
  id: 'welcome',
  subject: (c, env) => `Welcome to ${env.appName}: ${oneLine(c.workspaceName)} is ready`,
  preheader: (c) => `Your workspace ${oneLine(c.workspaceName)} is ready.`,
  reason: (c, env) => `You got this email because ${c.email} signed up for ${env.appName}.`,
  html: (c, env) => (
    <>
      <P>{greeting(c.name)}</P>
      <P>
        Welcome to {env.appName}. Your workspace <strong>{oneLine(c.workspaceName)}</strong> is ready at its own address; you are its owner.
      </P>
      <ActionButton href={c.workspaceUrl} label="Open your workspace" />
      <P muted>Next steps: invite your team from the Members page, and turn on two-step sign-in from your account page.</P>
    </>
  ),
  text: (c, env) =>
    paragraphs(
      greeting(c.name),
      `Welcome to ${env.appName}. Your workspace ${oneLine(c.workspaceName)} is ready at its own address; you are its owner.`,
      `Open your workspace: ${c.workspaceUrl}`,
      'Next steps: invite your team from the Members page, and turn on two-step sign-in from your account page.',
    ),
});

export const verifyEmailEmail = defineEmailTemplate<{ name: string; email: string; link: string; validHours: number }>({
  id: 'verify-email',
  subject: (_c, env) => `Confirm your email address for ${env.appName}`,
  preheader: () => 'One click confirms your email address.',
  reason: (c, env) => ACCOUNT_REASON(c.email, env.appName),
  html: (c, env) => (
    <>
      <P>{greeting(c.name)}</P>
      <P>
        Please confirm that {c.email} is your email address for {env.appName}:
      </P>
      <ActionButton href={c.link} label="Confirm my email address" />
      <P muted>The link works for {c.validHours} hours. If you did not create an account, ignore this email.</P>
    </>
  ),
  text: (c, env) =>
    paragraphs(
      greeting(c.name),
      `Please confirm that ${c.email} is your email address for ${env.appName}:`,
      c.link,
      `The link works for ${c.validHours} hours. If you did not create an account, ignore this email.`,
    ),
});

export const passwordResetEmail = defineEmailTemplate<{ name: string; email: string; link: string; validMinutes: number }>({
  id: 'password-reset',
  subject: (_c, env) => `Reset your ${env.appName} password`,
  preheader: () => 'Choose a new password with this single-use link.',
  reason: (c, env) => `You got this email because someone asked to reset the password of ${c.email} on ${env.appName}.`,
  html: (c, env) => (
    <>
      <P>{greeting(c.name)}</P>
      <P>
        Someone asked to reset the password of your {env.appName} account ({c.email}). To choose a new password, open this link:
      </P>
      <ActionButton href={c.link} label="Choose a new password" />
      <P muted>
        The link works once, for {c.validMinutes} minutes. Signing in afterwards still asks for your second factor, if you use one. If you did not ask for this,
        ignore this email: your password stays as it is.
      </P>
    </>
  ),
  text: (c, env) =>
    paragraphs(
      greeting(c.name),
      `Someone asked to reset the password of your ${env.appName} account (${c.email}). To choose a new password, open this link:`,
      c.link,
      `The link works once, for ${c.validMinutes} minutes. Signing in afterwards still asks for your second factor, if you use one. If you did not ask for this, ignore this email: your password stays as it is.`,
    ),
});

/** Sent to the new address: the change happens only when its owner opens the link. */
export const emailChangeConfirmEmail = defineEmailTemplate<{ name: string; newEmail: string; link: string; validHours: number }>({
  id: 'email-change-confirm',
  subject: (_c, env) => `Confirm your new email address for ${env.appName}`,
  preheader: () => 'Confirm the new address of your account.',
  reason: (c, env) => `You got this email because someone asked to use ${c.newEmail} for an account on ${env.appName}.`,
  html: (c, env) => (
    <>
      <P>{greeting(c.name)}</P>
      <P>
        You asked to use {c.newEmail} as the email address of your {env.appName} account. To confirm, open this link:
      </P>
      <ActionButton href={c.link} label="Use this address" />
      <P muted>The link works for {c.validHours} hours. Until you open it, your account keeps its current address. If you did not ask for this, ignore this email.</P>
    </>
  ),
  text: (c, env) =>
    paragraphs(
      greeting(c.name),
      `You asked to use ${c.newEmail} as the email address of your ${env.appName} account. To confirm, open this link:`,
      c.link,
      `The link works for ${c.validHours} hours. Until you open it, your account keeps its current address. If you did not ask for this, ignore this email.`,
    ),
});

/** Sent to the old address when a change is asked for and when it is done: the owner hears of it even if someone else did it. */
export const emailChangeNoticeEmail = defineEmailTemplate<{ name: string; email: string; newEmail: string; done: boolean; resetLink: string }>({
  id: 'email-change-notice',
  subject: (c, env) => (c.done ? `Your ${env.appName} email address was changed` : `A change of email address was asked for your ${env.appName} account`),
  preheader: (c) => (c.done ? `Your account now uses ${c.newEmail}.` : `Someone asked to change your address to ${c.newEmail}.`),
  reason: (c, env) => ACCOUNT_REASON(c.email, env.appName),
  html: (c, env) => (
    <>
      <P>{greeting(c.name)}</P>
      <P>
        {c.done
          ? `The email address of your ${env.appName} account is now ${c.newEmail}.`
          : `Someone signed in to your ${env.appName} account asked to change its email address to ${c.newEmail}.`}{' '}
        If this was you, there is nothing to do. If not, reset your password now:
      </P>
      <ActionButton href={c.resetLink} label="Reset my password" />
      <P muted>Then sign out every other device from your account page.</P>
    </>
  ),
  text: (c, env) =>
    paragraphs(
      greeting(c.name),
      `${c.done ? `The email address of your ${env.appName} account is now ${c.newEmail}.` : `Someone signed in to your ${env.appName} account asked to change its email address to ${c.newEmail}.`} If this was you, there is nothing to do. If not, reset your password now:`,
      c.resetLink,
      'Then sign out every other device from your account page.',
    ),
});

export const mfaCodeEmail = defineEmailTemplate<{ name: string; email: string; code: string; validMinutes: number }>({
  id: 'mfa-code',
  subject: (c, env) => `Your ${env.appName} sign-in code: ${oneLine(c.code, 12)}`,
  preheader: (_c, env) => `Your code to finish signing in to ${env.appName}.`,
  reason: (c, env) => `You got this email because someone signed in to ${c.email} on ${env.appName} with its password.`,
  html: (c, env) => (
    <>
      <P>{greeting(c.name)}</P>
      <Code value={c.code} />
      <P>
        Type this code to finish signing in to {env.appName}. It works once, for {c.validMinutes} minutes, and only for the sign-in that asked for it.
      </P>
      <P muted>If you are not signing in, someone knows your password: reset it now, and never share this code.</P>
    </>
  ),
  text: (c, env) =>
    paragraphs(
      greeting(c.name),
      c.code,
      `Type this code to finish signing in to ${env.appName}. It works once, for ${c.validMinutes} minutes, and only for the sign-in that asked for it.`,
      'If you are not signing in, someone knows your password: reset it now, and never share this code.',
    ),
});

export const accountDeletedEmail = defineEmailTemplate<{ name: string; email: string }>({
  id: 'account-deleted',
  subject: (_c, env) => `Your ${env.appName} account was deleted`,
  preheader: () => 'Your account and sign-in details are gone.',
  reason: (c, env) => `You got this email because the ${env.appName} account of ${c.email} was deleted.`,
  html: (c, env) => (
    <>
      <P>{greeting(c.name)}</P>
      <P>
        Your {env.appName} account ({c.email}) was deleted, as you asked. Your sign-in details and memberships are gone; the workspaces you belonged to keep their own
        data.
      </P>
      <P muted>If you did not ask for this, reply to this email at once.</P>
    </>
  ),
  text: (c, env) =>
    paragraphs(
      greeting(c.name),
      `Your ${env.appName} account (${c.email}) was deleted, as you asked. Your sign-in details and memberships are gone; the workspaces you belonged to keep their own data.`,
      'If you did not ask for this, reply to this email at once.',
    ),
});
