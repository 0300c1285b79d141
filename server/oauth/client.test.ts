import { createHash } from 'node:crypto';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRowbridgeError } from '../../shared/errors.ts';
import { authorizeUrl, exchangeCode, newCodeVerifier, type OAuthClientConfig } from './client.ts';

let base = '';
let close: () => void = () => {};
const seen: Record<string, string>[] = [];

beforeAll(async () => {
  const app = new Hono().post('/token', async (c) => {
    const form = Object.fromEntries(new URLSearchParams(await c.req.text()));
    seen.push(form);
    if (form.client_secret !== 'secret-123') return c.json({ error: 'invalid_client' }, 401);
    if (form.grant_type === 'authorization_code' && form.code === 'good-code') {
      return c.json({ access_token: 'at-1', refresh_token: 'rt-1', expires_in: 1800, token_type: 'bearer' });
    }
    return c.json({ error: 'invalid_grant', error_description: 'code expired' }, 400);
  });
  await new Promise<void>((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      base = `http://127.0.0.1:${info.port}`;
      resolve();
    });
    close = () => server.close();
  });
});
afterAll(() => close());

function config(overrides: Partial<OAuthClientConfig> = {}): OAuthClientConfig {
  return {
    authorizeUrl: `${base}/authorize`,
    tokenUrl: `${base}/token`,
    clientId: 'client-1',
    clientSecret: 'secret-123',
    redirectUri: 'http://localhost:8787/oauth/hubspot/callback',
    scopes: ['crm.objects.contacts.read', 'crm.objects.contacts.write'],
    pkce: true,
    allowHttp: true,
    ...overrides,
  };
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isRowbridgeError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('OAuth client', () => {
  it('builds the authorize URL with space-separated scopes, state and a S256 PKCE challenge', async () => {
    const verifier = newCodeVerifier();
    const url = new URL(await authorizeUrl(config(), 'sealed-state', verifier));
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'client-1',
      redirect_uri: 'http://localhost:8787/oauth/hubspot/callback',
      response_type: 'code',
      scope: 'crm.objects.contacts.read crm.objects.contacts.write',
      state: 'sealed-state',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
  });

  it('exchanges a code, sending the secret, redirect URI and verifier', async () => {
    const verifier = newCodeVerifier();
    const tokens = await exchangeCode(
      config(),
      new URL(`${base}/cb?code=good-code&state=s`),
      verifier,
      1_000,
    );
    expect(tokens).toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-1', expiresAt: 1_000 + 1_800_000 });
    expect(seen.at(-1)).toMatchObject({
      grant_type: 'authorization_code',
      code: 'good-code',
      client_id: 'client-1',
      client_secret: 'secret-123',
      redirect_uri: 'http://localhost:8787/oauth/hubspot/callback',
      code_verifier: verifier,
    });
  });

  it('explains a denied consent, a rejected code, a wrong secret and an unreachable CRM', async () => {
    const denied = await refusal(exchangeCode(config(), new URL(`${base}/cb?error=access_denied&state=s`)));
    expect(denied).toMatchObject({ code: 'oauth_denied', message: expect.stringMatching(/not granted/) });
    const stale = await refusal(exchangeCode(config(), new URL(`${base}/cb?code=old&state=s`)));
    expect(stale.message).toContain('invalid_grant');
    const secret = await refusal(
      exchangeCode(config({ clientSecret: 'wrong' }), new URL(`${base}/cb?code=good-code&state=s`)),
    );
    expect(secret.code).toBe('oauth_denied');
    expect(secret.message).not.toContain('wrong');
    const down = await refusal(
      exchangeCode(
        config({ tokenUrl: 'http://127.0.0.1:9/token' }),
        new URL(`${base}/cb?code=good-code&state=s`),
      ),
    );
    expect(down.code).toBe('crm_unavailable');
  });

  it('refuses plain http endpoints unless told the CRM is a local sandbox', async () => {
    const refused = await refusal(
      exchangeCode(config({ allowHttp: false }), new URL(`${base}/cb?code=good-code&state=s`)),
    );
    expect(refused.code).toBe('crm_unavailable');
  });
});
