import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import * as z from 'zod';
import { parseOrThrow, RowbridgeError } from '../../shared/errors.ts';
import { normalizeEmail } from '../../shared/normalize/index.ts';
import type { Logger } from '../observability/logger.ts';
import { loadSandboxIdentity } from '../sandbox/google/identity.ts';
import { SANDBOX_HUBSPOT_CLIENT } from '../sandbox/hubspot/client.ts';
import { createSandboxHubSpot, type SandboxHubSpot } from '../sandbox/hubspot/index.ts';
import type { SandboxSalesforce } from '../sandbox/salesforce/index.ts';
import type { SandboxSheets } from '../sandbox/sheets/index.ts';
import { type RunResult, type ScriptHost, startScriptHost } from './host.ts';
import { renderPreviewPage, scriptShim } from './page.ts';
import { readSampleMarker, SAMPLE_TAB } from './sample/seed.ts';

export interface PreviewDeps {
  readonly dataDir: string;
  readonly sheets: SandboxSheets;
  readonly hubspot: SandboxHubSpot;
  readonly salesforce: SandboxSalesforce;
  /** The companion's own URL (known once it listens): the add-on is built for it. */
  readonly companionUrl: () => string;
  readonly logger: Logger;
}

/** The preview's routes, and the add-on runtime behind them (started on first use). */
export interface Preview {
  readonly routes: Hono;
  close(): Promise<void>;
}

/** The user the preview's Apps Script runs as, in the sandbox's own Google Workspace domain. */
const USER = { email: 'ann@acme.com', hd: 'acme.com' };

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/** The preview drives the add-on as its user: only a browser on this machine may (the companion listens on every interface). */
const localOnly: MiddlewareHandler = async (c, next) => {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const address = env?.incoming?.socket?.remoteAddress;
  if (address !== undefined && !LOOPBACK.test(address)) {
    throw new RowbridgeError(
      'forbidden',
      'The preview page answers only this machine: open it on the machine the companion runs on',
    );
  }
  await next();
};

const cellSchema = z.union([z.string().max(50_000), z.number(), z.boolean()]);
const runSchema = z.object({
  function: z.string().regex(/^[A-Za-z$][\w$]*$/, { error: 'must be the name of a global function' }),
  args: z.array(z.unknown()).max(20).default([]),
});
const editSchema = z.object({
  tab: z.string().min(1).default(SAMPLE_TAB),
  row: z.number().int().min(1).max(100_000),
  column: z.number().int().min(1).max(18_278),
  value: cellSchema,
});
const crmEditSchema = z.object({
  properties: z.record(z.string().regex(/^\w+$/), z.string().max(10_000)),
});
const conflictSchema = z.object({
  row: z.number().int().min(2).optional(),
  header: z.string().min(1).default('Country'),
  property: z.string().regex(/^\w+$/).default('country'),
  sheetValue: z.string().min(1).default('Spain'),
  crmValue: z.string().min(1).default('Portugal'),
});

async function body(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new RowbridgeError('invalid_json', 'The request body is not JSON');
  }
}

/** The spreadsheet the preview shows: the sample one, or an empty one made on first use without samples. */
function previewSpreadsheet(deps: PreviewDeps): string {
  const sample = readSampleMarker(deps.dataDir)?.spreadsheetId;
  if (sample) return sample;
  const path = join(deps.dataDir, 'preview', 'spreadsheet.json');
  if (existsSync(path)) {
    return z.object({ spreadsheetId: z.string() }).parse(JSON.parse(readFileSync(path, 'utf8')))
      .spreadsheetId;
  }
  const spreadsheetId = deps.sheets.state.createSpreadsheet({
    title: 'Untitled spreadsheet',
    tabs: [{ title: SAMPLE_TAB }],
  });
  mkdirSync(join(deps.dataDir, 'preview'), { recursive: true });
  writeFileSync(path, JSON.stringify({ spreadsheetId }));
  return spreadsheetId;
}

/**
 * The preview page (`/preview/`) and what it calls: the sample sheet as JSON and a user's edits to it,
 * `google.script.run` for the real sidebar and dialog (`POST /preview/run`), the sandbox CRMs' records and
 * a CRM user's edits to them, and "provoke a conflict". Sandbox mode only, this machine only.
 */
export function createPreview(deps: PreviewDeps): Preview {
  let host: Promise<ScriptHost> | undefined;
  // Fixed once known: read from disk on the first request, not on every poll of the grid.
  let known: string | undefined;
  const spreadsheetId = () => (known ??= previewSpreadsheet(deps));
  let running: ScriptHost | undefined;
  const hostOf = () => {
    if (running && !running.alive()) {
      host = undefined;
      running = undefined;
    }
    host ??= (async () => {
      const identity = await loadSandboxIdentity(deps.dataDir);
      running = await startScriptHost({
        dataDir: deps.dataDir,
        companionUrl: deps.companionUrl(),
        sheets: deps.sheets.state,
        spreadsheetId: spreadsheetId(),
        user: USER.email,
        mintToken: () => identity.mint(USER),
      });
      return running;
    })();
    host.catch((error: unknown) => {
      deps.logger.error({ err: error }, 'The preview could not start the add-on');
      host = undefined;
    });
    return host;
  };
  // Edits made "while the webhook is still on its way": no target, so this instance never delivers.
  const quietHubSpot = createSandboxHubSpot({
    ...SANDBOX_HUBSPOT_CLIENT,
    stateFile: join(deps.dataDir, 'sandbox', 'hubspot.json'),
  });

  const answer = (result: RunResult) => ({
    ...(result.outcome.ok
      ? { ok: true as const, value: result.outcome.value }
      : { ok: false as const, message: result.outcome.message }),
    shown: result.shown.map(({ id, kind, title, width, height }) => ({ id, kind, title, width, height })),
  });

  const app = new Hono();
  app.use('/preview', localOnly);
  app.use('/preview/*', localOnly);
  app.get('/', (c) => c.redirect('/preview/'));
  app.get('/preview', (c) => c.redirect('/preview/'));
  app.get('/preview/', (c) => {
    // The sidebar frame needs the add-on built (a few seconds): start now, while the page loads.
    hostOf().catch(() => {});
    return c.html(renderPreviewPage(), 200, { 'Cache-Control': 'no-store' });
  });

  app.get('/preview/sheet', (c) => {
    const id = spreadsheetId();
    const spreadsheet = deps.sheets.state.spreadsheets().find((s) => s.spreadsheetId === id);
    const tab = spreadsheet?.tabs.includes(SAMPLE_TAB) ? SAMPLE_TAB : (spreadsheet?.tabs[0] ?? SAMPLE_TAB);
    return c.json(
      {
        spreadsheetId: id,
        title: spreadsheet?.title ?? '',
        tab,
        rows: deps.sheets.state.grid(id, tab),
      },
      200,
      { 'Cache-Control': 'no-store' },
    );
  });

  app.post('/preview/sheet/edit', async (c) => {
    const edit = parseOrThrow(editSchema, await body(c), 'cell edit');
    const running = await hostOf();
    return c.json(answer(await running.userEdit(edit.tab, edit.row, edit.column, edit.value)));
  });

  app.post('/preview/run', async (c) => {
    const run = parseOrThrow(runSchema, await body(c), 'script run');
    const running = await hostOf();
    return c.json(answer(await running.run(run.function, run.args)));
  });

  // The sidebar as the add-on shows it: its menu item's function runs, and the page it showed is served.
  app.get('/preview/frame/sidebar', async (c) => {
    const running = await hostOf();
    const result = await running.run('showSidebar', []);
    const page = result.shown.find((shown) => shown.kind === 'sidebar');
    if (!page) {
      const why = result.outcome.ok ? 'it showed no sidebar' : result.outcome.message;
      throw new RowbridgeError('preview_unavailable', `The add-on's showSidebar failed: ${why}`);
    }
    return c.html(withShim(page.html), 200, { 'Cache-Control': 'no-store' });
  });

  app.get('/preview/frame/:id{[0-9]+}', async (c) => {
    const page = (await hostOf()).page(Number(c.req.param('id')));
    if (!page) throw new RowbridgeError('not_found', 'No such page: it was shown before a restart');
    return c.html(withShim(page.html), 200, { 'Cache-Control': 'no-store' });
  });

  app.get('/preview/crm/hubspot', (c) =>
    c.json(
      {
        records: deps.hubspot.state.list('contacts').map((record) => ({
          id: record.id,
          properties: record.properties,
          updatedAt: record.updatedAt,
        })),
      },
      200,
      { 'Cache-Control': 'no-store' },
    ),
  );

  app.get('/preview/crm/salesforce', (c) =>
    c.json({ records: deps.salesforce.state.list('Lead') }, 200, { 'Cache-Control': 'no-store' }),
  );

  // A HubSpot user edits a contact: the sandbox sends its signed webhook to the companion, as HubSpot does.
  app.post('/preview/crm/hubspot/:id{[0-9]+}', async (c) => {
    const edit = parseOrThrow(crmEditSchema, await body(c), 'contact edit');
    const id = c.req.param('id');
    if (!deps.hubspot.state.get('contacts', id)) {
      throw new RowbridgeError('not_found', `No contact ${id} in the sandbox HubSpot`);
    }
    const record = deps.hubspot.state.editAsUser('contacts', id, edit.properties);
    return c.json({ id: record.id, properties: record.properties });
  });

  app.post('/preview/conflict', async (c) => {
    const input = parseOrThrow(conflictSchema, await body(c), 'conflict');
    const id = spreadsheetId();
    const tab = SAMPLE_TAB;
    const [headers = [], ...rows] = deps.sheets.state.grid(id, tab);
    const column = headers.findIndex((h) => String(h) === input.header);
    const idColumn = headers.findIndex((h) => String(h).toLowerCase().startsWith('rowbridge id'));
    const emailColumn = headers.findIndex((h) => /e-?mail/i.test(String(h)));
    if (column < 0 || idColumn < 0 || emailColumn < 0) {
      throw new RowbridgeError(
        'not_found',
        `Export the sheet first: a conflict needs the "${input.header}" column, an email column and Rowbridge IDs`,
      );
    }
    const contacts = deps.hubspot.state.list('contacts');
    const contactOf = (row: readonly unknown[]) => {
      const email = normalizeEmail(String(row[emailColumn] ?? ''));
      return email?.includes('@')
        ? contacts.find((contact) => normalizeEmail(contact.properties.email ?? '') === email)
        : undefined;
    };
    const at = rows.findIndex(
      (row, i) =>
        (input.row === undefined || i + 2 === input.row) &&
        String(row[idColumn] ?? '') !== '' &&
        contactOf(row) !== undefined,
    );
    const contact = at >= 0 ? contactOf(rows[at] ?? []) : undefined;
    if (!contact) {
      throw new RowbridgeError(
        'not_found',
        'No exported row is linked to a HubSpot contact yet: export first',
      );
    }
    // Both sides change the same field before either hears of the other: HubSpot's webhook is still on
    // its way when the sheet's edit reaches the companion.
    quietHubSpot.state.editAsUser('contacts', contact.id, { [input.property]: input.crmValue });
    const running = await hostOf();
    const result = await running.userEdit(tab, at + 2, column + 1, input.sheetValue);
    return c.json({ row: at + 2, contactId: contact.id, ...answer(result) });
  });

  return {
    routes: app,
    async close() {
      await quietHubSpot.close();
      if (host) await (await host.catch(() => undefined))?.close();
    },
  };
}

/** The page with Apps Script's client side (`google.script.run`, `google.script.host`) in front of its own script. */
function withShim(html: string): string {
  const shim = `<script>${scriptShim()}</script>`;
  return /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (head) => `${head}${shim}`) : shim + html;
}
