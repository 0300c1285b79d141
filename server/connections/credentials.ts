import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { isRowbridgeError, RowbridgeError } from '../../shared/errors.ts';
import { openJson, reencrypt, seal } from '../security/crypto.ts';
import type { Keyring } from '../security/keyring.ts';
import type { Database } from '../store/database.ts';
import type { Connection, NewConnection } from '../store/repos/connections.ts';

/**
 * What a connection holds to call its CRM: OAuth tokens, or a long-lived token (HubSpot private app,
 * Pipedrive API token, Close API key). Only ever stored sealed; only ever opened in the companion.
 */
export const crmCredentialsSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('oauth'),
    accessToken: z.string().min(1),
    refreshToken: z.string().min(1).optional(),
    /** Epoch ms when the access token expires. */
    expiresAt: z.number().int().optional(),
  }),
  z.object({ kind: z.literal('token'), token: z.string().min(1) }),
]);
export type CrmCredentials = z.infer<typeof crmCredentialsSchema>;

/**
 * Creates a connection with its credentials sealed (AES-256-GCM, current key). The connection id is
 * chosen here and used as associated data, so a ciphertext copied onto another connection's row fails
 * to open instead of lending that connection someone else's CRM account.
 */
export async function createConnection(
  db: Pick<Database, 'repos'>,
  keyring: Keyring,
  tenantId: string,
  input: Omit<NewConnection, 'id' | 'credentials'> & { credentials: CrmCredentials },
): Promise<Connection> {
  const id = randomUUID();
  const { credentials, ...rest } = input;
  const sealed = seal(keyring, crmCredentialsSchema.parse(credentials), { aad: id });
  return db.repos.connections.create(tenantId, { ...rest, id, credentials: sealed });
}

/** Opens a connection's credentials (`secret_unreadable` when its key is gone or the row was tampered). */
export function openCredentials(keyring: Keyring, connection: Connection): CrmCredentials {
  const value = openJson(keyring, connection.credentials, { aad: connection.id });
  const parsed = crmCredentialsSchema.safeParse(value);
  if (!parsed.success) {
    throw new RowbridgeError(
      'storage_corrupt',
      `The stored credentials of connection ${connection.id} are not in a known form. Connect the CRM account again.`,
    );
  }
  return parsed.data;
}

/**
 * Stores refreshed credentials, but only if nobody else stored newer ones since `connection` was read:
 * CRMs that rotate refresh tokens invalidate the old one, so two workers refreshing at once must not
 * overwrite each other. Returns `undefined` when the other writer won (read the connection again).
 */
export async function replaceCredentials(
  db: Pick<Database, 'repos'>,
  keyring: Keyring,
  connection: Connection,
  credentials: CrmCredentials,
  extra: { expiresAt?: Date | null; scopes?: readonly string[]; instanceUrl?: string } = {},
): Promise<Connection | undefined> {
  const sealed = seal(keyring, crmCredentialsSchema.parse(credentials), { aad: connection.id });
  return db.repos.connections.updateCredentials(connection.tenantId, connection.id, {
    credentials: sealed,
    ifCiphertext: connection.credentials.ciphertext,
    ...extra,
  });
}

/** What a re-encryption pass did. */
export interface ReencryptReport {
  /** Rows moved to the current key. */
  readonly moved: number;
  /** Rows already under the current key. */
  readonly current: number;
  /** Connection ids whose key is not in the keyring: reconnect them, or add their key back. */
  readonly unreadable: string[];
}

/**
 * Step 2 of a key rotation (server/security/README.md): re-seals every connection's credentials that
 * are not under the current key. Safe to run while the companion runs (each row is swapped only if it
 * did not change meanwhile) and to run again. A row it cannot open is reported and skipped, so one lost
 * key does not stop the rotation of all the others.
 */
export async function reencryptAllCredentials(db: Database, keyring: Keyring): Promise<ReencryptReport> {
  const { rows } = await db.client.query<{
    id: string;
    tenant_id: string;
    key_id: string;
    ciphertext: string;
  }>(
    'select id, tenant_id, credentials_key_id as key_id, credentials_ciphertext as ciphertext from connections order by id',
  );
  let moved = 0;
  let current = 0;
  const unreadable: string[] = [];
  for (const row of rows) {
    const sealed = { keyId: row.key_id, ciphertext: row.ciphertext };
    let next: typeof sealed;
    try {
      next = reencrypt(keyring, sealed, { aad: row.id });
    } catch (error) {
      if (isRowbridgeError(error) && error.code === 'secret_unreadable') {
        unreadable.push(row.id);
        continue;
      }
      throw error;
    }
    if (next === sealed) {
      current += 1;
      continue;
    }
    const updated = await db.repos.connections.updateCredentials(row.tenant_id, row.id, {
      credentials: next,
      ifCiphertext: row.ciphertext,
    });
    // A row refreshed meanwhile was sealed with the current key by its writer: nothing left to do.
    if (updated) moved += 1;
    else current += 1;
  }
  return { moved, current, unreadable };
}
