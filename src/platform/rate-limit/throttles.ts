/**
 * Throttles: counters of attempts per key (an IP, an account, an account on one IP) that say when a
 * key must wait. rate-limiter-flexible does the counting, atomically, in Redis when the app has it
 * (shared by every process) and in memory on the embedded default. Feature code defines its rules
 * and keys; it never sees which store is behind them.
 */
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface ThrottleRule {
  /** Unique among rules; part of every stored key. */
  name: string;
  /** Attempts counted in one window before the key must wait: the `points`-th counted attempt starts the wait. */
  points: number;
  /** Length of the window, in seconds, from the first counted attempt. */
  windowSeconds: number;
  /** Once over the limit, how long the key waits (defaults to the rest of the window). */
  blockSeconds?: number;
}

export interface Throttle {
  readonly rule: ThrottleRule;
  /** Seconds `key` must still wait; 0 when it may try. Counts nothing. */
  retryAfter(key: string): Promise<number>;
  /** Counts one attempt for `key`; returns the seconds it must now wait (0 while under the limit). */
  hit(key: string): Promise<number>;
  /** Forgets `key`'s attempts (after a success that proves the caller, e.g. a correct password). */
  reset(key: string): Promise<void>;
}

export interface Throttles {
  create(rule: ThrottleRule): Throttle;
}

const PREFIX = 'saas:throttle';
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export function createThrottles(redis: Redis | null): Throttles {
  const names = new Set<string>();
  return {
    create(rule) {
      if (names.has(rule.name)) throw new Error(`throttle "${rule.name}" is defined twice`);
      names.add(rule.name);
      if (!(rule.points >= 1 && rule.windowSeconds >= 1)) throw new Error(`throttle "${rule.name}": points and windowSeconds must be at least 1`);
      const options = { keyPrefix: `${PREFIX}:${rule.name}`, points: rule.points, duration: rule.windowSeconds };
      const limiter: RateLimiterAbstract = redis ? new RateLimiterRedis({ ...options, storeClient: redis }) : new RateLimiterMemory(options);
      return {
        rule,
        async retryAfter(key) {
          const res = await limiter.get(key);
          return res && res.consumedPoints >= rule.points ? seconds(res.msBeforeNext) : 0;
        },
        async hit(key) {
          let res: RateLimiterRes;
          try {
            res = await limiter.consume(key);
          } catch (err) {
            if (err instanceof RateLimiterRes) return seconds(err.msBeforeNext); // already over the limit
            throw err; // the store failed: callers must not read that as "allowed"
          }
          if (res.consumedPoints < rule.points) return 0;
          if (rule.blockSeconds) {
            await limiter.block(key, rule.blockSeconds);
            return rule.blockSeconds;
          }
          return seconds(res.msBeforeNext);
        },
        async reset(key) {
          await limiter.delete(key);
        },
      };
    },
  };
}
