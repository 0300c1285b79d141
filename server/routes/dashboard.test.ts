import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDriver } from '../../test/support/databases.ts';
import { createApp, type Mode } from '../app.ts';
import { type DashboardData, dashboardDataSchema } from '../dashboard/schema.ts';
import { createMetrics } from '../observability/metrics.ts';
import { createMetricsHistory } from '../observability/metrics-history.ts';
import { registerSecret } from '../security/redact.ts';
import type { Database } from '../store/database.ts';
import { openMigrated, type SeededTable, seedTable } from '../store/fixtures.ts';

const TOKEN = 'dashboard-token-0123456789';
const LOCAL = { incoming: { socket: { remoteAddress: '127.0.0.1' } } };
const REMOTE = { incoming: { socket: { remoteAddress: '203.0.113.9' } } };
const SECRET = 'sk-live-4f9a8b7c6d5e';

describeEachDriver('the dashboard routes', (driver) => {
  let db: Database;
  let dispose: () => Promise<void>;
  let a: SeededTable;
  let b: SeededTable;
  const metrics = createMetrics({ defaultMetrics: false });
  const history = createMetricsHistory(metrics);

  const appFor = (mode: Mode, token?: string) =>
    createApp({
      version: 'test',
      mode,
      db,
      metrics,
      metricsHistory: history,
      ...(token ? { dashboardToken: token } : {}),
    });
  const sandbox = () => appFor('sandbox');
  const data = async (query = '') => {
    const response = await sandbox().request(`/dashboard/data${query}`, {}, LOCAL);
    expect(response.status).toBe(200);
    return dashboardDataSchema.parse(await response.json());
  };

  beforeAll(async () => {
    ({ db, dispose } = await openMigrated(() => driver.open()));
    a = await seedTable(db);
    b = await seedTable(db);
    const entry = (table: SeededTable, rowId: string, crmId: string, value: string) => ({
      tableId: table.table.id,
      rowId,
      crmId,
      field: 'email',
      oldValue: null,
      newValue: value,
      target: 'crm',
      source: 'sheet' as const,
      actor: 'ann@acme.com',
      action: 'export.created',
    });
    await db.repos.audit.append(a.tenant.id, [
      entry(a, 'row-1', 'c-101', 'one@a.example'),
      entry(a, 'row-2', 'c-102', 'two@a.example'),
      { ...entry(a, 'row-1', 'c-101', 'one@a.example'), explanation: '<img src=x onerror=alert(1)>' },
    ]);
    await db.repos.audit.append(b.tenant.id, [entry(b, 'row-1', 'c-201', 'one@b.example')]);
    registerSecret(SECRET);
    const job = await db.repos.jobs.create(a.tenant.id, { kind: 'export', tableId: a.table.id });
    await db.repos.jobs.finish(a.tenant.id, job.id, {
      status: 'failed',
      error: { code: 'auth_expired', message: `HubSpot refused token ${SECRET}; reconnect HubSpot.` },
    });
    await history.sample();
    metrics.recordSynced('hubspot', 'sheet_to_crm', 3);
    await history.sample();
    metrics.recordSynced('hubspot', 'sheet_to_crm', 1);
    metrics.recordApiCall('hubspot', 'batch_upsert');
    metrics.recordSyncFailure('hubspot', 'invalid_input');
  });
  afterAll(async () => dispose?.());

  describe('access', () => {
    it('is off in production without a token, and says how to turn it on', async () => {
      for (const path of ['/dashboard', '/dashboard/data']) {
        const response = await appFor('production').request(path, {}, LOCAL);
        expect(response.status).toBe(404);
        const body = (await response.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('not_found');
        expect(body.error.message).toContain('ROWBRIDGE_DASHBOARD_TOKEN');
      }
    });

    it('asks for the token in production, by Bearer or by Basic password, and refuses a wrong one', async () => {
      const app = appFor('production', TOKEN);
      const missing = await app.request('/dashboard', {}, LOCAL);
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toMatch(/^Basic realm="Rowbridge dashboard"/);
      expect(await missing.text()).not.toContain(TOKEN);
      const wrong = await app.request('/dashboard/data', {
        headers: { authorization: 'Bearer nope-nope-nope' },
      });
      expect(wrong.status).toBe(401);
      const bearer = await app.request('/dashboard/data', { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(bearer.status).toBe(200);
      const basic = `Basic ${Buffer.from(`ops:${TOKEN}`).toString('base64')}`;
      const page = await app.request('/dashboard', { headers: { authorization: basic } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    });

    it('answers only this machine in sandbox mode without a token', async () => {
      expect((await sandbox().request('/dashboard', {}, LOCAL)).status).toBe(200);
      const remote = await sandbox().request('/dashboard', {}, REMOTE);
      expect(remote.status).toBe(403);
      expect(((await remote.json()) as { error: { code: string } }).error.code).toBe('forbidden');
      expect((await sandbox().request('/dashboard')).status).toBe(403);
      // With a token, a remote browser gets in with it.
      const open = await appFor('sandbox', TOKEN).request(
        '/dashboard',
        { headers: { authorization: `Bearer ${TOKEN}` } },
        REMOTE,
      );
      expect(open.status).toBe(200);
    });
  });

  describe('data', () => {
    it('shows the metrics since the first sample, and every tenant’s audit trail newest first', async () => {
      const body: DashboardData = await data();
      expect(body.totals.synced).toEqual({ hubspot: 4 });
      expect(body.totals.apiCalls).toEqual({ hubspot: 1 });
      expect(body.series.synced.hubspot?.reduce((x, y) => x + y, 0)).toBe(4);
      expect(body.errorCodes).toContainEqual({
        kind: 'sync',
        crm: 'hubspot',
        code: 'invalid_input',
        count: 1,
      });
      const tables = new Set(body.audit.entries.map((e) => e.tableId));
      expect(tables).toEqual(new Set([a.table.id, b.table.id]));
      const ids = body.audit.entries.map((e) => e.id);
      expect(ids).toEqual([...ids].sort((x, y) => y - x));
      expect(body.audit.entries[0]?.tableName).toBe('Leads');
    });

    it('filters the audit trail by table, and by record through its row id or CRM id', async () => {
      const onlyA = await data(`?table=${a.table.id}`);
      expect(onlyA.audit.entries).toHaveLength(3);
      expect(onlyA.audit.entries.every((e) => e.tableId === a.table.id)).toBe(true);
      const byRow = await data(`?table=${a.table.id}&record=row-1`);
      expect(byRow.audit.entries.map((e) => [e.tableId, e.rowId])).toEqual([
        [a.table.id, 'row-1'],
        [a.table.id, 'row-1'],
      ]);
      const byCrmId = await data(`?table=${b.table.id}&record=c-201`);
      expect(byCrmId.audit.entries.map((e) => e.newValue)).toEqual(['one@b.example']);
      // The other tenant's row-1 is not table a's.
      expect((await data(`?table=${b.table.id}&record=c-101`)).audit.entries).toEqual([]);
    });

    it('pages the audit trail with before', async () => {
      const first = await data(`?table=${a.table.id}&limit=2`);
      expect(first.audit.entries).toHaveLength(2);
      expect(first.audit.nextBefore).toBeDefined();
      const second = await data(`?table=${a.table.id}&limit=2&before=${first.audit.nextBefore}`);
      expect(second.audit.entries).toHaveLength(1);
      expect(second.audit.nextBefore).toBeUndefined();
      expect(second.audit.entries[0]?.id).toBeLessThan(first.audit.entries[1]?.id ?? 0);
    });

    it('lists failed jobs with their code and a redacted message', async () => {
      const body = await data();
      expect(body.recentErrors).toEqual([
        expect.objectContaining({
          kind: 'export',
          code: 'auth_expired',
          tableId: a.table.id,
          tableName: 'Leads',
        }),
      ]);
      expect(body.recentErrors[0]?.message).toContain('[REDACTED]');
      expect(JSON.stringify(body)).not.toContain(SECRET);
    });

    it('refuses a record without its table, and unknown or malformed parameters', async () => {
      for (const query of ['?record=row-1', '?limit=0', '?before=abc', '?tenant=x']) {
        const response = await sandbox().request(`/dashboard/data${query}`, {}, LOCAL);
        expect(response.status, query).toBe(400);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_input');
      }
      // An untouched form field is no filter.
      expect((await sandbox().request('/dashboard?table=&record=', {}, LOCAL)).status).toBe(200);
    });
  });

  describe('page', () => {
    it('draws the six charts as inline SVG, lists errors and escapes what it shows', async () => {
      const response = await sandbox().request(`/dashboard?table=${a.table.id}`, {}, LOCAL);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(response.headers.get('cache-control')).toBe('no-store');
      const html = await response.text();
      expect(html.match(/<svg class="chart"/g)).toHaveLength(6);
      expect(html).toMatch(/<polyline points="[\d., ]+" fill="none" stroke="#2563eb"/);
      expect(html).toContain('Records synced');
      expect(html).toContain('<code>auth_expired</code>');
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(html).not.toContain('<img');
      expect(html).not.toContain('<script');
      expect(html).not.toContain(SECRET);
      expect(html).toContain(`value="${a.table.id}"`);
    });
  });
});
