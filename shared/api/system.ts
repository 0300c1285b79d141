import * as z from 'zod';
import { MODES } from './common.ts';

/** Which database the companion runs on: embedded PGlite (default) or PostgreSQL (`DATABASE_URL`). */
export const DATABASE_KINDS = ['pglite', 'postgres'] as const;
export type DatabaseKind = (typeof DATABASE_KINDS)[number];

/**
 * `GET /healthz`: liveness for load balancers and the sidebar's "is the companion running?" check. It
 * answers 200 while the process runs; `storage` says whether the database answered just now (a
 * restarting database is not a reason to restart the companion, so it does not fail the check).
 */
export const healthSchema = z.strictObject({
  status: z.literal('ok'),
  mode: z.enum(MODES),
  db: z.enum(DATABASE_KINDS),
  storage: z.enum(['ok', 'unavailable']).optional(),
  version: z.string(),
});
export type Health = z.output<typeof healthSchema>;

/**
 * `GET /readyz`: readiness for orchestrators and load balancers. 200 while the companion can serve, i.e.
 * its database answers; 503 `storage_unavailable` while it does not, so traffic goes to another instance
 * instead of getting 503s here. Unlike `/healthz`, failing it should not restart the process.
 */
export const readinessSchema = z.strictObject({
  status: z.literal('ready'),
  storage: z.literal('ok').optional(),
});
export type Readiness = z.output<typeof readinessSchema>;

/** `GET /metrics`: Prometheus text exposition format. */
export const metricsSchema = z.string();

/**
 * `GET /openapi.json`: only the parts a client relies on are checked; the rest is generated from this
 * contract, so describing it again here would be a second copy to keep in step.
 */
export const openApiDocumentSchema = z.looseObject({
  openapi: z.literal('3.1.0'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});
