// Reference servers for `npm run bench`, so the app's figures can be read as ratios within one run.
//
//   PORT=9000 node tests/performance/baseline-server.mjs            bare node:http: GET / -> {"status":"ok"}
//   PORT=9001 BASELINE_DATABASE_URL=postgres://... BASELINE_ROW_ID=<uuid> node tests/performance/baseline-server.mjs
//                                                                   node:http + postgres.js: one primary-key SELECT per request
//   PORT=9002 BASELINE_DATABASE_URL=postgres://... BASELINE_PAGE_TENANT=<uuid> node tests/performance/baseline-server.mjs
//                                                                   node:http + postgres.js: the page GET /api/data reads (21 rows
//                                                                   under row-level security, one message), as plain JSON
import { Buffer } from 'node:buffer';
import http from 'node:http';
import process from 'node:process';
import postgres from 'postgres';

const port = Number(process.env.PORT ?? 9000);
const host = process.env.HOST ?? '127.0.0.1';
const databaseUrl = process.env.BASELINE_DATABASE_URL;
const body = JSON.stringify({ status: 'ok' });

let handler;
let sql = null;
if (databaseUrl) {
  // Same driver and pool size as the app (postgres.js, 10 connections); prepared statement, one round trip.
  sql = postgres(databaseUrl, {
    max: Number(process.env.BASELINE_POOL_SIZE ?? 10),
    onnotice: () => {},
    ...(process.env.BASELINE_PAGE_TENANT ? { connection: { role: 'saas_app' } } : {}),
  });
  const id = process.env.BASELINE_ROW_ID;
  const pageTenant = process.env.BASELINE_PAGE_TENANT;
  // The statement and message form the app's tenant reads use (src/platform/db/postgres.ts readTenant),
  // as the app role: what the database work of one GET /api/data costs without any framework.
  const pageSql = `set transaction read only; select set_config('app.tenant_id', '${pageTenant}', true); select "id", "tenant_id", "name", "description", "created_by", "created_at", "updated_at" from "data_items" where "data_items"."tenant_id" = '${pageTenant}' order by "data_items"."created_at" desc, "data_items"."id" desc limit '21' offset '0'`;
  if (pageTenant && !/^[0-9a-f-]{36}$/i.test(pageTenant)) throw new Error('BASELINE_PAGE_TENANT must be a uuid');
  const query = pageTenant
    ? async () => (await sql.unsafe(pageSql)).at(-1).slice(0, 20)
    : async () => (await sql`select id, name, subdomain, plan from tenants where id = ${id}`)[0] ?? null;
  handler = async (_req, res) => {
    try {
      const json = JSON.stringify(await query());
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
      res.end(json);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err?.message ?? err));
    }
  };
} else {
  handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
}

const server = http.createServer((req, res) => void handler(req, res));
server.keepAliveTimeout = 65_000;
server.listen(port, host, () => process.stdout.write(`listening on http://${host}:${port}\n`));

const stop = () => {
  server.close();
  server.closeAllConnections();
  if (sql) void sql.end({ timeout: 1 }).finally(() => process.exit(0));
  else process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
