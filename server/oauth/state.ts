import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { RowbridgeError } from '../../shared/errors.ts';
import { CRM_IDS } from '../../shared/mapping/schema.ts';
import { openJson, seal } from '../security/crypto.ts';
import type { Keyring } from '../security/keyring.ts';

/**
 * Who started a connect flow, carried through the CRM's authorize page and back. Sealed (AES-256-GCM with
 * the credentials keyring), so it cannot be forged, read or replayed after it expires; a PKCE verifier
 * inside it never shows in a URL in the clear.
 */
export const oauthStateSchema = z.object({
  crm: z.enum(CRM_IDS),
  tenantId: z.string().min(1),
  spreadsheetId: z.string().min(1),
  userId: z.string().min(1),
  /** Epoch ms after which the flow must be started again. */
  expiresAt: z.number().int(),
  codeVerifier: z.string().min(43).max(128).optional(),
  /** The login host the user chose (Salesforce), already checked; the authorize and token URLs follow it. */
  loginUrl: z.url({ protocol: /^https?$/ }).optional(),
  nonce: z.string().min(16),
});
export type OAuthState = z.infer<typeof oauthStateSchema>;

/** Separates the two sealed tokens of the flow, so a start ticket cannot pass as a callback state. */
export type SealedPurpose = 'oauth-start' | 'oauth-state';

/** How long a user has between opening the connect popup and coming back from the CRM. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

/** Seals a flow's state (or start ticket) into a URL-safe string. */
export function sealState(
  keyring: Keyring,
  purpose: SealedPurpose,
  state: Omit<OAuthState, 'expiresAt' | 'nonce'>,
  now: number = Date.now(),
): string {
  const full: OAuthState = {
    ...state,
    expiresAt: now + OAUTH_STATE_TTL_MS,
    nonce: randomBytes(16).toString('base64url'),
  };
  const sealed = seal(keyring, full, { aad: purpose });
  return Buffer.from(JSON.stringify([sealed.keyId, sealed.ciphertext])).toString('base64url');
}

/**
 * Opens a sealed state; anything tampered, sealed for the other purpose, or expired is one
 * `oauth_state_invalid` error telling the user to start again (never why, in detail).
 */
export function openState(
  keyring: Keyring,
  purpose: SealedPurpose,
  value: string,
  now: number = Date.now(),
): OAuthState {
  try {
    const [keyId, ciphertext] = z
      .tuple([z.string(), z.string()])
      .parse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    const state = oauthStateSchema.parse(openJson(keyring, { keyId, ciphertext }, { aad: purpose }));
    if (state.expiresAt < now) throw new Error('expired');
    return state;
  } catch {
    throw new RowbridgeError(
      'oauth_state_invalid',
      'This connect link has expired or is not valid. Close this window and click "Connect" in the Rowbridge sidebar again.',
    );
  }
}
