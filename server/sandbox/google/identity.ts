import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono } from 'hono';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTVerifyGetKey,
  SignJWT,
} from 'jose';
import * as z from 'zod';

/** The audience of sandbox identity tokens: what the sandbox add-on's "OAuth client id" would be. */
export const SANDBOX_AUDIENCE = 'rowbridge-sandbox-addon.apps.googleusercontent.com';
const KEY_ID = 'rowbridge-sandbox-1';
const KEY_FILE = 'sandbox-google-identity.json';

/**
 * A stand-in for Google's identity-token issuer, for sandbox mode only: a local RSA key (kept in the data
 * folder so tokens survive restarts), its public JWKS, and a minter. Tokens look like
 * `ScriptApp.getIdentityToken()`'s (same issuer, RS256, `sub`, `email`, `hd`), so the real verifier
 * checks them unchanged; only the key differs, and it never leaves this machine.
 */
export interface SandboxIdentity {
  readonly keys: JWTVerifyGetKey;
  readonly jwks: { keys: JWK[] };
  mint(claims: { email: string; sub?: string; hd?: string; expiresInSeconds?: number }): Promise<string>;
}

const storedKeySchema = z.object({
  privateJwk: z.record(z.string(), z.unknown()),
  publicJwk: z.record(z.string(), z.unknown()),
});

/** Loads the sandbox signing key from `dataDir`, creating it (file mode 0600) on first use. */
export async function loadSandboxIdentity(dataDir: string): Promise<SandboxIdentity> {
  const path = join(dataDir, KEY_FILE);
  let stored: z.infer<typeof storedKeySchema>;
  try {
    stored = storedKeySchema.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch {
    const pair = await generateKeyPair('RS256', { extractable: true });
    stored = { privateJwk: await exportJWK(pair.privateKey), publicJwk: await exportJWK(pair.publicKey) };
    await mkdir(dataDir, { recursive: true });
    await writeFile(path, JSON.stringify(stored), { mode: 0o600 });
  }
  const privateKey = await importJWK(stored.privateJwk as JWK, 'RS256');
  const jwks = { keys: [{ ...(stored.publicJwk as JWK), kid: KEY_ID, alg: 'RS256', use: 'sig' }] };
  return {
    keys: createLocalJWKSet(jwks),
    jwks,
    async mint({ email, sub, hd, expiresInSeconds = 3600 }) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ email, email_verified: true, ...(hd ? { hd } : {}) })
        .setProtectedHeader({ alg: 'RS256', kid: KEY_ID })
        .setIssuer('https://accounts.google.com')
        .setAudience(SANDBOX_AUDIENCE)
        .setSubject(sub ?? `sandbox-${email.toLowerCase()}`)
        .setIssuedAt(now)
        .setExpirationTime(now + expiresInSeconds)
        .sign(privateKey);
    },
  };
}

/** Serves the sandbox JWKS where Google serves its own: `/oauth2/v3/certs`. */
export function sandboxIdentityRoutes(identity: SandboxIdentity): Hono {
  return new Hono().get('/oauth2/v3/certs', (c) => c.json(identity.jwks));
}
