import type { Hono } from 'hono';
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
import { salesforceOAuth } from './salesforce.ts';

// A real org's hosts, answered in process: the token endpoint of the login host the user chose, and
// `userinfo` on the instance URL the token answer names. Anything else is a test failure.
const ORG = '00D5g000004ABCDEAA';
const USER = '0055g00000ABCDEAAA';
const INSTANCE = 'https://acme--uat.sandbox.my.salesforce.com';
const seen: string[] = [];
let tokenAnswer: Record<string, unknown> = {};

const orgFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const url = String(input instanceof Request ? input.url : input);
  seen.push(`${init?.method ?? 'GET'} ${url}`);
  if (url === 'https://test.salesforce.com/services/oauth2/token') {
    const form = new URLSearchParams(String(init?.body));
    if (!form.get('code_verifier') || form.get('code') !== 'code-1')
      return Response.json({ error: 'invalid_grant' }, { status: 400 });
    return Response.json(tokenAnswer);
  }
  if (url === `${INSTANCE}/services/oauth2/userinfo`) {
    const authorized = new Headers(init?.headers).get('authorization') === 'Bearer 00D5g!access-token-1';
    return authorized
      ? Response.json({ organization_id: ORG, user_id: USER, preferred_username: 'api@acme.example' })
      : new Response('Bad_OAuth_Token', { status: 403 });
  }
  throw new Error(`unexpected request to ${url}`);
};

describe('connecting Salesforce through the login host the user chose', () => {
  const keyring = Keyring.parse(generateKeyEntry('k1'));
  let bed: ApiTestbed;
  let app: Hono;
  let ann: SignedInSheet;
  beforeAll(async () => {
    bed = await pgliteTestbed();
    const salesforce = salesforceOAuth({
      clientId: 'consumer-key',
      clientSecret: 'consumer-secret',
      policy: { kind: 'production', defaultUrl: 'https://login.salesforce.com' },
      redirectUri: () => 'https://companion.test/oauth/salesforce/callback',
      fetch: orgFetch as typeof fetch,
    });
    app = createApp({
      version: '0.0.0-test',
      mode: 'production',
      db: bed.db,
      verify: createIdentityVerifier({ audience: SANDBOX_AUDIENCE, keys: bed.identity.keys }),
      oauth: { db: bed.db, keyring, publicUrl: 'https://companion.test', crms: { salesforce } },
    });
    ann = await signedInSheet({ ...bed, app }, { email: 'ann@acme.com', hd: 'acme.com' }, 'sheet-sf');
  });
  afterAll(() => bed.close());

  const connect = (query?: Record<string, string>) =>
    call(
      app,
      ROUTES.connectCrm,
      { crm: 'salesforce' },
      { token: ann.token, sheet: ann.sheet, ...(query ? { query } : {}) },
    );

  it('sends the browser to the chosen host with PKCE, and stores the org, its instance and that host', async () => {
    const started = await connect({ loginUrl: 'https://test.salesforce.com' });
    expect(started.status).toBe(200);
    const start = new URL(started.body.url);
    const redirect = await app.request(`${start.pathname}${start.search}`);
    expect(redirect.status).toBe(302);
    const consent = new URL(redirect.headers.get('location') ?? '');
    expect(consent.origin + consent.pathname).toBe('https://test.salesforce.com/services/oauth2/authorize');
    expect(consent.searchParams.get('code_challenge_method')).toBe('S256');
    expect(consent.searchParams.get('scope')).toBe('api refresh_token');

    tokenAnswer = {
      access_token: '00D5g!access-token-1',
      refresh_token: '5Aep-refresh-token-1',
      instance_url: INSTANCE,
      id: `https://test.salesforce.com/id/${ORG}/${USER}`,
      token_type: 'Bearer',
      issued_at: '1700000000000',
      scope: 'api refresh_token',
    };
    const callback = await app.request(
      `/oauth/salesforce/callback?code=code-1&state=${consent.searchParams.get('state')}`,
    );
    const page = await callback.text();
    expect(callback.status).toBe(200);
    expect(page).toContain('Connected Salesforce acme--uat.sandbox.my.salesforce.com');
    expect(page).not.toContain('access-token-1');
    expect(seen).toEqual([
      'POST https://test.salesforce.com/services/oauth2/token',
      `GET ${INSTANCE}/services/oauth2/userinfo`,
    ]);

    const [connection] = await bed.db.repos.connections.listForSpreadsheet(ann.tenantId, ann.spreadsheetId);
    expect(connection).toMatchObject({
      crm: 'salesforce',
      accountId: ORG,
      instanceUrl: INSTANCE,
      loginUrl: 'https://test.salesforce.com',
      crmUserId: USER,
    });
    expect(connection && openCredentials(keyring, connection)).toEqual({
      kind: 'oauth',
      accessToken: '00D5g!access-token-1',
      refreshToken: '5Aep-refresh-token-1',
    });
  });

  it('refuses a login host that is not Salesforce’s before anything is sealed', async () => {
    for (const loginUrl of [
      'https://evil.example',
      'https://login.salesforce.com.evil.example',
      'http://test.salesforce.com',
    ]) {
      const refused = await connect({ loginUrl });
      expect(refused.status, loginUrl).toBe(400);
      expect(refused.body.error.code).toBe('invalid_input');
    }
  });

  it('does not store a connection whose token answer points at a host that is not Salesforce', async () => {
    seen.length = 0;
    tokenAnswer = { ...tokenAnswer, instance_url: 'https://evil.example' };
    const started = await connect({ loginUrl: 'https://test.salesforce.com' });
    const start = new URL(started.body.url);
    const consent = new URL(
      (await app.request(`${start.pathname}${start.search}`)).headers.get('location') ?? '',
    );
    const refused = await app.request(
      `/oauth/salesforce/callback?code=code-1&state=${consent.searchParams.get('state')}`,
    );
    expect(refused.status).toBe(502);
    expect(await refused.text()).toContain('not a Salesforce host');
    // The access token never went to the other host.
    expect(seen).toEqual(['POST https://test.salesforce.com/services/oauth2/token']);
    expect(await bed.db.repos.connections.listForSpreadsheet(ann.tenantId, ann.spreadsheetId)).toHaveLength(
      1,
    );
  });
});
