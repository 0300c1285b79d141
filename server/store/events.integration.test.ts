import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SideValue } from '../../shared/merge/types.ts';
import { describeEachDriver } from '../../test/support/databases.ts';
import type { Database } from './database.ts';
import { openMigrated, seedTable } from './fixtures.ts';
import type { NewAuditEntry, NewConflict } from './repos/index.ts';

// Inbox, conflicts, audit log and jobs: the stores the sync engine writes as it works.

const side = (value: string, changedAt?: number): SideValue =>
  changedAt === undefined ? { value } : { value, changedAt };

describeEachDriver('storage events', (driver) => {
  let db: Database;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openMigrated(() => driver.open()));
  });
  afterAll(async () => {
    await dispose();
  });

  describe('inbox', () => {
    it('stores an event once per source and vendor event id', async () => {
      const vendorEventId = randomUUID();
      const event = { source: 'hubspot', vendorEventId, payload: { objectId: 7, props: ['a'] } };
      const first = await db.repos.inbox.insert(event);
      const again = await db.repos.inbox.insert({ ...event, payload: { different: true } });
      expect(first.inserted).toBe(true);
      expect(again).toEqual({ inserted: false, id: first.id });
      const other = await db.repos.inbox.insert({ ...event, source: 'salesforce' });
      expect(other.inserted).toBe(true);
      const { rows } = await db.client.query<{ n: number }>(
        'select count(*)::int as n from inbox_events where vendor_event_id = $1',
        [vendorEventId],
      );
      expect(rows[0]?.n).toBe(2);
      expect((await db.repos.inbox.get(first.id))?.payload).toEqual(event.payload);
    });

    it('leases claimed events, retries failures, and stops after the last attempt', async () => {
      const source = `test-${randomUUID()}`;
      const ids: string[] = [];
      for (const n of [1, 2, 3]) {
        ids.push((await db.repos.inbox.insert({ source, vendorEventId: `e${n}`, payload: n })).id);
      }
      const claimed = await db.repos.inbox.claim({ source, limit: 2 });
      expect(claimed.map((e) => e.id)).toEqual(ids.slice(0, 2));
      expect(claimed.map((e) => e.attempts)).toEqual([1, 1]);
      const rest = await db.repos.inbox.claim({ source, limit: 10 });
      expect(rest.map((e) => e.id)).toEqual([ids[2]]);
      expect(await db.repos.inbox.claim({ source, limit: 10 })).toEqual([]);

      expect(await db.repos.inbox.markProcessed([ids[0] ?? '', ids[2] ?? ''])).toBe(2);
      expect(await db.repos.inbox.markFailed(ids[1] ?? '', 'HubSpot 503')).toBe(true);
      const retried = await db.repos.inbox.claim({ source, limit: 10, maxAttempts: 2 });
      expect(retried.map((e) => [e.id, e.attempts, e.lastError])).toEqual([[ids[1], 2, 'HubSpot 503']]);
      await db.repos.inbox.markFailed(ids[1] ?? '', 'again');
      expect(await db.repos.inbox.claim({ source, limit: 10, maxAttempts: 2 })).toEqual([]);
      expect(await db.repos.inbox.markProcessed([ids[0] ?? ''])).toBe(0);
    });

    it('hands back a round without counting it when the failure was not the events’ fault', async () => {
      const source = `test-${randomUUID()}`;
      const { id } = await db.repos.inbox.insert({ source, vendorEventId: 'e', payload: null });
      for (let round = 0; round < 12; round += 1) {
        const [claimed] = await db.repos.inbox.claim({ source, limit: 1, maxAttempts: 3 });
        expect(claimed?.id).toBe(id);
        expect(await db.repos.inbox.release([id], 'HubSpot rate limit', { countAttempt: false })).toEqual({
          released: 1,
          exhausted: 0,
        });
      }
      expect((await db.repos.inbox.get(id))?.attempts).toBe(0);
      // Counted failures still run out: the third is the last attempt.
      for (const attempt of [1, 2, 3]) {
        await db.repos.inbox.claim({ source, limit: 1, maxAttempts: 3 });
        await db.repos.inbox.release([id], `bug ${attempt}`);
      }
      expect(await db.repos.inbox.claim({ source, limit: 1, maxAttempts: 3 })).toEqual([]);
      expect((await db.repos.inbox.get(id))?.attempts).toBe(3);
    });

    it('reports events that used their last attempt, and lists connections with takeable events', async () => {
      const { tenant, connection } = await seedTable(db);
      const other = await seedTable(db);
      const event = (n: string, connectionId: string, tenantId: string) =>
        db.repos.inbox.insert({
          source: `hubspot:${n}`,
          vendorEventId: n,
          payload: null,
          connectionId,
          tenantId,
        });
      const mine = (await event(randomUUID(), connection.id, tenant.id)).id;
      const theirs = (await event(randomUUID(), other.connection.id, other.tenant.id)).id;
      const pending = async () =>
        (await db.repos.inbox.pendingConnections())
          .filter((c) => c.id === connection.id || c.id === other.connection.id)
          .sort((a, b) => (a.id === connection.id ? -1 : b.id === connection.id ? 1 : 0));
      expect(await pending()).toEqual([
        { id: connection.id, tenantId: tenant.id },
        { id: other.connection.id, tenantId: other.tenant.id },
      ]);
      // Leased (claimed, not handed back) and processed events are not takeable.
      await db.repos.inbox.claim({ limit: 10, connectionId: connection.id });
      await db.repos.inbox.markProcessed([theirs]);
      expect(await pending()).toEqual([]);
      // Handed back after its last counted attempt: a dead letter, reported, and not takeable either.
      await db.client.query('update inbox_events set attempts = $2 where id = $1', [mine, 10]);
      expect(await db.repos.inbox.release([mine], 'bug')).toEqual({ released: 1, exhausted: 1 });
      expect(await pending()).toEqual([]);
      await db.client.query('update inbox_events set attempts = $2 where id = $1', [mine, 9]);
      expect(await pending()).toEqual([{ id: connection.id, tenantId: tenant.id }]);
    });

    it('keeps a failed event hidden until its retry time', async () => {
      const source = `test-${randomUUID()}`;
      const { id } = await db.repos.inbox.insert({ source, vendorEventId: 'e', payload: null });
      await db.repos.inbox.claim({ source, limit: 1 });
      await db.repos.inbox.markFailed(id, 'later', { retryAt: new Date(Date.now() + 60_000) });
      expect(await db.repos.inbox.claim({ source, limit: 1 })).toEqual([]);
      await db.repos.inbox.markFailed(id, 'now', { retryAt: new Date(Date.now() - 1000) });
      expect((await db.repos.inbox.claim({ source, limit: 1 })).map((e) => e.id)).toEqual([id]);
    });
  });

  describe('conflicts', () => {
    it('keep one open conflict per field, updated by newer disagreements, until resolved', async () => {
      const { tenant, table, user } = await seedTable(db);
      const [link] = await db.repos.links.upsert(tenant.id, table.id, [
        { rowId: 'r1', crmId: 'c1', base: { email: 'a@x.io' }, stamps: {}, state: 'linked' },
      ]);
      const conflict: NewConflict = {
        rowId: 'r1',
        linkId: link?.id ?? null,
        field: 'email',
        base: 'a@x.io',
        sheet: side('b@x.io', 1),
        crm: { value: 'c@x.io', changedAt: 2, echo: false },
        explanation: 'Both sides changed Email.',
      };
      const [first] = await db.repos.conflicts.record(tenant.id, table.id, [
        conflict,
        {
          ...conflict,
          rowId: 'r2',
          linkId: null,
          field: 'phone',
          base: null,
          sheet: side('1'),
          crm: side('2'),
        },
      ]);
      const [updated] = await db.repos.conflicts.record(tenant.id, table.id, [
        { ...conflict, sheet: side('d@x.io') },
      ]);
      expect(updated?.id).toBe(first?.id);
      expect(updated?.sheet).toEqual(side('d@x.io'));
      expect(await db.repos.conflicts.countOpen(tenant.id, table.id)).toBe(2);
      const open = await db.repos.conflicts.listOpen(tenant.id, table.id, { rowIds: ['r2'] });
      expect(open.map((c) => [c.field, c.base, c.sheet, c.crm])).toEqual([
        ['phone', null, side('1'), side('2')],
      ]);

      const resolution = { choice: 'crm' as const, value: 'c@x.io' };
      const resolved = await db.repos.conflicts.resolve(tenant.id, first?.id ?? '', {
        resolution,
        resolvedBy: user.id,
      });
      expect(resolved).toMatchObject({ status: 'resolved', resolution, resolvedBy: user.id });
      expect(resolved?.resolvedAt).toBeInstanceOf(Date);
      expect(
        await db.repos.conflicts.resolve(tenant.id, first?.id ?? '', { resolution, resolvedBy: 'x' }),
      ).toBe(undefined);
      const [reopened] = await db.repos.conflicts.record(tenant.id, table.id, [conflict]);
      expect(reopened?.id).not.toBe(first?.id);
      expect(await db.repos.conflicts.countOpen(tenant.id, table.id)).toBe(2);
    });
  });

  describe('audit log', () => {
    const entry = (tableId: string, n: number, rowId = 'r1'): NewAuditEntry => ({
      tableId,
      rowId,
      crmId: `c-${rowId}`,
      field: 'email',
      oldValue: n === 0 ? null : `v${n - 1}`,
      newValue: `v${n}`,
      target: 'crm',
      source: 'sheet',
      actor: 'user-1',
      action: 'write',
      explanation: 'Sheet changed, CRM did not.',
      jobId: 'job-1',
    });

    it('appends in order and pages per table and per record, newest first', async () => {
      const { tenant, table } = await seedTable(db);
      const entries = [entry(table.id, 0), entry(table.id, 1, 'r2'), entry(table.id, 2), entry(table.id, 3)];
      expect(await db.repos.audit.append(tenant.id, entries)).toBe(4);
      const page1 = await db.repos.audit.listForTable(tenant.id, table.id, { limit: 3 });
      expect(page1.entries.map((e) => e.newValue)).toEqual(['v3', 'v2', 'v1']);
      expect(page1.entries[0]).toMatchObject({ ...entries[3], tenantId: tenant.id });
      expect(page1.entries[0]?.at).toBeInstanceOf(Date);
      const page2 = await db.repos.audit.listForTable(tenant.id, table.id, { before: page1.nextBefore ?? 0 });
      expect(page2).toEqual({ entries: [expect.objectContaining({ newValue: 'v0', oldValue: null })] });

      const byRow = await db.repos.audit.listForRecord(tenant.id, table.id, { rowId: 'r1' });
      expect(byRow.entries.map((e) => e.newValue)).toEqual(['v3', 'v2', 'v0']);
      const byCrm = await db.repos.audit.listForRecord(tenant.id, table.id, { crmId: 'c-r2' });
      expect(byCrm.entries.map((e) => e.newValue)).toEqual(['v1']);
      expect((await db.repos.audit.listForTenant(tenant.id)).entries).toHaveLength(4);
    });

    it('keeps values of every JSON type as written', async () => {
      const { tenant, table } = await seedTable(db);
      const values = ['123', 'true', 'null', '', 0, 2.5, false, null, { nested: ['x', 1] }];
      await db.repos.audit.append(
        tenant.id,
        values.map((newValue) => ({ ...entry(table.id, 1), oldValue: null, newValue })),
      );
      const { entries } = await db.repos.audit.listForTable(tenant.id, table.id);
      expect(entries.map((e) => e.newValue).reverse()).toStrictEqual(values);
    });

    it('refuses UPDATE, DELETE and TRUNCATE in the database itself', async () => {
      const { tenant, table } = await seedTable(db);
      await db.repos.audit.append(tenant.id, [entry(table.id, 0)]);
      for (const statement of [
        "update audit_log set actor = 'someone else' where tenant_id = $1",
        'delete from audit_log where tenant_id = $1',
      ]) {
        await expect(db.client.query(statement, [tenant.id])).rejects.toThrow(/append-only/);
      }
      await expect(db.client.query('truncate audit_log')).rejects.toThrow(/append-only/);
      const { entries } = await db.repos.audit.listForTable(tenant.id, table.id);
      expect(entries.map((e) => e.actor)).toEqual(['user-1']);
    });

    it('appends large batches whole', async () => {
      const { tenant, table } = await seedTable(db);
      const many = Array.from({ length: 1500 }, (_, n) => entry(table.id, n));
      expect(await db.repos.audit.append(tenant.id, many)).toBe(1500);
      const first = await db.repos.audit.listForTable(tenant.id, table.id, { limit: 1 });
      expect(first.entries[0]?.newValue).toBe('v1499');
    });
  });

  describe('jobs', () => {
    it('move from queued to running to one final state, which then stands', async () => {
      const { tenant, table, user } = await seedTable(db);
      const job = await db.repos.jobs.create(tenant.id, {
        kind: 'export',
        tableId: table.id,
        createdBy: user.id,
      });
      expect(job).toMatchObject({ status: 'queued', progress: null, startedAt: null, finishedAt: null });
      await db.repos.jobs.setQueueJobId(tenant.id, job.id, 'boss-1');
      const running = await db.repos.jobs.start(tenant.id, job.id);
      expect(running?.startedAt).toBeInstanceOf(Date);
      const progressed = await db.repos.jobs.updateProgress(tenant.id, job.id, { done: 5, total: 10 });
      expect(progressed).toMatchObject({
        status: 'running',
        progress: { done: 5, total: 10 },
        queueJobId: 'boss-1',
      });
      const done = await db.repos.jobs.finish(tenant.id, job.id, {
        status: 'succeeded',
        result: { created: 5 },
      });
      expect(done).toMatchObject({ status: 'succeeded', result: { created: 5 }, error: null });
      expect(done?.finishedAt).toBeInstanceOf(Date);
      expect(await db.repos.jobs.finish(tenant.id, job.id, { status: 'cancelled' })).toBeUndefined();
      expect(await db.repos.jobs.updateProgress(tenant.id, job.id, { done: 6, total: 10 })).toBeUndefined();

      const failed = await db.repos.jobs.create(tenant.id, { kind: 'import', tableId: table.id });
      const outcome = {
        status: 'failed' as const,
        error: { code: 'crm_unavailable', message: 'HubSpot is down' },
      };
      expect(await db.repos.jobs.finish(tenant.id, failed.id, outcome)).toMatchObject(outcome);
      const listed = await db.repos.jobs.listForTable(tenant.id, table.id);
      expect(listed.map((j) => j.id)).toEqual([failed.id, job.id]);
    });
  });
});
