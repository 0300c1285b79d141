import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../../shared/api/routes.ts';
import type { CreateTableRequest } from '../../../shared/api/tables.ts';
import {
  type ApiTestbed,
  call,
  pgliteTestbed,
  type SeededSheetData,
  type SignedInSheet,
  seedSheetData,
  signedInSheet,
} from '../../../test/support/api.ts';
import { SAMPLE_MAPPING } from '../../store/fixtures.ts';
import type { Connection } from '../../store/repos/index.ts';

let bed: ApiTestbed;
beforeAll(async () => {
  bed = await pgliteTestbed();
});
afterAll(() => bed.close());

describe('connections', () => {
  let ann: SignedInSheet;
  let data: SeededSheetData;
  let shared: Connection;
  let otherSheets: Connection;

  const credentials = (tag: string) => ({
    keyId: 'k1',
    ciphertext: Buffer.from(`sealed-${tag}`).toString('base64'),
  });

  beforeAll(async () => {
    ann = await signedInSheet(bed, { email: 'ann@acme.com', hd: 'acme.com' }, 'sheet-connections');
    data = await seedSheetData(bed.db, ann, 'acme');
    const { repos } = bed.db;
    // Tenant-wide (no spreadsheet): every sheet of the tenant may use it.
    shared = await repos.connections.create(ann.tenantId, {
      crm: 'salesforce',
      label: 'Shared Salesforce',
      credentials: credentials('shared'),
      accountId: 'org-1',
    });
    const other = await signedInSheet(bed, { email: 'ann@acme.com', hd: 'acme.com' }, 'sheet-other');
    otherSheets = await repos.connections.create(ann.tenantId, {
      spreadsheetId: other.spreadsheetId,
      crm: 'zoho',
      label: 'Zoho of another sheet',
      credentials: credentials('other'),
      accountId: 'zoho-1',
    });
  });

  const as = () => ({ token: ann.token, sheet: ann.sheet });

  describe('GET /api/v1/connections', () => {
    it("lists the sheet's own and the tenant's shared connections, never credentials", async () => {
      const response = await call(bed.app, ROUTES.listConnections, {}, as());
      expect(response.status).toBe(200);
      expect(response.body.connections).toEqual([
        {
          id: data.connection.id,
          crm: 'hubspot',
          label: 'HubSpot of acme',
          status: 'active',
          accountId: 'portal-acme',
          createdAt: data.connection.createdAt.toISOString(),
        },
        expect.objectContaining({ id: shared.id, crm: 'salesforce' }),
      ]);
      expect(response.text).not.toContain(otherSheets.id);
      expect(response.text).not.toMatch(/credential|ciphertext|keyId|sealed/i);
      expect(response.text).not.toContain(data.connection.credentials.ciphertext);
    });
  });

  describe('GET /api/v1/connections/{connectionId}', () => {
    it('returns one connection, and 404 for a connection of another spreadsheet', async () => {
      const own = await call(bed.app, ROUTES.getConnection, { connectionId: data.connection.id }, as());
      expect(own.status).toBe(200);
      expect(own.body.label).toBe('HubSpot of acme');
      expect(Object.keys(own.body).sort()).toEqual([
        'accountId',
        'createdAt',
        'crm',
        'id',
        'label',
        'status',
      ]);
      const sharedOne = await call(bed.app, ROUTES.getConnection, { connectionId: shared.id }, as());
      expect(sharedOne.status).toBe(200);
      const other = await call(bed.app, ROUTES.getConnection, { connectionId: otherSheets.id }, as());
      expect(other.status).toBe(404);
      expect(other.body.error.code).toBe('not_found');
      expect(other.text).not.toContain('Zoho');
    });

    it('refuses an id that is not an id (400) before any lookup', async () => {
      const response = await call(bed.app, ROUTES.getConnection, { connectionId: 'a b' }, as());
      expect(response.status).toBe(400);
    });
  });

  describe('DELETE /api/v1/connections/{connectionId}', () => {
    it('refuses a connection a sync table uses (409 in_use), deleting and auditing nothing', async () => {
      const before = await bed.db.repos.audit.listForTenant(ann.tenantId);
      const response = await call(
        bed.app,
        ROUTES.deleteConnection,
        { connectionId: data.connection.id },
        as(),
      );
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('in_use');
      expect(await bed.db.repos.connections.get(ann.tenantId, data.connection.id)).toBeDefined();
      expect(await bed.db.repos.audit.listForTenant(ann.tenantId)).toEqual(before);
    });

    it('deletes an unused connection with its credentials, audits it, then answers 404', async () => {
      const unused = await bed.db.repos.connections.create(ann.tenantId, {
        spreadsheetId: ann.spreadsheetId,
        crm: 'pipedrive',
        label: 'Old Pipedrive',
        credentials: credentials('old'),
        accountId: 'pd-1',
      });
      const response = await call(bed.app, ROUTES.deleteConnection, { connectionId: unused.id }, as());
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ id: unused.id, deleted: true });
      expect(await bed.db.repos.connections.get(ann.tenantId, unused.id)).toBeUndefined();
      const { entries } = await bed.db.repos.audit.listForTenant(ann.tenantId);
      expect(entries[0]).toMatchObject({
        action: 'connection.deleted',
        source: 'user',
        actor: 'ann@acme.com',
      });
      expect(entries[0]?.explanation).toContain('"Old Pipedrive"');
      const again = await call(bed.app, ROUTES.deleteConnection, { connectionId: unused.id }, as());
      expect(again.status).toBe(404);
    });

    it("leaves another spreadsheet's connection alone (404)", async () => {
      const response = await call(bed.app, ROUTES.deleteConnection, { connectionId: otherSheets.id }, as());
      expect(response.status).toBe(404);
      expect(await bed.db.repos.connections.get(ann.tenantId, otherSheets.id)).toBeDefined();
    });
  });
});

describe('sync tables', () => {
  let ann: SignedInSheet;
  let data: SeededSheetData;
  let otherSheet: SeededSheetData;

  beforeAll(async () => {
    ann = await signedInSheet(bed, { email: 'ann@acme.com', hd: 'acme.com' }, 'sheet-tables');
    data = await seedSheetData(bed.db, ann, 'acme');
    const other = await signedInSheet(bed, { email: 'ann@acme.com', hd: 'acme.com' }, 'sheet-tables-2');
    otherSheet = await seedSheetData(bed.db, other, 'acme-other');
  });

  const as = () => ({ token: ann.token, sheet: ann.sheet });

  function newTable(overrides: Partial<CreateTableRequest> = {}): CreateTableRequest {
    return {
      sheetTabId: 7,
      sheetTabName: 'Contacts',
      connectionId: data.connection.id,
      crmObject: 'contacts',
      mapping: SAMPLE_MAPPING,
      policy: 'manual',
      ...overrides,
    };
  }

  describe('POST /api/v1/tables', () => {
    it('creates a table with the validated mapping, and audits it', async () => {
      const response = await call(
        bed.app,
        ROUTES.createTable,
        {},
        { ...as(), body: newTable({ region: 'DE' }) },
      );
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        sheetTabId: 7,
        sheetTabName: 'Contacts',
        connectionId: data.connection.id,
        crmObject: 'contacts',
        mapping: SAMPLE_MAPPING,
        policy: 'manual',
        region: 'DE',
        reconcileIntervalSeconds: 300,
      });
      const stored = await bed.db.repos.tables.get(ann.tenantId, response.body.id);
      expect(stored?.spreadsheetId).toBe(ann.spreadsheetId);
      const { entries } = await bed.db.repos.audit.listForTable(ann.tenantId, response.body.id);
      expect(entries).toEqual([
        expect.objectContaining({ action: 'table.created', source: 'user', actor: 'ann@acme.com' }),
      ]);
    });

    it('refuses a second table on the same tab (409 already_exists)', async () => {
      const response = await call(
        bed.app,
        ROUTES.createTable,
        {},
        { ...as(), body: newTable({ sheetTabId: 0 }) },
      );
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('already_exists');
    });

    it('checks the mapping semantically (400 mapping_*), with detail paths into the body', async () => {
      const mapping = {
        ...SAMPLE_MAPPING,
        fields: [{ header: 'E-mail', field: 'emial', direction: 'both' as const }],
      };
      const response = await call(bed.app, ROUTES.createTable, {}, { ...as(), body: newTable({ mapping }) });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('mapping_unknown_field');
      expect(response.body.error.details[0].path).toEqual(['body', 'mapping', 'fields', 0, 'field']);
    });

    it('refuses a mapping for another CRM than the connection, and a crmObject that disagrees with it', async () => {
      const salesforce = { ...SAMPLE_MAPPING, crm: 'salesforce' as const };
      const crm = await call(
        bed.app,
        ROUTES.createTable,
        {},
        { ...as(), body: newTable({ mapping: salesforce }) },
      );
      expect(crm.status).toBe(400);
      expect(crm.body.error.code).toBe('mapping_invalid');
      expect(crm.body.error.details[0].path).toEqual(['body', 'mapping', 'crm']);
      const object = await call(
        bed.app,
        ROUTES.createTable,
        {},
        { ...as(), body: newTable({ crmObject: 'deals' }) },
      );
      expect(object.status).toBe(400);
      expect(object.body.error.details[0].path).toEqual(['body', 'crmObject']);
    });

    it("refuses another spreadsheet's connection as not found (404)", async () => {
      const body = newTable({ sheetTabId: 9, connectionId: otherSheet.connection.id });
      const response = await call(bed.app, ROUTES.createTable, {}, { ...as(), body });
      expect(response.status).toBe(404);
      expect(response.text).not.toContain('acme-other');
    });
  });

  describe('GET /api/v1/tables[/{tableId}]', () => {
    it("lists and gets only this spreadsheet's tables", async () => {
      const list = await call(bed.app, ROUTES.listTables, {}, as());
      expect(list.status).toBe(200);
      const ids = list.body.tables.map((table: { id: string }) => table.id);
      expect(ids).toContain(data.table.id);
      expect(ids).not.toContain(otherSheet.table.id);
      const one = await call(bed.app, ROUTES.getTable, { tableId: data.table.id }, as());
      expect(one.body).toMatchObject({ id: data.table.id, sheetTabName: 'Leads of acme', region: null });
      const other = await call(bed.app, ROUTES.getTable, { tableId: otherSheet.table.id }, as());
      expect(other.status).toBe(404);
    });
  });

  describe('PATCH /api/v1/tables/{tableId}', () => {
    it('changes only the settings sent, auditing each as old → new', async () => {
      const response = await call(
        bed.app,
        ROUTES.updateTable,
        { tableId: data.table.id },
        {
          ...as(),
          body: { policy: 'crm-wins', region: 'US', reconcileIntervalSeconds: 600 },
        },
      );
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        policy: 'crm-wins',
        region: 'US',
        reconcileIntervalSeconds: 600,
      });
      expect(response.body.mapping).toEqual(SAMPLE_MAPPING);
      const { entries } = await bed.db.repos.audit.listForTable(ann.tenantId, data.table.id);
      const updates = entries.filter((entry) => entry.action === 'table.updated');
      expect(updates.map(({ field, oldValue, newValue }) => ({ field, oldValue, newValue }))).toEqual(
        expect.arrayContaining([
          { field: 'policy', oldValue: 'manual', newValue: 'crm-wins' },
          { field: 'region', oldValue: null, newValue: 'US' },
          { field: 'reconcileIntervalSeconds', oldValue: 300, newValue: 600 },
        ]),
      );

      const cleared = await call(
        bed.app,
        ROUTES.updateTable,
        { tableId: data.table.id },
        {
          ...as(),
          body: { region: null },
        },
      );
      expect(cleared.body).toMatchObject({ region: null, policy: 'crm-wins' });
    });

    it('writes nothing for an empty or unchanged patch', async () => {
      const before = await bed.db.repos.tables.get(ann.tenantId, data.table.id);
      const audit = await bed.db.repos.audit.listForTable(ann.tenantId, data.table.id);
      for (const body of [{}, { policy: before?.policy }]) {
        const response = await call(
          bed.app,
          ROUTES.updateTable,
          { tableId: data.table.id },
          { ...as(), body },
        );
        expect(response.status).toBe(200);
        expect(response.body.updatedAt).toBe(before?.updatedAt.toISOString());
      }
      expect(await bed.db.repos.audit.listForTable(ann.tenantId, data.table.id)).toEqual(audit);
    });

    it('replaces the mapping after checking it, and refuses a bad one leaving the table as it was', async () => {
      const mapping = { ...SAMPLE_MAPPING, fields: SAMPLE_MAPPING.fields.slice(0, 1) };
      const ok = await call(
        bed.app,
        ROUTES.updateTable,
        { tableId: data.table.id },
        { ...as(), body: { mapping } },
      );
      expect(ok.status).toBe(200);
      expect(ok.body.mapping.fields).toHaveLength(1);
      const duplicate = { ...SAMPLE_MAPPING, fields: [SAMPLE_MAPPING.fields[0], SAMPLE_MAPPING.fields[0]] };
      const bad = await call(
        bed.app,
        ROUTES.updateTable,
        { tableId: data.table.id },
        {
          ...as(),
          body: { mapping: duplicate },
        },
      );
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toMatch(/^mapping_/);
      expect((await bed.db.repos.tables.get(ann.tenantId, data.table.id))?.mapping.fields).toHaveLength(1);
    });

    it("answers 404 for another spreadsheet's table and leaves it unchanged", async () => {
      const response = await call(
        bed.app,
        ROUTES.updateTable,
        { tableId: otherSheet.table.id },
        {
          ...as(),
          body: { policy: 'sheet-wins' },
        },
      );
      expect(response.status).toBe(404);
      expect(await bed.db.repos.tables.get(ann.tenantId, otherSheet.table.id)).toEqual(otherSheet.table);
    });
  });
});
