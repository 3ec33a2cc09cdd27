/** SMTP transport (nodemailer) for production. */
import nodemailer from 'nodemailer';
import { assertSafeMessage, type Mailer } from './mailer.js';

export function createSmtpMailer(options: { url: string; from: string }): Mailer {
  const transport = nodemailer.createTransport(options.url);
  return {
    async send(message) {
      assertSafeMessage(message, options.from);
      // nodemailer takes the Message-ID as an option (a header of that name would be doubled).
      const { 'Message-ID': messageId, ...headers } = message.headers ?? {};
      const info = await transport.sendMail({
        from: options.from,
        to: message.to,
        subject: message.subject,
        html: message.html,
        text: message.text,
        headers,
        ...(messageId ? { messageId } : {}),
      });
      return { id: info.messageId };
    },
    async listOutbox() {
      return [];
    },
    async close() {
      transport.close();
    },
  };
}
