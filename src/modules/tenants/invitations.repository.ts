/** All SQL for invitations. Every query runs in a tenant-scoped transaction: row-level security admits that tenant's rows only. */
import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { TenantDb } from '../../platform/db/database.js';
import { users } from '../auth/auth.tables.js';
import { invitations } from './tenants.tables.js';

export type InvitationRow = typeof invitations.$inferSelect;

/** Not accepted and not revoked (it may have expired: it still holds the address's one pending slot). */
const open = and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt));

export function createInvitationsRepository() {
  return {
    /** The open invitation of `email`, locked for the rest of the transaction. */
    async lockOpenByEmail(tx: TenantDb, email: string): Promise<InvitationRow | null> {
      const [row] = await tx
        .select()
        .from(invitations)
        .where(and(eq(invitations.tenantId, tx.tenantId), eq(invitations.email, email), open))
        .limit(1)
        .for('update');
      return row ?? null;
    },
    /** An open invitation by id, locked. */
    async lockOpenById(tx: TenantDb, id: string): Promise<InvitationRow | null> {
      const [row] = await tx
        .select()
        .from(invitations)
        .where(and(eq(invitations.tenantId, tx.tenantId), eq(invitations.id, id), open))
        .limit(1)
        .for('update');
      return row ?? null;
    },
    /** The pending (open and not expired) invitation whose token has this hash, locked: a concurrent accept waits, then finds it used. */
    async lockPendingByTokenHash(tx: TenantDb, tokenHash: string): Promise<InvitationRow | null> {
      const [row] = await tx
        .select()
        .from(invitations)
        .where(and(eq(invitations.tenantId, tx.tenantId), eq(invitations.tokenHash, tokenHash), open, gt(invitations.expiresAt, sql`now()`)))
        .limit(1)
        .for('update');
      return row ?? null;
    },
    async insert(tx: TenantDb, values: { email: string; role: string; tokenHash: string; invitedBy: string; expiresAt: Date }): Promise<InvitationRow> {
      const [row] = await tx
        .insert(invitations)
        .values({ tenantId: tx.tenantId, ...values })
        .returning();
      return row!;
    },
    /** A new token and expiry for an open invitation (re-invite or resend). */
    async renew(tx: TenantDb, id: string, values: { role: string; tokenHash: string; invitedBy: string; expiresAt: Date; sendCount: number }): Promise<InvitationRow> {
      const [row] = await tx
        .update(invitations)
        .set({ ...values, lastSentAt: new Date() })
        .where(and(eq(invitations.tenantId, tx.tenantId), eq(invitations.id, id)))
        .returning();
      return row!;
    },
    async revoke(tx: TenantDb, id: string): Promise<boolean> {
      const rows = await tx
        .update(invitations)
        .set({ revokedAt: new Date() })
        .where(and(eq(invitations.tenantId, tx.tenantId), eq(invitations.id, id), open))
        .returning({ id: invitations.id });
      return rows.length > 0;
    },
    /** Single use: only the first of two concurrent accepts gets the row back. */
    async markAccepted(tx: TenantDb, id: string, userId: string): Promise<boolean> {
      const rows = await tx
        .update(invitations)
        .set({ acceptedAt: new Date(), acceptedBy: userId })
        .where(and(eq(invitations.tenantId, tx.tenantId), eq(invitations.id, id), open))
        .returning({ id: invitations.id });
      return rows.length > 0;
    },
    /** Open invitations (expired ones included, so they can be re-sent) with the inviter's name, newest first. */
    async listOpen(tx: TenantDb): Promise<(InvitationRow & { inviterName: string | null })[]> {
      const rows = await tx
        .select({ invitation: invitations, inviterName: users.name })
        .from(invitations)
        .leftJoin(users, eq(users.id, invitations.invitedBy))
        .where(and(eq(invitations.tenantId, tx.tenantId), open))
        .orderBy(asc(invitations.createdAt));
      return rows.map((r) => ({ ...r.invitation, inviterName: r.inviterName }));
    },
  };
}
