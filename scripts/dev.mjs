#!/usr/bin/env node
// Development: the app from sources with restart on change (tsx watch) and Tailwind in watch mode.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

spawnSync(process.execPath, ['scripts/build.mjs', '--only=vendor'], { cwd: root, stdio: 'inherit' });
const children = [
  // --watch=always: plain --watch exits when stdin closes (e.g. under a process manager).
  spawn(bin('tailwindcss'), ['-i', 'src/platform/assets/styles.css', '-o', 'public/assets/app.css', '--watch=always'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] }),
  spawn(bin('tsx'), ['watch', '--clear-screen=false', 'src/main.ts'], { cwd: root, stdio: 'inherit' }),
];
const stop = () => {
  for (const child of children) child.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of children) child.on('exit', (code) => {
  if (code && code !== 0) {
    stop();
    process.exitCode = code;
  }
});
