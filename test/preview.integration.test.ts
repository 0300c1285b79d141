import { copyFileSync, mkdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../server/config.ts';
import { type Companion, startCompanion } from '../server/main.ts';
import { createLogger } from '../server/observability/logger.ts';
import { describeWithChromium, launchChromium } from './support/browser.ts';
import { waitFor } from './support/wait.ts';

/**
 * The preview page as a newcomer uses it, in headless Chromium against a sandbox companion with the
 * sample data: connect HubSpot through its OAuth redirect, map, preview and export the messy sheet, edit
 * a cell and see it in HubSpot, edit the contact in the HubSpot panel and see the row change (a signed
 * webhook), then provoke a conflict and resolve it in the real dialog. State is checked through the
 * preview's JSON endpoints; screenshots go to a temp folder, and to docs/screenshots/preview-*.png with
 * UPDATE_SCREENSHOTS=1.
 */
const DOCS = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: tests read response fields freely.
type Json = any;

let companion: Companion;
let shots: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let sidebar: FrameLocator;

async function get(path: string): Promise<Json> {
  const response = await fetch(`${companion.url}${path}`);
  expect(response.status).toBe(200);
  return response.json();
}

/** The sample tab's rows as objects by header, with their sheet row numbers. */
async function sheetRows(): Promise<{ row: number; cells: Record<string, string> }[]> {
  const { rows } = (await get('/preview/sheet')) as { rows: string[][] };
  const [headers = [], ...data] = rows;
  return data.map((cells, i) => ({
    row: i + 2,
    cells: Object.fromEntries(headers.map((h, j) => [h, String(cells[j] ?? '')])),
  }));
}

async function contacts(): Promise<{ id: string; properties: Record<string, string> }[]> {
  return (await get('/preview/crm/hubspot')).records;
}

const emailOf = (value: string | undefined) =>
  String(value ?? '')
    .trim()
    .toLowerCase()
    .replace(/^mailto:/, '');

async function shot(name: string): Promise<void> {
  await page.evaluate('document.activeElement && document.activeElement.blur()');
  await page.evaluate(`for (const pane of document.querySelectorAll('.pane')) pane.scrollLeft = 0`);
  const path = join(shots, `preview-${name}.png`);
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  if (process.env.UPDATE_SCREENSHOTS) copyFileSync(path, `${DOCS}preview-${name}.png`);
}

describeWithChromium('the preview page, through the core story', () => {
  beforeAll(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'rowbridge-preview-'));
    shots = await mkdtemp(join(tmpdir(), 'rowbridge-preview-shots-'));
    mkdirSync(DOCS, { recursive: true });
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      ROWBRIDGE_DATA_DIR: dataDir,
      ROWBRIDGE_SAMPLE_DATA: '1',
    });
    companion = await startCompanion(config, createLogger({ level: 'silent' }));
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    console.info(`[preview test] screenshots in ${shots}`);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await companion?.close();
  });

  it('opens on the sample sheet, the sandbox CRMs and the real sidebar', async () => {
    const home = await fetch(`${companion.url}/`, { redirect: 'manual' });
    expect([home.status, home.headers.get('location')]).toEqual([302, '/preview/']);
    await page.goto(`${companion.url}/preview/`);
    await page.locator('[data-cell="C1"]').getByText('E-mail').waitFor();
    expect((await sheetRows()).length).toBeGreaterThan(190);
    expect(await contacts()).toHaveLength(30);
    sidebar = page.frameLocator('#sidebar');
    await expect
      .poll(() => sidebar.getByTestId('status').textContent(), { timeout: 60_000 })
      .toContain('Not connected');
  }, 90_000);

  it('connects the sandbox HubSpot through its OAuth redirect', async () => {
    const popup = context.waitForEvent('page');
    await sidebar.getByRole('button', { name: 'Connect', exact: true }).click();
    const window = await popup;
    await window.waitForEvent('close', { timeout: 30_000 });
    await expect
      .poll(() => sidebar.getByTestId('connection').textContent(), { timeout: 30_000 })
      .toMatch(/HubSpot.*active/);
    await shot('connected');
  }, 90_000);

  it('maps the columns, previews the export with its duplicates, and exports', async () => {
    await sidebar.getByRole('tab', { name: 'Mapping' }).click();
    await expect.poll(() => sidebar.getByLabel('Field for E-mail').inputValue()).toBe('email');
    await sidebar.getByRole('button', { name: 'Save mapping' }).click();
    await expect
      .poll(() => sidebar.getByRole('status').first().textContent(), { timeout: 30_000 })
      .toMatch(/Saved: \d+ columns/);
    const rows = await sheetRows();
    expect(Object.keys(rows[0]?.cells ?? {})).toContain('Rowbridge ID');

    await sidebar.getByRole('tab', { name: 'Sync' }).click();
    await sidebar.getByLabel(`All rows (${rows.length})`).check();
    await sidebar.getByRole('button', { name: 'Preview' }).click();
    const preview = sidebar.getByTestId('preview');
    await preview.waitFor({ timeout: 60_000 });
    const figures = await preview.locator('dt, dd').allTextContents();
    const duplicates = Number(figures[figures.indexOf('Duplicates found') + 1]);
    const updates = Number(figures[figures.indexOf('Will update') + 1]);
    expect(duplicates).toBeGreaterThan(0);
    expect(updates).toBeGreaterThan(0);
    await shot('export-preview');

    await sidebar.getByRole('button', { name: `Export ${rows.length} rows` }).click();
    await sidebar.getByTestId('export-result').waitFor({ timeout: 90_000 });
    await expect
      .poll(() => sidebar.getByRole('status').last().textContent(), { timeout: 30_000 })
      .toMatch(new RegExp(`Exported ${rows.length} rows`));
    expect((await contacts()).length).toBeGreaterThan(30);
    // In-sheet duplicates are reported as problems and stay unexported; every other row gets its ID.
    const exported = (await sheetRows()).filter((row) => row.cells['Rowbridge ID'] !== '');
    expect(exported.length).toBeGreaterThan(100);
    await shot('exported');
  }, 180_000);

  it('sends an edited cell to HubSpot through the edit trigger', async () => {
    await sidebar.getByLabel('Send edits to the CRM as they are made').check();
    // The trigger is installed by the add-on's setLiveSync run; an edit before it would send nothing.
    await sidebar.getByText(/live edits on/).waitFor({ timeout: 30_000 });
    const all = await contacts();
    const target = (await sheetRows()).find(
      (row) =>
        row.cells['Rowbridge ID'] !== '' &&
        row.cells.Country !== 'Norway' &&
        emailOf(row.cells['E-mail']).includes('@') &&
        all.some((c) => emailOf(c.properties.email) === emailOf(row.cells['E-mail'])),
    );
    expect(target).toBeDefined();
    const row = target?.row ?? 0;
    const headers = Object.keys(target?.cells ?? {});
    const country = String.fromCharCode(65 + headers.indexOf('Country'));
    await page.locator(`[data-cell="${country}${row}"]`).dblclick();
    await page.locator(`[data-cell="${country}${row}"] input`).fill('Norway');
    await page.keyboard.press('Enter');
    const email = emailOf(target?.cells['E-mail']);
    await waitFor(
      async () =>
        (await contacts()).find((c) => emailOf(c.properties.email) === email)?.properties.country ===
        'Norway',
      'the edited country in HubSpot',
    );
    expect((await sheetRows()).find((r) => r.row === row)?.cells.Country).toBe('Norway');
  }, 90_000);

  it('applies a HubSpot edit to the row through the signed webhook', async () => {
    const target = (await sheetRows()).find((row) => row.cells.Country === 'Norway');
    const email = emailOf(target?.cells['E-mail']);
    const contact = (await contacts()).find((c) => emailOf(c.properties.email) === email);
    const cell = page.locator(`[data-record-id="${contact?.id}"] [data-field="company"]`);
    await cell.dblclick();
    await cell.locator('input').fill('Rowbridge Demo Ltd');
    await page.keyboard.press('Enter');
    await waitFor(
      async () =>
        (await sheetRows()).find((row) => row.row === target?.row)?.cells['Company Name'] ===
        'Rowbridge Demo Ltd',
      'the webhook to reach the row',
    );
    await page.locator(`[data-cell="E${target?.row}"]`).getByText('Rowbridge Demo Ltd').waitFor();
    await shot('webhook-row');
  }, 90_000);

  it('provokes a conflict and resolves it in the conflict dialog', async () => {
    await page.getByRole('button', { name: 'Provoke a conflict' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 60_000 }).toMatch(/Row \d+:/);
    const row = Number(/Row (\d+):/.exec((await page.getByRole('status').textContent()) ?? '')?.[1]);
    await sidebar.getByRole('button', { name: 'Refresh' }).click();
    const badge = sidebar.getByRole('button', { name: '1 conflict' });
    await badge.waitFor({ timeout: 30_000 });
    await badge.click();
    const dialog = page.frameLocator('#dialog-frame');
    const conflict = dialog.getByTestId('conflict');
    await conflict.waitFor({ timeout: 30_000 });
    const cells = await conflict.locator('td').allTextContents();
    expect(cells.slice(0, 2)).toEqual([String(row), 'Country']);
    expect(cells.slice(3, 5)).toEqual(['Spain', 'Portugal']);
    await shot('conflict-dialog');
    await dialog.getByRole('button', { name: 'Keep all CRM values' }).click();
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await expect
      .poll(() => dialog.getByRole('status').first().textContent(), { timeout: 30_000 })
      .toMatch(/Resolved 1 conflict/);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.locator('#dialog').waitFor({ state: 'hidden' });
    await waitFor(
      async () => (await sheetRows()).find((r) => r.row === row)?.cells.Country === 'Portugal',
      'the kept CRM value in the sheet',
    );
    const email = emailOf((await sheetRows()).find((r) => r.row === row)?.cells['E-mail']);
    expect((await contacts()).find((c) => emailOf(c.properties.email) === email)?.properties.country).toBe(
      'Portugal',
    );
    // Closing the dialog refreshes the sidebar, as Apps Script's sidebar learns of it on its next call.
    await expect
      .poll(() => sidebar.getByTestId('conflicts-badge').textContent(), { timeout: 30_000 })
      .toBe('No conflicts');
    await shot('resolved');
  }, 120_000);
});
