import { afterAll, beforeAll, expect, it } from 'vitest';
import { RowbridgeError } from '../../shared/errors.ts';
import { describeEachDriver } from '../../test/support/databases.ts';
import type { Database } from './database.ts';
import { openMigrated, SAMPLE_MAPPING, type SeededTable, seedTable } from './fixtures.ts';

// Tenant B holds tenant A's ids (as a forged request would) and tries every repository operation with
// them: reads come back empty, writes change nothing, and inserts that point at A's rows are refused.

async function expectNotFound(promise: Promise<unknown>): Promise<void> {
  await expect(promise).rejects.toSatisfy(
    (error: unknown) => error instanceof RowbridgeError && error.code === 'not_found',
  );
}

describeEachDriver('tenant isolation', (driver) => {
  let db: Database;
  let dispose: () => Promise<void>;
  let a: SeededTable;
  let b: SeededTable;
  let conflictId: string;
  let jobId: string;
  beforeAll(async () => {
    ({ db, dispose } = await openMigrated(() => driver.open()));
    a = await seedTable(db);
    b = await seedTable(db);
    await db.repos.links.upsert(a.tenant.id, a.table.id, [
      { rowId: 'r1', crmId: 'c1', base: { email: 'a@x.io' }, stamps: {}, state: 'linked' },
    ]);
    const [conflict] = await db.repos.conflicts.record(a.tenant.id, a.table.id, [
      {
        rowId: 'r1',
        field: 'email',
        base: 'a',
        sheet: { value: 'b' },
        crm: { value: 'c' },
        explanation: 'x',
      },
    ]);
    conflictId = conflict?.id ?? '';
    jobId = (await db.repos.jobs.create(a.tenant.id, { kind: 'export', tableId: a.table.id })).id;
    await db.repos.audit.append(a.tenant.id, [
      {
        tableId: a.table.id,
        rowId: 'r1',
        crmId: 'c1',
        target: 'crm',
        source: 'sheet',
        actor: 'u',
        action: 'write',
      },
    ]);
  });
  afterAll(async () => {
    await dispose();
  });

  it('users and spreadsheets', async () => {
    const { repos } = db;
    const B = b.tenant.id;
    expect(await repos.tenants.getUser(B, a.user.id)).toBeUndefined();
    expect(await repos.spreadsheets.get(B, a.spreadsheet.id)).toBeUndefined();
    expect(await repos.spreadsheets.getByGoogleId(B, a.spreadsheet.googleSpreadsheetId)).toBeUndefined();
    expect((await repos.spreadsheets.list(B)).map((s) => s.id)).toEqual([b.spreadsheet.id]);
    expect(
      await repos.spreadsheets.rotateSecret(B, a.spreadsheet.id, { secretHash: 'forged' }),
    ).toBeUndefined();
    expect(await repos.spreadsheets.delete(B, a.spreadsheet.id)).toBe(false);
    expect((await repos.spreadsheets.get(a.tenant.id, a.spreadsheet.id))?.secretHash).toBe(
      a.spreadsheet.secretHash,
    );
  });

  it('connections', async () => {
    const { repos } = db;
    const B = b.tenant.id;
    const id = a.connection.id;
    expect(await repos.connections.get(B, id)).toBeUndefined();
    expect(await repos.connections.listForSpreadsheet(B, a.spreadsheet.id)).toEqual([]);
    expect((await repos.connections.listForTenant(B)).map((c) => c.id)).toEqual([b.connection.id]);
    expect(await repos.connections.update(B, id, { label: 'forged' })).toBeUndefined();
    const credentials = { keyId: 'k', ciphertext: 'Zm9yZ2Vk' };
    expect(await repos.connections.updateCredentials(B, id, { credentials })).toBeUndefined();
    expect(await repos.connections.delete(B, id)).toBe(false);
    await expectNotFound(
      repos.connections.create(B, {
        spreadsheetId: a.spreadsheet.id,
        crm: 'hubspot',
        label: 'x',
        credentials,
      }),
    );
    expect(await repos.connections.get(a.tenant.id, id)).toEqual(a.connection);
  });

  it('sync tables', async () => {
    const { repos } = db;
    const B = b.tenant.id;
    const id = a.table.id;
    expect(await repos.tables.get(B, id)).toBeUndefined();
    expect(await repos.tables.listForSpreadsheet(B, a.spreadsheet.id)).toEqual([]);
    expect(await repos.tables.update(B, id, { policy: 'crm-wins' })).toBeUndefined();
    expect(await repos.tables.updateCursors(B, id, { crm: 'forged' })).toBeUndefined();
    expect(await repos.tables.delete(B, id)).toBe(false);
    const input = { sheetTabId: 99, sheetTabName: 'x', mapping: SAMPLE_MAPPING };
    await expectNotFound(
      repos.tables.create(B, { ...input, spreadsheetId: a.spreadsheet.id, connectionId: b.connection.id }),
    );
    await expectNotFound(
      repos.tables.create(B, { ...input, spreadsheetId: b.spreadsheet.id, connectionId: a.connection.id }),
    );
    await expectNotFound(repos.tables.update(B, b.table.id, { connectionId: a.connection.id }));
    expect(await repos.tables.get(a.tenant.id, id)).toEqual(a.table);
  });

  it('record links', async () => {
    const { repos } = db;
    const B = b.tenant.id;
    const id = a.table.id;
    expect(await repos.links.getByRowIds(B, id, ['r1'])).toEqual([]);
    expect(await repos.links.getByCrmIds(B, id, ['c1'])).toEqual([]);
    expect(await repos.links.list(B, id)).toEqual([]);
    expect(await repos.links.setState(B, id, ['r1'], 'archived')).toBe(0);
    expect(await repos.links.delete(B, id, ['r1'])).toBe(0);
    await expectNotFound(repos.links.upsert(B, id, [{ rowId: 'r1', base: {}, stamps: {}, state: 'error' }]));
    const [link] = await repos.links.getByRowIds(a.tenant.id, id, ['r1']);
    expect(link).toMatchObject({ state: 'linked', base: { email: 'a@x.io' } });
  });

  it('conflicts', async () => {
    const { repos } = db;
    const B = b.tenant.id;
    expect(await repos.conflicts.get(B, conflictId)).toBeUndefined();
    expect(await repos.conflicts.listOpen(B, a.table.id)).toEqual([]);
    expect(await repos.conflicts.countOpen(B, a.table.id)).toBe(0);
    const decision = { resolution: { choice: 'sheet' as const, value: 'b' }, resolvedBy: b.user.id };
    expect(await repos.conflicts.resolve(B, conflictId, decision)).toBeUndefined();
    await expectNotFound(
      repos.conflicts.record(B, a.table.id, [
        {
          rowId: 'r1',
          field: 'email',
          base: 'a',
          sheet: { value: 'b' },
          crm: { value: 'c' },
          explanation: 'x',
        },
      ]),
    );
    expect(await repos.conflicts.get(a.tenant.id, conflictId)).toMatchObject({ status: 'open' });
  });

  it('audit log', async () => {
    const { repos } = db;
    const B = b.tenant.id;
    expect(await repos.audit.listForTable(B, a.table.id)).toEqual({ entries: [] });
    expect(await repos.audit.listForRecord(B, a.table.id, { rowId: 'r1' })).toEqual({ entries: [] });
    expect(await repos.audit.listForRecord(B, a.table.id, { crmId: 'c1' })).toEqual({ entries: [] });
    expect(await repos.audit.listForTenant(B)).toEqual({ entries: [] });
    expect((await repos.audit.listForTable(a.tenant.id, a.table.id)).entries).toHaveLength(1);
  });

  it('jobs', async () => {
    const { repos } = db;
    const B = b.tenant.id;
    expect(await repos.jobs.get(B, jobId)).toBeUndefined();
    expect(await repos.jobs.listForTable(B, a.table.id)).toEqual([]);
    expect(await repos.jobs.setQueueJobId(B, jobId, 'forged')).toBeUndefined();
    expect(await repos.jobs.start(B, jobId)).toBeUndefined();
    expect(await repos.jobs.updateProgress(B, jobId, { done: 1, total: 1 })).toBeUndefined();
    expect(await repos.jobs.finish(B, jobId, { status: 'cancelled' })).toBeUndefined();
    await expectNotFound(repos.jobs.create(B, { kind: 'export', tableId: a.table.id }));
    expect(await repos.jobs.get(a.tenant.id, jobId)).toMatchObject({ status: 'queued', queueJobId: null });
  });
});
