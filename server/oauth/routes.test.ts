import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../shared/api/routes.ts';
import {
  type ApiTestbed,
  call,
  pgliteTestbed,
  type SignedInSheet,
  signedInSheet,
} from '../../test/support/api.ts';
import { createApp } from '../app.ts';
import { createIdentityVerifier } from '../auth/identity.ts';
import { openCredentials } from '../connections/credentials.ts';
import { SANDBOX_AUDIENCE } from '../sandbox/google/identity.ts';
import { generateKeyEntry, Keyring } from '../security/keyring.ts';
import type { OAuthCrm } from './crms.ts';

// A stand-in CRM authorization server: single-use codes, like HubSpot's and Salesforce's.
const codes = new Set(['code-1', 'code-2']);
let accountLabel = 'HubSpot portal 4242';
let tokenUrl = '';
let stopCrm: () => void = () => {};
beforeAll(async () => {
  const crm = new Hono().post('/token', async (c) => {
    const form = new URLSearchParams(await c.req.text());
    const code = form.get('code') ?? '';
    if (!codes.delete(code) || !form.get('code_verifier')) return c.json({ error: 'invalid_grant' }, 400);
    return c.json({
      access_token: `at-${code}-0123456789`,
      refresh_token: `rt-${code}-0123456789`,
      expires_in: 1800,
      token_type: 'bearer',
    });
  });
  await new Promise<void>((resolve) => {
    const server = serve({ fetch: crm.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      tokenUrl = `http://127.0.0.1:${info.port}/token`;
      resolve();
    });
    stopCrm = () => server.close();
  });
});
afterAll(() => stopCrm());

describe('connecting a CRM through OAuth', () => {
  const keyring = Keyring.parse(generateKeyEntry('k1'));
  let bed: ApiTestbed;
  let app: Hono;
  let ann: SignedInSheet;
  beforeAll(async () => {
    bed = await pgliteTestbed();
    const hubspot: OAuthCrm = {
      crm: 'hubspot',
      label: 'HubSpot',
      client: () => ({
        authorizeUrl: 'https://app.hubspot.example/oauth/authorize',
        tokenUrl,
        clientId: 'client-1',
        clientSecret: 'secret-1',
        redirectUri: 'http://companion.test/oauth/hubspot/callback',
        scopes: ['crm.objects.contacts.write'],
        pkce: true,
        allowHttp: true,
      }),
      account: async () => ({
        accountId: accountLabel === 'HubSpot portal 4242' ? '4242' : '999',
        label: accountLabel,
      }),
    };
    app = createApp({
      version: '0.0.0-test',
      mode: 'sandbox',
      db: bed.db,
      verify: createIdentityVerifier({ audience: SANDBOX_AUDIENCE, keys: bed.identity.keys }),
      oauth: { db: bed.db, keyring, publicUrl: 'http://companion.test', crms: { hubspot } },
    });
    ann = await signedInSheet({ ...bed, app }, { email: 'ann@acme.com', hd: 'acme.com' }, 'sheet-ann');
  });
  afterAll(() => bed.close());

  async function startFlow(): Promise<URL> {
    const connect = await call(
      app,
      ROUTES.connectCrm,
      { crm: 'hubspot' },
      { token: ann.token, sheet: ann.sheet },
    );
    expect(connect.status).toBe(200);
    const start = new URL(connect.body.url);
    expect(start.pathname).toBe('/oauth/hubspot/start');
    const redirect = await app.request(`${start.pathname}${start.search}`);
    expect(redirect.status).toBe(302);
    return new URL(redirect.headers.get('location') ?? '');
  }

  it('goes from the sidebar to the consent page and back to a sealed, audited connection', async () => {
    const consent = await startFlow();
    expect(consent.origin + consent.pathname).toBe('https://app.hubspot.example/oauth/authorize');
    expect(consent.searchParams.get('code_challenge_method')).toBe('S256');
    const state = consent.searchParams.get('state') ?? '';

    const callback = await app.request(`/oauth/hubspot/callback?code=code-1&state=${state}`);
    const page = await callback.text();
    expect(callback.status).toBe(200);
    expect(page).toContain('Connected HubSpot portal 4242');
    expect(page).not.toContain('at-code-1');

    const [connection] = await bed.db.repos.connections.listForSpreadsheet(ann.tenantId, ann.spreadsheetId);
    expect(connection).toMatchObject({ crm: 'hubspot', accountId: '4242', label: 'HubSpot portal 4242' });
    expect(connection && openCredentials(keyring, connection)).toMatchObject({
      kind: 'oauth',
      accessToken: 'at-code-1-0123456789',
      refreshToken: 'rt-code-1-0123456789',
    });
    const { entries } = await bed.db.repos.audit.listForTenant(ann.tenantId, {});
    expect(
      entries.some((entry) => entry.action === 'connection.created' && entry.actor === 'ann@acme.com'),
    ).toBe(true);

    // Replaying the callback: the CRM refuses the used code, nothing new is stored.
    const replay = await app.request(`/oauth/hubspot/callback?code=code-1&state=${state}`);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('invalid_grant');
    expect(await bed.db.repos.connections.listForSpreadsheet(ann.tenantId, ann.spreadsheetId)).toHaveLength(
      1,
    );
  });

  it('refuses forged or expired tickets and states, and CRMs that are not set up', async () => {
    expect((await app.request('/oauth/hubspot/start?ticket=forged')).status).toBe(400);
    expect((await app.request('/oauth/hubspot/callback?code=x&state=forged')).status).toBe(400);
    const consent = await startFlow();
    // A state is not a start ticket (and the other way round): purposes are sealed apart.
    const misuse = await app.request(`/oauth/hubspot/start?ticket=${consent.searchParams.get('state')}`);
    expect(await misuse.text()).toContain('expired or is not valid');
    const salesforce = await call(
      app,
      ROUTES.connectCrm,
      { crm: 'salesforce' },
      { token: ann.token, sheet: ann.sheet },
    );
    expect(salesforce).toMatchObject({ status: 400, body: { error: { code: 'crm_not_configured' } } });
    // HubSpot has one sign-in page: a login host is a mistake, not something to pass on.
    const withHost = await call(
      app,
      ROUTES.connectCrm,
      { crm: 'hubspot' },
      { token: ann.token, sheet: ann.sheet, query: { loginUrl: 'https://test.salesforce.com' } },
    );
    expect(withHost).toMatchObject({ status: 400, body: { error: { code: 'invalid_input' } } });
  });

  it('tells the sidebar when the user declines', async () => {
    const consent = await startFlow();
    const declined = await app.request(
      `/oauth/hubspot/callback?error=access_denied&state=${consent.searchParams.get('state')}`,
    );
    expect(declined.status).toBe(400);
    const page = await declined.text();
    expect(page).toContain('not granted');
    expect(page).toContain('"ok":false');
  });

  it('cannot be made to run script by a CRM account label', async () => {
    accountLabel = 'Evil </script><script>alert(1)</script>';
    const consent = await startFlow();
    const page = await (
      await app.request(`/oauth/hubspot/callback?code=code-2&state=${consent.searchParams.get('state')}`)
    ).text();
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain('Evil &lt;/script&gt;');
  });
});
