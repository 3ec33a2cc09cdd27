/**
 * Dev outbox for text messages: kept in memory (tests) or written as JSON files under DATA_DIR/sms,
 * never sent. Each message logs one line saying where it went; the line holds neither the number
 * nor the text (which carries a code).
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { SentSms, SmsSender } from './sms.js';

export function createDevSmsOutbox(options: { dir: string | null; log: { info(obj: object, msg: string): void } }): SmsSender {
  const memory: SentSms[] = [];
  return {
    async send(message) {
      const sms: SentSms = { ...message, id: crypto.randomUUID(), sentAt: new Date().toISOString() };
      if (options.dir) {
        await fs.mkdir(options.dir, { recursive: true });
        const file = path.join(options.dir, `${sms.sentAt.replace(/[:.]/g, '-')}-${sms.id}.json`);
        await fs.writeFile(file, JSON.stringify(sms, null, 2), { mode: 0o600 });
        options.log.info({ sms: sms.id, file }, 'text message written to the dev outbox (not sent)');
      } else {
        memory.unshift(sms);
        options.log.info({ sms: sms.id }, 'text message kept in the in-memory dev outbox (not sent)');
      }
      return { id: sms.id };
    },
    async listOutbox(limit = 50) {
      if (!options.dir) return memory.slice(0, limit);
      const names = (await fs.readdir(options.dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
      names.sort().reverse();
      return Promise.all(names.slice(0, limit).map(async (n) => JSON.parse(await fs.readFile(path.join(options.dir!, n), 'utf8')) as SentSms));
    },
    async close() {},
  };
}
