/**
 * The cache port: a small key-value store with expiry, shared by every process in production (Redis)
 * and held in memory on the embedded default. Keys of tenant data must include the tenant id.
 */
export interface Cache {
  get(key: string): Promise<string | null>;
  /** `ttlSeconds` omitted = no expiry. */
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  /** Sets only when the key holds nothing (Redis SET NX); false when it already had a value. */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Reads and deletes in one step: of two concurrent callers, only one gets the value (single-use values). */
  take(key: string): Promise<string | null>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
