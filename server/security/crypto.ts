import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { RowbridgeError } from '../../shared/errors.ts';
import { ENCRYPTION_KEY_ENV, isKeyId, type Keyring } from './keyring.ts';
import { registerSecret, registerSecretsIn } from './redact.ts';

/**
 * A secret at rest: the id of the key that sealed it, stored beside `ciphertext` so rotation knows which
 * key opens it. `ciphertext` is base64(iv (12 bytes) | GCM tag (16 bytes) | encrypted data).
 */
export interface Sealed {
  readonly keyId: string;
  readonly ciphertext: string;
}

/**
 * Additional authenticated data: not stored, but needed again to open. Pass the connection id, so a
 * ciphertext copied onto another connection's row fails to open instead of lending it the credentials.
 */
export interface SealOptions {
  readonly aad?: string;
}

const ALGORITHM = 'aes-256-gcm';
// 12 bytes is GCM's native nonce size; random nonces are safe far beyond the number of secrets we keep.
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts `value` (a string, or an object as JSON) with the keyring's current key and a fresh random IV,
 * so sealing the same value twice gives different ciphertexts. The value is also registered for log
 * redaction: whatever is worth encrypting must not appear in a log line either.
 */
export function seal(keyring: Keyring, value: string | object, options: SealOptions = {}): Sealed {
  const plaintext = typeof value === 'string' ? value : JSON.stringify(value);
  registerSecret(plaintext);
  if (typeof value !== 'string') registerSecretsIn(value);
  return sealString(keyring, plaintext, options.aad);
}

/**
 * Decrypts a sealed string, registering it for redaction. A wrong or missing key, altered data or a
 * different `aad` throws `secret_unreadable`.
 */
export function open(keyring: Keyring, sealed: Sealed, options: SealOptions = {}): string {
  const plaintext = decrypt(keyring, sealed, options.aad);
  registerSecret(plaintext);
  return plaintext;
}

/** `open` for a value sealed as an object: parses the JSON and registers its token/secret/password fields. */
export function openJson(keyring: Keyring, sealed: Sealed, options: SealOptions = {}): unknown {
  const plaintext = open(keyring, sealed, options);
  let value: unknown;
  try {
    value = JSON.parse(plaintext);
  } catch {
    // JSON.parse quotes the text it choked on; that text is the secret, so its message is not passed on.
    throw new RowbridgeError('secret_unreadable', 'A stored secret is not in the expected format.');
  }
  registerSecretsIn(value);
  return value;
}

/** True when `sealed` uses the current key, so a re-encrypt pass can skip it. */
export function isSealedWithCurrentKey(keyring: Keyring, sealed: Sealed): boolean {
  return sealed.keyId === keyring.currentId;
}

/**
 * Step 2 of key rotation (see `Keyring`): opens `sealed` with whichever key it names and seals it again
 * with the current key. Returns `sealed` itself when it already uses the current key, so callers can
 * compare by identity and write back only what changed. Use the same `aad` as when it was sealed.
 */
export function reencrypt(keyring: Keyring, sealed: Sealed, options: SealOptions = {}): Sealed {
  if (isSealedWithCurrentKey(keyring, sealed)) return sealed;
  return sealString(keyring, open(keyring, sealed, options), options.aad);
}

function sealString(keyring: Keyring, plaintext: string, aad: string | undefined): Sealed {
  const key = keyring.key(keyring.currentId);
  if (!key) throw new Error('Keyring has no current key.');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad ?? '', 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const ciphertext = Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64');
  return { keyId: keyring.currentId, ciphertext };
}

function decrypt(keyring: Keyring, sealed: Sealed, aad: string | undefined): string {
  const key = keyring.key(sealed.keyId);
  const bytes = Buffer.from(sealed.ciphertext, 'base64');
  if (!key || bytes.length < IV_BYTES + TAG_BYTES) throw unreadable(sealed.keyId);
  // authTagLength pins the tag size, so a truncated tag cannot weaken the check.
  const decipher = createDecipheriv(ALGORITHM, key, bytes.subarray(0, IV_BYTES), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(Buffer.from(aad ?? '', 'utf8'));
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw unreadable(sealed.keyId);
  }
}

/** One message for every failure: which one it was would tell an attacker probing the store too much. */
function unreadable(keyId: string): RowbridgeError {
  const named = isKeyId(keyId) ? ` (sealed with key "${keyId}")` : '';
  return new RowbridgeError(
    'secret_unreadable',
    `A stored secret${named} could not be decrypted. Its key may have been rotated away: put the old ` +
      `entry back in ${ENCRYPTION_KEY_ENV} after the current one, or reconnect the CRM to store it again.`,
  );
}
