import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ServedSandbox, serveSandbox, TEST_CLIENT } from './test-harness.ts';

let served: ServedSandbox;
let clock = 0;
const REDIRECT = 'http://localhost:8787/oauth/hubspot/callback';

beforeEach(async () => {
  clock = Date.parse('2026-03-01T09:00:00Z');
  served = await serveSandbox({ clock: () => clock });
});
afterEach(() => served.close());

/** Follows the authorize page's redirect by hand, as a browser would, and returns the callback URL. */
async function authorize(extra: Record<string, string> = {}): Promise<URL> {
  const query = new URLSearchParams({
    client_id: TEST_CLIENT.clientId,
    redirect_uri: REDIRECT,
    scope: 'crm.objects.contacts.read crm.objects.contacts.write',
    state: 'state-123',
    ...extra,
  });
  const response = await fetch(`${served.url}/oauth/authorize?${query}`, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location') ?? '');
}

async function token(
  form: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${served.url}/oauth/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
    body: new URLSearchParams({
      client_id: TEST_CLIENT.clientId,
      client_secret: TEST_CLIENT.clientSecret,
      ...form,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function exchange(code: string, extra: Record<string, string> = {}) {
  return token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, ...extra });
}

async function contactsStatus(
  accessToken: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${served.url}/crm/v3/objects/contacts`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('OAuth', () => {
  it('runs the authorization code flow: code, tokens, token info, and a working SDK client', async () => {
    const callback = await authorize();
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT);
    expect(callback.searchParams.get('state')).toBe('state-123');
    const code = callback.searchParams.get('code') ?? '';

    const issued = await exchange(code);
    expect(issued).toMatchObject({ status: 200, body: { token_type: 'bearer', expires_in: 1800 } });
    const accessToken = String(issued.body.access_token);
    expect(accessToken.length).toBeLessThanOrEqual(300);

    // A code works once.
    expect(await exchange(code)).toMatchObject({
      status: 400,
      body: { status: 'BAD_AUTH_CODE', error: 'invalid_grant' },
    });

    const hs = served.client(accessToken);
    const info = await hs.oauth.accessTokensApi.get(accessToken);
    expect(info).toMatchObject({
      hubId: served.sandbox.portalId,
      appId: served.sandbox.appId,
      expiresIn: 1800,
      scopes: ['crm.objects.contacts.read', 'crm.objects.contacts.write'],
    });
    expect(info.user).toContain('@');
    const created = await hs.crm.contacts.basicApi.create({ properties: { email: 'oauth@acme.com' } });
    expect(created.id).toBeTruthy();
  });

  it('exchanges codes through the SDK’s own token call too', async () => {
    const code = (await authorize()).searchParams.get('code') ?? '';
    const hs = served.client('unused');
    const tokens = await hs.oauth.tokensApi.create(
      'authorization_code',
      code,
      REDIRECT,
      TEST_CLIENT.clientId,
      TEST_CLIENT.clientSecret,
    );
    expect(tokens).toMatchObject({ tokenType: 'bearer', expiresIn: 1800 });
    expect(tokens.refreshToken).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('expires access tokens after expires_in, with HubSpot’s 401, and refreshes them', async () => {
    const code = (await authorize()).searchParams.get('code') ?? '';
    const issued = await exchange(code);
    const first = String(issued.body.access_token);
    clock += 1801_000;
    const expired = await contactsStatus(first);
    expect(expired).toMatchObject({
      status: 401,
      body: {
        status: 'error',
        category: 'EXPIRED_AUTHENTICATION',
        message: 'The OAuth token used to make this call expired 1 second(s) ago.',
      },
    });
    expect(expired.body.correlationId).toEqual(expect.any(String));

    const refreshed = await token({
      grant_type: 'refresh_token',
      refresh_token: String(issued.body.refresh_token),
    });
    expect(refreshed).toMatchObject({
      status: 200,
      body: { refresh_token: issued.body.refresh_token, expires_in: 1800 },
    });
    expect((await contactsStatus(String(refreshed.body.access_token))).status).toBe(200);

    expect(await token({ grant_type: 'refresh_token', refresh_token: 'nope' })).toMatchObject({
      status: 400,
      body: { status: 'BAD_REFRESH_TOKEN', error: 'invalid_grant' },
    });
  });

  it('expires every OAuth token on demand, but not private app tokens', async () => {
    const accessToken = String(
      (await exchange((await authorize()).searchParams.get('code') ?? '')).body.access_token,
    );
    const privateToken = served.sandbox.state.createPrivateAppToken();
    served.sandbox.faults.expireTokens();
    expect((await contactsStatus(accessToken)).body.category).toBe('EXPIRED_AUTHENTICATION');
    expect((await contactsStatus(privateToken)).status).toBe(200);
  });

  it('answers unknown tokens with 401 INVALID_AUTHENTICATION', async () => {
    expect(await contactsStatus('not-a-token')).toMatchObject({
      status: 401,
      body: {
        category: 'INVALID_AUTHENTICATION',
        message: expect.stringMatching(/^Authentication credentials not found/),
      },
    });
  });

  it('redirects with error=access_denied when the user declines', async () => {
    const callback = await authorize({ deny: '1' });
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('code')).toBeNull();
    expect(callback.searchParams.get('state')).toBe('state-123');
  });

  it('checks the PKCE verifier when the authorize request had a challenge', async () => {
    const verifier = 'a-long-random-verifier-string-of-at-least-43-characters-123';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const params = { code_challenge: challenge, code_challenge_method: 'S256' };
    const code = (await authorize(params)).searchParams.get('code') ?? '';
    expect((await exchange(code, { code_verifier: 'wrong' })).status).toBe(400);
    const again = (await authorize(params)).searchParams.get('code') ?? '';
    expect((await exchange(again, { code_verifier: verifier })).status).toBe(200);
  });

  it('refuses a wrong client secret or redirect_uri', async () => {
    const code = (await authorize()).searchParams.get('code') ?? '';
    expect(await exchange(code, { client_secret: 'wrong' })).toMatchObject({
      status: 400,
      body: { status: 'BAD_CLIENT_SECRET' },
    });
    expect(await exchange(code, { redirect_uri: 'http://evil.example/cb' })).toMatchObject({
      status: 400,
      body: { status: 'BAD_REDIRECT_URI' },
    });
  });
});
