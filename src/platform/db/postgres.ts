/** PostgreSQL adapter: postgres.js pool (prepared statements, pipelining), switched to the app role on connect. */
import postgres from 'postgres';
import { drizzle, PostgresJsDatabase, PostgresJsSession } from 'drizzle-orm/postgres-js';
import { PgDialect } from 'drizzle-orm/pg-core';
import { APP_ROLE, createDatabase, UUID_RE, type Database, type Db, type TenantDb } from './database.js';

export interface PostgresOptions {
  url: string;
  poolSize: number;
  /** Connect as the app role (row-level security applies). False for migrations and admin tasks, which run as the owner. */
  asAppRole: boolean;
}

export function openPostgres({ url, poolSize, asAppRole }: PostgresOptions): Database {
  const client = postgres(url, {
    max: poolSize,
    onnotice: () => {},
    // Any startup parameter is a session setting: `role` makes every pooled connection the non-owner app role.
    connection: asAppRole ? { role: APP_ROLE, application_name: 'saas-app' } : { application_name: 'saas-admin' },
    idle_timeout: 60,
    connect_timeout: 10,
  });
  const db = drizzle(client) as unknown as Db;
  // drizzle(client) set up the pool's type parsers, which reserved connections share; a reserved
  // connection only needs its own light session object.
  const dialect = new PgDialect();
  const onReserved = (reserved: postgres.ReservedSql) =>
    new PostgresJsDatabase(dialect, new PostgresJsSession(reserved as unknown as postgres.Sql, dialect, undefined, {}), undefined) as unknown as Db;
  const database = createDatabase('postgres', db, () => client.end({ timeout: 5 }));

  /**
   * A tenant-scoped transaction in as few round trips as the work allows: BEGIN, the tenant setting
   * and the first query of `fn` leave in one write on a connection reserved for this transaction
   * (postgres.js pipelines, and one connection runs statements in the order sent); COMMIT follows.
   * A plain `db.transaction()` would wait for each of BEGIN and set_config first: two more round trips
   * on the hottest path of the app.
   */
  async function withTenant<T>(tenantId: string, fn: (tx: TenantDb) => Promise<T>): Promise<T> {
    if (!UUID_RE.test(tenantId)) throw new Error('withTenant: tenantId must be a uuid');
    const reserved = await client.reserve();
    let open = false;
    try {
      // One simple-protocol message for both statements (a write syscall each is a large part of the cost);
      // inlining is safe because tenantId is a validated uuid.
      const opening = reserved.unsafe(`begin; select set_config('app.tenant_id', '${tenantId}', true)`).execute();
      opening.catch(() => undefined); // observed below; if `fn` fails first, its error is the one to report
      open = true;
      const tx = Object.assign(onReserved(reserved), { tenantId });
      const result = await fn(tx);
      await opening;
      await reserved`commit`;
      open = false;
      return result;
    } catch (err) {
      if (open) await reserved`rollback`.catch(() => undefined);
      throw err;
    } finally {
      reserved.release();
    }
  }

  return { ...database, withTenant };
}
