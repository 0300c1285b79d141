import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection } from '../connections/credentials.ts';
import { PROVIDERS } from '../connectors/registry.ts';
import { createLogger } from '../observability/logger.ts';
import type { JobKind, SendOptions } from '../queue/index.ts';
import { generateKeyEntry, Keyring } from '../security/keyring.ts';
import type { Database } from '../store/database.ts';
import { openMigrated, SAMPLE_MAPPING, seedTable } from '../store/fixtures.ts';
import { openPglite } from '../store/sql-client.ts';
import { armPolls, nextPollAt, POLLED_CRMS, type PollJob, runPoll, schedulePoll } from './poll.ts';
import type { SyncRuntime } from './runtime.ts';

/** A job kind that records what was sent, dropping a repeated idempotency key as the queue does. */
function recordingKind(): JobKind<PollJob> & { sent: { data: PollJob; options: SendOptions }[] } {
  const keys = new Set<string>();
  const sent: { data: PollJob; options: SendOptions }[] = [];
  return {
    name: 'crm-poll',
    sent,
    async send(data, options) {
      if (options.idempotencyKey && keys.has(options.idempotencyKey)) return null;
      if (options.idempotencyKey) keys.add(options.idempotencyKey);
      sent.push({ data, options });
      return `job-${sent.length}`;
    },
  };
}

const T = Date.parse('2025-06-02T12:03:20.000Z');

describe('nextPollAt', () => {
  it('is the end of the current interval, counted from the epoch', () => {
    expect(new Date(nextPollAt(300, T)).toISOString()).toBe('2025-06-02T12:05:00.000Z');
    expect(new Date(nextPollAt(300, Date.parse('2025-06-02T12:05:00.000Z'))).toISOString()).toBe(
      '2025-06-02T12:10:00.000Z',
    );
    expect(new Date(nextPollAt(3600, T)).toISOString()).toBe('2025-06-02T13:00:00.000Z');
  });
});

describe('schedulePoll', () => {
  const table = { id: 't1', tenantId: 'tn', connectionId: 'c1', reconcileIntervalSeconds: 300 };

  it('queues one job per table per slot, keyed by connection, whoever asks and however often', async () => {
    const kind = recordingKind();
    expect((await schedulePoll(kind, table, T)).toISOString()).toBe('2025-06-02T12:05:00.000Z');
    await schedulePoll(kind, table, T + 60_000); // a restart a minute later: same slot
    await schedulePoll(kind, table, T + 90_000); // the chain's own run
    expect(kind.sent).toEqual([
      {
        data: { tenantId: 'tn', tableId: 't1' },
        options: {
          key: 'c1',
          startAfter: new Date('2025-06-02T12:05:00.000Z'),
          idempotencyKey: 't1@1748865900000',
        },
      },
    ]);
    await schedulePoll(kind, table, Date.parse('2025-06-02T12:05:01.000Z'));
    expect(kind.sent.map((s) => s.options.startAfter)).toEqual([
      new Date('2025-06-02T12:05:00.000Z'),
      new Date('2025-06-02T12:10:00.000Z'),
    ]);
  });
});

describe('runPoll and armPolls', () => {
  const keyring = Keyring.parse(generateKeyEntry('k1'));
  let db: Database;
  let dispose: () => Promise<void>;
  let runtime: SyncRuntime;
  const ctx = { jobId: 'job-1', signal: new AbortController().signal };

  beforeAll(async () => {
    ({ db, dispose } = await openMigrated(async () => {
      const client = await openPglite();
      return { ...client, dispose: () => client.close() };
    }));
    runtime = {
      db,
      keyring,
      logger: createLogger({ level: 'silent' }),
      hubspotApiBase: () => 'http://127.0.0.1:1',
    };
  });
  afterAll(() => dispose());

  async function salesforceTable() {
    const { tenant, spreadsheet } = await seedTable(db);
    // No instance URL: building its connector fails, as a broken connection would.
    const connection = await createConnection(db, keyring, tenant.id, {
      spreadsheetId: spreadsheet.id,
      crm: 'salesforce',
      label: 'Salesforce',
      accountId: '00D8d000000ABCDEAA',
      credentials: { kind: 'oauth', accessToken: 'a1' },
    });
    return db.repos.tables.create(tenant.id, {
      spreadsheetId: spreadsheet.id,
      sheetTabId: 7,
      sheetTabName: 'Leads',
      connectionId: connection.id,
      mapping: { ...SAMPLE_MAPPING, crm: 'salesforce', object: 'Lead', fields: [] },
      reconcileIntervalSeconds: 120,
    });
  }

  it('sends the next poll before working, so a failing run does not end the chain', async () => {
    const table = await salesforceTable();
    const kind = recordingKind();
    const run = runPoll(runtime, { tenantId: table.tenantId, tableId: table.id }, ctx, {
      schedule: (t) => schedulePoll(kind, t, T),
      now: () => T,
    });
    await expect(run).rejects.toThrow(/Connect Salesforce again/);
    expect(kind.sent.map((s) => s.options.startAfter)).toEqual([new Date('2025-06-02T12:04:00.000Z')]);
  });

  it('ends the chain for a deleted table; every CRM with a connector is reconciled', async () => {
    const kind = recordingKind();
    const schedule = (t: Parameters<typeof schedulePoll>[1]) => schedulePoll(kind, t, T);
    const gone = await salesforceTable();
    await db.repos.tables.delete(gone.tenantId, gone.id);
    expect(
      await runPoll(runtime, { tenantId: gone.tenantId, tableId: gone.id }, ctx, { schedule }),
    ).toBeUndefined();
    expect(kind.sent).toEqual([]);
    expect([...POLLED_CRMS].sort()).toEqual(Object.keys(PROVIDERS).sort());
  });

  it('re-arms every table at start, once per slot', async () => {
    const table = await salesforceTable();
    const { table: hubspotTable } = await seedTable(db);
    const kind = recordingKind();
    const armed = await armPolls(runtime, kind, T);
    expect(armed).toBeGreaterThanOrEqual(2);
    for (const id of [table.id, hubspotTable.id]) {
      expect(kind.sent.filter((s) => s.data.tableId === id)).toHaveLength(1);
    }
    await armPolls(runtime, kind, T + 1000);
    for (const id of [table.id, hubspotTable.id]) {
      expect(kind.sent.filter((s) => s.data.tableId === id)).toHaveLength(1);
    }
  });
});
