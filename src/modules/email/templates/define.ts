/**
 * Typed email templates. Each template renders its subject, an HTML body (JSX: every value is
 * escaped) and a plain-text body from one context; the shared layout adds the frame and the footer.
 * The registry (`./index.ts`) keys them by id, so `sendTemplateEmail({ template, context })` checks
 * the context against the template it names.
 */
import type { Child } from 'hono/jsx';

/** What every template may use besides its context: the product's name and the root site's address. */
export interface EmailEnv {
  appName: string;
  /** Origin of the root site, such as `https://example.com`. */
  rootUrl: string;
}

export interface EmailTemplate<Context> {
  /** Stable id, stored with each message: `password-reset`. */
  id: string;
  subject(ctx: Context, env: EmailEnv): string;
  /** The preview line mail clients show after the subject. */
  preheader(ctx: Context, env: EmailEnv): string;
  /** Why the recipient got this message (the footer says it). */
  reason(ctx: Context, env: EmailEnv): string;
  /** The body inside the layout. */
  html(ctx: Context, env: EmailEnv): Child;
  /** The same message as plain text (no markup: values as they are). */
  text(ctx: Context, env: EmailEnv): string;
}

export function defineEmailTemplate<Context>(template: EmailTemplate<Context>): EmailTemplate<Context> {
  return template;
}

/** One line, no control or format characters, clipped: safe in a subject and in a header. */
export function oneLine(value: string, max = 80): string {
  const flat = value.replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** "Hello Ada," or "Hello," when the name is empty. */
export const greeting = (name: string | null | undefined) => (name && oneLine(name) ? `Hello ${oneLine(name)},` : 'Hello,');

/** Joins paragraphs of a text body with blank lines (empty parts are dropped). */
export const paragraphs = (...parts: (string | null | undefined | false)[]) => parts.filter((p): p is string => typeof p === 'string' && p !== '').join('\n\n');

/** "5 December 2026 at 14:03 UTC" */
export function describeTime(at: Date): string {
  const day = at.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const time = at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
  return `${day} at ${time} UTC`;
}
