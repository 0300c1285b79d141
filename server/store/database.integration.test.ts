import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RowbridgeError } from '../../shared/errors.ts';
import {
  describeEachDriver,
  describePostgres,
  freshPostgresDatabase,
  postgresReachable,
  TEST_POSTGRES_URL,
} from '../../test/support/databases.ts';
import { type DatabaseConfig, openDatabase, pgliteDataDir } from './database.ts';
import { migrate } from './migrate.ts';
import { openPostgres } from './sql-client.ts';

const postgresUp = await postgresReachable();
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rowbridge-store-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A configuration for an empty database on this driver, as `rowbridge serve` would build it. */
async function emptyConfig(kind: 'pglite' | 'postgres'): Promise<DatabaseConfig> {
  const dataDir = join(await tempDir(), '.rowbridge');
  if (kind === 'pglite') return { dataDir };
  const database = await freshPostgresDatabase();
  cleanups.push(database.drop);
  return { databaseUrl: database.url, dataDir };
}

async function storageError(promise: Promise<unknown>): Promise<RowbridgeError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RowbridgeError);
  expect((error as RowbridgeError).code).toBe('storage_unavailable');
  return error as RowbridgeError;
}

describeEachDriver('openDatabase', (driver) => {
  it('migrates at start and keeps data across a restart', async () => {
    const config = await emptyConfig(driver.kind);
    const first = await openDatabase(config);
    expect(first.kind).toBe(driver.kind);
    expect(first.migrationsApplied).toBeGreaterThanOrEqual(2);
    const { tenant } = await first.repos.tenants.upsertSignIn({
      tenant: { kind: 'user', key: 'sub-1' },
      user: { googleSub: 'sub-1', email: 'solo@gmail.example' },
    });
    if (driver.kind === 'pglite') {
      // PGlite would open the same files twice and corrupt them; the folder lock refuses instead.
      const error = await storageError(openDatabase(config));
      expect(error.message).toMatch(/in use by another Rowbridge process \(pid \d+\)/);
    }
    await first.close();

    const again = await openDatabase(config);
    try {
      expect(again.migrationsApplied).toBe(0);
      expect(await again.repos.tenants.getTenant(tenant.id)).toEqual(tenant);
    } finally {
      await again.close();
    }
  });
});

// Concurrent starts only exist on PostgreSQL: PGlite's data folder belongs to one process.
describePostgres('openDatabase', () => {
  it('migrates once when two instances start together', async () => {
    const { databaseUrl } = await emptyConfig('postgres');
    const one = openPostgres(databaseUrl ?? '');
    const clients = [one, openPostgres(databaseUrl ?? '')];
    try {
      const results = await Promise.all(clients.map((client) => migrate(client)));
      const applied = results.map((result) => result.applied).sort();
      expect(applied[0]).toBe(0);
      expect(applied[1]).toBeGreaterThanOrEqual(2);
      const { rows } = await one.query<{ n: number }>(
        'select count(*)::int as n from drizzle.__drizzle_migrations',
      );
      expect(rows[0]?.n).toBe(applied[1]);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  });
});

describe('openDatabase failures', () => {
  it('explain an embedded data folder that cannot be created', async () => {
    const file = join(await tempDir(), 'not-a-folder');
    await writeFile(file, 'x');
    const error = await storageError(openDatabase({ dataDir: join(file, '.rowbridge') }));
    expect(error.message).toContain(pgliteDataDir(join(file, '.rowbridge')));
    expect(error.message).toMatch(/writable folder|DATABASE_URL/);
  });

  it('explain a PostgreSQL server that refuses, without the password', async () => {
    const url = 'postgres://rowbridge:s3cr%40t-pw@127.0.0.1:1/rowbridge';
    const error = await storageError(openDatabase({ databaseUrl: url, dataDir: '/unused' }));
    expect(error.message).toContain('127.0.0.1:1/rowbridge');
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).not.toMatch(/s3cr/);
    await storageError(openDatabase({ databaseUrl: 'not a url', dataDir: '/unused' }));
  });

  it.runIf(postgresUp)('explain a database that does not exist', async () => {
    const url = new URL(TEST_POSTGRES_URL);
    url.password = 'hunter2';
    url.pathname = '/rowbridge_missing_database';
    const error = await storageError(openDatabase({ databaseUrl: url.toString(), dataDir: '/unused' }));
    expect(error.message).toContain('rowbridge_missing_database');
    expect(error.message).not.toContain('hunter2');
  });
});
