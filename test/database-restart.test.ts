import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../server/config.ts';
import { type Companion, startCompanion } from '../server/main.ts';
import { createLogger } from '../server/observability/logger.ts';
import {
  type AddonSession,
  connectedSheet,
  finishedJob,
  hubspotContactsTable,
  sheetsUser,
} from './support/companion.ts';
import { describePostgres, freshPostgresDatabase } from './support/databases.ts';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.ts';
import { waitFor } from './support/wait.ts';

/**
 * PostgreSQL restarted under a running companion, acted out by a TCP proxy between the two that drops
 * every connection and refuses new ones, then lets them through again on the same port. Meanwhile
 * requests get a clear 503 `storage_unavailable` (not a 500 with a stack), health says so, and once the
 * database is back the pool, the LISTEN connection and the jobs carry on by themselves.
 */
describePostgres('database restarted under the companion', () => {
  const HEADERS = ['Email', 'First Name', 'Last Name', 'Rowbridge ID'];
  let database: { url: string; drop: () => Promise<void> };
  let proxy: TcpProxy;
  let companion: Companion;
  let dataDir = '';
  let session: AddonSession;
  let tableId = '';

  /** Sessions of this companion holding a LISTEN (pg-boss's wake-up channel), read past the proxy. */
  async function listeners(): Promise<number> {
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and query ilike 'LISTEN%' and pid <> pg_backend_pid()",
      );
      return rows[0]?.n ?? 0;
    } finally {
      await admin.end();
    }
  }

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    const direct = new URL(database.url);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const proxied = new URL(database.url);
    proxied.port = String(proxy.port);
    dataDir = await mkdtemp(join(tmpdir(), 'rowbridge-dbrestart-'));
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      ROWBRIDGE_DATA_DIR: dataDir,
      ROWBRIDGE_MODE: 'sandbox',
      DATABASE_URL: proxied.toString(),
    });
    companion = await startCompanion(config, createLogger({ level: 'silent' }));
    const sheets = sheetsUser(dataDir);
    const spreadsheetId = sheets.state.createSpreadsheet({
      title: 'Restart',
      tabs: [{ title: 'Leads', rows: [HEADERS] }],
    });
    session = await connectedSheet(companion, dataDir, spreadsheetId);
    tableId = await hubspotContactsTable(session, { name: 'Leads', headers: HEADERS });
  }, 90_000);

  afterAll(async () => {
    await companion?.close();
    await proxy?.close();
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('answers 503 storage_unavailable while the database is down, and carries on when it is back', async () => {
    expect(await listeners()).toBeGreaterThan(0);
    const rows = Array.from({ length: 20 }, (_, i) => ({
      rowId: `r-${i}`,
      rowNumber: i + 2,
      cells: { Email: `r${i}@restart.example`, 'First Name': `R${i}`, 'Last Name': 'Restart' },
    }));
    const started = await session.api('POST', `/api/v1/tables/${tableId}/export`, { rows });
    expect(started.status).toBe(200);

    proxy.cut();
    const down = await session.api('GET', '/api/v1/tables');
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('storage_unavailable');
    expect(JSON.stringify(down.body)).not.toMatch(/ECONN|at .*\.ts|stack/i);
    const health = await fetch(`${companion.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', storage: 'unavailable' });
    // Readiness fails meanwhile, so a load balancer sends traffic elsewhere.
    const ready = await fetch(`${companion.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ error: { code: 'storage_unavailable' } });
    // Longer than one reconnect pause of the LISTEN connection (1 s): a single retry would give up.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await session.api('GET', '/api/v1/tables')).status).toBe(503);

    proxy.restore();
    await waitFor(
      async () => (await session.api('GET', '/api/v1/tables')).status === 200,
      'the pool to reconnect',
    );
    expect(await (await fetch(`${companion.url}/healthz`)).json()).toMatchObject({ storage: 'ok' });
    expect((await fetch(`${companion.url}/readyz`)).status).toBe(200);
    await waitFor(async () => (await listeners()) > 0, 'the LISTEN connection to come back', {
      timeoutMs: 30_000,
    });
    // The export sent before the outage runs again and finishes. Its run may have failed on the
    // database (each failed run doubles the retry delay, 5 s × 2^n, so on a busy machine the next one
    // can be a minute away), or the cut may have lost the answer to the worker's claim, and then the
    // job comes back when its heartbeat goes stale (60 s, checked every 30 s). Hence up to three minutes.
    const job = await finishedJob(session, started.body.job.id, 180_000).catch(async (error: Error) => {
      // Say where the job stands (and what else holds the queue) so a failure explains itself.
      const { rows } = await companion.db.client.query(
        `select name, state, retry_count, start_after, started_on, now() as now from pgboss.job where id = $1`,
        [started.body.job.id],
      );
      const others = await companion.db.client.query(
        `select name, state, singleton_key, start_after from pgboss.job where state in ('created', 'retry', 'active')`,
      );
      throw new Error(
        `${error.message}; job ${JSON.stringify(rows)}; pending ${JSON.stringify(others.rows)}`,
      );
    });
    expect(job.status).toBe('succeeded');
    expect(job.result.rows.filter((r: { status: string }) => r.status !== 'created')).toEqual([]);
  }, 240_000);
});
