import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JWT, OAuth2Client } from 'google-auth-library';
import { describe, expect, it } from 'vitest';
import { createSheetsApi, SHEETS_SCOPES, sheetsAuth } from './client.ts';

// No request leaves the machine here: these check what each kind of credentials builds.
describe('sheetsAuth', () => {
  it('builds a JWT client for a service account key, acting for a subject when given', () => {
    const auth = sheetsAuth({
      kind: 'service-account',
      key: { client_email: 'rowbridge@project.iam.gserviceaccount.com', private_key: 'not-a-real-key' },
      subject: 'owner@acme.com',
    });
    expect(auth).toBeInstanceOf(JWT);
    expect(auth).toMatchObject({
      email: 'rowbridge@project.iam.gserviceaccount.com',
      subject: 'owner@acme.com',
      scopes: [...SHEETS_SCOPES],
    });
  });

  it('reads a key file when given its path', async () => {
    const keyFile = join(await mkdtemp(join(tmpdir(), 'rowbridge-key-')), 'key.json');
    await writeFile(
      keyFile,
      JSON.stringify({ client_email: 'x@y.iam.gserviceaccount.com', private_key: 'k' }),
    );
    const auth = sheetsAuth({ kind: 'service-account', keyFile });
    expect(auth).toBeInstanceOf(JWT);
    expect((auth as JWT).keyFile).toBe(keyFile);
  });

  it('builds an OAuth2 client holding the user’s tokens', () => {
    const auth = sheetsAuth({
      kind: 'oauth',
      clientId: 'id.apps.googleusercontent.com',
      clientSecret: 'secret',
      tokens: { access_token: 'at', refresh_token: 'rt', expiry_date: 1 },
    });
    expect(auth).toBeInstanceOf(OAuth2Client);
    expect(auth.credentials).toEqual({ access_token: 'at', refresh_token: 'rt', expiry_date: 1 });
  });

  it('sends a fixed access token as a bearer token', async () => {
    const auth = sheetsAuth({ kind: 'access-token', accessToken: 'ya29.fixed' });
    const headers = await auth.getRequestHeaders();
    expect(headers.get('authorization')).toBe('Bearer ya29.fixed');
  });
});

describe('createSheetsApi', () => {
  it('points googleapis at the given root with its retries off', () => {
    const api = createSheetsApi({
      credentials: { kind: 'access-token', accessToken: 't' },
      rootUrl: 'http://127.0.0.1:9/',
      timeoutMs: 5000,
    });
    expect(api.context._options).toMatchObject({
      rootUrl: 'http://127.0.0.1:9/',
      retry: false,
      timeout: 5000,
    });
  });
});
