/**
 * The configuration of the benchmark's helper scripts (seed, jobs staging): test mode against
 * DATABASE_URL, quiet logs, no demo data, a data directory of their own.
 */
import crypto from 'node:crypto';
import { loadConfig, type AppConfig } from '../../src/platform/config.js';

export function benchConfig(dataDir: string, extra: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    SECRET_KEY: process.env.SECRET_KEY ?? crypto.randomBytes(36).toString('base64url'),
    DATABASE_URL: process.env.DATABASE_URL!,
    APP_BASE_DOMAIN: 'localhost',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'false',
    ...extra,
  });
}
