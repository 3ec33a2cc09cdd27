/**
 * Invitations to a workspace: a member who may invite (`members:invite`) asks an email address to
 * join with a role they could give themselves; the address gets a link on the workspace's host.
 * The link's token is 32 random bytes of which only the SHA-256 hash is stored; it works for 7 days,
 * once, and only for the invited address. Accepting marks the invitation used and adds the member in
 * one transaction, so two concurrent accepts cannot both succeed.
 */
import crypto from 'node:crypto';
import { tenantOrigin } from '../../platform/config.js';
import { UUID_RE, type TenantDb, type Tx } from '../../platform/db/database.js';
import { uniqueViolation } from '../../platform/db/errors.js';
import type { Deps } from '../../platform/deps.js';
import { AppError, notFound, tooManyAttempts, validationFailed } from '../../platform/errors.js';
import { findPlan } from '../billing/index.js';
import { BUILT_IN_CATALOG, isCustomRoleKey, isMemberRole, MEMBER_ROLES, type RoleCatalog } from '../access/index.js';
import { checkPasswordPolicy, normalizeEmail, type AuthService } from '../auth/index.js';
import type { AuditService } from '../audit/index.js';
import { isPlainAddress, type EmailSender } from '../email/index.js';
import { createInvitationsRepository, type InvitationRow } from './invitations.repository.js';
import type { MemberActor } from './members.service.js';
import { createTenantsRepository } from './tenants.repository.js';
import { createRolesRepository } from './roles.repository.js';
import { loadRoleCatalog, type ChangeOrigin, type TenantsService } from './tenants.service.js';

export const INVITATION_TTL_DAYS = 7;
/** Sends of one invitation (the first, re-invites and resends) within a day. */
export const MAX_INVITATION_SENDS_PER_DAY = 5;
const DAY_MS = 24 * 60 * 60 * 1000;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface Invitation {
  id: string;
  email: string;
  role: string;
  invitedBy: { userId: string; name: string } | null;
  expiresAt: Date;
  expired: boolean;
  sendCount: number;
  lastSentAt: Date;
  createdAt: Date;
}

/** What the invitation page shows before anyone accepts (the workspace is the request's). */
export interface InvitationPreview {
  email: string;
  role: string;
  /** The role's name as people see it ("Admin", or the workspace's own role's name). */
  roleLabel: string;
  inviterName: string | null;
}

/** `invalid`: unknown, used, revoked or expired token (one answer for all). */
export type AcceptResult = 'joined' | 'invalid' | 'wrong_email' | 'already_member' | 'plan_limit';
export type AcceptAsNewUserResult = { result: 'joined'; userId: string } | { result: 'invalid' | 'account_exists' | 'plan_limit' } | { result: 'bad_input'; fields: Record<string, string> };

export const hashInvitationToken = (token: string) => crypto.createHash('sha256').update(token, 'utf8').digest('hex');
/** Tokens are 43 base64url characters; anything else is not worth a database look-up. */
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

const roleName = (role: string, catalog: RoleCatalog = BUILT_IN_CATALOG) => catalog.label(role);

function toInvitation(row: InvitationRow & { inviterName?: string | null }, now = Date.now()): Invitation {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    invitedBy: row.invitedBy ? { userId: row.invitedBy, name: row.inviterName ?? '' } : null,
    expiresAt: row.expiresAt,
    expired: row.expiresAt.getTime() <= now,
    sendCount: row.sendCount,
    lastSentAt: row.lastSentAt,
    createdAt: row.createdAt,
  };
}

export function createInvitationsService(
  deps: Pick<Deps, 'config' | 'database' | 'log'>,
  tenants: Pick<TenantsService, 'requireTenant' | 'refreshMembership'>,
  auth: Pick<AuthService, 'users' | 'hashPassword'>,
  audit: AuditService,
  mail: EmailSender,
) {
  const repo = createInvitationsRepository();
  const roles = createRolesRepository();
  const members = createTenantsRepository(deps.database.db);

  const newToken = () => {
    const token = crypto.randomBytes(32).toString('base64url');
    return { token, tokenHash: hashInvitationToken(token), expiresAt: new Date(Date.now() + INVITATION_TTL_DAYS * DAY_MS) };
  };

  /** The actor as committed now: their role (undefined: no longer a member), name and email. */
  async function actorNow(tx: TenantDb, actor: MemberActor) {
    const [row] = await members.listMembersWithUsers(tx, actor.userId);
    return { role: row?.role, name: row?.name ?? '', email: actor.email || row?.email || null };
  }

  /** Both the role the request saw and the committed one must be able to give `role`: nobody invites above their own role. */
  function mayGive(catalog: RoleCatalog, actor: MemberActor, current: string | undefined, role: string): boolean {
    return current !== undefined && catalog.canGrant(actor.role, role) && catalog.canGrant(current, role);
  }
  const notAllowed = (role: string, catalog: RoleCatalog) => new AppError('forbidden', `You cannot invite someone as ${roleName(role, catalog)}: nobody can give a role above their own.`);

  /** The next send count, or a refusal when the invitation was already sent the most times a day allows. */
  function nextSendCount(row: InvitationRow): number {
    const sinceLast = Date.now() - row.lastSentAt.getTime();
    const count = sinceLast < DAY_MS ? row.sendCount : 0;
    if (count >= MAX_INVITATION_SENDS_PER_DAY) {
      const wait = Math.max(1, Math.ceil((DAY_MS - sinceLast) / 1000));
      throw tooManyAttempts(wait, `This invitation was already sent ${MAX_INVITATION_SENDS_PER_DAY} times today. Try again tomorrow, or ask them to check their spam folder.`);
    }
    return count + 1;
  }

  /** Queues the mail with the link in the invitation's transaction: it leaves only if the invitation commits (a slow mail server never holds the page). */
  async function sendInvitation(tx: TenantDb, tenant: { name: string; subdomain: string }, inviterName: string, to: string, roleLabel: string, token: string) {
    const link = `${tenantOrigin(deps.config, tenant.subdomain)}/invitations/accept?token=${encodeURIComponent(token)}`;
    const context = { email: to, inviterName, workspaceName: tenant.name, roleName: roleLabel, link, validDays: INVITATION_TTL_DAYS };
    await mail.sendTemplateEmail({ to, template: 'invitation', context }, tx);
  }

  /** Adds `userId` with the invitation's role and marks it used, in the caller's transaction (owners locked first). */
  async function join(tx: TenantDb, invitation: InvitationRow, user: { id: string; email: string }, limit: number | null, origin: ChangeOrigin): Promise<AcceptResult> {
    if (await members.findMembership(tx, user.id)) return 'already_member';
    if (limit !== null && (await members.countMembers(tx)) >= limit) return 'plan_limit';
    // An inviter who left or was demoted since no longer vouches for the role.
    const inviter = invitation.invitedBy ? await members.findMembership(tx, invitation.invitedBy) : null;
    if (isCustomRoleKey(invitation.role) && !(await roles.shareLockByKey(tx, invitation.role))) return 'invalid';
    if (!inviter || !(await loadRoleCatalog(tx)).canGrant(inviter.role, invitation.role)) return 'invalid';
    if (!(await repo.markAccepted(tx, invitation.id, user.id))) return 'invalid';
    await members.insertMembership(tx, user.id, invitation.role);
    await audit.record(
      {
        action: 'member.joined',
        tenantId: tx.tenantId,
        actorUserId: user.id,
        actorEmail: user.email,
        target: { type: 'user', id: user.id },
        details: { via: origin.via, role: invitation.role, invitation_id: invitation.id, invited_by: invitation.invitedBy },
      },
      origin.context,
      tx,
    );
    return 'joined';
  }

  const planLimit = async (tenantId: string) => {
    const tenant = await tenants.requireTenant(tenantId);
    return { tenant, limit: findPlan(tenant.plan)?.limits.members ?? null };
  };

  const service = {
    /**
     * Invites `email` with `role` and mails the link. Inviting an address that has an open invitation
     * renews it (new token, new expiry, the new role) and sends it again.
     */
    async invite(tenantId: string, actor: MemberActor, input: { email: string; role: string }, origin: ChangeOrigin): Promise<Invitation> {
      const email = normalizeEmail(input.email);
      const role = input.role.trim();
      const errors: Record<string, string> = {};
      if (!EMAIL_RE.test(email) || !isPlainAddress(email)) errors.email = 'Enter a valid email address, like name@company.com';
      if (!isMemberRole(role) && !isCustomRoleKey(role)) errors.role = `Choose one of: ${MEMBER_ROLES.join(', ')}, or one of the workspace's own roles`;
      if (Object.keys(errors).length > 0) throw validationFailed(errors, errors.email ?? `Unknown role. ${errors.role}.`);
      const { tenant, limit } = await planLimit(tenantId);
      const existingUser = await auth.users.findByEmail(email);
      const { token, tokenHash, expiresAt } = newToken();
      try {
        const { row, inviterName } = await deps.database.withTenant(tenantId, async (tx) => {
          await members.lockOwners(tx);
          if (isCustomRoleKey(role) && !(await roles.shareLockByKey(tx, role))) throw validationFailed({ role: 'This role no longer exists; pick another' });
          const catalog = await loadRoleCatalog(tx);
          const me = await actorNow(tx, actor);
          if (!mayGive(catalog, actor, me.role, role)) throw notAllowed(role, catalog);
          if (existingUser && (await members.findMembership(tx, existingUser.id))) {
            throw new AppError('conflict', `${email} is already a member of this workspace. Change their role in the list instead.`, { email: 'Already a member of this workspace' });
          }
          if (limit !== null && (await members.countMembers(tx)) >= limit) {
            throw new AppError('plan_limit_reached', `The ${tenant.plan} plan allows at most ${limit} members; upgrade the plan to invite more`);
          }
          const open = await repo.lockOpenByEmail(tx, email);
          let row: InvitationRow;
          if (open) {
            // Re-inviting someone invited with a role above one's own would change that invitation.
            if (!mayGive(catalog, actor, me.role, open.role)) throw notAllowed(open.role, catalog);
            row = await repo.renew(tx, open.id, { role, tokenHash, invitedBy: actor.userId, expiresAt, sendCount: nextSendCount(open) });
          } else {
            row = await repo.insert(tx, { email, role, tokenHash, invitedBy: actor.userId, expiresAt });
          }
          await audit.record(
            {
              action: 'member.invited',
              tenantId,
              actorUserId: actor.userId,
              actorEmail: me.email,
              target: { type: 'invitation', id: row.id },
              details: { via: origin.via, role, email, renewed: Boolean(open) },
            },
            origin.context,
            tx,
          );
          await sendInvitation(tx, tenant, me.name, email, catalog.label(role), token);
          return { row, inviterName: me.name };
        });
        return toInvitation({ ...row, inviterName });
      } catch (err) {
        // Two invitations of one address at the same moment: the other one won.
        if (uniqueViolation(err)?.includes('invitations_pending_email')) throw new AppError('conflict', 'This address was invited a moment ago. Reload the page to see the invitation.');
        throw err;
      }
    },

    /** Sends an open invitation again with a new token (the old link stops working) and a new 7-day expiry. */
    async resend(tenantId: string, actor: MemberActor, invitationId: string, origin: ChangeOrigin): Promise<Invitation> {
      if (!UUID_RE.test(invitationId)) throw notFound('Invitation');
      const { tenant } = await planLimit(tenantId);
      const { token, tokenHash, expiresAt } = newToken();
      const { row, inviterName } = await deps.database.withTenant(tenantId, async (tx) => {
        const open = await repo.lockOpenById(tx, invitationId);
        if (!open) throw notFound('Invitation');
        const catalog = await loadRoleCatalog(tx);
        const me = await actorNow(tx, actor);
        if (!mayGive(catalog, actor, me.role, open.role)) throw notAllowed(open.role, catalog);
        const row = await repo.renew(tx, open.id, { role: open.role, tokenHash, invitedBy: actor.userId, expiresAt, sendCount: nextSendCount(open) });
        await audit.record(
          {
            action: 'member.invitation_resent',
            tenantId,
            actorUserId: actor.userId,
            actorEmail: me.email,
            target: { type: 'invitation', id: row.id },
            details: { via: origin.via, role: row.role, email: row.email, sends_today: row.sendCount },
          },
          origin.context,
          tx,
        );
        await sendInvitation(tx, tenant, me.name, row.email, catalog.label(row.role), token);
        return { row, inviterName: me.name };
      });
      return toInvitation({ ...row, inviterName });
    },

    /** Revokes an open invitation: its link stops working at once. */
    async revoke(tenantId: string, actor: MemberActor, invitationId: string, origin: ChangeOrigin): Promise<void> {
      if (!UUID_RE.test(invitationId)) throw notFound('Invitation');
      await deps.database.withTenant(tenantId, async (tx) => {
        const open = await repo.lockOpenById(tx, invitationId);
        if (!open) throw notFound('Invitation');
        const catalog = await loadRoleCatalog(tx);
        const me = await actorNow(tx, actor);
        if (!mayGive(catalog, actor, me.role, open.role)) throw new AppError('forbidden', `You cannot revoke an invitation as ${roleName(open.role, catalog)}: that role is above your own.`);
        await repo.revoke(tx, open.id);
        await audit.record(
          {
            action: 'member.invitation_revoked',
            tenantId,
            actorUserId: actor.userId,
            actorEmail: me.email,
            target: { type: 'invitation', id: open.id },
            details: { via: origin.via, role: open.role, email: open.email },
          },
          origin.context,
          tx,
        );
      });
    },

    /** Invitations not accepted nor revoked (expired ones too, marked, so they can be re-sent), oldest first. */
    async listPending(tenantId: string): Promise<Invitation[]> {
      const rows = await deps.database.withTenant(tenantId, (tx) => repo.listOpen(tx));
      const now = Date.now();
      return rows.map((r) => toInvitation(r, now));
    },

    /** The pending invitation behind a token, for its page; null for any token that cannot be accepted. */
    async preview(tenantId: string, token: string): Promise<InvitationPreview | null> {
      if (!TOKEN_RE.test(token)) return null;
      return deps.database.withTenant(tenantId, async (tx) => {
        const row = await repo.lockPendingByTokenHash(tx, hashInvitationToken(token));
        if (!row) return null;
        const [inviter] = row.invitedBy ? await members.listMembersWithUsers(tx, row.invitedBy) : [];
        return { email: row.email, role: row.role, roleLabel: (await loadRoleCatalog(tx)).label(row.role), inviterName: inviter?.name ?? null };
      });
    },

    /** The signed-in `user` accepts: only with the invited address, once. */
    async accept(tenantId: string, token: string, user: { id: string; email: string }, origin: ChangeOrigin): Promise<AcceptResult> {
      if (!TOKEN_RE.test(token)) return 'invalid';
      const { limit } = await planLimit(tenantId);
      const result = await deps.database.withTenant(tenantId, async (tx): Promise<AcceptResult> => {
        await members.lockOwners(tx);
        const invitation = await repo.lockPendingByTokenHash(tx, hashInvitationToken(token));
        if (!invitation) return 'invalid';
        if (normalizeEmail(user.email) !== invitation.email) return 'wrong_email';
        return join(tx, invitation, user, limit, origin);
      });
      if (result === 'joined') await tenants.refreshMembership(tenantId, user.id);
      return result;
    },

    /**
     * Someone without an account accepts: the account is created with the invited address, marked
     * confirmed (opening the link proved the mailbox), and joins, in one transaction.
     */
    async acceptAsNewUser(tenantId: string, token: string, input: { name: string; password: string }, origin: ChangeOrigin): Promise<AcceptAsNewUserResult> {
      if (!TOKEN_RE.test(token)) return { result: 'invalid' };
      const name = input.name.trim();
      const fields: Record<string, string> = {};
      if (!name) fields.name = 'Enter your name';
      else if (name.length > 100) fields.name = 'Use at most 100 characters';
      const passwordProblem = checkPasswordPolicy(input.password);
      if (passwordProblem) fields.password = passwordProblem;
      if (Object.keys(fields).length > 0) return { result: 'bad_input', fields };
      const { limit } = await planLimit(tenantId);
      const passwordHash = await auth.hashPassword(input.password);
      let outcome: AcceptAsNewUserResult;
      try {
        outcome = await deps.database.withTenant(tenantId, async (tx): Promise<AcceptAsNewUserResult> => {
          await members.lockOwners(tx);
          const invitation = await repo.lockPendingByTokenHash(tx, hashInvitationToken(token));
          if (!invitation) return { result: 'invalid' };
          if (await auth.users.findByEmail(invitation.email, tx)) return { result: 'account_exists' };
          // The users table is global (no row-level security): the account and the membership commit together.
          const user = await auth.users.insertWithPassword(tx as unknown as Tx, { email: invitation.email, name, passwordHash, emailVerified: true });
          await audit.record(
            { action: 'auth.signup', actorUserId: user.id, actorEmail: user.email, target: { type: 'user', id: user.id }, details: { via: 'invitation', method: 'password' } },
            origin.context,
            tx,
          );
          const joined = await join(tx, invitation, { id: user.id, email: user.email }, limit, origin);
          if (joined === 'joined') return { result: 'joined', userId: user.id };
          // Nothing is kept of an account that could not join.
          throw new JoinFailed(joined === 'plan_limit' ? 'plan_limit' : 'invalid');
        });
      } catch (err) {
        if (err instanceof JoinFailed) return { result: err.result };
        if (uniqueViolation(err)?.includes('email')) return { result: 'account_exists' };
        throw err;
      }
      if (outcome.result === 'joined') await tenants.refreshMembership(tenantId, outcome.userId);
      return outcome;
    },
  };
  return service;
}

/** Rolls back the account made for an invitation that could not be accepted. */
class JoinFailed extends Error {
  constructor(readonly result: 'invalid' | 'plan_limit') {
    super(result);
  }
}

export type InvitationsService = ReturnType<typeof createInvitationsService>;
