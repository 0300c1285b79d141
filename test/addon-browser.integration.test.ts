import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AddonTestbed, addonTestbed } from './support/addon.ts';
import type { FakeSheet } from './support/apps-script/index.ts';
import { describeWithChromium, installScriptShim, launchChromium, loadHtml } from './support/browser.ts';
import { waitFor } from './support/wait.ts';

/**
 * The built sidebar and conflict dialog (appsscript/dist) in headless Chromium, their google.script.run
 * calls answered by the add-on's real server-side code running against the in-memory spreadsheet and a
 * real sandbox companion: connect HubSpot through its OAuth popup, map, preview and export, then resolve
 * a conflict. Screenshots of each page go to docs/screenshots/.
 */
const SHOTS = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const TAB = 'Prospects';
const HEADERS = ['Email', 'First Name', 'Last Name', 'Company', 'Phone', 'City'];

let bed: AddonTestbed;
let browser: Browser;
let context: BrowserContext;
let sidebar: Page;
let sheet: FakeSheet;
const failures: string[] = [];
let closedDialogs = 0;

/** Waits for what the companion process does; a timeout shows its stderr. */
function until<T>(probe: () => T | undefined | false, what: string): Promise<T> {
  return waitFor(probe, what, { intervalMs: 100, context: () => bed.companion.stderr() });
}

/** Opens what the add-on showed (sidebar or dialog) in a page of its size, with the script shim. */
async function openShown(kind: 'sidebar' | 'dialog', size: { width: number; height: number }): Promise<Page> {
  const output = bed.env.shown(kind);
  if (!output) throw new Error(`the add-on showed no ${kind}`);
  const page = await context.newPage();
  await page.setViewportSize(size);
  await installScriptShim(page, bed.addon, { failures, onClose: () => (closedDialogs += 1) });
  await loadHtml(page, kind, output.getContent());
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  // No focus ring, caret or random port: the committed screenshots change only when the pages do.
  await page.evaluate('document.activeElement && document.activeElement.blur()');
  await page.addStyleTag({ content: '[data-testid="companion-url"] { display: none; }' });
  await page.screenshot({
    path: `${SHOTS}${name}.png`,
    fullPage: true,
    animations: 'disabled',
    caret: 'hide',
  });
}

describeWithChromium('the sidebar and the conflict dialog in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    bed = await addonTestbed({
      tabs: [
        {
          name: TAB,
          rows: [
            HEADERS,
            ['ann@acme.example', 'Ann', 'Lee', 'Acme', '(415) 555-0101', 'Leeds'],
            ['carol@initech.example', 'Carol', 'New', 'Initech', '', 'Austin'],
            ['dan@globex.example', 'Dan', 'Ito', 'Globex', '+81 3 1234 5678', 'Osaka'],
          ],
        },
      ],
    });
    sheet = bed.env.spreadsheet.getActiveSheet();
    bed.hubspot.state.seed('contacts', [
      { email: 'carol@initech.example', firstname: 'Carol', lastname: 'Old' },
    ]);
    browser = await launchChromium();
    context = await browser.newContext();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await bed?.close();
  });

  it('opens the 300 px sidebar from the menu and shows that nothing is connected yet', async () => {
    bed.addon.onOpen();
    expect(bed.env.ui.menus[0]?.items.map(([caption]) => caption)).toContain('Open Rowbridge');
    bed.addon.showSidebar();
    expect(bed.env.shown('sidebar')?.getTitle()).toBe('Rowbridge');
    sidebar = await openShown('sidebar', { width: 300, height: 820 });
    await expect.poll(() => sidebar.getByTestId('status').textContent()).toContain('Not connected');
    // The shim refuses what google.script.run refuses: a Date argument never reaches the server.
    const refused = await sidebar.evaluate(() => {
      try {
        const run = (
          globalThis as unknown as { google: { script: { run: Record<string, (d: Date) => void> } } }
        ).google.script.run;
        run.getStatus?.(new Date());
        return 'sent';
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(refused).toMatch(/illegal value/);
  });

  it('connects HubSpot through the OAuth popup and shows the account', async () => {
    const popup = context.waitForEvent('page');
    await sidebar.getByRole('button', { name: 'Connect', exact: true }).click();
    const window = await popup;
    await window.waitForEvent('close', { timeout: 20_000 });
    await expect
      .poll(() => sidebar.getByTestId('connection').textContent(), { timeout: 10_000 })
      .toMatch(/HubSpot.*active/);
    await expect.poll(() => sidebar.getByRole('status').first().textContent()).toMatch(/Connected/);
    await shot(sidebar, 'sidebar-connect');
  });

  it('maps the columns, pre-filled from the headers, and saves the mapping', async () => {
    await sidebar.getByRole('tab', { name: 'Mapping' }).click();
    const email = sidebar.getByLabel('Field for Email');
    await expect.poll(() => email.inputValue()).toBe('email');
    expect(await sidebar.getByLabel('Field for City').inputValue()).toBe('city');
    expect(await sidebar.getByLabel('Direction for Phone').inputValue()).toBe('both');
    await sidebar.getByLabel('Direction for Phone').selectOption('sheet_to_crm');
    await shot(sidebar, 'sidebar-mapping');
    await sidebar.getByRole('button', { name: 'Save mapping' }).click();
    await expect
      .poll(() => sidebar.getByRole('status').first().textContent(), { timeout: 15_000 })
      .toMatch(/Saved: 6 columns/);
    expect(sheet.getRange(1, 7).getValue()).toBe('Rowbridge ID');
    expect(bed.addon.getStatus().table?.headers).toEqual(HEADERS);
  });

  it('previews an export of all rows, then exports them', async () => {
    await sidebar.getByRole('tab', { name: 'Sync' }).click();
    await sidebar.getByLabel('All rows (3)').check();
    await sidebar.getByRole('button', { name: 'Preview' }).click();
    const preview = sidebar.getByTestId('preview');
    await preview.waitFor({ timeout: 20_000 });
    expect(await preview.locator('dt, dd').allTextContents()).toEqual([
      'Will create',
      '2',
      'Will update',
      '1',
      'Unchanged',
      '0',
      'Duplicates found',
      '1',
      'Problems',
      '0',
    ]);
    expect(await sidebar.getByTestId('duplicates').textContent()).toMatch(
      /Row 3: Matches an existing record by email/,
    );
    expect(bed.hubspot.state.list('contacts')).toHaveLength(1);
    await shot(sidebar, 'sidebar-preview');
    await sidebar.getByRole('button', { name: 'Export 3 rows' }).click();
    await sidebar.getByTestId('export-result').waitFor({ timeout: 20_000 });
    await expect
      .poll(() => sidebar.getByRole('status').last().textContent())
      .toMatch(/Exported 3 rows: 2 created, 1 updated/);
    expect(
      bed.hubspot.state
        .list('contacts')
        .map((c) => c.properties.email)
        .sort(),
    ).toEqual(['ann@acme.example', 'carol@initech.example', 'dan@globex.example']);
    await shot(sidebar, 'sidebar-exported');
  });

  it('shows a conflict in the badge and resolves it in the wide dialog', async () => {
    await sidebar.getByLabel('Send edits to the CRM as they are made').check();
    await until(() => bed.env.triggers.length === 1, 'the edit trigger');
    const ann = bed.hubspot.state.list('contacts').find((c) => c.properties.email === 'ann@acme.example');
    bed.hubspot.state.editAsUser('contacts', ann?.id ?? '', { city: 'Paris' });
    bed.env.userEdit(`'${TAB}'!F2`, [['Oslo']], bed.addon);
    await until(() => bed.addon.getStatus().conflicts === 1, 'the conflict');
    await sidebar.getByRole('button', { name: 'Refresh' }).click();
    const badge = sidebar.getByRole('button', { name: '1 conflict' });
    await badge.waitFor();
    await shot(sidebar, 'sidebar-conflict-badge');
    await badge.click();
    await until(() => bed.env.ui.dialogs.length === 1, 'the dialog');
    const dialogOutput = bed.env.shown('dialog');
    expect([dialogOutput?.getWidth(), dialogOutput?.getHeight(), bed.env.ui.dialogs[0]?.modal]).toEqual([
      1040,
      640,
      true,
    ]);
    const dialog = await openShown('dialog', { width: 1040, height: 640 });
    const row = dialog.getByTestId('conflict');
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 5)).toEqual(['2', 'City', 'Leeds', 'Oslo', 'Paris']);
    expect(cells[5]).toMatch(/^City changed on both sides/);
    expect(cells[6]).toBe('SheetCRM');
    await shot(dialog, 'conflicts-dialog');
    await dialog.getByRole('button', { name: 'Keep all CRM values' }).click();
    expect(await dialog.getByLabel('Keep the CRM value for row 2 City').isChecked()).toBe(true);
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await expect
      .poll(() => dialog.getByRole('status').first().textContent(), { timeout: 15_000 })
      .toMatch(/Resolved 1 conflict; 1 sheet cell updated/);
    await dialog.getByText('No open conflicts').waitFor();
    expect(sheet.getRange('F2').getValue()).toBe('Paris');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await until(() => closedDialogs === 1, 'the dialog to close');
    await sidebar.getByRole('button', { name: 'Refresh' }).click();
    await sidebar.getByText('No conflicts').waitFor();
    expect(failures).toEqual([]);
  });

  it('imports by a filter and lists the records the sheet cannot hold', async () => {
    bed.hubspot.state.seed('contacts', [
      { email: 'erik@fjord.example', firstname: 'Erik', lastname: 'Dahl', city: 'Bergen' },
      { email: 'long@fjord.example', firstname: 'Long', lastname: 'x'.repeat(50_001), city: 'Bergen' },
    ]);
    // The companion writes its copy of the tab (Google's, in production), which needs the ID column the
    // add-on added to this one.
    bed.sandboxSheets.state.editAsUser(bed.env.spreadsheet.getId(), `'${TAB}'!G1`, [['Rowbridge ID']]);
    await sidebar.getByText('Filters').click();
    await sidebar.getByLabel('Property').fill('city');
    await sidebar.getByLabel('Equals (comma-separated)').fill('Bergen');
    await sidebar.getByRole('button', { name: 'Import' }).click();
    const refused = sidebar.getByTestId('import-refused');
    await refused.waitFor({ timeout: 20_000 });
    expect(await refused.textContent()).toMatch(
      /Record \d+: The value for "Last Name" is 50,001 characters long/,
    );
    expect(await sidebar.getByRole('status').last().textContent()).toMatch(
      /Imported 1 of 2 records: 1 new row, 0 rows updated\. One record was not written to the sheet/,
    );
    const emails = bed.sandboxSheets.state.grid(bed.env.spreadsheet.getId(), TAB).map((row) => row[0]);
    expect(emails).toContain('erik@fjord.example');
    expect(emails).not.toContain('long@fjord.example');
    await shot(sidebar, 'sidebar-import-refused');
    expect(failures).toEqual([]);
  });
});
