import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RowbridgeError } from '../../shared/errors.ts';
import { open, seal } from './crypto.ts';
import { ENCRYPTION_KEY_ENV, generateKeyEntry, KEY_FILE_NAME, Keyring, loadKeyring } from './keyring.ts';

const key = (bytes = 32) => randomBytes(bytes).toString('base64');

/** Parses `spec`, expecting a config_invalid error, and returns everything the error would show. */
function parseError(spec: string): { text: string; error: RowbridgeError } {
  try {
    Keyring.parse(spec);
  } catch (error) {
    expect(error).toBeInstanceOf(RowbridgeError);
    const rowbridgeError = error as RowbridgeError;
    expect(rowbridgeError.code).toBe('config_invalid');
    return {
      error: rowbridgeError,
      text: `${rowbridgeError.message}\n${JSON.stringify(rowbridgeError.problems)}\n${rowbridgeError.stack}`,
    };
  }
  throw new Error('expected Keyring.parse to throw');
}

describe('Keyring.parse', () => {
  it('reads one keyId:base64key entry as the current key', () => {
    const keyring = Keyring.parse(`k1:${key()}`);
    expect(keyring.currentId).toBe('k1');
    expect(keyring.ids).toEqual(['k1']);
  });

  it('takes the first of several entries as current and keeps the rest for decrypting', () => {
    const keyring = Keyring.parse(` new_2:${key()} , old-1:${key()},`);
    expect(keyring.currentId).toBe('new_2');
    expect(keyring.ids).toEqual(['new_2', 'old-1']);
    expect(keyring.has('old-1')).toBe(true);
    expect(keyring.has('other')).toBe(false);
  });

  it('accepts URL-safe base64 without padding', () => {
    const urlSafe = randomBytes(32).toString('base64url');
    expect(Keyring.parse(`k1:${urlSafe}`).currentId).toBe('k1');
  });

  it('never shows key bytes when logged or JSON-encoded', () => {
    const material = key();
    const keyring = Keyring.parse(`k1:${material}`);
    expect(JSON.stringify(keyring)).toBe('{"currentId":"k1","ids":["k1"]}');
    expect(JSON.stringify({ keyring })).not.toContain(material);
  });

  it.each([
    ['bad base64', () => `k1:${key().slice(0, 20)}*!${key().slice(22)}`, 'not valid base64'],
    ['a 16-byte key', () => `k1:${key(16)}`, 'must decode to 32 bytes, not 16'],
    ['a 33-byte key', () => `k1:${key(33)}`, 'must decode to 32 bytes, not 33'],
    ['a missing id', () => key(), 'has no key id'],
    ['an invalid id', () => `bad id!:${key()}`, 'key id must be 1 to 32'],
    ['a 33-character id', () => `${'a'.repeat(33)}:${key()}`, 'key id must be 1 to 32'],
  ])('rejects %s without echoing the key material', (_what, makeSpec, expected) => {
    const spec = makeSpec();
    const { text } = parseError(spec);
    expect(text).toContain(expected);
    expect(text).toContain(ENCRYPTION_KEY_ENV);
    const material = spec.slice(spec.indexOf(':') + 1);
    for (const part of [material, material.slice(0, 16), material.slice(-16)])
      expect(text).not.toContain(part);
  });

  it('rejects a duplicate id, naming the id and the entry but not the keys', () => {
    const [first, second] = [key(), key()];
    const { text, error } = parseError(`k1:${first},k1:${second}`);
    expect(error.message).toContain('entry 2');
    expect(error.message).toContain('"k1" is used twice');
    expect(text).not.toContain(first);
    expect(text).not.toContain(second);
  });

  it('lists every bad entry in one error', () => {
    const { error } = parseError(`k1:${key(8)},k2:${key(8)}`);
    expect(error.problems).toHaveLength(2);
    expect(error.message).toContain('(and 1 more)');
  });

  it('rejects an empty value', () => {
    expect(parseError(' , ').text).toContain('has no key entries');
  });
});

describe('generateKeyEntry', () => {
  it('makes a parseable entry with a fresh key each time', () => {
    const [a, b] = [generateKeyEntry('k9'), generateKeyEntry('k9')];
    expect(a).not.toBe(b);
    expect(Keyring.parse(a).currentId).toBe('k9');
    expect(Keyring.parse(generateKeyEntry()).currentId).toMatch(/^local-\d{8}$/);
  });
});

describe('loadKeyring', () => {
  const dataDir = () => join(mkdtempSync(join(tmpdir(), 'rowbridge-keyring-')), 'data');

  it('uses ROWBRIDGE_ENCRYPTION_KEY when set, in either mode', () => {
    const env = { [ENCRYPTION_KEY_ENV]: `prod-1:${key()}` };
    for (const mode of ['production', 'sandbox'] as const) {
      const loaded = loadKeyring({ env, dataDir: dataDir(), mode });
      expect(loaded.source).toBe('env');
      expect(loaded.keyring.currentId).toBe('prod-1');
    }
  });

  it('refuses to start production without the variable (blank counts as unset)', () => {
    for (const env of [{}, { [ENCRYPTION_KEY_ENV]: '  ' }]) {
      expect(() => loadKeyring({ env, dataDir: dataDir(), mode: 'production' })).toThrow(
        expect.objectContaining({
          code: 'config_invalid',
          message: expect.stringContaining(ENCRYPTION_KEY_ENV),
        }),
      );
    }
  });

  it('creates a 0600 key file in sandbox mode once, and reuses it on later starts', () => {
    const dir = dataDir();
    const first = loadKeyring({ env: {}, dataDir: dir, mode: 'sandbox' });
    const path = join(dir, KEY_FILE_NAME);
    expect(first).toMatchObject({ source: 'file', path, created: true });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const contents = readFileSync(path, 'utf8');

    const sealed = seal(first.keyring, 'sandbox-refresh-token', { aad: 'conn-1' });
    const second = loadKeyring({ env: {}, dataDir: dir, mode: 'sandbox' });
    expect(second).toMatchObject({ source: 'file', path, created: false });
    expect(readFileSync(path, 'utf8')).toBe(contents);
    expect(open(second.keyring, sealed, { aad: 'conn-1' })).toBe('sandbox-refresh-token');
  });

  it.skipIf(process.platform === 'win32')('refuses a key file other users can read', () => {
    const dir = dataDir();
    loadKeyring({ env: {}, dataDir: dir, mode: 'sandbox' });
    chmodSync(join(dir, KEY_FILE_NAME), 0o644);
    expect(() => loadKeyring({ env: {}, dataDir: dir, mode: 'sandbox' })).toThrow(/chmod 600/);
  });
});
