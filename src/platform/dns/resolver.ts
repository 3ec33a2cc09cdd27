/**
 * The DNS port: TXT lookups for proving control of a domain. The system adapter asks the resolvers
 * of the host (node:dns) with a time limit; tests pass their own records instead.
 */
import { Resolver } from 'node:dns/promises';

export interface DnsResolver {
  /**
   * The TXT records at `name`, each as its character strings (join them for the record's value).
   * No record (or no such name): an empty list. Throws `DnsLookupError` when the answer is unknown
   * (timeout, server failure): the caller should try again later.
   */
  resolveTxt(name: string): Promise<string[][]>;
}

/** The lookup did not get an answer; trying again later may. */
export class DnsLookupError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'DnsLookupError';
  }
}

/** Codes that mean "there is no such record", an answer in itself. */
const NO_RECORD = new Set(['ENOTFOUND', 'ENODATA']);

const DEFAULT_TIMEOUT_MS = 5000;

export function createSystemResolver(options: { timeoutMs?: number; servers?: string[]; resolver?: Pick<Resolver, 'resolveTxt' | 'cancel'> } = {}): DnsResolver {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Two tries of half the time each, and a timer over both: a resolver that never answers cannot hold a job.
  const resolver = options.resolver ?? new Resolver({ timeout: Math.ceil(timeoutMs / 2), tries: 2 });
  if (options.servers?.length && resolver instanceof Resolver) resolver.setServers(options.servers);
  return {
    async resolveTxt(name) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          resolver.cancel();
          reject(new DnsLookupError(`DNS lookup of ${name} timed out after ${timeoutMs} ms`, 'ETIMEOUT'));
        }, timeoutMs);
      });
      try {
        return await Promise.race([resolver.resolveTxt(name), timeout]);
      } catch (err) {
        if (err instanceof DnsLookupError) throw err;
        const code = (err as { code?: unknown }).code;
        if (typeof code === 'string' && NO_RECORD.has(code)) return [];
        throw new DnsLookupError(`DNS lookup of ${name} failed: ${typeof code === 'string' ? code : (err as Error).message}`, typeof code === 'string' ? code : 'EUNKNOWN');
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
