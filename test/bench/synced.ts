import { rm } from 'node:fs/promises';
import type { Companion } from '../../server/main.ts';
import type { SandboxHubSpot } from '../../server/sandbox/hubspot/index.ts';
import type { SandboxSheets } from '../../server/sandbox/sheets/index.ts';
import { INBOX_MAX_ATTEMPTS } from '../../server/store/repos/inbox.ts';
import {
  type AddonSession,
  connectedSheet,
  deliverHubSpotWebhook,
  finishedJob,
  hubspotContactsTable,
  hubspotUser,
  rowsOfTab,
  sandboxCompanion,
  sheetsUser,
} from '../support/companion.ts';
import { freshPostgresDatabase, postgresReachable } from '../support/databases.ts';

const HEADERS = ['Email', 'First Name', 'Last Name', 'City', 'Rowbridge ID'];
const TAB = 'Prospects';

/** A companion in sandbox mode with one HubSpot-synced tab, and a HubSpot user who edits and delivers. */
export interface SyncedCompanion {
  readonly companion: Companion;
  /** Which database the companion runs on (see `benchDatabase`). */
  readonly database: 'postgres' | 'pglite';
  readonly session: AddonSession;
  readonly tableId: string;
  /** The initial export's job, which the add-on's sidebar would watch. */
  readonly exportJobId: string;
  readonly spreadsheetId: string;
  readonly rowIds: readonly string[];
  /** The companion's own sandbox Sheets: where its writes land and are counted. */
  readonly sheets: SandboxSheets;
  /** The City cell of a row, as the sheet shows it now. */
  cityOf(rowId: string): string;
  /** The city of the row's contact, as HubSpot holds it now. */
  crmCityOf(rowId: string): string;
  /**
   * A sales rep sets a contact's city in HubSpot, and HubSpot's signed webhook for it is POSTed to the
   * companion (the bench sends it itself, to time it). Resolves with the acknowledgement's status and time.
   */
  change(rowId: string, city: string): Promise<{ status: number; ms: number }>;
  /**
   * Where the companion's pipeline stands, for a report of rows missing a change: webhook events by
   * state (with their last errors), `crm-events` jobs by state, open conflicts and links by state.
   */
  diagnose(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * The database the webhook and load figures run on: PostgreSQL (a fresh database on the test server),
 * as a production companion does, unless `ROWBRIDGE_BENCH_DB=pglite` or no server answers. PGlite runs
 * in the companion's own thread, so every query waits behind every other one: measured at 50 webhooks/s,
 * ack p50/p99 75/3,400 ms on PGlite against 6/186 ms on PostgreSQL on the same machine.
 */
async function benchDatabase(): Promise<{
  name: 'postgres' | 'pglite';
  env: Record<string, string>;
  drop(): Promise<void>;
}> {
  if (process.env.ROWBRIDGE_BENCH_DB !== 'pglite' && (await postgresReachable())) {
    const database = await freshPostgresDatabase();
    return { name: 'postgres', env: { DATABASE_URL: database.url }, drop: database.drop };
  }
  return { name: 'pglite', env: {}, drop: async () => {} };
}

/** Starts the companion, binds a sheet of `rows` people, connects HubSpot, creates the table and exports it. */
export async function syncedCompanion(rows: number): Promise<SyncedCompanion> {
  const database = await benchDatabase();
  const { companion, dataDir } = await sandboxCompanion({}, database.env);
  const sheets = companion.sandboxSheets;
  if (!sheets) throw new Error('the companion did not start in sandbox mode');
  const user = sheetsUser(dataDir);
  const people = Array.from({ length: rows }, (_, i) => [
    `w${i}@bench.example`,
    'Web',
    `Hook ${i}`,
    'Leeds',
    `r${i}`,
  ]);
  const spreadsheetId = user.state.createSpreadsheet({ tabs: [{ title: TAB, rows: [HEADERS, ...people] }] });
  const session = await connectedSheet(companion, dataDir, spreadsheetId);
  const portal: SandboxHubSpot = hubspotUser(companion, dataDir);
  portal.setWebhookTarget(undefined); // the bench delivers and times each webhook itself
  const tableId = await hubspotContactsTable(session, { name: TAB, headers: HEADERS }, { region: null });
  const started = await session.api('POST', `/api/v1/tables/${tableId}/export`, {
    rows: rowsOfTab(user, spreadsheetId, TAB).map(({ rowId, cells }) => ({ rowId, cells })),
  });
  const job = await finishedJob(session, started.body.job.id, 90_000);
  if (job.status !== 'succeeded') throw new Error(`the initial export failed: ${JSON.stringify(job)}`);
  const contacts = new Map(portal.state.list('contacts').map((c) => [c.properties.rowbridge_id, c.id]));
  if (contacts.size !== rows)
    throw new Error(`the initial export made ${contacts.size} contacts, not ${rows}`);

  let eventId = 9_000_000_000;
  const cityAt = HEADERS.indexOf('City');
  const idAt = HEADERS.indexOf('Rowbridge ID');
  return {
    companion,
    database: database.name,
    session,
    tableId,
    exportJobId: started.body.job.id,
    spreadsheetId,
    rowIds: people.map((p) => p[idAt] ?? ''),
    sheets,
    crmCityOf(rowId) {
      const contact = portal.state.list('contacts').find((c) => c.properties.rowbridge_id === rowId);
      return contact?.properties.city ?? '';
    },
    cityOf(rowId) {
      const row = sheets.state.grid(spreadsheetId, TAB).find((cells) => cells[idAt] === rowId);
      return String(row?.[cityAt] ?? '');
    },
    async change(rowId, city) {
      const objectId = contacts.get(rowId) ?? '';
      portal.state.editAsUser('contacts', objectId, { city });
      const body = JSON.stringify([
        {
          eventId: eventId++,
          subscriptionId: 1,
          portalId: portal.portalId,
          appId: 1,
          occurredAt: Date.now(),
          subscriptionType: 'contact.propertyChange',
          attemptNumber: 0,
          objectId: Number(objectId),
          propertyName: 'city',
          propertyValue: city,
          changeSource: 'CRM_UI',
        },
      ]);
      const t0 = performance.now();
      const response = await deliverHubSpotWebhook(companion, body);
      await response.arrayBuffer();
      return { status: response.status, ms: performance.now() - t0 };
    },
    async diagnose() {
      const query = async (text: string) => (await companion.db.client.query(text)).rows;
      const conflicts = await session.api('GET', `/api/v1/tables/${tableId}/conflicts`);
      return {
        inbox: await query(
          `select case when processed_at is not null then 'processed'
                       when attempts >= ${INBOX_MAX_ATTEMPTS} then 'dead'
                       when available_at > now() then 'leased'
                       else 'pending' end as state,
                  count(*)::int as events, max(attempts)::int as max_attempts,
                  (array_agg(distinct last_error) filter (where last_error is not null))[1:3] as errors
           from inbox_events group by 1`,
        ),
        jobs: await query(
          `select state, count(*)::int as jobs from pgboss.job where name = 'crm-events' group by 1`,
        ),
        openConflicts: conflicts.body?.conflicts?.length ?? null,
        links: await query('select state, count(*)::int as links from record_links group by 1'),
      };
    },
    async close() {
      await portal.close();
      await companion.close();
      await rm(dataDir, { recursive: true, force: true });
      await database.drop();
    },
  };
}

/** The p-th percentile (nearest rank) of `samples`. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/**
 * Sends `count` changes at `perSecond`, spread over the rows in turn, each with a city of its own; calls
 * `onAck` as each is acknowledged. Resolves once all are acknowledged, with the last city of each row.
 */
export async function changeStream(
  synced: SyncedCompanion,
  options: { readonly count: number; readonly perSecond: number; readonly tag: string },
  onAck: (result: { status: number; ms: number }, change: { rowId: string; city: string }) => void,
): Promise<Map<string, string>> {
  const last = new Map<string, string>();
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < options.count; i += 1) {
    // A fixed offered rate: each change leaves at its slot, whether or not earlier ones were answered.
    const wait = t0 + (i * 1000) / options.perSecond - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const rowId = synced.rowIds[i % synced.rowIds.length] ?? '';
    const city = `${options.tag} ${i}`;
    last.set(rowId, city);
    pending.push(
      synced.change(rowId, city).then(
        (ack) => onAck(ack, { rowId, city }),
        () => onAck({ status: 0, ms: performance.now() - t0 }, { rowId, city }),
      ),
    );
  }
  await Promise.all(pending);
  return last;
}

/** A row whose sheet cell does not show the last change sent for it. */
export interface MissingChange {
  readonly rowId: string;
  readonly expected: string;
  readonly sheet: string;
  readonly crm: string;
}

/**
 * Waits until every row shows its expected city or `timeoutMs` passes; resolves with the time that took
 * and the rows still missing their last change (with what the sheet and HubSpot hold), so a report can
 * say what went wrong instead of stopping.
 */
export async function allApplied(
  synced: SyncedCompanion,
  expected: ReadonlyMap<string, string>,
  timeoutMs: number,
): Promise<{ lagMs: number; missing: MissingChange[] }> {
  const start = performance.now();
  for (;;) {
    const missing = [...expected].filter(([rowId, city]) => synced.cityOf(rowId) !== city);
    const lagMs = performance.now() - start;
    if (missing.length === 0) return { lagMs, missing: [] };
    if (lagMs > timeoutMs) {
      return {
        lagMs,
        missing: missing.map(([rowId, city]) => ({
          rowId,
          expected: city,
          sheet: synced.cityOf(rowId),
          crm: synced.crmCityOf(rowId),
        })),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** `allApplied`, throwing when a change is missing: for figures that mean nothing without every change. */
export async function allAppliedOrThrow(
  synced: SyncedCompanion,
  expected: ReadonlyMap<string, string>,
  timeoutMs: number,
): Promise<number> {
  const { lagMs, missing } = await allApplied(synced, expected, timeoutMs);
  if (missing.length > 0) {
    throw new Error(
      `${missing.length} rows never showed their last change: ${JSON.stringify(missing.slice(0, 3))}; ${JSON.stringify(await synced.diagnose())}`,
    );
  }
  return lagMs;
}
