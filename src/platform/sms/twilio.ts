/**
 * Twilio's Programmable Messaging REST API, called with `fetch` (no SDK: one request shape is all we
 * use). POST /2010-04-01/Accounts/{sid}/Messages.json, HTTP Basic auth (account SID : auth token),
 * form-encoded To, From or MessagingServiceSid, and Body. Errors carry Twilio's code, message and the
 * HTTP status; never the auth token, and phone numbers in Twilio's messages are masked.
 */
import { SmsError, type SmsSender } from './sms.js';

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  /** Sender number (E.164) or alphanumeric sender id; used when no messaging service is set. */
  from: string | null;
  /** A messaging service (sender pool): sent instead of `From` when set. */
  messagingServiceSid: string | null;
  /** `https://api.twilio.com`, a regional edge, or a local fake in tests. */
  apiUrl: string;
  timeoutMs?: number;
}

export const TWILIO_TIMEOUT_MS = 10_000;

/** Twilio's messages sometimes quote the number ("The 'To' number +1555... is not valid"): keep it out of errors and logs. */
function maskNumbers(text: string): string {
  return text.replace(/\+?\d[\d\s().-]{5,}\d/g, '[number]');
}

export function createTwilioSender(options: TwilioOptions): SmsSender {
  if (!options.from && !options.messagingServiceSid) throw new Error('createTwilioSender: a sender (from) or a messaging service is required');
  const endpoint = `${options.apiUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  const timeoutMs = options.timeoutMs ?? TWILIO_TIMEOUT_MS;
  /** Belt and braces: whatever the provider or the network layer said, the token never leaves this file. */
  const clean = (text: string) => maskNumbers(text.split(options.authToken).join('[redacted]'));

  return {
    async send(message) {
      const form = new URLSearchParams({ To: message.to, Body: message.body });
      if (options.messagingServiceSid) form.set('MessagingServiceSid', options.messagingServiceSid);
      else form.set('From', options.from!);
      let res: Response;
      try {
        res = await fetch(endpoint, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: form,
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'error',
        });
      } catch (err) {
        const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
        const cause = err instanceof Error ? ((err.cause as { code?: string } | undefined)?.code ?? err.message) : String(err);
        throw new SmsError(timedOut ? `Twilio did not answer within ${timeoutMs / 1000} s` : `Twilio could not be reached (${clean(String(cause))})`, { provider: 'twilio', retryable: true });
      }
      const text = await res.text().catch(() => '');
      let json: { sid?: unknown; code?: unknown; message?: unknown } = {};
      try {
        json = JSON.parse(text) as typeof json;
      } catch {
        /* not JSON (a proxy's error page): the status says enough */
      }
      if (!res.ok) {
        const providerCode = typeof json.code === 'number' || typeof json.code === 'string' ? json.code : undefined;
        const detail = typeof json.message === 'string' ? clean(json.message).slice(0, 300) : res.statusText || 'no details';
        throw new SmsError(`Twilio refused the message (HTTP ${res.status}${providerCode !== undefined ? `, error ${providerCode}` : ''}): ${detail}`, {
          provider: 'twilio',
          status: res.status,
          ...(providerCode !== undefined ? { providerCode } : {}),
          retryable: res.status === 429 || res.status >= 500,
        });
      }
      if (typeof json.sid !== 'string') throw new SmsError(`Twilio answered HTTP ${res.status} without a message id`, { provider: 'twilio', status: res.status, retryable: false });
      return { id: json.sid };
    },
    async close() {},
  };
}
