/**
 * The job queue port. Jobs are defined once (id, queue, handler) and run by BullMQ workers in
 * production or by an in-process runner on the embedded default. Delivery is at least once:
 * handlers must be idempotent, and payloads carry ids, not objects.
 */
export const QUEUE_NAMES = ['email', 'analytics', 'billing', 'webhooks', 'maintenance'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface JobContext {
  jobId: string;
  attempt: number;
}

export interface JobDefinition<P = unknown> {
  /** Stable id such as `email.send`. */
  name: string;
  queue: QueueName;
  /** Validates and narrows an untrusted payload; throws on bad input (the job then fails without retry). */
  parse(payload: unknown): P;
  handle(payload: P, ctx: JobContext): Promise<void>;
  attempts?: number;
  /** Base delay of the exponential backoff, in ms. */
  backoffMs?: number;
}

export interface EnqueueOptions {
  /**
   * A second job with the same key is dropped while the first is waiting, delayed or running (on
   * both adapters); once it has finished, the key is free again.
   */
  dedupeKey?: string;
  delayMs?: number;
}

export interface JobQueue {
  /**
   * Which queues these are: the BullMQ key prefix, or `in-process`. Outbox rows are relayed only to
   * the queues they were written for (test apps sharing one database each have their own).
   */
  readonly channel: string;
  /** Adds job definitions (the composition root does it once services exist); enqueueing an unregistered job throws. */
  register(definitions: JobDefinition<unknown>[]): void;
  /** The registered definitions (a worker process consumes these). */
  definitions(): JobDefinition<unknown>[];
  enqueue(name: string, payload: unknown, options?: EnqueueOptions): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * Tells `listener` about each job that used up its attempts. Only the in-process runner has it:
   * its failed set is kept by the jobs module; BullMQ keeps its own.
   */
  onFailed?(listener: (failure: FailedJob) => Promise<void>): void;
  /** Waits until no job is queued or running (the in-process runner only; tests wait for their jobs with it). */
  drain?(): Promise<void>;
}

/** A job that used up its attempts. */
export interface FailedJob {
  jobId: string;
  name: string;
  queue: QueueName;
  payload: unknown;
  error: string;
  attempts: number;
}

export function defineJob<P>(definition: JobDefinition<P>): JobDefinition<P> {
  return definition;
}

/** Exponential backoff with full jitter, capped at 10 minutes. */
export function backoffDelay(attempt: number, baseMs: number, random: () => number = Math.random): number {
  return Math.min(600_000, Math.round(baseMs * 2 ** (attempt - 1) * (0.5 + random() / 2)));
}
