import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** Which database engine is behind a client: embedded PGlite or a PostgreSQL server. */
export type DatabaseKind = 'pglite' | 'postgres';

/**
 * The few operations Rowbridge needs from a database connection, the same over both drivers. The ORM,
 * the migrator and the job queue are all built on this, so nothing above it knows which engine runs.
 */
export interface SqlClient {
  readonly kind: DatabaseKind;
  /** One statement with `$1`-style parameters. */
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<{ rows: Row[] }>;
  /** A script of several statements without parameters (migrations, pg-boss's schema). */
  exec(script: string): Promise<void>;
  /**
   * LISTEN on a channel; resolves to an unsubscribe function. A dropped connection is subscribed again
   * (PostgreSQL), and `onResubscribed` then runs: notifications sent meanwhile were missed.
   */
  listen(
    channel: string,
    onNotify: (payload: string) => void,
    onResubscribed?: () => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** The driver object behind a client, for libraries that take it directly (drizzle). */
export type RawClient = { kind: 'pglite'; pglite: PGlite } | { kind: 'postgres'; pool: pg.Pool };

export interface OpenedClient extends SqlClient {
  readonly raw: RawClient;
}

/**
 * Embedded PostgreSQL in `dataDir` (a folder, created if missing), or in memory when `dataDir` is
 * undefined. PGlite runs one connection: statements are serialised, which is what its docs require.
 */
export async function openPglite(dataDir?: string): Promise<OpenedClient> {
  const pglite = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  return pgliteClient(pglite);
}

/** Wraps an existing PGlite instance (tests clone one migrated template instead of creating anew). */
export function pgliteClient(pglite: PGlite): OpenedClient {
  return {
    kind: 'pglite',
    raw: { kind: 'pglite', pglite },
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const result = await pglite.query<Row>(text, params as unknown[]);
      return { rows: result.rows };
    },
    async exec(script) {
      await pglite.exec(script);
    },
    async listen(channel, onNotify) {
      const unsubscribe = await pglite.listen(channel, onNotify);
      return () => unsubscribe();
    },
    close: () => pglite.close(),
  };
}

/** A pooled connection to a PostgreSQL server (`DATABASE_URL`). */
export function openPostgres(connectionString: string, options: { max?: number } = {}): OpenedClient {
  // A host that does not answer must fail the start quickly with a clear error, not hang it.
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10, connectionTimeoutMillis: 10_000 });
  // An idle client that loses its connection emits 'error' on the pool; unhandled, it would crash the
  // process. The next query gets a fresh connection, so logging is enough (done by the caller's logger).
  pool.on('error', () => {});
  return {
    kind: 'postgres',
    raw: { kind: 'postgres', pool },
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const result = await pool.query(text, params as unknown[]);
      return { rows: result.rows as Row[] };
    },
    async exec(script) {
      await pool.query(script);
    },
    async listen(channel, onNotify, onResubscribed) {
      // LISTEN holds one connection. If it drops, an 'error' with no listener would crash the process,
      // and the subscription would be lost: release it and subscribe again on a fresh one, with a pause.
      let current: { connection: pg.PoolClient; give: (error?: Error) => boolean } | undefined;
      let stopped = false;
      const handler = (message: pg.Notification) => {
        if (message.channel === channel) onNotify(message.payload ?? '');
      };
      // While the database is down every attempt fails: keep trying, backing off from 1 s to 30 s, or a
      // restart longer than one pause would lose the subscription for good.
      const resubscribe = (attempt: number): void => {
        const delay = Math.min(30_000, 1000 * 2 ** (attempt - 1));
        setTimeout(() => {
          if (stopped) return;
          subscribe().then(
            () => onResubscribed?.(),
            () => resubscribe(attempt + 1),
          );
        }, delay).unref();
      };
      const subscribe = async (): Promise<void> => {
        const connection = await pool.connect();
        // A connection is given back once, whether its error event, a failed LISTEN or the stop comes
        // first; our listeners go with it, so an error on it once idle in the pool (a dropped database)
        // cannot release it a second time, which pg-pool throws on.
        let given = false;
        const give = (error?: Error) => {
          if (given) return false;
          given = true;
          connection.off('notification', handler);
          connection.off('error', onError);
          connection.release(error);
          if (current?.connection === connection) current = undefined;
          return true;
        };
        const onError = (error: Error) => {
          // Only the subscribed connection starts a new round; a failing LISTEN is retried by its caller.
          const subscribed = current?.connection === connection;
          if (give(error) && subscribed && !stopped) resubscribe(1);
        };
        connection.on('notification', handler);
        connection.on('error', onError);
        try {
          await connection.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        } catch (error) {
          give(error as Error);
          throw error;
        }
        current = { connection, give };
      };
      await subscribe();
      return async () => {
        stopped = true;
        const subscription = current;
        current = undefined;
        if (!subscription) return;
        subscription.connection.off('notification', handler);
        await subscription.connection.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => {});
        subscription.give();
      };
    },
    close: () => pool.end(),
  };
}
