/** PostgreSQL adapter: postgres.js pool (prepared statements, pipelining), switched to the app role on connect. */
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { APP_ROLE, createDatabase, type Database, type Db } from './database.js';

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
  return createDatabase('postgres', db, () => client.end({ timeout: 5 }));
}
