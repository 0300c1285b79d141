import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isSealedWithCurrentKey, open, openJson, reencrypt, type Sealed, seal } from './crypto.ts';
import { Keyring } from './keyring.ts';

const entry = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const SECRET = 'refresh-token-0123456789abcdef';

function expectUnreadable(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toMatchObject({ code: 'secret_unreadable', name: 'RowbridgeError' });
    const message = (error as Error).message;
    expect(message).toContain('rotated');
    expect(message).not.toContain(SECRET);
    return message;
  }
  throw new Error('expected secret_unreadable');
}

describe('seal and open', () => {
  const keyring = Keyring.parse(entry('k1'));

  it('round-trips a string, tagged with the current key id', () => {
    const sealed = seal(keyring, SECRET, { aad: 'conn-1' });
    expect(sealed.keyId).toBe('k1');
    expect(sealed.ciphertext).not.toContain(SECRET);
    // iv (12) + tag (16) + one byte per ASCII character.
    expect(Buffer.from(sealed.ciphertext, 'base64')).toHaveLength(12 + 16 + SECRET.length);
    expect(open(keyring, sealed, { aad: 'conn-1' })).toBe(SECRET);
  });

  it('round-trips an object as JSON, and unicode and empty strings', () => {
    const credentials = { accessToken: 'at-abcdefgh', refreshToken: SECRET, expiresAt: 1_700_000_000 };
    expect(openJson(keyring, seal(keyring, credentials))).toEqual(credentials);
    expect(open(keyring, seal(keyring, 'pässwörd ✓ 密码'))).toBe('pässwörd ✓ 密码');
    expect(open(keyring, seal(keyring, ''))).toBe('');
  });

  it('uses a fresh IV, so sealing the same value twice differs', () => {
    const a = seal(keyring, SECRET);
    const b = seal(keyring, SECRET);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.ciphertext.slice(0, 16)).not.toBe(b.ciphertext.slice(0, 16));
  });

  it.each([
    ['the data', 30],
    ['the tag', 14],
    ['the IV', 0],
  ])('refuses a ciphertext with a changed byte in %s', (_where, index) => {
    const sealed = seal(keyring, SECRET, { aad: 'conn-1' });
    const bytes = Buffer.from(sealed.ciphertext, 'base64');
    bytes[index] = (bytes[index] ?? 0) ^ 0x01;
    expectUnreadable(() =>
      open(keyring, { ...sealed, ciphertext: bytes.toString('base64') }, { aad: 'conn-1' }),
    );
  });

  it('refuses a truncated or garbage ciphertext', () => {
    const sealed = seal(keyring, SECRET);
    expectUnreadable(() => open(keyring, { ...sealed, ciphertext: sealed.ciphertext.slice(0, 20) }));
    expectUnreadable(() => open(keyring, { ...sealed, ciphertext: '%%% not base64 %%%' }));
  });

  it('refuses a ciphertext moved to another connection (wrong or missing AAD)', () => {
    const sealed = seal(keyring, SECRET, { aad: 'conn-1' });
    expectUnreadable(() => open(keyring, sealed, { aad: 'conn-2' }));
    expectUnreadable(() => open(keyring, sealed));
  });

  it('refuses an unknown key id and a key that is not the one it was sealed with', () => {
    const sealed = seal(keyring, SECRET);
    expect(expectUnreadable(() => open(keyring, { ...sealed, keyId: 'gone' }))).toContain('"gone"');
    const sameIdOtherKey = Keyring.parse(entry('k1'));
    expectUnreadable(() => open(sameIdOtherKey, sealed));
  });

  it('does not leak the plaintext when a sealed string is opened as JSON', () => {
    expect(() => openJson(keyring, seal(keyring, SECRET))).toThrow(
      expect.objectContaining({ code: 'secret_unreadable', message: expect.not.stringContaining(SECRET) }),
    );
  });
});

describe('key rotation', () => {
  const oldEntry = entry('k1');
  const newEntry = entry('k2');
  const before = Keyring.parse(oldEntry);
  const after = Keyring.parse(`${newEntry},${oldEntry}`);

  it('opens data sealed with the old key after a new key is prepended', () => {
    const sealed = seal(before, SECRET, { aad: 'conn-1' });
    expect(open(after, sealed, { aad: 'conn-1' })).toBe(SECRET);
    expect(seal(after, SECRET).keyId).toBe('k2');
  });

  it('reencrypt moves old data to the current key and leaves current data untouched', () => {
    const old: Sealed = seal(before, SECRET, { aad: 'conn-1' });
    expect(isSealedWithCurrentKey(after, old)).toBe(false);
    const moved = reencrypt(after, old, { aad: 'conn-1' });
    expect(moved.keyId).toBe('k2');
    expect(isSealedWithCurrentKey(after, moved)).toBe(true);
    expect(open(after, moved, { aad: 'conn-1' })).toBe(SECRET);
    expect(reencrypt(after, moved, { aad: 'conn-1' })).toBe(moved);

    // Once k1 is dropped, the moved copy still opens and the old one does not.
    const k2Only = Keyring.parse(newEntry);
    expect(open(k2Only, moved, { aad: 'conn-1' })).toBe(SECRET);
    expectUnreadable(() => open(k2Only, old, { aad: 'conn-1' }));
  });
});
