import { createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Problem, RowbridgeError } from '../../shared/errors.ts';
import type { Mode } from '../app.ts';
import { registerSecret } from './redact.ts';

/** The environment variable holding the keyring: `keyId:base64key[,keyId:base64key...]`. */
export const ENCRYPTION_KEY_ENV = 'ROWBRIDGE_ENCRYPTION_KEY';

/** The file sandbox mode keeps its generated key in, inside the data directory. */
export const KEY_FILE_NAME = 'encryption.key';

/** AES-256 needs exactly 32 key bytes. */
export const KEY_BYTES = 32;

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
// Standard or URL-safe alphabet, padding optional: people paste keys from `openssl` and from JWK tools.
const BASE64 = /^(?:[A-Za-z0-9+/]+|[A-Za-z0-9_-]+)={0,2}$/;
const FORMAT_HINT = `expected keyId:base64key, such as local-1:$(openssl rand -base64 ${KEY_BYTES})`;

/** True for a string that can name a key: 1–32 letters, digits, `_` or `-`. */
export function isKeyId(value: string): boolean {
  return KEY_ID.test(value);
}

/**
 * The AES-256 keys secrets are sealed with, each under an id that is stored beside every ciphertext.
 * The first key is current: everything new is sealed with it. The others only open older data.
 *
 * Rotation, without downtime or data loss:
 * 1. Prepend a new entry: `ROWBRIDGE_ENCRYPTION_KEY=k2:<new>,k1:<old>` and restart. New secrets use k2;
 *    secrets sealed with k1 still open.
 * 2. Re-encrypt stored secrets with `reencrypt()` (crypto.ts), which seals them again under k2.
 * 3. Once nothing is sealed with k1 any more, drop the k1 entry and restart.
 * Removing a key too early makes its secrets unreadable (`secret_unreadable`): put the entry back.
 *
 * Key bytes are held as `KeyObject`s in a private field, so logging or JSON-encoding a keyring prints none.
 */
export class Keyring {
  readonly #keys: ReadonlyMap<string, KeyObject>;
  /** The id new secrets are sealed under. */
  readonly currentId: string;

  private constructor(keys: ReadonlyMap<string, KeyObject>, currentId: string) {
    this.#keys = keys;
    this.currentId = currentId;
  }

  /**
   * Parses `keyId:base64key[,keyId:base64key...]` (newlines also separate entries), throwing one
   * `config_invalid` error that lists every bad entry by position. Messages never contain key material;
   * invalid ids are not echoed either, as a mis-ordered entry would put the key where the id belongs.
   */
  static parse(spec: string, source: string = ENCRYPTION_KEY_ENV): Keyring {
    const entries = spec
      // Commas in the variable; a key file may also put one entry per line.
      .split(/[,\n]/)
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    const problems: Problem[] = [];
    const keys = new Map<string, KeyObject>();
    entries.forEach((entry, index) => {
      const colon = entry.indexOf(':');
      const id = colon < 0 ? '' : entry.slice(0, colon).trim();
      const encoded = colon < 0 ? entry : entry.slice(colon + 1).trim();
      // Even a malformed entry may be a real key: keep it out of every later log line.
      registerSecret(encoded);
      const problem = entryProblem(id, encoded, colon >= 0, keys);
      if (problem) {
        problems.push({
          code: 'config_invalid',
          message: `${source} entry ${index + 1}: ${problem}`,
          path: [index],
        });
      } else {
        keys.set(id, createSecretKey(Buffer.from(encoded, 'base64')));
      }
    });
    if (entries.length === 0) {
      problems.push({ code: 'config_invalid', message: `${source} has no key entries; ${FORMAT_HINT}` });
    }
    const first = problems[0];
    if (first) {
      const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
      throw new RowbridgeError('config_invalid', `Invalid encryption key: ${first.message}${more}`, problems);
    }
    return new Keyring(keys, [...keys.keys()][0] as string);
  }

  /** Every key id, current first. */
  get ids(): readonly string[] {
    return [...this.#keys.keys()];
  }

  /** True when a ciphertext sealed under `id` can be opened. */
  has(id: string): boolean {
    return this.#keys.has(id);
  }

  /** The key for `id`, for crypto.ts. A `KeyObject` prints no key bytes, but never export or store it. */
  key(id: string): KeyObject | undefined {
    return this.#keys.get(id);
  }

  /** Keeps the keys out of `JSON.stringify` even if a keyring ends up inside a logged object. */
  toJSON(): { currentId: string; ids: readonly string[] } {
    return { currentId: this.currentId, ids: this.ids };
  }
}

function entryProblem(
  id: string,
  encoded: string,
  hasColon: boolean,
  seen: ReadonlyMap<string, KeyObject>,
): string | undefined {
  if (!hasColon) return `has no key id; ${FORMAT_HINT}`;
  if (!isKeyId(id)) return 'key id must be 1 to 32 letters, digits, "_" or "-"';
  if (seen.has(id)) return `key id "${id}" is used twice; give each key its own id`;
  if (!BASE64.test(encoded)) return `key "${id}" is not valid base64; ${FORMAT_HINT}`;
  const length = Buffer.from(encoded, 'base64').length;
  if (length !== KEY_BYTES)
    return `key "${id}" must decode to ${KEY_BYTES} bytes, not ${length}; ${FORMAT_HINT}`;
  return undefined;
}

/** A fresh `keyId:base64key` entry, for sandbox key files and for documentation of rotation. */
export function generateKeyEntry(
  id: string = `local-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`,
): string {
  if (!isKeyId(id))
    throw new RowbridgeError('invalid_input', 'A key id must be 1 to 32 letters, digits, "_" or "-".');
  return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

/** What `loadKeyring` needs: the environment, where sandbox data lives, and the mode. */
export interface LoadKeyringOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly dataDir: string;
  readonly mode: Mode;
}

/** The keyring plus where it came from, so startup can say "generated a sandbox key at ...". */
export type LoadedKeyring =
  | { readonly keyring: Keyring; readonly source: 'env' }
  | { readonly keyring: Keyring; readonly source: 'file'; readonly path: string; readonly created: boolean };

/**
 * Loads the keyring from `ROWBRIDGE_ENCRYPTION_KEY`. Production requires it: a generated key there would
 * be lost with the container and take every stored credential with it. Sandbox mode without the variable
 * uses `<dataDir>/encryption.key`, creating it (mode 0600) on first start and reusing it afterwards.
 */
export function loadKeyring(options: LoadKeyringOptions): LoadedKeyring {
  const spec = options.env[ENCRYPTION_KEY_ENV]?.trim();
  if (spec) return { keyring: Keyring.parse(spec), source: 'env' };
  if (options.mode === 'production') {
    throw new RowbridgeError(
      'config_invalid',
      `${ENCRYPTION_KEY_ENV} is not set. Production mode stores CRM credentials encrypted and needs a key: ` +
        `set ${ENCRYPTION_KEY_ENV}=prod-1:$(openssl rand -base64 ${KEY_BYTES}) and keep a copy somewhere safe.`,
    );
  }
  const path = join(options.dataDir, KEY_FILE_NAME);
  const created = createKeyFileOnce(options.dataDir, path);
  return { keyring: readKeyFile(path), source: 'file', path, created };
}

/** Creates the key file unless it exists. `wx` makes two processes starting at once agree on one key. */
function createKeyFileOnce(dataDir: string, path: string): boolean {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    // The umask may have narrowed the mode given to open; set it exactly.
    fchmodSync(fd, 0o600);
    writeFileSync(fd, `${generateKeyEntry()}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readKeyFile(path: string): Keyring {
  // Like ssh with private keys: refuse a key others can read rather than use a secret that may have leaked.
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
    throw new RowbridgeError(
      'config_invalid',
      `${path} can be read by other users. Run "chmod 600 ${path}" and start again.`,
    );
  }
  return Keyring.parse(readFileSync(path, 'utf8'), path);
}
