import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RowbridgeError } from '../../shared/errors.ts';
import { conflictPolicySchema } from '../../shared/merge/types.ts';
import { describeEachDriver } from '../../test/support/databases.ts';
import type { Database } from './database.ts';
import { openMigrated, SAMPLE_MAPPING, seedTable } from './fixtures.ts';
import { migrate } from './migrate.ts';
import type { LinkUpsert } from './repos/index.ts';
import { CONFLICT_POLICIES } from './values.ts';

const TABLES = [
  'audit_log',
  'conflicts',
  'connections',
  'inbox_events',
  'jobs',
  'record_links',
  'spreadsheets',
  'sync_tables',
  'tenants',
  'users',
];

/** Expects a promise to reject with a RowbridgeError of this code. */
async function expectCode(promise: Promise<unknown>, code: string): Promise<RowbridgeError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RowbridgeError);
  expect((error as RowbridgeError).code).toBe(code);
  return error as RowbridgeError;
}

it('CHECKs the same conflict policies as the merge module', () => {
  expect([...CONFLICT_POLICIES]).toEqual(conflictPolicySchema.options);
});

describeEachDriver('storage', (driver) => {
  let db: Database;
  let applied: number;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, applied, dispose } = await openMigrated(() => driver.open()));
  });
  afterAll(async () => {
    await dispose();
  });

  describe('migrations', () => {
    it('create every table on an empty database; running them again is a no-op', async () => {
      expect(applied).toBeGreaterThanOrEqual(2);
      expect(await migrate(db.client)).toEqual({ applied: 0 });
      const { rows } = await db.client.query<{ name: string }>(
        "select table_name as name from information_schema.tables where table_schema = 'public' order by 1",
      );
      expect(rows.map((row) => row.name)).toEqual(TABLES);
    });
  });

  describe('tenants and users', () => {
    it('upsert by Google identity: a second sign-in updates the user and keeps both ids', async () => {
      const key = `${randomUUID()}.example`;
      const first = await db.repos.tenants.upsertSignIn({
        tenant: { kind: 'domain', key, name: 'Acme' },
        user: { googleSub: `sub-${key}`, email: 'a@acme.example' },
      });
      const again = await db.repos.tenants.upsertSignIn({
        tenant: { kind: 'domain', key },
        user: { googleSub: `sub-${key}`, email: 'new@acme.example' },
      });
      expect(again.tenant.id).toBe(first.tenant.id);
      expect(again.tenant.name).toBe('Acme');
      expect(again.user.id).toBe(first.user.id);
      expect(again.user.email).toBe('new@acme.example');
      expect(again.user.lastSeenAt.getTime()).toBeGreaterThanOrEqual(first.user.lastSeenAt.getTime());
      const colleague = await db.repos.tenants.upsertSignIn({
        tenant: { kind: 'domain', key },
        user: { googleSub: `other-${key}`, email: 'b@acme.example' },
      });
      expect(colleague.tenant.id).toBe(first.tenant.id);
      expect(await db.repos.tenants.getUser(first.tenant.id, colleague.user.id)).toEqual(colleague.user);
      expect(await db.repos.tenants.getTenantByKey(key)).toEqual(again.tenant);
    });
  });

  describe('spreadsheets', () => {
    it('bind once: a second bind keeps the first secret hash; rotation replaces it', async () => {
      const { tenant } = await seedTable(db);
      const googleSpreadsheetId = `g-${randomUUID()}`;
      const first = await db.repos.spreadsheets.bind(tenant.id, { googleSpreadsheetId, secretHash: 'h1' });
      expect(first.created).toBe(true);
      const second = await db.repos.spreadsheets.bind(tenant.id, { googleSpreadsheetId, secretHash: 'h2' });
      expect(second).toEqual({ created: false, spreadsheet: first.spreadsheet });
      expect(await db.repos.spreadsheets.getByGoogleId(tenant.id, googleSpreadsheetId)).toEqual(
        first.spreadsheet,
      );
      const rotated = await db.repos.spreadsheets.rotateSecret(tenant.id, first.spreadsheet.id, {
        secretHash: 'h3',
        secretKeyId: 'k2',
      });
      expect(rotated).toMatchObject({ secretHash: 'h3', secretKeyId: 'k2' });
      expect((await db.repos.spreadsheets.list(tenant.id)).map((s) => s.id)).toContain(first.spreadsheet.id);
    });

    it('deleting a spreadsheet takes its connections, tables, links and jobs with it', async () => {
      const { tenant, spreadsheet, connection, table } = await seedTable(db);
      await db.repos.links.upsert(tenant.id, table.id, [
        { rowId: 'r1', base: {}, stamps: {}, state: 'linked' },
      ]);
      const job = await db.repos.jobs.create(tenant.id, { kind: 'export', tableId: table.id });
      expect(await db.repos.spreadsheets.delete(tenant.id, spreadsheet.id)).toBe(true);
      expect(await db.repos.connections.get(tenant.id, connection.id)).toBeUndefined();
      expect(await db.repos.tables.get(tenant.id, table.id)).toBeUndefined();
      expect(await db.repos.links.getByRowIds(tenant.id, table.id, ['r1'])).toEqual([]);
      expect(await db.repos.jobs.get(tenant.id, job.id)).toBeUndefined();
    });
  });

  describe('connections', () => {
    it('store only the sealed credentials and refuse anything that looks like plaintext', async () => {
      const { tenant, connection } = await seedTable(db);
      const { rows } = await db.client.query<Record<string, unknown>>(
        'select credentials_key_id, credentials_ciphertext from connections where id = $1',
        [connection.id],
      );
      expect(rows[0]).toEqual({
        credentials_key_id: connection.credentials.keyId,
        credentials_ciphertext: connection.credentials.ciphertext,
      });
      const plaintext = { keyId: 'k1', ciphertext: '{"refresh_token":"1//secret"}' };
      await expectCode(
        db.repos.connections.create(tenant.id, { crm: 'hubspot', label: 'x', credentials: plaintext }),
        'invalid_input',
      );
    });

    it('list per spreadsheet (optionally with tenant-wide ones) and find by CRM account', async () => {
      const { tenant, spreadsheet, connection } = await seedTable(db);
      const shared = await db.repos.connections.create(tenant.id, {
        crm: 'salesforce',
        label: 'Salesforce',
        credentials: { keyId: 'k1', ciphertext: 'c2VhbGVk' },
        accountId: `org-${randomUUID()}`,
        scopes: ['api', 'refresh_token'],
        instanceUrl: 'https://example.my.salesforce.com',
      });
      expect(shared.scopes).toEqual(['api', 'refresh_token']);
      const own = await db.repos.connections.listForSpreadsheet(tenant.id, spreadsheet.id);
      expect(own.map((c) => c.id)).toEqual([connection.id]);
      const all = await db.repos.connections.listForSpreadsheet(tenant.id, spreadsheet.id, {
        includeShared: true,
      });
      expect(all.map((c) => c.id).sort()).toEqual([connection.id, shared.id].sort());
      expect(await db.repos.connections.findByAccount('salesforce', shared.accountId ?? '')).toEqual([
        shared,
      ]);
      expect(await db.repos.connections.findByAccount('hubspot', shared.accountId ?? '')).toEqual([]);
    });

    it('update credentials only while the stored ciphertext is the one the caller read', async () => {
      const { tenant, connection } = await seedTable(db);
      await db.repos.connections.update(tenant.id, connection.id, { status: 'error', lastError: 'HTTP 401' });
      const expiresAt = new Date('2030-01-01T00:00:00Z');
      const refreshed = await db.repos.connections.updateCredentials(tenant.id, connection.id, {
        credentials: { keyId: 'k2', ciphertext: 'bmV3' },
        expiresAt,
        ifCiphertext: connection.credentials.ciphertext,
      });
      expect(refreshed).toMatchObject({
        credentials: { keyId: 'k2', ciphertext: 'bmV3' },
        expiresAt,
        status: 'active',
        lastError: null,
      });
      const stale = await db.repos.connections.updateCredentials(tenant.id, connection.id, {
        credentials: { keyId: 'k2', ciphertext: 'c3RhbGU' },
        ifCiphertext: connection.credentials.ciphertext,
      });
      expect(stale).toBeUndefined();
      expect((await db.repos.connections.get(tenant.id, connection.id))?.credentials.ciphertext).toBe('bmV3');
    });

    it('cannot be deleted while a sync table uses it', async () => {
      const { tenant, connection, table } = await seedTable(db);
      await expectCode(db.repos.connections.delete(tenant.id, connection.id), 'in_use');
      expect(await db.repos.tables.delete(tenant.id, table.id)).toBe(true);
      expect(await db.repos.connections.delete(tenant.id, connection.id)).toBe(true);
      expect(await db.repos.connections.delete(tenant.id, connection.id)).toBe(false);
    });
  });

  describe('sync tables', () => {
    it('round-trip the mapping and settings; one table per sheet tab', async () => {
      const { tenant, spreadsheet, connection, table } = await seedTable(db);
      expect(table).toMatchObject({
        mapping: SAMPLE_MAPPING,
        crmObject: 'contacts',
        policy: 'manual',
        cursors: {},
        status: 'active',
      });
      const input = {
        spreadsheetId: spreadsheet.id,
        sheetTabId: 0,
        sheetTabName: 'Copy',
        connectionId: connection.id,
        mapping: SAMPLE_MAPPING,
      };
      await expectCode(db.repos.tables.create(tenant.id, input), 'already_exists');
      const second = await db.repos.tables.create(tenant.id, { ...input, sheetTabId: 7, policy: 'crm-wins' });
      expect(second.policy).toBe('crm-wins');
      const updated = await db.repos.tables.update(tenant.id, second.id, {
        mapping: { ...SAMPLE_MAPPING, object: 'companies' },
        region: 'GB',
      });
      expect(updated).toMatchObject({ crmObject: 'companies', region: 'GB', policy: 'crm-wins' });
      const listed = await db.repos.tables.listForSpreadsheet(tenant.id, spreadsheet.id);
      expect(listed.map((t) => t.id)).toEqual([table.id, second.id]);
    });

    it('merge cursor updates instead of replacing them', async () => {
      const { tenant, table } = await seedTable(db);
      await db.repos.tables.updateCursors(tenant.id, table.id, { crm: 'c1' });
      await db.repos.tables.updateCursors(tenant.id, table.id, { sheet: 's1' });
      const after = await db.repos.tables.updateCursors(tenant.id, table.id, { crm: 'c2' });
      expect(after?.cursors).toEqual({ crm: 'c2', sheet: 's1' });
    });

    it('refuse unknown policies in the database, and report a corrupted mapping as storage_corrupt', async () => {
      const { tenant, table } = await seedTable(db);
      await expect(
        db.client.query("update sync_tables set policy = 'coin-flip' where id = $1", [table.id]),
      ).rejects.toThrow(/check constraint/);
      await db.client.query(`update sync_tables set mapping = '{"crm": 1}'::jsonb where id = $1`, [table.id]);
      const error = await expectCode(db.repos.tables.get(tenant.id, table.id), 'storage_corrupt');
      expect(error.message).toContain(table.id);
    });
  });

  describe('record links', () => {
    it('round-trip field values of every JSON type without changing their type', async () => {
      const { tenant, table } = await seedTable(db);
      const base = {
        zip: '02134',
        digits: '123',
        yes: 'true',
        nothing: 'null',
        empty: '',
        quote: 'O\'Brien "Bob" \\ é 🚀',
        zero: 0,
        negative: -1.5,
        big: 12345678901234,
        on: true,
        off: false,
        unset: null,
      };
      const stamps = {
        zip: { sheetAt: 1_700_000_000_123 },
        digits: { crmAt: 1_700_000_000_456, sheetAt: 1 },
      };
      const crmModifiedAt = new Date('2025-03-04T05:06:07.890Z');
      await db.repos.links.upsert(tenant.id, table.id, [
        { rowId: 'rb-1', crmId: '901', base, stamps, crmModifiedAt, state: 'linked' },
      ]);
      const [link] = await db.repos.links.getByRowIds(tenant.id, table.id, ['rb-1', 'missing']);
      expect(link?.base).toStrictEqual(base);
      expect(link?.stamps).toStrictEqual(stamps);
      expect(link?.crmModifiedAt).toEqual(crmModifiedAt);
      expect(await db.repos.links.getByCrmIds(tenant.id, table.id, ['901'])).toEqual([link]);
    });

    it('upsert replaces base and stamps, keeps the CRM id unless a new one is given', async () => {
      const { tenant, table } = await seedTable(db);
      await db.repos.links.upsert(tenant.id, table.id, [
        { rowId: 'r1', crmId: 'c1', base: { email: 'a@x.io' }, stamps: {}, state: 'linked' },
        { rowId: 'r2', base: {}, stamps: {}, state: 'pending' },
      ]);
      const [updated] = await db.repos.links.upsert(tenant.id, table.id, [
        {
          rowId: 'r1',
          base: { phone: '+44' },
          stamps: { phone: { sheetAt: 5 } },
          state: 'error',
          lastError: 'x',
        },
      ]);
      expect(updated).toMatchObject({ crmId: 'c1', base: { phone: '+44' }, state: 'error', lastError: 'x' });
      await expectCode(
        db.repos.links.upsert(tenant.id, table.id, [
          { rowId: 'r2', crmId: 'c1', base: {}, stamps: {}, state: 'linked' },
        ]),
        'already_exists',
      );
      expect(await db.repos.links.setState(tenant.id, table.id, ['r1', 'r2', 'r9'], 'archived')).toBe(2);
      expect(await db.repos.links.delete(tenant.id, table.id, ['r2'])).toBe(1);
      const left = await db.repos.links.list(tenant.id, table.id);
      expect(left.map((l) => [l.rowId, l.state, l.lastError])).toEqual([['r1', 'archived', null]]);
    });

    it('take batches larger than one statement, and page through them by row id', async () => {
      const { tenant, table } = await seedTable(db);
      const entries: LinkUpsert[] = Array.from({ length: 1200 }, (_, i) => ({
        rowId: `row-${String(i).padStart(5, '0')}`,
        crmId: `crm-${i}`,
        base: { email: `p${i}@x.io` },
        stamps: {},
        state: 'linked',
      }));
      expect(await db.repos.links.upsert(tenant.id, table.id, entries)).toHaveLength(1200);
      const ids = entries.map((e) => e.rowId);
      expect(await db.repos.links.getByRowIds(tenant.id, table.id, ids)).toHaveLength(1200);
      const page1 = await db.repos.links.list(tenant.id, table.id, { limit: 1000 });
      const page2 = await db.repos.links.list(tenant.id, table.id, { afterRowId: page1.at(-1)?.rowId ?? '' });
      expect([...page1, ...page2].map((l) => l.rowId)).toEqual(ids);
    });

    it('roll a batch back whole when part of it fails', async () => {
      const { tenant, table } = await seedTable(db);
      const entries: LinkUpsert[] = Array.from({ length: 600 }, (_, i) => ({
        rowId: `r${i}`,
        crmId: i === 599 ? 'crm-0' : `crm-${i}`,
        base: {},
        stamps: {},
        state: 'linked',
      }));
      await expectCode(db.repos.links.upsert(tenant.id, table.id, entries), 'already_exists');
      expect(await db.repos.links.list(tenant.id, table.id)).toEqual([]);
    });
  });

  describe('transactions', () => {
    it('commit together, or roll back together when the callback throws', async () => {
      const { tenant, table } = await seedTable(db);
      const link: LinkUpsert = { rowId: 'r1', base: { email: 'a@x.io' }, stamps: {}, state: 'linked' };
      await expect(
        db.transaction(async ({ repos }) => {
          await repos.links.upsert(tenant.id, table.id, [link]);
          await repos.audit.append(tenant.id, [
            { tableId: table.id, rowId: 'r1', target: 'crm', source: 'sheet', actor: 'u', action: 'write' },
          ]);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await db.repos.links.getByRowIds(tenant.id, table.id, ['r1'])).toEqual([]);
      expect((await db.repos.audit.listForTable(tenant.id, table.id)).entries).toEqual([]);

      const result = await db.transaction(async ({ repos }) => {
        await repos.links.upsert(tenant.id, table.id, [link]);
        const [locked] = await repos.links.getByRowIds(tenant.id, table.id, ['r1'], { lock: true });
        return locked?.base;
      });
      expect(result).toEqual({ email: 'a@x.io' });
    });
  });
});
