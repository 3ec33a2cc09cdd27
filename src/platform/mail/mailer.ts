/** The mailer port. Templates and queuing live in the email module; this only delivers a rendered message. */
export interface MailMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
}

export interface SentMail extends MailMessage {
  id: string;
  from: string;
  sentAt: string;
}

/**
 * Refuses a message that could add a header: a line break (or any control character) in the
 * recipient, the subject, a header's name or value, or a recipient that is not one plain address.
 * Both adapters call it before sending; the email module never builds such a message, this is the
 * last line of defence.
 */
export function assertSafeMessage(message: MailMessage, from: string): void {
  const bad = (value: string) => /[\p{Cc}\u2028\u2029]/u.test(value);
  if (bad(from)) throw new Error('mail: the From address holds a line break');
  if (bad(message.to) || !/^[^\s@<>,;"]+@[^\s@<>,;"]+$/.test(message.to) || message.to.length > 254) throw new Error('mail: the recipient is not one plain address');
  if (bad(message.subject)) throw new Error('mail: the subject holds a line break');
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (!/^[A-Za-z0-9-]{1,60}$/.test(name) || bad(value)) throw new Error(`mail: header ${JSON.stringify(name)} is not a single-line header`);
  }
}

export interface Mailer {
  send(message: MailMessage): Promise<{ id: string }>;
  /** Messages kept by the dev outbox (newest first); empty for real transports. */
  listOutbox(limit?: number): Promise<SentMail[]>;
  close(): Promise<void>;
}
