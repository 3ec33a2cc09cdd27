#!/usr/bin/env node
// Runs the test suites with node:test (TypeScript through tsx).
//   node scripts/test.mjs [unit|integration|security|e2e ...]   (default: all)
// Integration and security tests use PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set,
// else an in-memory PGlite and in-memory stores. Browser tests need Chromium (CHROMIUM_PATH or
// /usr/bin/chromium); without it they are skipped, and the run says so.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SUITES = {
  unit: { dir: 'src', match: /\.test\.tsx?$/ },
  integration: { dir: 'tests/integration', match: /\.test\.tsx?$/ },
  security: { dir: 'tests/security', match: /\.test\.tsx?$/ },
  e2e: { dir: 'tests/e2e', match: /\.test\.tsx?$/ },
};
const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const name of requested) {
  if (!SUITES[name]) {
    console.error(`Unknown suite "${name}". Use: ${Object.keys(SUITES).join(', ')}`);
    process.exit(2);
  }
}
const suites = requested.length ? requested : Object.keys(SUITES);

function findFiles(dir, match) {
  const out = [];
  const walk = (d) => {
    if (!fs.existsSync(d)) return;
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (match.test(entry.name)) out.push(path.relative(root, p));
    }
  };
  walk(path.join(root, dir));
  return out.sort();
}

const notes = [];
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
let files = [];
for (const suite of suites) {
  const found = findFiles(SUITES[suite].dir, SUITES[suite].match);
  if (suite === 'e2e' && found.length && !fs.existsSync(chromium)) {
    notes.push(`SKIPPED ${found.length} browser test file(s): Chromium not found at ${chromium}. Install it with: apt-get install -y chromium (or set CHROMIUM_PATH).`);
    continue;
  }
  files.push(...found);
}
if (files.length === 0) {
  console.error('No test files found.');
  process.exit(1);
}

const env = { ...process.env, NODE_ENV: 'test' };
const mode = `${env.DATABASE_URL ? 'PostgreSQL' : 'PGlite (embedded)'} + ${env.REDIS_URL ? 'Redis' : 'in-memory stores'}`;
console.log(`Running ${files.length} test file(s) [${suites.join(', ')}] against ${mode}`);
for (const n of notes) console.log(n);

// Browser tests serve the compiled CSS and vendor scripts: build those (quick when up to date).
if (suites.includes('e2e')) {
  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--only=vendor'], { cwd: root, stdio: 'inherit', env });
  const css = spawnSync(process.execPath, ['scripts/build.mjs', '--only=css'], { cwd: root, stdio: 'inherit', env });
  if (build.status !== 0 || css.status !== 0) process.exit(1);
}

const needsDb = files.some((f) => !f.startsWith('src/'));
if (needsDb) {
  const prep = spawnSync(process.execPath, ['--import', 'tsx', 'tests/support/prepare.ts'], { cwd: root, stdio: 'inherit', env });
  if (prep.status !== 0) process.exit(prep.status ?? 1);
}

const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=120000', ...files],
  { cwd: root, stdio: 'inherit', env },
);
for (const n of notes) console.log(n);
process.exit(result.status ?? 1);
