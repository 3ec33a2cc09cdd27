/**
 * Text messages as a second factor, on the account page: add a number (the current password, then a
 * code texted to it and typed back on /account/mfa/sms/confirm), change it, remove it. The sign-in's
 * "Text me a code" is POST /login/mfa/sms, in mfa.routes.ts.
 *
 * Audit events hold the number's last two digits at most; never the number or a code.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { tenantOrigin, type AppConfig } from '../../platform/config.js';
import { describeWait, notFound } from '../../platform/errors.js';
import { formField } from '../../platform/http/forms.js';
import { sendPage } from '../../platform/http/htmx.js';
import { clientKey } from '../../platform/http/security.js';
import type { Throttles } from '../../platform/rate-limit/throttles.js';
import { auditContextOf, type AuditService } from '../audit/index.js';
import { createCurrentPasswordCheck } from './account.routes.js';
import type { AuthGuards } from './auth.guards.js';
import type { AuthService } from './auth.service.js';
import { normalizePhoneNumber, phoneLastDigits, SMS_CODE_TTL_SECONDS, SMS_ENROL_SENDS_PER_HOUR, type SendRefusal, type SmsMfa } from './mfa-sms.js';
import { BackupCodesPage } from './views/mfa-pages.js';
import { SmsConfirmPage, SmsPhonePage, type SmsPhonePageProps } from './views/sms-mfa.js';

/** The host the user is on, from config (never the Host header): the origin-bound line of the text names it. */
export function smsSiteHost(config: AppConfig, request: FastifyRequest): string {
  return new URL(request.tenant ? tenantOrigin(config, request.tenant.subdomain) : config.publicUrl.origin).hostname;
}

/** What a refused send tells the user, and the status to answer with. */
export function describeSmsRefusal(refusal: SendRefusal): { status: number; message: string } {
  switch (refusal.reason) {
    case 'throttled': {
      const wait = describeWait(refusal.retryAfterSeconds);
      const message =
        refusal.scope === 'enrolment'
          ? `We already texted ${SMS_ENROL_SENDS_PER_HOUR} codes to confirm a number this hour. Try again in ${wait}.`
          : refusal.scope === 'account'
            ? `We sent this account many text messages lately. Try again in ${wait}, or use another way.`
            : `Too many text messages were asked for from your network lately. Try again in ${wait}, or use another way.`;
      return { status: 429, message };
    }
    case 'send_failed':
      return { status: 502, message: 'We could not send the text message just now. Try again in a minute, or use another way.' };
    case 'unavailable':
      return { status: 409, message: 'Text messages are turned off on this server. Use another way.' };
  }
}

interface Options {
  config: AppConfig;
  auth: AuthService;
  audit: AuditService;
  guards: AuthGuards;
  throttles: Throttles;
  sms: SmsMfa;
}

export async function smsMfaRoutes(app: FastifyInstance, opts: Options) {
  const { auth, audit, guards, config, sms } = opts;
  const refusePassword = createCurrentPasswordCheck(auth, opts.throttles);
  const guarded = { schema: { hide: true }, preHandler: guards.requireWebUser };

  const pageContext = (request: FastifyRequest, reply: FastifyReply) => ({
    csrfToken: reply.generateCsrf(),
    rootUrl: config.publicUrl.origin,
    user: { name: request.auth!.name, email: request.auth!.email },
  });
  const actorOf = (request: FastifyRequest) => ({ actorUserId: request.auth!.userId, actorEmail: request.auth!.email });

  async function phonePage(request: FastifyRequest, reply: FastifyReply, extra: Pick<SmsPhonePageProps, 'errors' | 'phoneValue'> = {}, status = 200) {
    const { smsPhone } = await auth.mfa.status(request.auth!.userId);
    return sendPage(reply.header('cache-control', 'no-store'), SmsPhonePage({ ...pageContext(request, reply), current: smsPhone, ...extra }), status);
  }

  async function confirmPage(request: FastifyRequest, reply: FastifyReply, extra: { error?: string; notice?: string } = {}, status = 200) {
    const state = await sms.phone(request.auth!.userId);
    if (!state || state.verified) return reply.redirect('/account', 303);
    return sendPage(
      reply.header('cache-control', 'no-store'),
      SmsConfirmPage({ ...pageContext(request, reply), phone: state.phone, codeLive: state.codeLive, attemptsLeft: state.attemptsLeft, validMinutes: SMS_CODE_TTL_SECONDS / 60, ...extra }),
      status,
    );
  }

  async function refused(request: FastifyRequest, reply: FastifyReply, refusal: SendRefusal, purpose: 'enrolment') {
    if (refusal.reason === 'throttled') {
      reply.header('retry-after', String(refusal.retryAfterSeconds));
      await audit.record(
        { action: 'auth.mfa.sms_code_throttled', outcome: 'denied', ...actorOf(request), details: { purpose, scope: refusal.scope, retry_after_s: refusal.retryAfterSeconds } },
        auditContextOf(request),
      );
    }
    return describeSmsRefusal(refusal);
  }

  // Nothing here exists when text messages are off (production without a provider).
  app.addHook('onRequest', async (request) => {
    if (!sms.available && request.url.startsWith('/account/mfa/sms') && !request.url.startsWith('/account/mfa/sms/remove')) throw notFound('Page');
  });

  app.get('/account/mfa/sms', guarded, async (request, reply) => phonePage(request, reply));

  /** Add or change the number: checked, then the password, then a code is texted to it. */
  app.post('/account/mfa/sms', guarded, async (request, reply) => {
    const me = request.auth!;
    const typed = formField(request.body, 'phone_number', 100);
    const phone = await normalizePhoneNumber(typed);
    if (!phone.ok) return phonePage(request, reply, { errors: { phone: phone.error }, phoneValue: typed }, 422);
    const wrongPassword = await refusePassword(request, reply);
    if (wrongPassword) return phonePage(request, reply, { errors: { current: wrongPassword.error }, phoneValue: typed }, wrongPassword.status);
    const before = await auth.mfa.status(me.userId);
    if (before.smsPhone === phone.e164) return phonePage(request, reply, { errors: { phone: 'That is already your number for sign-in codes.' }, phoneValue: typed }, 422);

    const started = await sms.startEnrolment(me.userId, phone.e164, { ip: clientKey(request), siteHost: smsSiteHost(config, request) });
    if (!started.ok) {
      const { status, message } = await refused(request, reply, started, 'enrolment');
      return phonePage(request, reply, { errors: { form: message }, phoneValue: typed }, status);
    }
    const ctx = auditContextOf(request);
    if (started.replacedVerified && before.smsPhone) {
      // The old number stopped being a second factor: as for a removal, the backup codes go if nothing else is left.
      await auth.mfa.dropBackupCodesIfNoFactor(me.userId);
      await audit.record({ action: 'auth.mfa.sms_phone_removed', ...actorOf(request), details: { phone_last2: phoneLastDigits(before.smsPhone), reason: 'changed' } }, ctx);
    }
    await audit.record({ action: 'auth.mfa.sms_phone_added', ...actorOf(request), details: { phone_last2: phoneLastDigits(phone.e164), delivered: started.delivered } }, ctx);
    if (!started.delivered) return confirmPage(request, reply, { error: describeSmsRefusal({ ok: false, reason: 'send_failed' }).message }, 502);
    return reply.redirect('/account/mfa/sms/confirm', 303);
  });

  app.get('/account/mfa/sms/confirm', guarded, async (request, reply) => {
    const sent = (request.query as Record<string, unknown>).sent === '1';
    return confirmPage(request, reply, sent ? { notice: 'We texted you a new code. The previous one no longer works.' } : {});
  });

  /** The code typed back: the number becomes a second factor, like a confirmed authenticator app. */
  app.post('/account/mfa/sms/confirm', guarded, async (request, reply) => {
    const me = request.auth!;
    const ctx = auditContextOf(request);
    const result = await sms.confirmEnrolment(me.userId, formField(request.body, 'code', 20));
    if (!result.ok) {
      if (result.reason === 'not_pending') return reply.redirect('/account', 303);
      const attemptsLeft = result.reason === 'wrong' ? result.attemptsLeft : 0;
      await audit.record({ action: 'auth.mfa.sms_phone_failed', outcome: 'failure', ...actorOf(request), details: { attempts_left: attemptsLeft } }, ctx);
      const error =
        result.reason === 'wrong'
          ? 'That code is not right. Type the 6 digits of the latest text.'
          : 'This code no longer works: it expired, or was typed wrong too many times.';
      return confirmPage(request, reply, { error }, 422);
    }
    // Other devices signed in before this factor existed: they would keep working without it. End them.
    await auth.revokeAllSessions(me.userId, me.sessionId);
    await audit.record({ action: 'auth.mfa.sms_phone_verified', ...actorOf(request), details: { phone_last2: phoneLastDigits(result.phone), other_sessions_ended: true } }, ctx);
    const backupCodes = await auth.mfa.ensureBackupCodes(me.userId);
    if (!backupCodes) return reply.redirect('/account?done=mfa-sms', 303);
    return sendPage(reply.header('cache-control', 'no-store'), BackupCodesPage({ ...pageContext(request, reply), codes: backupCodes, justEnabled: true }));
  });

  /** A new code for the number being confirmed (counts against the hourly limit). */
  app.post('/account/mfa/sms/resend', guarded, async (request, reply) => {
    const me = request.auth!;
    const result = await sms.resendEnrolmentCode(me.userId, { ip: clientKey(request), siteHost: smsSiteHost(config, request) });
    if (!result.ok) {
      if (result.reason === 'not_pending') return reply.redirect('/account', 303);
      const { status, message } = await refused(request, reply, result, 'enrolment');
      return confirmPage(request, reply, { error: message }, status);
    }
    const state = await sms.phone(me.userId);
    await audit.record(
      { action: 'auth.mfa.sms_code_sent', ...actorOf(request), details: { purpose: 'enrolment', phone_last2: state ? phoneLastDigits(state.phone) : null, delivered: result.delivered } },
      auditContextOf(request),
    );
    if (!result.delivered) return confirmPage(request, reply, { error: describeSmsRefusal({ ok: false, reason: 'send_failed' }).message }, 502);
    return reply.redirect('/account/mfa/sms/confirm?sent=1', 303);
  });

  /** Drops a number that was never confirmed (no password: it was not a second factor). */
  app.post('/account/mfa/sms/cancel', guarded, async (request, reply) => {
    const dropped = await sms.cancelEnrolment(request.auth!.userId);
    if (dropped) {
      await audit.record({ action: 'auth.mfa.sms_phone_removed', ...actorOf(request), details: { phone_last2: phoneLastDigits(dropped), reason: 'not_confirmed' } }, auditContextOf(request));
    }
    return reply.redirect('/account', 303);
  });

  /** Removes the number (also while text messages are off, so nobody is stuck with it). */
  app.post('/account/mfa/sms/remove', guarded, async (request, reply) => {
    const me = request.auth!;
    const wrongPassword = await refusePassword(request, reply);
    if (wrongPassword) return phonePage(request, reply, { errors: { removeCurrent: wrongPassword.error } }, wrongPassword.status);
    const removed = await sms.removePhone(me.userId);
    if (!removed) return reply.redirect('/account', 303);
    await auth.mfa.dropBackupCodesIfNoFactor(me.userId);
    await audit.record(
      { action: 'auth.mfa.sms_phone_removed', ...actorOf(request), details: { phone_last2: phoneLastDigits(removed.phone), reason: removed.verified ? 'removed' : 'not_confirmed' } },
      auditContextOf(request),
    );
    return reply.redirect((await auth.mfa.isEnabled(me.userId)) ? '/account?done=mfa-sms-off' : '/account?done=mfa-off', 303);
  });
}
