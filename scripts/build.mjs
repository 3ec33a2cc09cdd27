#!/usr/bin/env node
// Builds what the app needs to run from compiled JS: vendor scripts, CSS, and dist/ (TypeScript).
// Each step is skipped when its output is newer than its inputs, so `npm start` is quick after the first time.
// Usage: node scripts/build.mjs [--force] [--only=ts|css|vendor|db]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const force = args.has('--force');
const only = [...args].find((a) => a.startsWith('--only='))?.slice('--only='.length);
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function newestMtime(dir, exts) {
  let newest = 0;
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (exts.some((e) => entry.name.endsWith(e))) newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return newest;
}
const mtime = (p) => (fs.existsSync(p) ? fs.statSync(p).mtimeMs : 0);

/** Compilers leave unchanged outputs untouched; the output's time is our "up to date" marker, so set it. */
function touch(file) {
  const now = new Date();
  if (fs.existsSync(file)) fs.utimesSync(file, now, now);
}

function run(label, cmd, cmdArgs) {
  const t = Date.now();
  const result = spawnSync(cmd, cmdArgs, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    console.error(`build: ${label} failed`);
    process.exit(result.status ?? 1);
  }
  console.log(`build: ${label} (${Date.now() - t} ms)`);
}

// 1. Vendor scripts, served from our own origin (no CDN).
if (!only || only === 'vendor') {
  const vendorDir = path.join(root, 'public/assets/vendor');
  fs.mkdirSync(vendorDir, { recursive: true });
  const files = [
    ['node_modules/htmx.org/dist/htmx.min.js', 'htmx.min.js'],
    ['node_modules/@alpinejs/csp/dist/cdn.min.js', 'alpine-csp.min.js'],
    ['node_modules/@simplewebauthn/browser/dist/bundle/index.umd.min.js', 'simplewebauthn-browser.min.js'],
  ];
  for (const [from, to] of files) {
    const src = path.join(root, from);
    const dest = path.join(vendorDir, to);
    if (force || mtime(dest) < mtime(src)) fs.copyFileSync(src, dest);
  }
}

// 2. CSS: Tailwind scans the views and client scripts.
if (!only || only === 'css') {
  const out = path.join(root, 'public/assets/app.css');
  const inputs = Math.max(newestMtime(path.join(root, 'src'), ['.tsx', '.css']), newestMtime(path.join(root, 'public/assets'), ['.js']));
  if (force || mtime(out) < inputs) {
    run('css', bin('tailwindcss'), ['-i', 'src/platform/assets/styles.css', '-o', 'public/assets/app.css', '--minify']);
    touch(out);
  }
}

// 3. TypeScript -> dist/
if (!only || only === 'ts') {
  const marker = path.join(root, 'dist/src/main.js');
  const inputs = Math.max(newestMtime(path.join(root, 'src'), ['.ts', '.tsx']), mtime(path.join(root, 'tsconfig.json')), mtime(path.join(root, 'tsconfig.build.json')));
  if (force || mtime(marker) < inputs) {
    run('typescript', bin('tsc'), ['-p', 'tsconfig.build.json']);
    touch(marker);
  }
}

// 4. The embedded database's template cluster (initdb, a few seconds, once per PGlite version), so a
//    new data directory starts from a file copy, and a copy of it with the migrations applied (once
//    per set of migrations). Kept in node_modules/.cache; the app makes the first itself if it is
//    missing, and migrates a new data directory itself when the second is.
if (!only || only === 'db') {
  const t = Date.now();
  const { ensureTemplateCluster } = await import(path.join(root, 'dist/src/platform/db/pglite.js'));
  const made = await ensureTemplateCluster().then(
    (dir) => ({ dir, fresh: Date.now() - t > 500 }),
    (err) => {
      console.error(`build: embedded database template failed: ${err.message}`);
      process.exit(1);
    },
  );
  if (made.fresh) console.log(`build: embedded database template in ${path.relative(root, made.dir)} (${Date.now() - t} ms)`);
  // ... and the same with every migration applied, so a new data directory has nothing to migrate.
  const m = Date.now();
  const { ensureMigratedTemplate } = await import(path.join(root, 'dist/src/platform/db/pglite.js'));
  const migrated = await ensureMigratedTemplate().catch((err) => {
    console.error(`build: migrated embedded database template failed: ${err.message}`);
    process.exit(1);
  });
  if (migrated.fresh) console.log(`build: migrated embedded database template in ${path.relative(root, migrated.dir)} (${Date.now() - m} ms)`);
}
