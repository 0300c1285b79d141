import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe } from 'vitest';
import { type OpenedClient, openPglite, openPostgres } from '../../server/store/sql-client.ts';

/**
 * The PostgreSQL server tests use: development and CI machines run one on 127.0.0.1:5432 with trust
 * auth and a `test` database. Override with TEST_DATABASE_URL.
 */
export const TEST_POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let reachable: Promise<boolean> | undefined;

/** Whether the test PostgreSQL answers; asked once per test process. */
export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return reachable;
}

/**
 * A fresh, empty PostgreSQL database for one test suite, dropped by `drop()`. Databases rather than
 * schemas: pg-boss and the migrations both assume they own `public`.
 */
export async function freshPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `rowbridge_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const dropper = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

export interface TestDriver {
  readonly kind: 'pglite' | 'postgres';
  /** A new, empty database on this driver; `close` also deletes it. */
  open(): Promise<OpenedClient & { dispose(): Promise<void> }>;
}

const pgliteDriver: TestDriver = {
  kind: 'pglite',
  async open() {
    const client = await openPglite();
    return { ...client, dispose: () => client.close() };
  },
};

const postgresDriver: TestDriver = {
  kind: 'postgres',
  async open() {
    const database = await freshPostgresDatabase();
    const client = openPostgres(database.url, { max: 5 });
    return {
      ...client,
      async dispose() {
        await client.close();
        await database.drop();
      },
    };
  },
};

const postgresUp = await postgresReachable();
if (!postgresUp) {
  if (process.env.CI) {
    throw new Error(
      `PostgreSQL is required in CI but does not answer at ${TEST_POSTGRES_URL}. Start it (pg_ctlcluster ... start) or set TEST_DATABASE_URL.`,
    );
  }
  console.warn(
    `[rowbridge tests] PostgreSQL does not answer at ${TEST_POSTGRES_URL}: its half of the storage tests is skipped on this machine (CI runs it).`,
  );
}

/**
 * Runs the same suite against every database driver: PGlite always, PostgreSQL when it answers (in CI
 * it must: the suite file fails to load otherwise).
 */
export function describeEachDriver(name: string, suite: (driver: TestDriver) => void): void {
  describe(`${name} [pglite]`, () => suite(pgliteDriver));
  describe.skipIf(!postgresUp)(`${name} [postgres]`, () => suite(postgresDriver));
}

/**
 * A suite about PostgreSQL itself (server connections, several processes), with nothing to test on
 * PGlite. Same rule as `describeEachDriver`: required in CI, skipped with the printed reason elsewhere.
 */
export function describePostgres(name: string, suite: (driver: TestDriver) => void): void {
  describe.skipIf(!postgresUp)(`${name} [postgres]`, () => suite(postgresDriver));
}
