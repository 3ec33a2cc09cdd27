/** PostgreSQL adapter: postgres.js pool (prepared statements, pipelining), switched to the app role on connect. */
import postgres from 'postgres';
import { drizzle, PostgresJsDatabase, PostgresJsSession } from 'drizzle-orm/postgres-js';
import { PgDialect } from 'drizzle-orm/pg-core';
import { APP_ROLE, createDatabase, UUID_RE, type Database, type Db, type TenantDb } from './database.js';
import { inlineParams } from './inline-params.js';

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
  /**
   * Runs `work` on a reserved connection in a transaction opened by `opening` (a simple-protocol
   * message starting with BEGIN), sent without waiting so it shares a write with work's first
   * statement; one connection runs statements in the order sent. Commits, or rolls back on failure.
   */
  async function inReservedTransaction<T>(opening: string, work: (reserved: postgres.ReservedSql) => Promise<T>): Promise<T> {
    const reserved = await client.reserve();
    let open = true;
    try {
      const begun = reserved.unsafe(opening).execute();
      begun.catch(() => undefined); // observed below; if `work` fails first, its error is the one to report
      const result = await work(reserved);
      await begun;
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

  function withTenant<T>(tenantId: string, fn: (tx: TenantDb) => Promise<T>): Promise<T> {
    if (!UUID_RE.test(tenantId)) throw new Error('withTenant: tenantId must be a uuid');
    // One simple-protocol message for both statements (a write syscall each is a large part of the cost);
    // inlining is safe because tenantId is a validated uuid.
    return inReservedTransaction(`begin; select set_config('app.tenant_id', '${tenantId}', true)`, (reserved) =>
      fn(Object.assign(onReserved(reserved), { tenantId })),
    );
  }

  /**
   * Tenant reads in one message each: `set transaction read only; select set_config(...); <statement>`
   * goes out as one simple-protocol query, which PostgreSQL runs as one implicit transaction, so the
   * setting holds for the statement and ends with it. Against a transaction of its own (BEGIN with the
   * setting, the statement, COMMIT: three statements, two round trips) this is about 1.5 times the
   * throughput of the list endpoint (docs/admin/benchmarks.md). A simple-protocol message carries no
   * parameters, so a statement is sent this way only when `inlineParams` can write its values as
   * literals without escaping anything; otherwise it is bound as usual in a read-only transaction.
   */
  function readTenant<T>(tenantId: string, fn: (tx: TenantDb) => Promise<T>): Promise<T> {
    if (!UUID_RE.test(tenantId)) throw new Error('readTenant: tenantId must be a uuid');
    const opening = `set transaction read only; select set_config('app.tenant_id', '${tenantId}', true)`;
    const lastResult = (results: unknown) => (results as unknown[])[(results as unknown[]).length - 1];
    const run = async (statement: string, params: unknown[], asValues: boolean): Promise<unknown> => {
      const text = inlineParams(statement, params);
      if (text !== null) {
        const q = client.unsafe(`${opening}; ${text}`);
        return lastResult(await (asValues ? q.values() : q));
      }
      return inReservedTransaction(`begin; ${opening}`, async (reserved) => {
        const q = reserved.unsafe(statement, params as postgres.ParameterOrJSON<never>[]);
        return asValues ? q.values() : q;
      });
    };
    // The part of postgres.js's interface Drizzle's session calls: `await unsafe(...)` or `await unsafe(...).values()`.
    const readClient = {
      unsafe: (statement: string, params: unknown[] = []) => ({
        values: () => run(statement, params, true),
        then: (resolve: (v: unknown) => unknown, reject: (e: unknown) => unknown) => run(statement, params, false).then(resolve, reject),
      }),
      begin: () => {
        throw new Error('readTenant: no transaction inside a read; use withTenant');
      },
    };
    const tx = new PostgresJsDatabase(dialect, new PostgresJsSession(readClient as unknown as postgres.Sql, dialect, undefined, {}), undefined) as unknown as Db;
    return fn(Object.assign(tx, { tenantId }));
  }

  return { ...database, withTenant, readTenant };
}
