/**
 * The database port: one Drizzle handle over either PostgreSQL (postgres.js) or embedded PGlite.
 * Feature code sees only `Database`; which engine is behind it is decided in the composition root.
 */
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';

/** A Drizzle handle; the same type for the pool, a transaction and a tenant-scoped transaction. */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, never>>;
export type Tx = PgTransaction<PgQueryResultHKT, Record<string, never>, ExtractTablesWithRelations<Record<string, never>>>;
/** A handle whose queries run inside a transaction with `app.tenant_id` set: row-level security admits that tenant's rows only. */
export type TenantDb = Db & { readonly tenantId: string };

/** The role the application switches to after connecting. It owns no table, so row-level security applies to it. */
export const APP_ROLE = 'saas_app';

export interface Database {
  /** 'postgres' or 'pglite'; for diagnostics only: feature code must not branch on it. */
  readonly kind: 'postgres' | 'pglite';
  /** Unscoped handle for tables without row-level security (users, sessions, the tenant directory). */
  readonly db: Db;
  /** Runs `fn` in one transaction where row-level security admits only `tenantId`'s rows. */
  withTenant<T>(tenantId: string, fn: (tx: TenantDb) => Promise<T>): Promise<T>;
  /**
   * Runs read-only `fn` with row-level security admitting only `tenantId`'s rows, each statement in
   * as few round trips as the engine allows. Statements are read-only and scoped one by one; they do
   * not share a snapshot: use `withTenant` when several reads must agree or anything is written.
   */
  readTenant<T>(tenantId: string, fn: (tx: TenantDb) => Promise<T>): Promise<T>;
  /** Runs `fn` in one transaction with the acting user set (`app.user_id`), for user-scoped policies. */
  withUser<T>(userId: string, fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Runs `fn` in one plain transaction. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Builds the `Database` facade over a Drizzle handle; shared by both engines so scoping is written once. */
export function createDatabase(kind: Database['kind'], db: Db, close: () => Promise<void>): Database {
  const transaction = <T>(fn: (tx: Tx) => Promise<T>) => db.transaction((tx) => fn(tx as unknown as Tx));
  const tenantTransaction = <T>(tenantId: string, fn: (tx: TenantDb) => Promise<T>, readOnly: boolean) => {
    // A malformed id would only make the cast in the policy fail; reject it before it reaches SQL.
    if (!UUID_RE.test(tenantId)) throw new Error('withTenant: tenantId must be a uuid');
    return transaction(async (tx) => {
      if (readOnly) await tx.execute(sql`set transaction read only`);
      // Not awaited before `fn` runs: the setting and fn's first query go out together (one round trip
      // fewer) and, on the transaction's single connection, run in the order they were sent.
      const setting = tx.execute(sql`select set_config('app.tenant_id', ${tenantId}, true)`).then(() => undefined);
      const [, result] = await Promise.all([setting, fn(Object.assign(tx, { tenantId }) as TenantDb)]);
      return result;
    });
  };
  return {
    kind,
    db,
    transaction,
    withTenant: (tenantId, fn) => tenantTransaction(tenantId, fn, false),
    readTenant: (tenantId, fn) => tenantTransaction(tenantId, fn, true),
    withUser(userId, fn) {
      if (!UUID_RE.test(userId)) throw new Error('withUser: userId must be a uuid');
      return transaction(async (tx) => {
        await tx.execute(sql`select set_config('app.user_id', ${userId}, true)`);
        return fn(tx);
      });
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    close,
  };
}
