/** SMTP transport (nodemailer) for production. */
import nodemailer from 'nodemailer';
import { assertSafeMessage, type Mailer } from './mailer.js';

/**
 * The connection string nodemailer gets: pooled unless the URL says `pool=false`. A connection per
 * message costs a TCP (and TLS) handshake and the SMTP greeting every time: about 90 messages/s on
 * loopback against over 1,000 pooled (docs/admin/benchmarks.md). `maxConnections` (default 5) and
 * `maxMessages` (per connection, default 100) can be set in the URL too.
 */
export function pooledSmtpUrl(raw: string): string {
  const url = new URL(raw);
  if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
  return url.toString();
}

export function createSmtpMailer(options: { url: string; from: string }): Mailer {
  const transport = nodemailer.createTransport(pooledSmtpUrl(options.url));
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
