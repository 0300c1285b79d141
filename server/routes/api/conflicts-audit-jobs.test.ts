import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../../shared/api/routes.ts';
import {
  type ApiTestbed,
  call,
  pgliteTestbed,
  type SeededSheetData,
  type SignedInSheet,
  seedSheetData,
  signedInSheet,
} from '../../../test/support/api.ts';
import { cursorToId } from './audit.ts';
import { toApiJob } from './jobs.ts';

let bed: ApiTestbed;
beforeAll(async () => {
  bed = await pgliteTestbed();
});
afterAll(() => bed.close());

describe('conflicts', () => {
  let ann: SignedInSheet;
  let data: SeededSheetData;

  beforeAll(async () => {
    ann = await signedInSheet(bed, { email: 'ann@acme.com', hd: 'acme.com' }, 'sheet-conflicts');
    data = await seedSheetData(bed.db, ann, 'acme');
  });

  const as = () => ({ token: ann.token, sheet: ann.sheet });

  /** A new open conflict on `field` of a fresh linked row. */
  async function openConflict(rowId: string, field: string, sheet: string | null, crm: string | null) {
    const { repos } = bed.db;
    await repos.links.upsert(ann.tenantId, data.table.id, [
      { rowId, crmId: `crm-${rowId}`, base: {}, stamps: {}, state: 'linked' },
    ]);
    const [conflict] = await repos.conflicts.record(ann.tenantId, data.table.id, [
      {
        rowId,
        field,
        base: 'base',
        sheet: { value: sheet },
        crm: { value: crm },
        explanation: 'both changed',
      },
    ]);
    if (!conflict) throw new Error('not recorded');
    return conflict.id;
  }

  const resolve = (resolutions: unknown[], tableId = data.table.id) =>
    call(bed.app, ROUTES.resolveConflicts, { tableId }, { ...as(), body: { resolutions } });

  describe('GET /api/v1/tables/{tableId}/conflicts', () => {
    it('lists open conflicts with the CRM record id from the row link', async () => {
      const response = await call(bed.app, ROUTES.listConflicts, { tableId: data.table.id }, as());
      expect(response.status).toBe(200);
      expect(response.body.conflicts).toEqual([
        {
          id: data.conflictId,
          rowId: data.rowId,
          crmId: data.crmId,
          field: 'email',
          base: 'base@acme.example',
          sheet: { value: 'sheet@acme.example', changedAt: 1_700_000_000_000 },
          crm: { value: 'crm@acme.example' },
          explanation: 'Email changed on both sides for acme',
          status: 'open',
          detectedAt: expect.any(String),
        },
      ]);
    });

    it('answers 404 for an unknown table and 400 for an unknown status', async () => {
      expect((await call(bed.app, ROUTES.listConflicts, { tableId: 'nope' }, as())).status).toBe(404);
      const bad = await call(
        bed.app,
        ROUTES.listConflicts,
        { tableId: data.table.id },
        {
          ...as(),
          query: { status: 'closed' },
        },
      );
      expect(bad.status).toBe(400);
    });
  });

  describe('POST /api/v1/tables/{tableId}/conflicts/resolve', () => {
    it('records the choice and audits it, saying which sides still need the value (without faking the write)', async () => {
      const id = await openConflict('r-crm', 'phone', '+1 555 0100', '+1 555 0199');
      const response = await resolve([{ conflictId: id, take: 'crm' }]);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        resolved: 1,
        conflicts: [
          { id, rowId: 'r-crm', field: 'phone', value: '+1 555 0199', writeSheet: true, writeCrm: false },
        ],
      });

      const stored = await bed.db.repos.conflicts.get(ann.tenantId, id);
      expect(stored).toMatchObject({
        status: 'resolved',
        resolution: { choice: 'crm', value: '+1 555 0199' },
        resolvedBy: expect.any(String),
      });
      const { entries } = await bed.db.repos.audit.listForRecord(ann.tenantId, data.table.id, {
        rowId: 'r-crm',
      });
      expect(entries).toEqual([
        expect.objectContaining({
          action: 'conflict.resolved',
          source: 'user',
          actor: 'ann@acme.com',
          field: 'phone',
          crmId: 'crm-r-crm',
          oldValue: 'base',
          newValue: '+1 555 0199',
        }),
      ]);
      expect(entries[0]?.explanation).toMatch(/^Phone: kept the CRM value/);

      const resolved = await call(
        bed.app,
        ROUTES.listConflicts,
        { tableId: data.table.id },
        {
          ...as(),
          query: { status: 'resolved' },
        },
      );
      expect(resolved.body.conflicts).toEqual([
        expect.objectContaining({ id, status: 'resolved', resolvedAt: expect.any(String) }),
      ]);
    });

    it('takes the sheet value or a typed one, several in one call', async () => {
      const a = await openConflict('r-many-1', 'email', 'a@sheet.example', 'a@crm.example');
      const b = await openConflict('r-many-2', 'email', 'b@sheet.example', 'b@crm.example');
      const response = await resolve([
        { conflictId: a, take: 'sheet' },
        { conflictId: b, take: 'custom', value: 'b@typed.example' },
      ]);
      expect(response.body.resolved).toBe(2);
      expect((await bed.db.repos.conflicts.get(ann.tenantId, a))?.resolution).toEqual({
        choice: 'sheet',
        value: 'a@sheet.example',
      });
      expect((await bed.db.repos.conflicts.get(ann.tenantId, b))?.resolution).toEqual({
        choice: 'custom',
        value: 'b@typed.example',
      });
    });

    it('applies none when one id is unknown (404 naming it), in one transaction', async () => {
      const good = await openConflict('r-atomic', 'email', 'x@sheet.example', 'x@crm.example');
      const jobsBefore = await bed.db.repos.jobs.listForTable(ann.tenantId, data.table.id);
      const auditBefore = await bed.db.repos.audit.listForTable(ann.tenantId, data.table.id);
      const response = await resolve([
        { conflictId: good, take: 'sheet' },
        { conflictId: 'no-such-conflict', take: 'crm' },
      ]);
      expect(response.status).toBe(404);
      expect(response.body.error.message).toContain('no-such-conflict');
      expect(response.body.error.details).toEqual([
        expect.objectContaining({ path: ['body', 'resolutions', 1, 'conflictId'], code: 'not_found' }),
      ]);
      expect((await bed.db.repos.conflicts.get(ann.tenantId, good))?.status).toBe('open');
      expect(await bed.db.repos.jobs.listForTable(ann.tenantId, data.table.id)).toEqual(jobsBefore);
      expect(await bed.db.repos.audit.listForTable(ann.tenantId, data.table.id)).toEqual(auditBefore);
    });

    it('refuses a conflict already resolved (409) and one sent twice (400)', async () => {
      const id = await openConflict('r-twice', 'email', 'y@sheet.example', 'y@crm.example');
      expect((await resolve([{ conflictId: id, take: 'sheet' }])).status).toBe(200);
      const again = await resolve([{ conflictId: id, take: 'crm' }]);
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('conflict_already_resolved');
      const other = await openConflict('r-dup', 'email', 'z@sheet.example', 'z@crm.example');
      const twice = await resolve([
        { conflictId: other, take: 'sheet' },
        { conflictId: other, take: 'crm' },
      ]);
      expect(twice.status).toBe(400);
      expect((await bed.db.repos.conflicts.get(ann.tenantId, other))?.status).toBe('open');
    });

    it('validates the body: a custom choice needs its value', async () => {
      const response = await resolve([{ conflictId: data.conflictId, take: 'custom' }]);
      expect(response.status).toBe(400);
      expect(response.body.error.details[0].path).toEqual(['body', 'resolutions', 0, 'value']);
    });

    it('answers 404 for a conflict of another table', async () => {
      const other = await signedInSheet(bed, { email: 'ann@acme.com', hd: 'acme.com' }, 'sheet-conflicts-2');
      const otherData = await seedSheetData(bed.db, other, 'acme-2');
      const response = await resolve([{ conflictId: otherData.conflictId, take: 'sheet' }]);
      expect(response.status).toBe(404);
      expect((await bed.db.repos.conflicts.get(ann.tenantId, otherData.conflictId))?.status).toBe('open');
    });
  });
});

describe('audit log', () => {
  let ann: SignedInSheet;
  let data: SeededSheetData;

  beforeAll(async () => {
    ann = await signedInSheet(bed, { email: 'ann@acme.com', hd: 'acme.com' }, 'sheet-audit');
    data = await seedSheetData(bed.db, ann, 'acme');
    // Five more entries on another row, one holding a structured value (a whole record).
    await bed.db.repos.audit.append(
      ann.tenantId,
      Array.from({ length: 5 }, (_, index) => ({
        tableId: data.table.id,
        rowId: 'row-2',
        crmId: 'crm-2',
        field: 'score',
        oldValue: index,
        newValue: index === 4 ? { score: 5 } : index + 1,
        target: 'sheet',
        source: 'crm' as const,
        actor: 'crm-user-7',
        action: 'write_sheet',
        explanation: `Score changed in the CRM (${index}).`,
      })),
    );
  });

  const as = () => ({ token: ann.token, sheet: ann.sheet });
  const list = (query: Record<string, string> = {}, tableId = data.table.id) =>
    call(bed.app, ROUTES.listAudit, { tableId }, { ...as(), query });

  describe('GET /api/v1/tables/{tableId}/audit', () => {
    it('lists the history newest first, in the contract shape', async () => {
      const response = await list();
      expect(response.status).toBe(200);
      expect(response.body.nextCursor).toBeUndefined();
      const entries = response.body.entries as { id: string; newValue: unknown }[];
      expect(entries).toHaveLength(7);
      const ids = entries.map((entry) => Number(entry.id));
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      expect(entries[0]).toEqual({
        id: expect.any(String),
        at: expect.any(String),
        field: 'score',
        oldValue: 4,
        newValue: '{"score":5}',
        source: 'crm',
        target: 'sheet',
        actor: 'crm-user-7',
        explanation: 'Score changed in the CRM (4).',
        jobId: null,
        rowId: 'row-2',
        crmId: 'crm-2',
        action: 'write_sheet',
      });
      expect(entries.at(-1)).toMatchObject({
        field: 'phone',
        oldValue: null,
        source: 'sheet',
        rowId: data.rowId,
      });
    });

    it('pages with an opaque cursor until the last page, which has none', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const response = await list({ limit: '3', ...(cursor ? { cursor } : {}) });
        expect(response.status).toBe(200);
        seen.push(...response.body.entries.map((entry: { id: string }) => entry.id));
        cursor = response.body.nextCursor;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(3);
      expect(new Set(seen).size).toBe(7);
    });

    it('filters by row or by CRM record', async () => {
      const byRow = await list({ rowId: data.rowId });
      expect(byRow.body.entries.map((entry: { rowId: string }) => entry.rowId)).toEqual([
        data.rowId,
        data.rowId,
      ]);
      const byCrm = await list({ crmId: 'crm-2', limit: '2' });
      expect(byCrm.body.entries).toHaveLength(2);
      expect(byCrm.body.nextCursor).toEqual(expect.any(String));
      expect((await list({ rowId: 'nobody' })).body.entries).toEqual([]);
    });

    it('refuses a made-up cursor, both filters at once and a limit over 200 (400)', async () => {
      for (const query of [
        { cursor: 'abc' },
        { cursor: '0' },
        { rowId: 'a', crmId: 'b' },
        { limit: '201' },
      ]) {
        const response = await list(query);
        expect(response.status, JSON.stringify(query)).toBe(400);
        expect(response.body.error.code).toBe('invalid_input');
      }
    });

    it('answers 404 for a table not in this spreadsheet', async () => {
      expect((await list({}, 'no-such-table')).status).toBe(404);
    });
  });

  describe('cursorToId', () => {
    it('reads the decimal ids it gave out and refuses anything else', () => {
      expect(cursorToId('42')).toBe(42);
      for (const bad of ['', '-1', '1.5', '01', '99999999999999999', '1e3']) {
        expect(() => cursorToId(bad), bad).toThrow(/cursor/);
      }
    });
  });
});

describe('jobs', () => {
  let ann: SignedInSheet;
  let data: SeededSheetData;

  beforeAll(async () => {
    ann = await signedInSheet(bed, { email: 'ann@acme.com', hd: 'acme.com' }, 'sheet-jobs');
    data = await seedSheetData(bed.db, ann, 'acme');
  });

  const get = (jobId: string) =>
    call(bed.app, ROUTES.getJob, { jobId }, { token: ann.token, sheet: ann.sheet });

  describe('GET /api/v1/jobs/{jobId}', () => {
    it("returns a table's job with its progress", async () => {
      const response = await get(data.job.id);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        id: data.job.id,
        kind: 'export',
        status: 'queued',
        progress: { done: 1, total: 4, percent: 25, etaSeconds: null },
      });
    });

    it('estimates the time left of a running job from its pace so far', async () => {
      const { repos } = bed.db;
      const job = await repos.jobs.create(ann.tenantId, { kind: 'export', tableId: data.table.id });
      await repos.jobs.start(ann.tenantId, job.id);
      await repos.jobs.updateProgress(ann.tenantId, job.id, { done: 100, total: 400 });
      const stored = await repos.jobs.get(ann.tenantId, job.id);
      if (!stored?.startedAt) throw new Error('the job did not start');
      // 100 of 400 done in 10 s: 300 more take 30 s.
      const later = toApiJob(stored, stored.startedAt.getTime() + 10_000);
      expect(later.progress).toEqual({ done: 100, total: 400, percent: 25, etaSeconds: 30 });
    });

    it('reports a failure in the API error shape, unknown codes as internal', async () => {
      const { repos } = bed.db;
      const job = await repos.jobs.create(ann.tenantId, { kind: 'import', tableId: data.table.id });
      await repos.jobs.finish(ann.tenantId, job.id, {
        status: 'failed',
        error: { code: 'hubspot_quota', message: 'HubSpot refused: daily limit reached.' },
      });
      expect((await get(job.id)).body).toEqual({
        id: job.id,
        kind: 'import',
        status: 'failed',
        progress: { done: 0, total: null, percent: null, etaSeconds: null },
        error: { code: 'internal', message: 'HubSpot refused: daily limit reached.' },
      });
    });

    it("shows the tenant's jobs without a table, but not another spreadsheet's jobs (404)", async () => {
      const { repos } = bed.db;
      const tenantWide = await repos.jobs.create(ann.tenantId, { kind: 'reconcile' });
      expect((await get(tenantWide.id)).status).toBe(200);
      const other = await signedInSheet(bed, { email: 'ann@acme.com', hd: 'acme.com' }, 'sheet-jobs-2');
      const otherData = await seedSheetData(bed.db, other, 'acme-2');
      const response = await get(otherData.job.id);
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('not_found');
    });

    it('answers 404 for an unknown id and 400 for a malformed one', async () => {
      expect((await get('00000000-0000-0000-0000-000000000000')).status).toBe(404);
      expect((await get('not an id')).status).toBe(400);
    });
  });
});
