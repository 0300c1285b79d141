import { and, asc, eq, inArray, isNull, lt, lte, sql } from 'drizzle-orm';
import type { Executor } from '../orm.ts';
import { inboxEvents } from '../schema.ts';
import type { JsonValue } from '../values.ts';

export type InboxEvent = typeof inboxEvents.$inferSelect;

/** Claims an event gets before it is left alone as a dead letter (see `release`). */
export const INBOX_MAX_ATTEMPTS = 10;

export interface IncomingEvent {
  /** Who sent it: 'hubspot', 'salesforce', ... Together with `vendorEventId` the idempotency key. */
  readonly source: string;
  readonly vendorEventId: string;
  readonly payload: JsonValue;
  readonly tenantId?: string | null;
  readonly connectionId?: string | null;
}

export interface ClaimOptions {
  readonly limit: number;
  /** How long the claim holds before another worker may take the event (a crashed worker's lease). */
  readonly leaseMs?: number;
  /** Events tried this many times are left alone (dead letters, kept for inspection). Default 10. */
  readonly maxAttempts?: number;
  readonly source?: string;
  /** Only events routed to this connection. */
  readonly connectionId?: string;
}

/**
 * The webhook inbox. Not tenant-scoped: events arrive before their tenant is known and are processed by
 * system workers. Nothing here is reachable from a tenant's API routes.
 */
export function inboxRepo(db: Executor) {
  return {
    /**
     * Stores an event once. A redelivery (same source and vendor event id) returns `inserted: false` and
     * the first copy's id, so the webhook handler can acknowledge at once either way.
     */
    async insert(event: IncomingEvent): Promise<{ inserted: boolean; id: string }> {
      const [row] = await db
        .insert(inboxEvents)
        .values({
          source: event.source,
          vendorEventId: event.vendorEventId,
          // drizzle sends a JS null as SQL NULL, which the NOT NULL column refuses: spell out JSON null.
          payload: event.payload === null ? sql`'null'::jsonb` : event.payload,
          tenantId: event.tenantId ?? null,
          connectionId: event.connectionId ?? null,
        })
        .onConflictDoNothing({ target: [inboxEvents.source, inboxEvents.vendorEventId] })
        .returning({ id: inboxEvents.id });
      if (row) return { inserted: true, id: row.id };
      const [existing] = await db
        .select({ id: inboxEvents.id })
        .from(inboxEvents)
        .where(and(eq(inboxEvents.source, event.source), eq(inboxEvents.vendorEventId, event.vendorEventId)));
      if (!existing) throw new Error('inbox event vanished during insert');
      return { inserted: false, id: existing.id };
    },

    async get(id: string): Promise<InboxEvent | undefined> {
      const [row] = await db.select().from(inboxEvents).where(eq(inboxEvents.id, id));
      return row;
    },

    /**
     * Takes up to `limit` unprocessed events, oldest first, and leases them: each claim counts an attempt
     * and hides the event for `leaseMs`. `SKIP LOCKED` lets several workers claim at once on PostgreSQL
     * without blocking or sharing events.
     */
    async claim(options: ClaimOptions): Promise<InboxEvent[]> {
      const leaseMs = options.leaseMs ?? 60_000;
      const due = db
        .select({ id: inboxEvents.id })
        .from(inboxEvents)
        .where(
          and(
            isNull(inboxEvents.processedAt),
            lte(inboxEvents.availableAt, sql`now()`),
            lt(inboxEvents.attempts, options.maxAttempts ?? INBOX_MAX_ATTEMPTS),
            options.source === undefined ? undefined : eq(inboxEvents.source, options.source),
            options.connectionId === undefined
              ? undefined
              : eq(inboxEvents.connectionId, options.connectionId),
          ),
        )
        .orderBy(asc(inboxEvents.seq))
        .limit(Math.max(1, Math.floor(options.limit)))
        .for('update', { skipLocked: true });
      const rows = await db
        .update(inboxEvents)
        .set({
          attempts: sql`${inboxEvents.attempts} + 1`,
          availableAt: sql`now() + ${leaseMs}::double precision * interval '1 millisecond'`,
        })
        .where(inArray(inboxEvents.id, due))
        .returning();
      // Arrival order is `seq`: two events received in the same millisecond share `receivedAt`, and their
      // random ids would put them in either order.
      return rows.sort((a, b) => a.seq - b.seq);
    },

    /** Marks events done; returns how many were still pending. */
    async markProcessed(ids: readonly string[]): Promise<number> {
      if (ids.length === 0) return 0;
      const rows = await db
        .update(inboxEvents)
        .set({ processedAt: sql`now()`, lastError: null })
        .where(and(inArray(inboxEvents.id, [...ids]), isNull(inboxEvents.processedAt)))
        .returning({ id: inboxEvents.id });
      return rows.length;
    },

    /**
     * Records a failed attempt. The event becomes claimable again at `retryAt` (default: now) unless it
     * has used up its attempts.
     */
    async markFailed(id: string, error: string, options: { retryAt?: Date } = {}): Promise<boolean> {
      const rows = await db
        .update(inboxEvents)
        .set({ lastError: error, availableAt: options.retryAt ?? sql`now()` })
        .where(and(eq(inboxEvents.id, id), isNull(inboxEvents.processedAt)))
        .returning({ id: inboxEvents.id });
      return rows.length > 0;
    },

    /**
     * Hands claimed events back after a failed attempt so the retry sees them at once rather than after
     * their lease. The attempt stays counted, so a poison event still runs out of attempts, unless
     * `countAttempt` is false: a failure that is not the events' fault (a CRM or Google rate limit, an
     * outage, a revoked token) must not turn acknowledged changes into dead letters while it lasts.
     * Returns how many were handed back and how many of them have now used up their attempts.
     */
    async release(
      ids: readonly string[],
      error: string,
      options: { readonly countAttempt?: boolean } = {},
    ): Promise<{ released: number; exhausted: number }> {
      if (ids.length === 0) return { released: 0, exhausted: 0 };
      const rows = await db
        .update(inboxEvents)
        .set({
          lastError: error,
          availableAt: sql`now()`,
          ...(options.countAttempt === false
            ? { attempts: sql`greatest(${inboxEvents.attempts} - 1, 0)` }
            : {}),
        })
        .where(and(inArray(inboxEvents.id, [...ids]), isNull(inboxEvents.processedAt)))
        .returning({ attempts: inboxEvents.attempts });
      return {
        released: rows.length,
        exhausted: rows.filter((row) => row.attempts >= INBOX_MAX_ATTEMPTS).length,
      };
    },

    /**
     * Connections with events a worker may take now (unprocessed, not leased, attempts left): what a
     * periodic sweep wakes, so events handed back after a run gave up, or whose worker died, are not left
     * waiting for the next webhook.
     */
    async pendingConnections(): Promise<{ id: string; tenantId: string }[]> {
      const rows = await db
        .selectDistinct({ id: inboxEvents.connectionId, tenantId: inboxEvents.tenantId })
        .from(inboxEvents)
        .where(
          and(
            isNull(inboxEvents.processedAt),
            lte(inboxEvents.availableAt, sql`now()`),
            lt(inboxEvents.attempts, INBOX_MAX_ATTEMPTS),
          ),
        );
      return rows.flatMap((row) => (row.id && row.tenantId ? [{ id: row.id, tenantId: row.tenantId }] : []));
    },
  };
}
export type InboxRepo = ReturnType<typeof inboxRepo>;
