import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import * as z from 'zod';
import { RowbridgeError } from '../../shared/errors.ts';

/** Google signs identity tokens with these issuers; both spellings occur. */
export const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];
/** Where Google publishes the keys that sign identity tokens. */
export const GOOGLE_JWKS_URL = 'https://www.googleapis.com/oauth2/v3/certs';

/** Who is calling: the claims Rowbridge uses from a verified Google identity token. */
export interface GoogleIdentity {
  /** Google's stable user id. */
  readonly sub: string;
  readonly email: string;
  /** The Google Workspace domain, absent for consumer accounts. */
  readonly hd?: string;
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  email: z.string().min(3),
  email_verified: z.boolean().optional(),
  hd: z.string().min(1).optional(),
});

export interface IdentityVerifierOptions {
  /** The add-on's OAuth client id: the `aud` Apps Script puts in `ScriptApp.getIdentityToken()`. */
  readonly audience: string | readonly string[];
  /** JWKS endpoint (Google's by default; tests and the sandbox serve their own). */
  readonly jwksUrl?: string;
  /** Or a key set directly (tests). */
  readonly keys?: JWTVerifyGetKey;
  readonly issuers?: readonly string[];
  /** Seconds of clock skew tolerated on `exp`/`iat` between Google and this server. */
  readonly clockToleranceSeconds?: number;
}

export type IdentityVerifier = (token: string) => Promise<GoogleIdentity>;

/**
 * Verifies Google identity tokens as the add-on sends them: RS256 signature against the JWKS (cached and
 * refreshed by jose when Google rotates keys), issuer, audience and expiry; then requires a verified
 * email. Any failure is one `unauthenticated` error whose message says what to do, never the token.
 * https://developers.google.com/identity/openid-connect/openid-connect#validatinganidtoken
 */
export function createIdentityVerifier(options: IdentityVerifierOptions): IdentityVerifier {
  const keys = options.keys ?? createRemoteJWKSet(new URL(options.jwksUrl ?? GOOGLE_JWKS_URL));
  const issuers = [...(options.issuers ?? GOOGLE_ISSUERS)];
  const audience = typeof options.audience === 'string' ? options.audience : [...options.audience];
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: issuers,
        audience,
        algorithms: ['RS256'],
        clockTolerance: options.clockToleranceSeconds ?? 30,
        requiredClaims: ['exp', 'iat', 'sub'],
      });
      const claims = claimsSchema.safeParse(payload);
      if (!claims.success || claims.data.email_verified === false) {
        throw new RowbridgeError(
          'unauthenticated',
          'The Google identity token has no verified email address.',
        );
      }
      const { sub, email, hd } = claims.data;
      return hd ? { sub, email: email.toLowerCase(), hd } : { sub, email: email.toLowerCase() };
    } catch (error) {
      if (error instanceof RowbridgeError) throw error;
      throw new RowbridgeError('unauthenticated', reasonFor(error));
    }
  };
}

function reasonFor(error: unknown): string {
  if (error instanceof errors.JWTExpired) {
    return 'The Google identity token has expired. Reopen the Rowbridge sidebar to get a fresh one.';
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return `The Google identity token was not issued for Rowbridge (${error.claim} does not match). Check the add-on's OAuth client id in the companion's configuration.`;
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWSSignatureVerificationFailed) {
    return 'The Google identity token is not signed by Google. Sign in again from the sidebar.';
  }
  if (error instanceof errors.JOSEError)
    return 'The Google identity token could not be read. Sign in again from the sidebar.';
  return 'The Google identity token could not be checked right now (Google keys unreachable). Try again shortly.';
}

/**
 * The tenant an identity belongs to: its Google Workspace domain, so colleagues share connections and
 * tables, or the user alone for consumer accounts (DESIGN.md, Security).
 */
export function tenantKeyOf(identity: GoogleIdentity): { kind: 'domain' | 'user'; key: string } {
  return identity.hd
    ? { kind: 'domain', key: identity.hd.toLowerCase() }
    : { kind: 'user', key: identity.sub };
}
