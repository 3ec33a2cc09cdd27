/**
 * Benchmark data, made through the app's own services (never raw SQL): one tenant, its owner and
 * 50 data items. Run with tsx against the benchmark database:
 *
 *   DATABASE_URL=postgres://... tsx tests/performance/seed.ts
 *
 * Prints one JSON line on stdout: {"subdomain","email","password","tenantId","userId","items"}.
 * Uses the in-memory cache and job runner on purpose: nothing it caches can go stale in the app's Redis.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { benchConfig } from './bench-config.js';
import { buildDeps } from '../../src/platform/deps.js';
import { createServices } from '../../src/services.js';

const ITEMS = Number(process.env.BENCH_SEED_ITEMS ?? 50);
const PLAN = process.env.BENCH_SEED_PLAN ?? 'premium';

async function main() {
  if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL is required');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'saas-bench-seed-'));
  const config = benchConfig(dataDir);
  const log = pino({ level: 'warn' }, pino.destination(2));
  const deps = await buildDeps(config, log, { migrate: false });
  try {
    const services = createServices(deps);
    const suffix = crypto.randomBytes(4).toString('hex');
    const subdomain = `bench-${suffix}`;
    const email = `owner-${suffix}@example.com`;
    const password = `bench-${crypto.randomBytes(12).toString('base64url')}`;
    const { tenant, userId } = await services.tenants.signUp({ companyName: `Bench ${suffix}`, subdomain, email, password, plan: PLAN });
    const scope = services.tenants.getTenantDb(tenant.id);
    for (let i = 1; i <= ITEMS; i++) {
      await services.data.create(scope, tenant.plan, { name: `Item ${String(i).padStart(3, '0')}`, description: `Sample item number ${i} for the benchmark` }, userId);
    }
    process.stdout.write(JSON.stringify({ subdomain, email, password, tenantId: tenant.id, userId, items: ITEMS }) + '\n');
  } finally {
    await deps.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`seed failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
