/** SMTP transport (nodemailer) for production. */
import nodemailer from 'nodemailer';
import type { Mailer } from './mailer.js';

export function createSmtpMailer(options: { url: string; from: string }): Mailer {
  const transport = nodemailer.createTransport(options.url);
  return {
    async send(message) {
      const info = await transport.sendMail({
        from: options.from,
        to: message.to,
        subject: message.subject,
        html: message.html,
        text: message.text,
        headers: message.headers,
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
