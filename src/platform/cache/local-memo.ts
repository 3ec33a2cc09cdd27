/**
 * A small in-process memo in front of the shared cache, for values read on every request (tenant by
 * Host, membership, session). It spares a Redis round trip per request at the price of staleness of up
 * to `ttlMs` in *other* processes; the process that changes a value forgets it at once.
 */
export interface LocalMemo<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  delete(key: string): void;
  clear(): void;
}

export function createLocalMemo<V>(ttlMs: number, maxEntries = 10_000, now: () => number = Date.now): LocalMemo<V> {
  const entries = new Map<string, { value: V; expiresAt: number }>();
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= now()) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    set(key, value) {
      // Map keeps insertion order: dropping the first key evicts the oldest entry.
      if (entries.size >= maxEntries && !entries.has(key)) entries.delete(entries.keys().next().value as string);
      entries.set(key, { value, expiresAt: now() + ttlMs });
    },
    delete(key) {
      entries.delete(key);
    },
    clear() {
      entries.clear();
    },
  };
}
