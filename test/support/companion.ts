import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../server/config.ts';
import { type Companion, type CompanionOptions, startCompanion } from '../../server/main.ts';
import { createLogger, type LoggerOptions } from '../../server/observability/logger.ts';
import { loadSandboxIdentity } from '../../server/sandbox/google/identity.ts';
import { SANDBOX_HUBSPOT_CLIENT } from '../../server/sandbox/hubspot/client.ts';
import { createSandboxHubSpot, type SandboxHubSpot, signV3 } from '../../server/sandbox/hubspot/index.ts';
import { SANDBOX_SALESFORCE_CLIENT } from '../../server/sandbox/salesforce/client.ts';
import { createSandboxSalesforce, type SandboxSalesforce } from '../../server/sandbox/salesforce/index.ts';
import { createSandboxSheets, type SandboxSheets } from '../../server/sandbox/sheets/index.ts';
import { defaultMapping, detectColumns } from '../../shared/mapping/index.ts';

/** A companion in sandbox mode on a free port, with its own data folder. */
export async function sandboxCompanion(
  options: CompanionOptions = {},
  env: Readonly<Record<string, string>> = {},
): Promise<{ companion: Companion; dataDir: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'rowbridge-e2e-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    ROWBRIDGE_DATA_DIR: dataDir,
    ROWBRIDGE_SAMPLE_DATA: '0',
    ...env,
  });
  // Silent unless asked: ROWBRIDGE_TEST_LOG=warn (or info, debug) shows a companion's logs on stdout.
  const level = (process.env.ROWBRIDGE_TEST_LOG ?? 'silent') as NonNullable<LoggerOptions['level']>;
  return { companion: await startCompanion(config, createLogger({ level }), options), dataDir };
}

// biome-ignore lint/suspicious/noExplicitAny: tests read response fields freely; the contract check ran on the server.
type Json = any;

/** Add-on request headers for one bound spreadsheet. */
export interface AddonSession {
  readonly headers: Record<string, string>;
  readonly connectionId: string;
  /** Calls the v1 API as the add-on does; resolves to status and parsed JSON. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }>;
}

/**
 * What a user does first in sandbox mode: bind a spreadsheet and connect the sandbox CRM (HubSpot unless
 * told) through its real OAuth redirects (companion → consent page → callback). `redirects` collects
 * every URL the popup went through.
 */
export async function connectedSheet(
  companion: Pick<Companion, 'url'>,
  dataDir: string,
  spreadsheetId: string,
  options: { readonly crm?: 'hubspot' | 'salesforce'; readonly redirects?: string[] } = {},
): Promise<AddonSession> {
  const crm = options.crm ?? 'hubspot';
  const identity = await loadSandboxIdentity(dataDir);
  const token = await identity.mint({ email: 'ann@acme.com', hd: 'acme.com' });
  const bind = await fetch(`${companion.url}/api/v1/spreadsheets/bind`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ spreadsheetId }),
  });
  const { secret } = (await bind.json()) as { secret: string };
  const headers = {
    authorization: `Bearer ${token}`,
    'x-rowbridge-spreadsheet-id': spreadsheetId,
    'x-rowbridge-sheet-secret': secret,
  };
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${companion.url}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const { body: start } = await api('POST', `/api/v1/connections/connect/${crm}`);
  let next: string | null = start.url;
  while (next) {
    options.redirects?.push(next);
    const response = await fetch(next, { redirect: 'manual' });
    next = response.status >= 300 && response.status < 400 ? response.headers.get('location') : null;
  }
  const { body: listed } = await api('GET', '/api/v1/connections');
  const connectionId = listed.connections.find((c: { crm: string }) => c.crm === crm)?.id;
  if (!connectionId) throw new Error(`connecting the sandbox ${crm} failed`);
  return { headers, connectionId, api };
}

/** Polls a job until it ends; fails the test after `timeoutMs`. */
export async function finishedJob(session: AddonSession, jobId: string, timeoutMs = 20_000): Promise<Json> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await session.api('GET', `/api/v1/jobs/${jobId}`);
    if (body.status === 'succeeded' || body.status === 'failed') return body;
    if (Date.now() > until) throw new Error(`job ${jobId} still ${body.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The sandbox HubSpot as a HubSpot user sees it, over the companion's state file. Its edits send their
 * webhooks to the companion, signed like the companion's own sandbox would.
 */
export function hubspotUser(companion: Companion, dataDir: string): SandboxHubSpot {
  const portal = createSandboxHubSpot({
    ...SANDBOX_HUBSPOT_CLIENT,
    stateFile: join(dataDir, 'sandbox', 'hubspot.json'),
    webhook: { retryDelayMs: 50 },
  });
  portal.setWebhookTarget(`${companion.url}/webhooks/hubspot`);
  return portal;
}

/**
 * Creates a table syncing a tab with HubSpot contacts, mapped by header auto-detection, manual conflicts,
 * phone numbers read as US unless `region` says otherwise (`null`: no region), then sets up its HubSpot
 * fields unless told not to. Resolves to the table's id; throws with the API's answer otherwise.
 */
export async function hubspotContactsTable(
  session: AddonSession,
  tab: { readonly name: string; readonly id?: number; readonly headers: readonly string[] },
  options: { readonly region?: string | null; readonly setupFields?: boolean } = {},
): Promise<string> {
  const region = options.region === undefined ? 'US' : options.region;
  const created = await session.api('POST', '/api/v1/tables', {
    sheetTabId: tab.id ?? 0,
    sheetTabName: tab.name,
    connectionId: session.connectionId,
    crmObject: 'contacts',
    mapping: defaultMapping('hubspot', 'contacts', detectColumns(tab.headers)),
    policy: 'manual',
    ...(region === null ? {} : { region }),
  });
  if (created.status !== 200) throw new Error(`creating the table: ${JSON.stringify(created.body)}`);
  const tableId: string = created.body.id;
  if (options.setupFields ?? true) {
    const setup = await session.api('POST', `/api/v1/tables/${tableId}/setup-fields`);
    if (setup.status !== 200) throw new Error(`setting up its fields: ${JSON.stringify(setup.body)}`);
  }
  return tableId;
}

/**
 * POSTs a body to the companion's HubSpot webhook endpoint signed with the sandbox app's secret (v3), as
 * HubSpot delivers it; for tests that deliver events themselves (to drop, reorder, replay or time them).
 */
export async function deliverHubSpotWebhook(companion: Companion, body: string): Promise<Response> {
  const url = `${companion.url}/webhooks/hubspot`;
  const timestamp = Date.now();
  const signature = signV3({
    clientSecret: SANDBOX_HUBSPOT_CLIENT.clientSecret,
    method: 'POST',
    uri: url,
    body,
    timestamp,
  });
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hubspot-request-timestamp': String(timestamp),
      'x-hubspot-signature-v3': signature,
    },
    body,
  });
}

/**
 * The sandbox Salesforce org as a sales rep in the browser sees it, over the companion's state file. Its
 * Outbound Messages go where the test points them (`setOutboundTarget`), delivered on `flushOutbound()`.
 */
export function salesforceUser(dataDir: string): SandboxSalesforce {
  return createSandboxSalesforce({
    ...SANDBOX_SALESFORCE_CLIENT,
    stateFile: join(dataDir, 'sandbox', 'salesforce.json'),
    outbound: { autoDeliver: false, retryDelayMs: 50 },
  });
}

/** The sandbox Google Sheets as a user in the browser sees it, over the companion's state file. */
export function sheetsUser(dataDir: string): SandboxSheets {
  return createSandboxSheets({ stateFile: join(dataDir, 'sandbox', 'sheets.json') });
}

/**
 * A tab's rows as the add-on reads them (`getValues`): cells by header, with the Rowbridge ID and the
 * sheet row number (the header is row 1).
 */
export function rowsOfTab(
  sheets: SandboxSheets,
  spreadsheetId: string,
  tab: string,
): { rowId: string; rowNumber: number; cells: Record<string, string | number | boolean> }[] {
  const [headers = [], ...rows] = sheets.state.grid(spreadsheetId, tab);
  const idAt = headers.findIndex((h) => String(h).toLowerCase().startsWith('rowbridge id'));
  return rows.map((row, i) => ({
    rowId: String(row[idAt] ?? ''),
    rowNumber: i + 2,
    cells: Object.fromEntries(headers.map((h, j) => [String(h), row[j] ?? ''])),
  }));
}
