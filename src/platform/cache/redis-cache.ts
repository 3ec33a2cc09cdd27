/** Redis cache: shared by every web and worker process. */
import { Redis } from 'ioredis';
import type { Cache } from './cache.js';

export function createRedisClient(url: string, options: { forQueue?: boolean } = {}): Redis {
  return new Redis(url, {
    // BullMQ requires null; for the cache, fail fast rather than queue commands forever while Redis is down.
    maxRetriesPerRequest: options.forQueue ? null : 2,
    enableOfflineQueue: options.forQueue ? true : false,
    lazyConnect: false,
    connectionName: 'saas-app',
  });
}

/** Keys live under `saas:cache:` (queues use `saas:<queue>:`, rate limits `saas:rl:`). */
export function createRedisCache(redis: Redis, prefix = 'saas:cache:'): Cache {
  return {
    async get(key) {
      return redis.get(prefix + key);
    },
    async set(key, value, ttlSeconds) {
      if (ttlSeconds) await redis.set(prefix + key, value, 'EX', ttlSeconds);
      else await redis.set(prefix + key, value);
    },
    async setIfAbsent(key, value, ttlSeconds) {
      return (await redis.set(prefix + key, value, 'EX', ttlSeconds, 'NX')) === 'OK';
    },
    async delete(key) {
      await redis.del(prefix + key);
    },
    async take(key) {
      return redis.getdel(prefix + key);
    },
    async ping() {
      await redis.ping();
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
