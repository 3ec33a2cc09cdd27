/**
 * Running `saas-cli` from tests as an operator would: a child process (tsx on src/cli.ts) with a
 * clean environment of our own, against one DATA_DIR. A developer's ./.env must not point a test at
 * a real database, so the stores are blanked unless the test shares the suite's PostgreSQL/Redis.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import assert from 'node:assert/strict';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a CLI child: `dataDir` as DATA_DIR; DATABASE_URL and REDIS_URL kept only with `shareStores`. */
export function cliEnv(dataDir: string, shareStores: boolean): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: 'test',
    SECRET_KEY: 'cli-test-secret-0123456789abcdef-01234567',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    APP_BASE_DOMAIN: 'localhost',
    PORT: '8000',
    PUBLIC_URL: '',
    SMTP_URL: '',
    NO_COLOR: '1',
    FORCE_COLOR: undefined,
    DEBUG: undefined,
  };
  // Empty rather than absent: ./.env would otherwise fill them in.
  if (!shareStores) Object.assign(env, { DATABASE_URL: '', REDIS_URL: '' });
  return env;
}

/** A `saas-cli` runner for one test file; `dataDir` is read at each call (made in `before`). */
export function cliRunner(options: { dataDir: () => string; shareStores: boolean; timeoutMs?: number }) {
  return (...args: string[]): CliResult => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      cwd: ROOT,
      env: cliEnv(options.dataDir(), options.shareStores),
      encoding: 'utf8',
      timeout: options.timeoutMs ?? 60_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
}

export function assertNoStack(r: CliResult): void {
  assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+/, `unexpected stack trace:\n${r.stderr}`);
}

/** Each command line exits 2 (a usage error) with a message matching its pattern, and no stack trace. */
export function assertUsageErrors(cli: (...args: string[]) => CliResult, cases: readonly (readonly [string[], RegExp])[]): void {
  for (const [args, message] of cases) {
    const r = cli(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assertNoStack(r);
  }
}
