import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIdentityVerifier } from '../../auth/identity.ts';
import { loadSandboxIdentity, SANDBOX_AUDIENCE, sandboxIdentityRoutes } from './identity.ts';

describe('sandbox Google identity', () => {
  it('mints tokens the real verifier accepts, with a key that persists in the data folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rowbridge-identity-'));
    const first = await loadSandboxIdentity(dir);
    const token = await first.mint({ email: 'Ann@Acme.com', hd: 'acme.com' });
    expect((await stat(join(dir, 'sandbox-google-identity.json'))).mode & 0o777).toBe(0o600);

    const again = await loadSandboxIdentity(dir);
    const verify = createIdentityVerifier({ audience: SANDBOX_AUDIENCE, keys: again.keys });
    expect(await verify(token)).toEqual({
      sub: 'sandbox-ann@acme.com',
      email: 'ann@acme.com',
      hd: 'acme.com',
    });
  });

  it('serves its public keys (and only public keys) as a JWKS', async () => {
    const identity = await loadSandboxIdentity(await mkdtemp(join(tmpdir(), 'rowbridge-identity-')));
    const response = await sandboxIdentityRoutes(identity).request('/oauth2/v3/certs');
    const body = (await response.json()) as { keys: Record<string, unknown>[] };
    expect(body.keys).toHaveLength(1);
    expect(body.keys[0]).toMatchObject({ kty: 'RSA', kid: 'rowbridge-sandbox-1', alg: 'RS256' });
    expect(body.keys[0]).not.toHaveProperty('d');
  });
});
