import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { handleError } from '../http-errors.ts';
import { createLogger } from '../observability/logger.ts';
import { SANDBOX_HUBSPOT_CLIENT } from '../sandbox/hubspot/client.ts';
import { createSandboxHubSpot } from '../sandbox/hubspot/index.ts';
import { SANDBOX_SALESFORCE_CLIENT } from '../sandbox/salesforce/client.ts';
import { createSandboxSalesforce } from '../sandbox/salesforce/index.ts';
import { createSandboxSheets } from '../sandbox/sheets/index.ts';
import { mountPreview, type Preview } from './index.ts';

const hubspot = createSandboxHubSpot(SANDBOX_HUBSPOT_CLIENT);
const salesforce = createSandboxSalesforce(SANDBOX_SALESFORCE_CLIENT);
const sheets = createSandboxSheets({ quota: false });
const app = new Hono();
app.onError(handleError);
let preview: Preview | undefined;

const from = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });
const post = (path: string, body: unknown) =>
  app.request(
    path,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    from('127.0.0.1'),
  );

beforeAll(async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'rowbridge-preview-routes-'));
  preview = mountPreview(app, {
    dataDir,
    sampleData: true,
    sheets,
    crms: { hubspot, salesforce },
    companionUrl: () => 'http://127.0.0.1:9',
    logger: createLogger({ level: 'silent' }),
  });
});

afterAll(async () => {
  await preview?.close();
  await Promise.all([hubspot.close(), salesforce.close()]);
});

describe('the preview routes', () => {
  it('serve the page and the sample sheet to this machine, and refuse other machines', async () => {
    expect((await app.request('/preview/', {}, from('127.0.0.1'))).status).toBe(200);
    const sheet = await (await app.request('/preview/sheet', {}, from('::1'))).json();
    expect(sheet).toMatchObject({ title: 'Outreach Q3 (sample)', tab: 'Prospects' });
    const remote = await app.request('/preview/sheet', {}, from('10.1.2.3'));
    expect(remote.status).toBe(403);
    expect(await remote.json()).toMatchObject({ error: { code: 'forbidden' } });
  });

  it('refuse a run that names no function, and an edit outside the sheet, with codes', async () => {
    const run = await post('/preview/run', { function: 'eval("x")', args: [] });
    expect(run.status).toBe(400);
    expect(await run.json()).toMatchObject({ error: { code: 'invalid_input' } });
    const edit = await post('/preview/sheet/edit', { row: 0, column: 1, value: 'x' });
    expect(edit.status).toBe(400);
    const json = await app.request(
      '/preview/run',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' },
      from('127.0.0.1'),
    );
    expect(await json.json()).toMatchObject({ error: { code: 'invalid_json' } });
  });

  it('edit a HubSpot contact as its user, and say which contact is missing', async () => {
    const [contact] = hubspot.state.list('contacts');
    const edited = await post(`/preview/crm/hubspot/${contact?.id}`, { properties: { city: 'Lisbon' } });
    expect(edited.status).toBe(200);
    expect(hubspot.state.get('contacts', contact?.id ?? '')?.properties.city).toBe('Lisbon');
    const missing = await post('/preview/crm/hubspot/999999', { properties: { city: 'x' } });
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('explain that a conflict needs an export first', async () => {
    const conflict = await post('/preview/conflict', {});
    expect(conflict.status).toBe(404);
    expect(((await conflict.json()) as { error: { message: string } }).error.message).toMatch(/Export/);
  });

  it('are not mounted without the sandboxes (production)', () => {
    const production = loadConfig({
      ROWBRIDGE_MODE: 'production',
      ROWBRIDGE_ENCRYPTION_KEY: 'k',
      GOOGLE_ADDON_CLIENT_ID: 'c',
      ROWBRIDGE_PUBLIC_URL: 'https://x.example',
    });
    expect(production.sampleData).toBe(false);
    const bare = new Hono();
    expect(
      mountPreview(bare, {
        dataDir: production.dataDir,
        sampleData: production.sampleData,
        companionUrl: () => '',
        logger: createLogger({ level: 'silent' }),
      }),
    ).toBeUndefined();
  });

  it('read ROWBRIDGE_SAMPLE_DATA as 1 or 0, and refuse anything else', () => {
    expect(loadConfig({}).sampleData).toBe(true);
    expect(loadConfig({ ROWBRIDGE_SAMPLE_DATA: '0' }).sampleData).toBe(false);
    expect(() => loadConfig({ ROWBRIDGE_SAMPLE_DATA: 'yes' })).toThrow(/ROWBRIDGE_SAMPLE_DATA.*must be 1/);
  });
});
