import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { createApp } from '../../server/app.ts';
import { createIdentityVerifier } from '../../server/auth/identity.ts';
import {
  loadSandboxIdentity,
  SANDBOX_AUDIENCE,
  type SandboxIdentity,
} from '../../server/sandbox/google/identity.ts';
import type { Database } from '../../server/store/database.ts';
import { openMigrated, SAMPLE_MAPPING } from '../../server/store/fixtures.ts';
import type { Connection, Job, SyncTable } from '../../server/store/repos/index.ts';
import { openPglite } from '../../server/store/sql-client.ts';
import type { RouteDefinition } from '../../shared/api/define.ts';
import { SHEET_SECRET_HEADER, SPREADSHEET_HEADER } from '../../shared/api/headers.ts';

// API tests go through the real stack: tokens signed by the sandbox issuer and checked by the real
// verifier, spreadsheets bound through the bind route, every response checked against the contract.

/** The companion app over `db`, with a sandbox identity issuer whose tokens it accepts. */
export interface ApiTestbed {
  readonly app: Hono;
  readonly db: Database;
  readonly identity: SandboxIdentity;
  /** A token for this person; `hd` makes them a Workspace user (tenant = domain). */
  token(user: { email: string; hd?: string; sub?: string; expiresInSeconds?: number }): Promise<string>;
  close(): Promise<void>;
}

/** What the add-on keeps after binding a spreadsheet, and sends with every later call. */
export interface SheetAuth {
  readonly googleSpreadsheetId: string;
  readonly secret: string;
}

/** The app over an existing database (the tenancy matrix shares one per driver). */
export async function apiTestbed(
  db: Database,
  close: () => Promise<void> = async () => {},
): Promise<ApiTestbed> {
  const dir = await mkdtemp(join(tmpdir(), 'rowbridge-api-'));
  const identity = await loadSandboxIdentity(dir);
  const verify = createIdentityVerifier({ audience: SANDBOX_AUDIENCE, keys: identity.keys });
  return {
    app: createApp({ version: '0.0.0-test', mode: 'sandbox', db, verify }),
    db,
    identity,
    token: (user) => identity.mint(user),
    async close() {
      await close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh, migrated in-memory PGlite with the app over it: one per route test file. */
export async function pgliteTestbed(): Promise<ApiTestbed> {
  const { db, dispose } = await openMigrated(async () => {
    const client = await openPglite();
    return { ...client, dispose: () => client.close() };
  });
  return apiTestbed(db, dispose);
}

export interface CallOptions {
  readonly token?: string;
  readonly sheet?: SheetAuth;
  readonly body?: unknown;
  readonly query?: Readonly<Record<string, string>>;
}

export interface CallResult {
  readonly status: number;
  /** The raw body, for checking that nothing of another tenant appears anywhere in it. */
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response fields freely; the contract check ran on the server.
  readonly body: any;
}

/** `/api/v1/tables/{tableId}` with `{ tableId: 'x' }` → `/api/v1/tables/x`. */
export function pathOf(path: string, params: Readonly<Record<string, string>> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`pathOf: no value for {${name}} in ${path}`);
    return encodeURIComponent(value);
  });
}

/** Calls a contract route in process, as the add-on would: bearer token, sheet headers, JSON body. */
export async function call(
  app: Hono,
  route: Pick<RouteDefinition, 'method' | 'path'>,
  params: Readonly<Record<string, string>> = {},
  options: CallOptions = {},
): Promise<CallResult> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.sheet) {
    headers[SPREADSHEET_HEADER] = options.sheet.googleSpreadsheetId;
    headers[SHEET_SECRET_HEADER] = options.sheet.secret;
  }
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const query = options.query ? `?${new URLSearchParams(options.query)}` : '';
  const response = await app.request(`${pathOf(route.path, params)}${query}`, {
    method: route.method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, text, body: text ? JSON.parse(text) : undefined };
}

/** Binds a spreadsheet through the API, returning what the add-on would store. */
export async function bindSheet(
  bed: ApiTestbed,
  token: string,
  googleSpreadsheetId: string,
): Promise<SheetAuth> {
  const response = await bed.app.request('/api/v1/spreadsheets/bind', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ spreadsheetId: googleSpreadsheetId }),
  });
  const body = (await response.json()) as { secret?: string };
  if (response.status !== 200 || !body.secret) {
    throw new Error(`bind failed: ${response.status} ${JSON.stringify(body)}`);
  }
  return { googleSpreadsheetId, secret: body.secret };
}

/** A user signed in with a freshly bound spreadsheet: what the add-on holds, and the ids storage gave it. */
export interface SignedInSheet {
  readonly token: string;
  readonly sheet: SheetAuth;
  readonly tenantId: string;
  readonly spreadsheetId: string;
}

/** Signs `user` in, binds `googleSpreadsheetId` for them and reads the ids back from `GET /session`. */
export async function signedInSheet(
  bed: ApiTestbed,
  user: { email: string; hd?: string },
  googleSpreadsheetId: string,
): Promise<SignedInSheet> {
  const token = await bed.token(user);
  const sheet = await bindSheet(bed, token, googleSpreadsheetId);
  const session = await call(bed.app, { method: 'GET', path: '/api/v1/session' }, {}, { token, sheet });
  if (session.status !== 200) throw new Error(`session failed: ${session.text}`);
  return { token, sheet, tenantId: session.body.tenant.id, spreadsheetId: session.body.spreadsheet.id };
}

/** Everything one spreadsheet owns, seeded through repositories (there are no routes to create most). */
export interface SeededSheetData {
  readonly connection: Connection;
  readonly table: SyncTable;
  readonly conflictId: string;
  readonly job: Job;
  /** Row and CRM ids and values that appear only in this spreadsheet's data. */
  readonly rowId: string;
  readonly crmId: string;
}

/**
 * A HubSpot connection (with a fake sealed credential), a sync table, a linked row with an open conflict
 * on `email`, two audit entries and a queued job. `tag` makes labels and values unique to this sheet.
 */
export async function seedSheetData(
  db: Database,
  where: { tenantId: string; spreadsheetId: string },
  tag: string,
): Promise<SeededSheetData> {
  const { tenantId, spreadsheetId } = where;
  const { repos } = db;
  const connection = await repos.connections.create(tenantId, {
    spreadsheetId,
    crm: 'hubspot',
    label: `HubSpot of ${tag}`,
    credentials: { keyId: 'k1', ciphertext: Buffer.from(`sealed-token-of-${tag}`).toString('base64') },
    accountId: `portal-${tag}`,
  });
  const table = await repos.tables.create(tenantId, {
    spreadsheetId,
    sheetTabId: 0,
    sheetTabName: `Leads of ${tag}`,
    connectionId: connection.id,
    mapping: SAMPLE_MAPPING,
  });
  const rowId = `row-${tag}`;
  const crmId = `crm-${tag}`;
  await repos.links.upsert(tenantId, table.id, [
    { rowId, crmId, base: { email: `base@${tag}.example` }, stamps: {}, state: 'linked' },
  ]);
  const [conflict] = await repos.conflicts.record(tenantId, table.id, [
    {
      rowId,
      field: 'email',
      base: `base@${tag}.example`,
      sheet: { value: `sheet@${tag}.example`, changedAt: 1_700_000_000_000 },
      crm: { value: `crm@${tag}.example` },
      explanation: `Email changed on both sides for ${tag}`,
    },
  ]);
  if (!conflict) throw new Error('conflict not recorded');
  const job = await repos.jobs.create(tenantId, {
    kind: 'export',
    tableId: table.id,
    progress: { done: 1, total: 4 },
  });
  await repos.audit.append(tenantId, [
    {
      tableId: table.id,
      rowId,
      crmId,
      field: 'phone',
      oldValue: null,
      newValue: `+1555${tag.length}`,
      target: 'crm',
      source: 'sheet',
      actor: `owner@${tag}`,
      action: 'write_crm',
    },
    {
      tableId: table.id,
      rowId,
      crmId,
      field: 'email',
      target: 'conflict',
      source: 'system',
      actor: 'system',
      action: 'conflict',
      jobId: job.id,
    },
  ]);
  return { connection, table, conflictId: conflict.id, job, rowId, crmId };
}
