import * as z from 'zod';
import { SCHEMA_NAME } from './tables.ts';

/** How the queue runs in this process. Every field has a default suited to the companion service. */
export interface QueueOptions {
  /**
   * How often an idle worker looks for jobs that became due without a notification: retries whose delay
   * is over, and the next job of a key whose previous job just finished. New jobs wake workers at once
   * (LISTEN/NOTIFY). Seconds, at least 0.5. Default 1.
   */
  readonly pollIntervalSeconds?: number;
  /** Handlers of one job kind running at once in this process, unless the kind sets its own. Default 4. */
  readonly concurrency?: number;
  /** How often runs past their expiry (a worker that crashed) are failed so they run again. Default 30 s. */
  readonly expiryCheckSeconds?: number;
  /** Days failed jobs, `once()` step results and idempotency keys are kept. Default 14. */
  readonly retentionDays?: number;
  /** Schema for pg-boss's tables and the queue's own. Default `pgboss`. */
  readonly schema?: string;
  /** Errors of background work (fetching, maintenance); the queue carries on. Default console.error. */
  readonly onError?: (error: Error) => void;
  /** pg-boss warnings (slow queries, LISTEN unavailable). Default console.warn. */
  readonly onWarning?: (message: string, data: object) => void;
}

/** `QueueOptions` checked, with defaults filled in (callbacks are passed around it). */
export const queueOptionsSchema = z.object({
  pollIntervalSeconds: z.number().min(0.5).max(60).default(1),
  concurrency: z.int().min(1).max(100).default(4),
  expiryCheckSeconds: z.int().min(1).max(3600).default(30),
  retentionDays: z.int().min(1).max(365).default(14),
  schema: z.string().regex(SCHEMA_NAME, 'use lower-case letters, digits and _').default('pgboss'),
});

/** The retry and concurrency fields of a `JobDefinition`, checked, with defaults filled in. */
export const definitionSchema = z.object({
  retryLimit: z.int().min(0).max(100).default(3),
  retryDelaySeconds: z.int().min(0).max(86_400).default(5),
  retryBackoff: z.boolean().default(true),
  // pg-boss caps a run at 24 hours.
  expireInSeconds: z
    .int()
    .min(1)
    .max(86_400)
    .default(15 * 60),
  // pg-boss refuses less than 10 s. Half of it is the refresh period of a running handler.
  heartbeatSeconds: z.int().min(10).max(3600).default(60),
  concurrency: z.int().min(1).max(100).optional(),
});

/** `SendOptions`, checked at run time too: callers may be untyped (routes, scripts). */
export const sendOptionsSchema = z.object({
  key: z.string().min(1).max(500),
  idempotencyKey: z.string().min(1).max(500).optional(),
  startAfter: z.union([z.date(), z.number().min(0)]).optional(),
});

/** Letters, digits, `_`, `-`: the queue name plus `.failed` must fit pg-boss's 50 bytes. */
export const KIND_NAME = /^[A-Za-z0-9_-]{1,40}$/;

/** With backoff, no single wait beyond an hour: a job is retried within the hour once the cause is gone. */
export const RETRY_DELAY_MAX_SECONDS = 3600;

/** How often old step results and idempotency keys are purged. */
export const PURGE_INTERVAL_MS = 60 * 60 * 1000;
