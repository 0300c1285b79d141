import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRowbridgeError } from '../../shared/errors.ts';
import { createIdentityVerifier, tenantKeyOf } from './identity.ts';
import { hashSheetSecret, newSheetSecret, sheetSecretMatches } from './sheet-secret.ts';

const AUDIENCE = 'addon-client-id.apps.googleusercontent.com';
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let google: { privateKey: PrivateKey; jwk: JWK };
let impostor: { privateKey: PrivateKey };

async function token(claims: Record<string, unknown> = {}, key = google.privateKey, kid = 'google-1') {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ email: 'Ann@Acme.com', email_verified: true, hd: 'acme.com', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid })
    .setIssuer((claims.iss as string) ?? 'https://accounts.google.com')
    .setAudience((claims.aud as string) ?? AUDIENCE)
    .setSubject((claims.sub as string) ?? '1234567890')
    .setIssuedAt((claims.iat as number) ?? now)
    .setExpirationTime((claims.exp as number) ?? now + 3600)
    .sign(key);
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(isRowbridgeError(error) && error.code).toBe('unauthenticated');
    return (error as Error).message;
  }
  throw new Error('expected the token to be rejected');
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  google = {
    privateKey: pair.privateKey,
    jwk: { ...(await exportJWK(pair.publicKey)), kid: 'google-1', alg: 'RS256' },
  };
  impostor = { privateKey: (await generateKeyPair('RS256')).privateKey };
});

describe('Google identity tokens', () => {
  const verifier = () =>
    createIdentityVerifier({ audience: AUDIENCE, keys: createLocalJWKSet({ keys: [google.jwk] }) });

  it('accepts a valid token and returns the identity with a lower-cased email', async () => {
    expect(await verifier()(await token())).toEqual({
      sub: '1234567890',
      email: 'ann@acme.com',
      hd: 'acme.com',
    });
    expect(await verifier()(await token({ iss: 'accounts.google.com', hd: undefined }))).toEqual({
      sub: '1234567890',
      email: 'ann@acme.com',
    });
  });

  it('rejects a token signed by another key', async () => {
    expect(await rejection(verifier()(await token({}, impostor.privateKey)))).toMatch(/not signed by Google/);
  });

  it('rejects another audience, another issuer, and an expired token, saying which', async () => {
    expect(await rejection(verifier()(await token({ aud: 'someone-else' })))).toMatch(/aud does not match/);
    expect(await rejection(verifier()(await token({ iss: 'https://evil.example' })))).toMatch(
      /iss does not match/,
    );
    const past = Math.floor(Date.now() / 1000) - 7200;
    expect(await rejection(verifier()(await token({ iat: past, exp: past + 60 })))).toMatch(/expired/);
  });

  it('rejects garbage and unverified emails without echoing the token', async () => {
    const message = await rejection(verifier()('not.a.jwt'));
    expect(message).not.toContain('not.a.jwt');
    expect(await rejection(verifier()(await token({ email_verified: false })))).toMatch(/verified email/);
  });

  it('tenants are the Workspace domain, or the user for consumer accounts', () => {
    expect(tenantKeyOf({ sub: '1', email: 'a@acme.com', hd: 'Acme.com' })).toEqual({
      kind: 'domain',
      key: 'acme.com',
    });
    expect(tenantKeyOf({ sub: '1', email: 'a@gmail.com' })).toEqual({ kind: 'user', key: '1' });
  });
});

describe('Google identity tokens against a JWKS served over HTTP', () => {
  let server: ReturnType<typeof serve>;
  let url = '';
  beforeAll(async () => {
    const app = new Hono().get('/certs', (c) => c.json({ keys: [google.jwk] }));
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
        url = `http://127.0.0.1:${info.port}/certs`;
        resolve();
      });
    });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fetches the key set from the configured URL', async () => {
    const verify = createIdentityVerifier({ audience: [AUDIENCE, 'other'], jwksUrl: url });
    expect((await verify(await token())).sub).toBe('1234567890');
  });

  it('reports an unreachable key set as a temporary problem', async () => {
    const verify = createIdentityVerifier({ audience: AUDIENCE, jwksUrl: 'http://127.0.0.1:9/certs' });
    expect(await rejection(verify(await token()))).toMatch(/could not be checked right now/);
  });
});

describe('per-spreadsheet secrets', () => {
  it('are long, random, and stored only as a hash that matches in constant time', () => {
    const secret = newSheetSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newSheetSecret()).not.toBe(secret);
    const stored = hashSheetSecret(secret);
    expect(stored).not.toContain(secret);
    expect(sheetSecretMatches(secret, stored)).toBe(true);
    expect(sheetSecretMatches(`${secret}x`, stored)).toBe(false);
    expect(sheetSecretMatches(secret, 'abc')).toBe(false);
  });
});
