#!/usr/bin/env node
// Runs the compiled operator CLI (dist/src/cli.js). When the TypeScript sources are newer than the last
// build (a fresh clone, or after an edit), it compiles them first, quietly.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const compiled = path.join(root, 'dist/src/cli.js');
const sources = path.join(root, 'src');

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(file));
    else if (/\.tsx?$/.test(entry.name)) newest = Math.max(newest, mtime(file));
  }
  return newest;
}

// An image that ships only dist/ has no sources to compare with: run what is there.
if (fs.existsSync(sources)) {
  // tsc rewrites only the outputs that changed, so the build-info file dates the last build.
  const built = Math.max(mtime(compiled), mtime(path.join(root, 'dist/.tsbuildinfo-build')));
  const stale = !fs.existsSync(compiled) || built < newestSource(sources);
  if (stale) {
    const result = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--only=ts'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
    if (result.status !== 0) {
      const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
      if (!fs.existsSync(compiled)) {
        process.stderr.write(`saas-cli: compiling the TypeScript sources failed:\n${output}\n`);
        process.exit(1);
      }
      // tsc still writes its output when there are type errors; say so, then run it.
      process.stderr.write(`saas-cli: the TypeScript sources have errors (running the compiled output anyway):\n${output}\n\n`);
    }
  }
}

if (!fs.existsSync(compiled)) {
  process.stderr.write('saas-cli: dist/src/cli.js is missing: run `npm run build` first.\n');
  process.exit(1);
}
await import(pathToFileURL(compiled).href);
