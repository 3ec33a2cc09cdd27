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

export interface Mailer {
  send(message: MailMessage): Promise<{ id: string }>;
  /** Messages kept by the dev outbox (newest first); empty for real transports. */
  listOutbox(limit?: number): Promise<SentMail[]>;
  close(): Promise<void>;
}
