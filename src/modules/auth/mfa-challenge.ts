/**
 * The preamble every route of the sign-in's second step shares: the half-open session and its live
 * challenge, or the right way out (no session: the login page; already complete: where it was going;
 * expired or out of attempts: signed out, back to the login page with the reason).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { appendSetCookies } from '../../platform/http/forms.js';
import type { AuthService } from './auth.service.js';

export type PendingSession = NonNullable<Awaited<ReturnType<AuthService['getSession']>>>;
export interface PendingChallenge {
  session: PendingSession;
  challenge: { userId: string; attemptsLeft: number };
}

export function createMfaChallengeSteps(auth: AuthService) {
  /** Ends a challenge that cannot succeed any more (the reply is sent), and sends the user back to the password form. */
  async function restart(request: FastifyRequest, reply: FastifyReply, reason: 'expired' | 'too_many'): Promise<void> {
    appendSetCookies(reply, await auth.signOut(request.headers.cookie));
    reply.redirect(`/login?mfa=${reason}`, 303);
  }

  /**
   * The pending session and its challenge, or null once the reply has been sent elsewhere. (It never
   * returns the reply itself: Fastify replies are thenables, and awaiting one yields undefined.)
   */
  async function pendingChallenge(request: FastifyRequest, reply: FastifyReply, next: string): Promise<PendingChallenge | null> {
    const session = await auth.getSession(request.headers.cookie);
    if (!session) {
      reply.redirect('/login', 303);
      return null;
    }
    if (!session.mfaPending) {
      reply.redirect(next, 303);
      return null;
    }
    const challenge = await auth.mfa.challenge(session.sessionId);
    if (!challenge) {
      await restart(request, reply, 'expired');
      return null;
    }
    return { session, challenge };
  }

  return { pendingChallenge, restart };
}
