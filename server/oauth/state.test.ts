import { describe, expect, it } from 'vitest';
import { isRowbridgeError } from '../../shared/errors.ts';
import { generateKeyEntry, Keyring } from '../security/keyring.ts';
import { OAUTH_STATE_TTL_MS, openState, sealState } from './state.ts';

const keyring = Keyring.parse(generateKeyEntry('k1'));
// Values with `_`, which standard base64 (the ciphertext's alphabet) never contains, so the "unreadable"
// check below cannot fail by chance the way a two-letter id once did.
const flow = { crm: 'hubspot' as const, tenantId: 'tenant_1', spreadsheetId: 'sheet_1', userId: 'user_1' };

function refused(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(isRowbridgeError(error) && error.code).toBe('oauth_state_invalid');
    return (error as Error).message;
  }
  throw new Error('expected the state to be refused');
}

describe('OAuth state', () => {
  it('round-trips who started the flow, unreadable in the URL', () => {
    const sealed = sealState(keyring, 'oauth-state', { ...flow, codeVerifier: 'v'.repeat(64) }, 1000);
    expect(sealed).toMatch(/^[A-Za-z0-9_-]+$/);
    const decoded = Buffer.from(sealed, 'base64url').toString();
    for (const plain of ['tenant_1', 'sheet_1', 'user_1', 'tenantId', 'v'.repeat(16)]) {
      expect(decoded).not.toContain(plain);
    }
    expect(openState(keyring, 'oauth-state', sealed, 2000)).toMatchObject({
      ...flow,
      codeVerifier: 'v'.repeat(64),
    });
  });

  it('refuses an expired, tampered, foreign or cross-purpose state with one message to start again', () => {
    const sealed = sealState(keyring, 'oauth-state', flow, 0);
    expect(refused(() => openState(keyring, 'oauth-state', sealed, OAUTH_STATE_TTL_MS + 1))).toMatch(
      /Connect/,
    );
    const tampered = `${sealed.slice(0, -4)}AAAA`;
    refused(() => openState(keyring, 'oauth-state', tampered, 1));
    refused(() => openState(Keyring.parse(generateKeyEntry('k1')), 'oauth-state', sealed, 1));
    refused(() => openState(keyring, 'oauth-start', sealed, 1));
    refused(() => openState(keyring, 'oauth-state', 'not-a-state', 1));
  });

  it('makes every flow unique', () => {
    expect(sealState(keyring, 'oauth-state', flow, 0)).not.toBe(sealState(keyring, 'oauth-state', flow, 0));
  });
});
