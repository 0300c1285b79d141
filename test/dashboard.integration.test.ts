import { mkdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../server/config.ts';
import { type DashboardData, dashboardDataSchema } from '../server/dashboard/schema.ts';
import { type Companion, startCompanion } from '../server/main.ts';
import { createLogger } from '../server/observability/logger.ts';
import type { SandboxHubSpot } from '../server/sandbox/hubspot/index.ts';
import type { SandboxSheets } from '../server/sandbox/sheets/index.ts';
import { describeWithChromium, launchChromium } from './support/browser.ts';
import {
  type AddonSession,
  connectedSheet,
  finishedJob,
  hubspotContactsTable,
  hubspotUser,
  rowsOfTab,
  sandboxCompanion,
  sheetsUser,
} from './support/companion.ts';
import { waitFor } from './support/wait.ts';

/**
 * The dashboard over real sync work: a sandbox companion exports two tabs to the sandbox HubSpot, a rep
 * edits a contact (its webhook reaches the sheet), and the dashboard's numbers, charts and audit trail
 * must show exactly that. A production companion must refuse the dashboard without its token.
 */
const SHOTS = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const HEADERS = ['Email', 'First Name', 'Last Name', 'City', 'Rowbridge ID', 'Rowbridge Status'];

let companion: Companion;
let dataDir = '';
let session: AddonSession;
let portal: SandboxHubSpot;
let sheets: SandboxSheets;
let spreadsheetId = '';
const tableIds: Record<string, string> = {};
const exported: {
  table: string;
  rows: { rowId: string; status: string; crmId?: string; error?: { code: string } }[];
}[] = [];

const createTable = (tab: string, sheetTabId: number): Promise<string> =>
  hubspotContactsTable(session, { name: tab, id: sheetTabId, headers: HEADERS }, { setupFields: false });

async function exportTab(tab: string): Promise<void> {
  const rows = rowsOfTab(sheets, spreadsheetId, tab).map(({ rowId, rowNumber, cells }) => ({
    rowId,
    rowNumber,
    cells,
  }));
  const started = await session.api('POST', `/api/v1/tables/${tableIds[tab]}/export`, { rows });
  expect(started.status).toBe(200);
  const job = await finishedJob(session, started.body.job.id);
  expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
  exported.push({ table: tab, rows: job.result.rows });
}

async function dashboard(query = '', headers: Record<string, string> = {}): Promise<DashboardData> {
  const response = await fetch(`${companion.url}/dashboard/data${query}`, { headers });
  expect(response.status).toBe(200);
  return dashboardDataSchema.parse(await response.json());
}

const sum = (values: readonly number[] = []) => values.reduce((a, b) => a + b, 0);

beforeAll(async () => {
  ({ companion, dataDir } = await sandboxCompanion({ metricsIntervalMs: 1000 }));
  sheets = sheetsUser(dataDir);
  spreadsheetId = sheets.state.createSpreadsheet({
    title: 'Outreach',
    tabs: [
      {
        title: 'Prospects',
        rows: [
          HEADERS,
          ['ann@acme.example', 'Ann', 'Lee', 'Leeds', 'row-1', ''],
          ['carol@initech.example', 'Carol', 'New', 'Austin', 'row-2', ''],
          ['bad-email', 'Bad', 'Row', '', 'row-3', ''],
        ],
      },
    ],
  });
  const partnersTab = sheets.state.addTab(spreadsheetId, {
    title: 'Partners',
    rows: [HEADERS, ['dan@globex.example', 'Dan', 'Ito', 'Osaka', 'row-9', '']],
  });
  session = await connectedSheet(companion, dataDir, spreadsheetId);
  portal = hubspotUser(companion, dataDir);
  tableIds.Prospects = await createTable('Prospects', 0);
  tableIds.Partners = await createTable('Partners', partnersTab);
  // The Rowbridge ID property HubSpot upserts by, created once for the portal.
  expect((await session.api('POST', `/api/v1/tables/${tableIds.Prospects}/setup-fields`)).status).toBe(200);
  await exportTab('Prospects');
  await exportTab('Partners');
  // A rep edits Ann in HubSpot: the signed webhook brings the change to the sheet.
  const ann = exported[0]?.rows.find((row) => row.rowId === 'row-1')?.crmId ?? '';
  portal.state.editAsUser('contacts', ann, { city: 'Dallas' });
  await portal.flushWebhooks();
  await waitFor(
    () =>
      rowsOfTab(sheets, spreadsheetId, 'Prospects').find((row) => row.rowId === 'row-1')?.cells.City ===
      'Dallas',
    'the webhook to reach the sheet',
  );
}, 90_000);

afterAll(async () => {
  await portal?.close();
  await companion?.close();
});

describe('the dashboard over real sync work', () => {
  it('counts the records synced both ways, the HubSpot API calls and the failed rows by code', async () => {
    const written = exported
      .flatMap((e) => e.rows)
      .filter((r) => r.status === 'created' || r.status === 'updated');
    expect(written.length).toBe(3);
    // The webhook's sheet write is counted once it is processed, which the wait above saw on the sheet.
    const data = await waitFor(async () => {
      const d = await dashboard();
      return (d.totals.synced.hubspot ?? 0) >= written.length + 1 && d;
    }, 'the webhook write to be counted');
    expect(data.totals.synced.hubspot).toBe(written.length + 1);
    expect(data.totals.apiCalls.hubspot).toBeGreaterThan(0);
    // The first sample was taken when the companion started, before any sync: the series add up to the totals.
    expect(sum(data.series.synced.hubspot)).toBe(data.totals.synced.hubspot);
    expect(sum(data.series.apiCalls.hubspot)).toBe(data.totals.apiCalls.hubspot);
    const failed = exported.flatMap((e) => e.rows).filter((r) => r.status === 'failed');
    expect(failed.map((r) => r.rowId)).toEqual(['row-3']);
    expect(data.errorCodes).toContainEqual({
      kind: 'sync',
      crm: 'hubspot',
      code: failed[0]?.error?.code ?? '',
      count: 1,
    });
    expect(data.series.latencyP50.hubspot?.some((value) => value !== null && value >= 0)).toBe(true);
    expect(Object.keys(data.totals.queueDepth).length).toBeGreaterThan(0);
  });

  it('filters the audit trail by table, and by record through its Rowbridge ID or its HubSpot id', async () => {
    for (const tab of ['Prospects', 'Partners']) {
      const { audit } = await dashboard(`?table=${tableIds[tab]}`);
      expect(audit.entries.length).toBeGreaterThan(0);
      expect(audit.entries.every((e) => e.tableId === tableIds[tab] && e.tableName === tab)).toBe(true);
    }
    const { audit } = await dashboard(`?table=${tableIds.Prospects}&record=row-1`);
    expect(audit.entries.length).toBeGreaterThan(0);
    expect(audit.entries.every((e) => e.tableId === tableIds.Prospects && e.rowId === 'row-1')).toBe(true);
    // Both the export to HubSpot and the webhook's write to the sheet are in the record's history.
    expect(new Set(audit.entries.map((e) => e.target))).toEqual(new Set(['crm', 'sheet']));
    const crmId = audit.entries[0]?.crmId ?? '';
    const byCrmId = await dashboard(`?table=${tableIds.Prospects}&record=${crmId}`);
    expect(byCrmId.audit.entries.map((e) => e.id)).toEqual(audit.entries.map((e) => e.id));
  });

  it('counts the rows an import wrote into the sheet', async () => {
    const before = (await dashboard()).totals.synced.hubspot ?? 0;
    const started = await session.api('POST', `/api/v1/tables/${tableIds.Partners}/import`, {});
    expect(started.status).toBe(200);
    const job = await finishedJob(session, started.body.job.id);
    expect(job.status).toBe('succeeded');
    const written = job.result.appended + job.result.updated;
    expect(written).toBeGreaterThan(0);
    expect((await dashboard()).totals.synced.hubspot).toBe(before + written);
  });

  it('serves the page with the charts drawn as SVG lines', async () => {
    const response = await fetch(`${companion.url}/dashboard`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html.match(/<svg class="chart"/g)).toHaveLength(6);
    expect(html.match(/<polyline /g)?.length).toBeGreaterThanOrEqual(3);
    expect(html).toContain('Prospects');
  });
});

describe('the dashboard of a production companion', () => {
  const TOKEN = 'prod-dashboard-token-5d1c9e';
  let production: Companion;

  beforeAll(async () => {
    const config = loadConfig({
      ROWBRIDGE_MODE: 'production',
      PORT: '0',
      HOST: '127.0.0.1',
      ROWBRIDGE_DATA_DIR: await mkdtemp(join(tmpdir(), 'rowbridge-prod-')),
      ROWBRIDGE_ENCRYPTION_KEY: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
      GOOGLE_ADDON_CLIENT_ID: 'addon-client.apps.googleusercontent.com',
      ROWBRIDGE_PUBLIC_URL: 'https://rowbridge.example.com',
      ROWBRIDGE_DASHBOARD_TOKEN: TOKEN,
    });
    production = await startCompanion(config, createLogger({ level: 'silent' }));
  });
  afterAll(async () => production?.close());

  it('refuses the dashboard without the token, even from this machine, and opens with it', async () => {
    const refused = await fetch(`${production.url}/dashboard`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('Basic');
    expect((await fetch(`${production.url}/dashboard/data`)).status).toBe(401);
    const opened = await fetch(`${production.url}/dashboard/data`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(opened.status).toBe(200);
    expect(dashboardDataSchema.parse(await opened.json()).mode).toBe('production');
  });
});

describeWithChromium('the dashboard in Chromium', () => {
  it('renders every chart, and saves docs/screenshots/dashboard.png when UPDATE_SCREENSHOTS is set', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
      await page.goto(`${companion.url}/dashboard?table=${tableIds.Prospects}`);
      const charts = page.locator('svg.chart');
      expect(await charts.count()).toBe(6);
      for (const box of await Promise.all((await charts.all()).map((chart) => chart.boundingBox()))) {
        expect(box?.width).toBeGreaterThan(300);
        expect(box?.height).toBeGreaterThan(150);
      }
      expect(await page.locator('table').last().locator('tbody tr').count()).toBeGreaterThan(0);
      // Times and ids differ on every run, so the committed picture is only rewritten on request.
      if (process.env.UPDATE_SCREENSHOTS) {
        mkdirSync(SHOTS, { recursive: true });
        await page.screenshot({ path: `${SHOTS}dashboard.png`, fullPage: true, animations: 'disabled' });
      }
    } finally {
      await browser.close();
    }
  });
});
