import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RowbridgeError } from '../../shared/errors.ts';
import { lockFolder } from './folder-lock.ts';
import { migrate } from './migrate.ts';
import { createOrm, type Orm, type Tx } from './orm.ts';
import { createRepositories, type Repositories } from './repos/index.ts';
import { type DatabaseKind, type OpenedClient, openPglite, openPostgres } from './sql-client.ts';

export interface DatabaseConfig {
  /** PostgreSQL connection string; when absent, the embedded database in `dataDir` is used. */
  readonly databaseUrl?: string | undefined;
  /** Rowbridge's data folder (e.g. ./.rowbridge); the embedded database lives in its `db` subfolder. */
  readonly dataDir: string;
}

/** The open storage: raw client, typed ORM, repositories and transactions, the same over both drivers. */
export interface Database {
  readonly kind: DatabaseKind;
  readonly client: OpenedClient;
  readonly orm: Orm;
  readonly repos: Repositories;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. `repos` are
   * bound to the transaction; calls on `Database.repos` inside `fn` would run outside it (and on PGlite,
   * whose single connection the transaction holds, wait for it: a deadlock), so use the ones given.
   */
  transaction<T>(fn: (tx: { orm: Tx; repos: Repositories }) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Wraps an already migrated client, without migrating (tests; a PGlite `clone()` of a migrated template). */
export function databaseFromClient(client: OpenedClient): Database {
  const orm = createOrm(client);
  return {
    kind: client.kind,
    client,
    orm,
    repos: createRepositories(orm),
    transaction: (fn) => orm.transaction((tx) => fn({ orm: tx, repos: createRepositories(tx) })),
    close: () => client.close(),
  };
}

/** Where the embedded database keeps its files inside the data folder. */
export function pgliteDataDir(dataDir: string): string {
  return join(resolve(dataDir), 'db');
}

/**
 * Opens storage and brings its schema up to date: PostgreSQL when `databaseUrl` is set, else PGlite in
 * the data folder (created if missing). Failures to reach either are `storage_unavailable` errors that
 * say what to change; a password in the URL never appears in them.
 */
export async function openDatabase(
  config: DatabaseConfig,
): Promise<Database & { migrationsApplied: number }> {
  const client = config.databaseUrl
    ? await connectPostgres(config.databaseUrl)
    : await openEmbedded(pgliteDataDir(config.dataDir));
  try {
    const { applied } = await migrate(client);
    return { ...databaseFromClient(client), migrationsApplied: applied };
  } catch (error) {
    await client.close().catch(() => {});
    const reason = redact(errorMessage(error), config.databaseUrl);
    throw new RowbridgeError(
      'storage_unavailable',
      `Could not bring the database schema up to date: ${reason}. Check that the database user may ` +
        'create tables, or that the database belongs to this version of Rowbridge.',
    );
  }
}

async function openEmbedded(dir: string): Promise<OpenedClient> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    throw new RowbridgeError(
      'storage_unavailable',
      `The data folder ${dir} cannot be created or written (${errorMessage(error)}). Point the data folder ` +
        'setting to a writable folder, or set DATABASE_URL to use PostgreSQL.',
    );
  }
  const release = await lockFolder(`${dir}.lock`);
  try {
    const client = await openPglite(dir);
    return {
      ...client,
      close: async () => {
        try {
          await client.close();
        } finally {
          await release();
        }
      },
    };
  } catch (error) {
    await release();
    throw new RowbridgeError(
      'storage_unavailable',
      `The embedded database in ${dir} could not be opened (${errorMessage(error)}). If it holds no data ` +
        'you need, move the folder away to start fresh.',
    );
  }
}

async function connectPostgres(url: string): Promise<OpenedClient> {
  let where = 'the server in DATABASE_URL';
  try {
    const parsed = new URL(url);
    where = `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    throw new RowbridgeError(
      'storage_unavailable',
      'DATABASE_URL is not a valid URL. Use postgres://user:password@host:5432/database.',
    );
  }
  const client = openPostgres(url);
  try {
    await client.query('select 1');
    return client;
  } catch (error) {
    await client.close().catch(() => {});
    throw new RowbridgeError(
      'storage_unavailable',
      `PostgreSQL at ${where} refused the connection (${redact(errorMessage(error), url)}). Check ` +
        'DATABASE_URL (host, port, user, password, database) and that the server is running, or unset ' +
        'DATABASE_URL to use the embedded database.',
    );
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Removes the URL's password from a driver message, in case a driver ever echoes it. */
function redact(message: string, url: string | undefined): string {
  if (!url) return message;
  let secrets: string[] = [url];
  try {
    const { password } = new URL(url);
    secrets = [url, password, decodeURIComponent(password)];
  } catch {
    // Not a URL: only the whole string can be recognised.
  }
  return secrets.filter(Boolean).reduce((text, secret) => text.replaceAll(secret, '***'), message);
}
