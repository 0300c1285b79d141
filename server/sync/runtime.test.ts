import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection, openCredentials } from '../connections/credentials.ts';
import { createLogger } from '../observability/logger.ts';
import { type ServedSandbox, serveSandbox, TEST_CLIENT } from '../sandbox/salesforce/test-harness.ts';
import { generateKeyEntry, Keyring } from '../security/keyring.ts';
import type { Database } from '../store/database.ts';
import { openMigrated, seedTable } from '../store/fixtures.ts';
import { openPglite } from '../store/sql-client.ts';
import { connectorFor, type SyncRuntime } from './runtime.ts';

// A Salesforce connection's connector as sync jobs build it: from the sealed tokens and the stored
// instance URL and login host, against the sandbox org with refresh-token rotation switched on.
describe('connectorFor(Salesforce)', () => {
  const keyring = Keyring.parse(generateKeyEntry('k1'));
  let db: Database;
  let dispose: () => Promise<void>;
  let served: ServedSandbox;
  // Where the org says it lives in token answers: changed below to act out Salesforce moving the org.
  let instanceUrl = '';

  beforeAll(async () => {
    ({ db, dispose } = await openMigrated(async () => {
      const client = await openPglite();
      return { ...client, dispose: () => client.close() };
    }));
    served = await serveSandbox({ rotateRefreshTokens: true, instanceUrl: () => instanceUrl });
    instanceUrl = served.url;
  });
  afterAll(async () => {
    await served.close();
    await dispose();
  });

  /** Tokens from the org's real web server flow (no PKCE needed for this test's purpose). */
  async function authorize(): Promise<{ access_token: string; refresh_token: string }> {
    const redirectUri = 'https://companion.test/oauth/salesforce/callback';
    const consent = await fetch(
      `${served.url}/services/oauth2/authorize?response_type=code&client_id=${TEST_CLIENT.clientId}&redirect_uri=${encodeURIComponent(redirectUri)}`,
      { redirect: 'manual' },
    );
    const code = new URL(consent.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const token = await fetch(`${served.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        client_id: TEST_CLIENT.clientId,
        client_secret: TEST_CLIENT.clientSecret,
        redirect_uri: redirectUri,
      }),
    });
    return (await token.json()) as { access_token: string; refresh_token: string };
  }

  it('refreshes at the stored login host, and stores the rotated refresh token and the moved instance URL', async () => {
    const tokens = await authorize();
    const { tenant, spreadsheet } = await seedTable(db);
    const connection = await createConnection(db, keyring, tenant.id, {
      spreadsheetId: spreadsheet.id,
      crm: 'salesforce',
      label: 'Salesforce',
      accountId: served.sandbox.organizationId,
      instanceUrl: served.url,
      loginUrl: served.url,
      credentials: { kind: 'oauth', accessToken: tokens.access_token, refreshToken: tokens.refresh_token },
    });
    const runtime: SyncRuntime = {
      db,
      keyring,
      logger: createLogger({ level: 'silent' }),
      hubspotApiBase: () => 'http://127.0.0.1:1',
      salesforce: { ...TEST_CLIENT, loginUrl: () => 'https://login.salesforce.com' },
    };
    served.sandbox.state.seed('Lead', [{ LastName: 'Lee', Company: 'Acme' }]);
    served.sandbox.faults.expireTokens();
    // The same server under another name: an org Salesforce moved to a new instance.
    instanceUrl = served.url.replace('127.0.0.1', 'localhost');

    const page = await connectorFor(runtime, connection).listRecords('Lead', { properties: ['LastName'] });
    expect(page.records.map((record) => record.properties.LastName)).toEqual(['Lee']);

    const stored = await db.repos.connections.get(tenant.id, connection.id);
    if (!stored) throw new Error('connection vanished');
    expect(stored.instanceUrl).toBe(instanceUrl);
    const credentials = openCredentials(keyring, stored);
    expect(credentials).toMatchObject({ kind: 'oauth' });
    if (credentials.kind !== 'oauth') throw new Error('not OAuth credentials');
    expect(credentials.refreshToken).toBeDefined();
    expect(credentials.refreshToken).not.toBe(tokens.refresh_token);
    expect(credentials.accessToken).not.toBe(tokens.access_token);
    // The next connector goes to the new instance, with the rotated token.
    const moved = await connectorFor(runtime, stored).listRecords('Lead', { properties: [] });
    expect(moved.records).toHaveLength(1);
    expect(
      served.sandbox.state.requests().some((entry) => entry.path.includes('/services/oauth2/token')),
    ).toBe(true);
  });

  it('asks for reconnecting when the connection never learned its org’s address', async () => {
    const { tenant, spreadsheet } = await seedTable(db);
    const connection = await createConnection(db, keyring, tenant.id, {
      spreadsheetId: spreadsheet.id,
      crm: 'salesforce',
      label: 'Old Salesforce',
      credentials: { kind: 'oauth', accessToken: 'a1', refreshToken: 'r1' },
    });
    const runtime: SyncRuntime = {
      db,
      keyring,
      logger: createLogger({ level: 'silent' }),
      hubspotApiBase: () => 'http://127.0.0.1:1',
    };
    expect(() => connectorFor(runtime, connection)).toThrow(/Connect Salesforce again/);
  });
});
