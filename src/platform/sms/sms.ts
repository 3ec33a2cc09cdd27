/**
 * The text-message port. Feature code hands over a rendered message and a number already normalised
 * to E.164; the adapter (Twilio over HTTP, or the dev outbox) delivers it.
 */
export interface SmsMessage {
  /** E.164, e.g. `+447911123456`. */
  to: string;
  body: string;
}

export interface SentSms extends SmsMessage {
  id: string;
  sentAt: string;
}

export interface SmsSender {
  /** Hands the message to the provider; resolves with the provider's message id, rejects with an `SmsError`. */
  send(message: SmsMessage): Promise<{ id: string }>;
  /** Messages kept by the dev outbox (newest first); real providers do not have it. */
  listOutbox?(limit?: number): Promise<SentSms[]>;
  close(): Promise<void>;
}

/**
 * A message the provider did not take. Carries the provider's own error code and the HTTP status, so
 * an operator can look it up; never the credentials, the number or the message body.
 */
export class SmsError extends Error {
  constructor(
    message: string,
    readonly details: { provider: string; status?: number; providerCode?: number | string; retryable: boolean },
  ) {
    super(message);
    this.name = 'SmsError';
  }
}
