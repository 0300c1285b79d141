import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@hubspot/api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../server/config.ts';
import { openCredentials } from '../server/connections/credentials.ts';
import { type Companion, startCompanion } from '../server/main.ts';
import { createLogger } from '../server/observability/logger.ts';
import { loadSandboxIdentity } from '../server/sandbox/google/identity.ts';
import { loadKeyring } from '../server/security/keyring.ts';

/**
 * The whole connect story over real HTTP, as a user in sandbox mode lives it: the sidebar asks for a
 * connect URL, the popup follows it through the sandbox HubSpot's consent page back to the companion,
 * and the stored (sealed) tokens then work with the official HubSpot SDK.
 */
describe('connecting the sandbox HubSpot from a fresh companion', () => {
  let companion: Companion;
  let dataDir = '';
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'rowbridge-connect-'));
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', ROWBRIDGE_DATA_DIR: dataDir });
    companion = await startCompanion(config, createLogger({ level: 'silent' }));
  });
  afterAll(() => companion.close());

  it('binds a sheet, connects through OAuth, and the stored tokens reach HubSpot', async () => {
    const identity = await loadSandboxIdentity(dataDir);
    const token = await identity.mint({ email: 'ann@acme.com', hd: 'acme.com' });
    const json = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const bind = await fetch(`${companion.url}/api/v1/spreadsheets/bind`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ spreadsheetId: 'sheet-1' }),
    });
    const { secret } = (await bind.json()) as { secret: string };
    const sheet = {
      authorization: `Bearer ${token}`,
      'x-rowbridge-spreadsheet-id': 'sheet-1',
      'x-rowbridge-sheet-secret': secret,
    };

    const connect = await fetch(`${companion.url}/api/v1/connections/connect/hubspot`, {
      method: 'POST',
      headers: sheet,
    });
    expect(connect.status).toBe(200);
    const { url } = (await connect.json()) as { url: string };

    // The popup: companion → HubSpot consent (sandbox auto-approves) → companion callback.
    const toConsent = await fetch(url, { redirect: 'manual' });
    expect(toConsent.status).toBe(302);
    const consent = new URL(toConsent.headers.get('location') ?? '');
    expect(consent.pathname).toBe('/sandbox/hubspot/oauth/authorize');
    const toCallback = await fetch(consent, { redirect: 'manual' });
    expect(toCallback.status).toBe(302);
    const callback = await fetch(toCallback.headers.get('location') ?? '');
    expect(await callback.text()).toMatch(/Connected HubSpot/);

    const listed = await fetch(`${companion.url}/api/v1/connections`, { headers: sheet });
    const { connections } = (await listed.json()) as {
      connections: { crm: string; accountId: string; id: string }[];
    };
    expect(connections).toHaveLength(1);
    expect(connections[0]).toMatchObject({ crm: 'hubspot', accountId: expect.stringMatching(/^\d+$/) });

    const [stored] = await companion.db.repos.connections.listForTenant(
      (await companion.db.repos.tenants.getTenantByKey('acme.com'))?.id ?? '',
    );
    const { keyring } = loadKeyring({ env: {}, dataDir, mode: 'sandbox' });
    const credentials = stored && openCredentials(keyring, stored);
    expect(credentials).toMatchObject({
      kind: 'oauth',
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
    });
    const hubspot = new Client({
      accessToken: credentials?.kind === 'oauth' ? credentials.accessToken : '',
      basePath: `${companion.url}/sandbox/hubspot`,
    });
    const created = await hubspot.crm.contacts.basicApi.create({
      properties: { email: 'new@acme.com' },
      associations: [],
    });
    expect(created.properties.email).toBe('new@acme.com');
  });
});
