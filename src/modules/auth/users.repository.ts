/** All SQL for users and their credentials. */
import { and, asc, eq, ilike, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database.js';
import { accounts, users } from './auth.tables.js';

export type UserRow = typeof users.$inferSelect;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function createUsersRepository(db: Db) {
  return {
    async findByEmail(email: string, tx: Db | Tx = db): Promise<UserRow | null> {
      const [row] = await tx.select().from(users).where(eq(users.email, normalizeEmail(email))).limit(1);
      return row ?? null;
    },
    async findById(id: string): Promise<UserRow | null> {
      const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
      return row ?? null;
    },
    /** Creates a user with a password credential, in the caller's transaction. */
    async insertWithPassword(tx: Tx, input: { email: string; name: string; passwordHash: string; isSuperAdmin?: boolean; emailVerified?: boolean }): Promise<UserRow> {
      const [user] = await tx
        .insert(users)
        .values({
          email: normalizeEmail(input.email),
          name: input.name,
          isSuperAdmin: input.isSuperAdmin ?? false,
          emailVerified: input.emailVerified ?? false,
        })
        .returning();
      await tx.insert(accounts).values({ userId: user!.id, accountId: user!.id, providerId: 'credential', password: input.passwordHash });
      return user!;
    },
    /** A user whose address a sign-in provider verified, linked to that provider's identity; no password. */
    async insertWithIdentity(tx: Tx, input: { email: string; name: string; provider: string; subject: string; providerEmail: string }): Promise<UserRow> {
      const [user] = await tx.insert(users).values({ email: normalizeEmail(input.email), name: input.name, emailVerified: true }).returning();
      await tx.insert(accounts).values({ userId: user!.id, accountId: input.subject, providerId: input.provider, providerEmail: input.providerEmail });
      return user!;
    },
    async setPassword(userId: string, passwordHash: string): Promise<void> {
      const updated = await db
        .update(accounts)
        .set({ password: passwordHash, updatedAt: new Date() })
        .where(and(eq(accounts.userId, userId), eq(accounts.providerId, 'credential')))
        .returning({ id: accounts.id });
      if (updated.length === 0) await db.insert(accounts).values({ userId, accountId: userId, providerId: 'credential', password: passwordHash });
    },
    /** Moves the account to a confirmed new address, if it still has `fromEmail` (a link works once). */
    async changeEmail(userId: string, fromEmail: string, toEmail: string): Promise<boolean> {
      const updated = await db
        .update(users)
        .set({ email: normalizeEmail(toEmail), emailVerified: true, updatedAt: new Date() })
        .where(and(eq(users.id, userId), eq(users.email, normalizeEmail(fromEmail))))
        .returning({ id: users.id });
      return updated.length > 0;
    },
    /** For accounts whose address is known good without a link (the demo, operator-created users). */
    async markEmailVerified(userId: string): Promise<void> {
      await db.update(users).set({ emailVerified: true, updatedAt: new Date() }).where(eq(users.id, userId));
    },
    async setSuperAdmin(userId: string, value: boolean): Promise<void> {
      await db.update(users).set({ isSuperAdmin: value, updatedAt: new Date() }).where(eq(users.id, userId));
    },
    /** Users by creation date; `ids` narrows to those users (e.g. a tenant's members). */
    async list(filter: { emailContains?: string; ids?: string[]; limit: number }): Promise<UserRow[]> {
      if (filter.ids?.length === 0) return [];
      const where = and(
        filter.emailContains ? ilike(users.email, `%${filter.emailContains.replace(/[%_\\]/g, '\\$&')}%`) : undefined,
        filter.ids ? inArray(users.id, filter.ids) : undefined,
      );
      return db.select().from(users).where(where).orderBy(asc(users.createdAt)).limit(filter.limit);
    },
    async count(): Promise<number> {
      const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
      return row?.n ?? 0;
    },
  };
}
export type UsersRepository = ReturnType<typeof createUsersRepository>;
