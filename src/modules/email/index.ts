/**
 * Email: typed templates with a shared layout, the service that queues them through the outbox, the
 * `email.send` and `email.requeue_stale` jobs, and the dev mail viewer (/dev/mail).
 */
export { createEmailService, isPlainAddress, EMAIL_SEND_JOB, EMAIL_REQUEUE_STALE_JOB, type EmailService, type EmailSender, type SendTemplateEmailInput } from './email.service.js';
export { createEmailJobs, EMAIL_SEND_ATTEMPTS, STALE_AFTER_MINUTES, messageIdHeader } from './email.jobs.js';
export { EMAIL_TEMPLATES, renderEmail, describeTime, type EmailTemplateId, type EmailContext, type EmailEnv, type UsageFigure } from './templates/index.js';
export { devMailRoutes } from './dev-mail.routes.js';
