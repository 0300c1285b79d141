import { createHmac } from 'node:crypto';
import { Connection, OAuth2 } from 'jsforce';
import { afterEach, describe, expect, it } from 'vitest';
import { type ServedSandbox, serveSandbox, TEST_CLIENT } from './test-harness.ts';

const REDIRECT = 'http://127.0.0.1/oauth/salesforce/callback';
let served: ServedSandbox;
afterEach(() => served.close());

/** The consent redirect's query, as the browser would land on the callback. */
async function consent(url: string): Promise<URLSearchParams> {
  const answer = await fetch(url, { redirect: 'manual' });
  expect(answer.status).toBe(302);
  return new URL(answer.headers.get('location') ?? '').searchParams;
}

function oauth2() {
  return new OAuth2({ loginUrl: served.url, ...TEST_CLIENT, redirectUri: REDIRECT, useVerifier: true });
}

describe('OAuth web server flow with PKCE (through jsforce)', () => {
  it('approves, exchanges the code with its verifier, and returns Salesforce’s token fields', async () => {
    served = await serveSandbox();
    const client = oauth2();
    const code =
      (await consent(client.getAuthorizationUrl({ scope: 'api refresh_token', state: 's1' }))).get('code') ??
      '';
    const tokens = await client.requestToken(code);
    expect(Object.keys(tokens).sort()).toEqual(
      [
        'access_token',
        'id',
        'instance_url',
        'issued_at',
        'refresh_token',
        'scope',
        'signature',
        'token_type',
      ].sort(),
    );
    expect(tokens).toMatchObject({ token_type: 'Bearer', instance_url: served.url });
    expect(tokens.access_token.startsWith(served.sandbox.organizationId.slice(0, 15))).toBe(true);
    expect(tokens.id).toBe(`${served.url}/id/${served.sandbox.organizationId}/${served.sandbox.apiUserId}`);
    expect(tokens.signature).toBe(
      createHmac('sha256', TEST_CLIENT.clientSecret)
        .update(tokens.id + tokens.issued_at)
        .digest('base64'),
    );
    // The code is single-use.
    await expect(client.requestToken(code)).rejects.toMatchObject({ name: 'invalid_grant' });

    const conn = new Connection({
      instanceUrl: tokens.instance_url,
      accessToken: tokens.access_token,
      version: '62.0',
    });
    expect(await conn.identity()).toMatchObject({
      organization_id: served.sandbox.organizationId,
      user_id: served.sandbox.apiUserId,
    });
  });

  it('refuses a wrong code verifier, and a denied consent redirects with access_denied', async () => {
    served = await serveSandbox();
    const first = oauth2();
    const code = (await consent(first.getAuthorizationUrl())).get('code') ?? '';
    await expect(oauth2().requestToken(code)).rejects.toMatchObject({
      name: 'invalid_grant',
      message: 'invalid code verifier',
    });
    served.sandbox.faults.denyConsent(true);
    const denied = await consent(first.getAuthorizationUrl({ state: 'x' }));
    expect(Object.fromEntries(denied)).toMatchObject({ error: 'access_denied', state: 'x' });
  });

  it('expires access tokens (401 INVALID_SESSION_ID), refreshes, and rotates refresh tokens when switched on', async () => {
    let now = Date.UTC(2025, 0, 1);
    served = await serveSandbox({ clock: () => now, accessTokenTtlSeconds: 60, rotateRefreshTokens: true });
    const client = oauth2();
    const tokens = await client.requestToken((await consent(client.getAuthorizationUrl())).get('code') ?? '');
    const api = (token: string) =>
      fetch(`${served.url}/services/data/v62.0/limits`, { headers: { authorization: `Bearer ${token}` } });
    expect((await api(tokens.access_token)).status).toBe(200);
    now += 61_000;
    const expired = await api(tokens.access_token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual([
      { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
    ]);

    const refreshed = await client.refreshToken(tokens.refresh_token ?? '');
    expect(refreshed.refresh_token).toBeDefined();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect((await api(refreshed.access_token)).status).toBe(200);
    await expect(client.refreshToken(tokens.refresh_token ?? '')).rejects.toMatchObject({
      name: 'invalid_grant',
    });

    await client.revokeToken(refreshed.refresh_token ?? '');
    expect((await api(refreshed.access_token)).status).toBe(401);
  });

  it('keeps the refresh token without rotation, and expireTokens forces a 401', async () => {
    served = await serveSandbox();
    const client = oauth2();
    const tokens = await client.requestToken((await consent(client.getAuthorizationUrl())).get('code') ?? '');
    const refreshed = await client.refreshToken(tokens.refresh_token ?? '');
    expect(refreshed.refresh_token).toBeUndefined();
    served.sandbox.faults.expireTokens();
    const userinfo = await fetch(`${served.url}/services/oauth2/userinfo`, {
      headers: { authorization: `Bearer ${refreshed.access_token}` },
    });
    expect(userinfo.status).toBe(403);
  });

  it('names a configured instance URL (a sandbox mounted under a prefix) in tokens and identity URLs', async () => {
    const instanceUrl = 'https://companion.test/sandbox/salesforce';
    served = await serveSandbox({ instanceUrl });
    const client = oauth2();
    const tokens = await client.requestToken((await consent(client.getAuthorizationUrl())).get('code') ?? '');
    expect(tokens.instance_url).toBe(instanceUrl);
    expect(tokens.id.startsWith(`${instanceUrl}/id/`)).toBe(true);
  });
});
