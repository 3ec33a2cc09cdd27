// Counting TCP proxies for `npm run bench`: put one between the app and PostgreSQL or Redis, send a few
// requests one at a time, and read how many statements and commands each request cost. Unlike req/s,
// these counts do not depend on how busy the machine is.
//
// PostgreSQL: counts the client's Sync ('S') and Query ('Q') messages, i.e. statements that wait for
// the server (a transaction of BEGIN + 2 statements + COMMIT counts 4). Redis: counts commands by name.
import { Buffer } from 'node:buffer';
import net from 'node:net';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

/** Parses the frontend (client -> server) side of the PostgreSQL protocol, counting messages that wait for the server. */
function pgCounter(stats) {
  let buf = Buffer.alloc(0);
  let untyped = true; // startup, SSLRequest and GSSENCRequest have no type byte
  let gaveUp = false;
  return (chunk) => {
    if (gaveUp) return;
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      if (untyped) {
        if (buf.length < 8) return;
        const len = buf.readInt32BE(0);
        const code = buf.readInt32BE(4);
        if (buf.length < len) return;
        buf = buf.subarray(len);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) continue; // the real startup message follows (or TLS: see below)
        untyped = false;
        stats.connections++;
        continue;
      }
      if (buf.length < 5) return;
      const type = String.fromCharCode(buf[0]);
      const len = buf.readInt32BE(1);
      if (len < 4 || len > 1 << 30) {
        gaveUp = true; // encrypted or not PostgreSQL: stop counting rather than count garbage
        stats.unparsed = true;
        return;
      }
      if (buf.length < 1 + len) return;
      if (type === 'S' || type === 'Q') stats.statements++;
      buf = buf.subarray(1 + len);
    }
  };
}

/** Parses RESP arrays (client -> server), counting commands by name. */
function redisCounter(stats) {
  let buf = Buffer.alloc(0);
  let gaveUp = false;
  const line = (from) => {
    const end = buf.indexOf('\r\n', from);
    return end === -1 ? null : { text: buf.subarray(from, end).toString('latin1'), next: end + 2 };
  };
  return (chunk) => {
    if (gaveUp) return;
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      if (buf.length === 0) return;
      if (buf[0] !== 0x2a /* '*' */) {
        gaveUp = true; // inline commands or TLS: not counted
        stats.unparsed = true;
        return;
      }
      const head = line(0);
      if (!head) return;
      const n = Number(head.text.slice(1));
      let pos = head.next;
      let name = null;
      for (let i = 0; i < n; i++) {
        const lenLine = line(pos);
        if (!lenLine) return;
        const len = Number(lenLine.text.slice(1));
        if (buf.length < lenLine.next + len + 2) return;
        if (i === 0) name = buf.subarray(lenLine.next, lenLine.next + len).toString('latin1').toUpperCase();
        pos = lenLine.next + len + 2;
      }
      stats.commands++;
      stats.byName[name] = (stats.byName[name] ?? 0) + 1;
      buf = buf.subarray(pos);
    }
  };
}

/**
 * Starts a proxy on 127.0.0.1 (random port) to `target` ({host, port}), counting `kind` traffic
 * ('postgres' or 'redis'). Returns {port, stats(), reset(), close()}.
 */
export async function startCountingProxy(kind, target) {
  const fresh = () => (kind === 'postgres' ? { connections: 0, statements: 0, unparsed: false } : { commands: 0, byName: {}, unparsed: false });
  const stats = fresh();
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    const count = kind === 'postgres' ? pgCounter(stats) : redisCounter(stats);
    client.on('data', (d) => {
      count(d);
      upstream.write(d);
    });
    upstream.on('data', (d) => client.write(d));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    stats: () => JSON.parse(JSON.stringify(stats)),
    reset: () => {
      Object.assign(stats, fresh());
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
