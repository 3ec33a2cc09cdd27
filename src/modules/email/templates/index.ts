/**
 * Every email the app sends, keyed by template id. To add one: define it next to its kind
 * (`defineEmailTemplate<Context>({ id, subject, preheader, reason, html, text })`), add it here under
 * the same id, and call `email.sendTemplateEmail({ to, template: '<id>', context })`.
 */
import { renderPage } from '../../../platform/views/render.js';
import { accountDeletedEmail, emailChangeConfirmEmail, emailChangeNoticeEmail, mfaCodeEmail, passwordResetEmail, verifyEmailEmail, welcomeEmail } from './account.js';
import { paymentFailedEmail, planChangedEmail, usageReportEmail } from './billing.js';
import type { EmailEnv, EmailTemplate } from './define.js';
import { EmailLayout } from './layout.js';
import { announcementEmail } from './marketing.js';
import { deletionCancelledEmail, deletionScheduledEmail, invitationEmail, workspaceDeletedEmail } from './workspace.js';

export const EMAIL_TEMPLATES = {
  welcome: welcomeEmail,
  'verify-email': verifyEmailEmail,
  'password-reset': passwordResetEmail,
  'email-change-confirm': emailChangeConfirmEmail,
  'email-change-notice': emailChangeNoticeEmail,
  'mfa-code': mfaCodeEmail,
  'account-deleted': accountDeletedEmail,
  invitation: invitationEmail,
  'workspace-deletion-scheduled': deletionScheduledEmail,
  'workspace-deletion-cancelled': deletionCancelledEmail,
  'workspace-deleted': workspaceDeletedEmail,
  'usage-report': usageReportEmail,
  'plan-changed': planChangedEmail,
  'payment-failed': paymentFailedEmail,
  announcement: announcementEmail,
} as const;

export type EmailTemplateId = keyof typeof EMAIL_TEMPLATES;
/** The context the template `Id` renders from. */
export type EmailContext<Id extends EmailTemplateId> = (typeof EMAIL_TEMPLATES)[Id] extends EmailTemplate<infer C> ? C : never;

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** Subjects are one line: CR, LF and other control characters become spaces. */
export const flattenSubject = (subject: string) => subject.replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, ' ').replace(/\s+/g, ' ').trim().slice(0, 250);

export const isEmailTemplateId = (id: string): id is EmailTemplateId => Object.prototype.hasOwnProperty.call(EMAIL_TEMPLATES, id);

/** Renders subject, HTML (in the shared layout) and text (with the same footer) at once. */
export function renderEmail<Id extends EmailTemplateId>(id: Id, context: EmailContext<Id>, env: EmailEnv): RenderedEmail {
  const template = EMAIL_TEMPLATES[id] as unknown as EmailTemplate<EmailContext<Id>>;
  const subject = flattenSubject(template.subject(context, env));
  const reason = template.reason(context, env);
  const html = renderPage(EmailLayout({ env, subject, preheader: template.preheader(context, env), reason, children: template.html(context, env) }));
  const text = `${template.text(context, env).trim()}\n\n-- \n${reason}\n${env.appName} · ${env.rootUrl}\n`;
  return { subject, html, text };
}

export { defineEmailTemplate, oneLine, describeTime, type EmailEnv, type EmailTemplate } from './define.js';
export type { UsageFigure } from './billing.js';
