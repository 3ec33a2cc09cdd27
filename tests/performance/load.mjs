// Load generator for `npm run bench`: one target, a warm-up run, then the measured run.
// Runs in its own process so it can be pinned to a core apart from the server under test.
//
//   node tests/performance/load.mjs '{"url":"http://127.0.0.1:8000/","headers":{},"connections":50,"duration":10,"warmup":2,"tool":"autocannon"}'
//
// Prints one JSON line: {tool, url, connections, duration, requests, rps, p50, p99, status, non2xx, errors, timeouts}.
// `tool` is "autocannon" (default, programmatic API) or "wrk" (when installed).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import autocannon from 'autocannon';

const spec = JSON.parse(process.argv[2] ?? '{}');
const { url, headers = {}, connections = 50, duration = 10, warmup = 2, tool = 'autocannon' } = spec;
if (!url) {
  process.stderr.write('load.mjs: url is required\n');
  process.exit(2);
}

async function runAutocannon(seconds) {
  const result = await autocannon({ url, connections, duration: seconds, headers, pipelining: 1 });
  const status = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) status[code] = count;
  const measured = result.duration > 0 ? result.duration : seconds;
  return {
    requests: result.requests.total,
    seconds: measured,
    rps: result.requests.total / measured,
    // autocannon records latencies of 2xx responses only.
    p50: result.latency.p50,
    p99: result.latency.p99,
    status,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

function wrkMs(text) {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!m) return null;
  const value = Number(m[1]);
  return { us: value / 1000, ms: value, s: value * 1000, m: value * 60_000 }[m[2]];
}

// wrk reports only "Non-2xx or 3xx responses"; this script counts every status so a redirect to the
// login page is not mistaken for a page.
const WRK_STATUS_SCRIPT = `
statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, n in pairs(s) do
      io.write(string.format("status %d %d\\n", code, n))
    end
  end
end
`;

function runWrk(seconds) {
  const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-wrk-')), 'status.lua');
  fs.writeFileSync(script, WRK_STATUS_SCRIPT);
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '--timeout', '10s', '-s', script];
  // wrk adds its own `Host` unless one spelled exactly "Host" is given: two Host headers would make
  // the tenant depend on which one the server reads first.
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name.toLowerCase() === 'host' ? 'Host' : name}: ${value}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      fs.rmSync(path.dirname(script), { recursive: true, force: true });
      if (code !== 0) return reject(new Error(`wrk exited with ${code}: ${err || out}`));
      const requests = Number(/(\d+) requests in ([\d.]+)(ms|s|m)/.exec(out)?.[1] ?? NaN);
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
      const dist = /Latency Distribution[\s\S]*?50%\s+(\S+)[\s\S]*?99%\s+(\S+)/.exec(out);
      const status = {};
      for (const m of out.matchAll(/^status (\d+) (\d+)$/gm)) status[m[1]] = Number(m[2]);
      const non2xx = Object.entries(status).reduce((n, [code, count]) => (code.startsWith('2') ? n : n + count), 0);
      const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      const errors = sock ? Number(sock[1]) + Number(sock[2]) + Number(sock[3]) : 0;
      const timeouts = sock ? Number(sock[4]) : 0;
      resolve({ requests, seconds, rps, p50: dist ? wrkMs(dist[1]) : null, p99: dist ? wrkMs(dist[2]) : null, status, non2xx, errors, timeouts });
    });
  });
}

const run = tool === 'wrk' ? runWrk : runAutocannon;
try {
  if (warmup > 0) await run(warmup);
  process.stderr.write('measuring\n'); // lets the caller take CPU readings over the measured part only
  const result = await run(duration);
  process.stdout.write(JSON.stringify({ tool, url, connections, duration, ...result }) + '\n');
} catch (err) {
  process.stderr.write(`load.mjs: ${err?.stack ?? err}\n`);
  process.exit(1);
}
