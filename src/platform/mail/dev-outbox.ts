/** Dev outbox: messages are written as JSON files under DATA_DIR/mail (or kept in memory) instead of sent. */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { assertSafeMessage, type Mailer, type SentMail } from './mailer.js';

export function createDevOutbox(options: { dir: string | null; from: string }): Mailer {
  const memory: SentMail[] = [];
  return {
    async send(message) {
      assertSafeMessage(message, options.from);
      const mail: SentMail = { ...message, id: crypto.randomUUID(), from: options.from, sentAt: new Date().toISOString() };
      if (options.dir) {
        await fs.mkdir(options.dir, { recursive: true });
        await fs.writeFile(path.join(options.dir, `${mail.sentAt.replace(/[:.]/g, '-')}-${mail.id}.json`), JSON.stringify(mail, null, 2));
      } else memory.unshift(mail);
      return { id: mail.id };
    },
    async listOutbox(limit = 50) {
      if (!options.dir) return memory.slice(0, limit);
      const names = (await fs.readdir(options.dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
      names.sort().reverse();
      return Promise.all(names.slice(0, limit).map(async (n) => JSON.parse(await fs.readFile(path.join(options.dir!, n), 'utf8')) as SentMail));
    },
    async close() {},
  };
}
