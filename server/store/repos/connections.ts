import { and, eq, isNull, or } from 'drizzle-orm';
import { RowbridgeError } from '../../../shared/errors.ts';
import { isForeignKeyViolation } from '../db-errors.ts';
import type { Executor } from '../orm.ts';
import { connections } from '../schema.ts';
import type { ConnectionStatus } from '../values.ts';
import { defined } from './common.ts';

/** Credentials as sealed by the crypto module (AES-256-GCM): the key id that sealed them and the result. */
export interface SealedCredentials {
  readonly keyId: string;
  /** base64 or base64url; never plaintext. */
  readonly ciphertext: string;
}

type Row = typeof connections.$inferSelect;

export type Connection = Omit<Row, 'credentialsKeyId' | 'credentialsCiphertext'> & {
  readonly credentials: SealedCredentials;
};

export interface NewConnection {
  /** Omit (or null) for a connection every spreadsheet of the tenant may use. */
  readonly spreadsheetId?: string | null;
  readonly crm: string;
  readonly label: string;
  readonly credentials: SealedCredentials;
  readonly accountId?: string | null;
  readonly instanceUrl?: string | null;
  readonly scopes?: readonly string[];
  readonly expiresAt?: Date | null;
  readonly createdBy?: string | null;
}

export interface ConnectionPatch {
  readonly label?: string;
  readonly status?: ConnectionStatus;
  readonly lastError?: string | null;
  readonly accountId?: string | null;
  readonly instanceUrl?: string | null;
}

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Refuses anything that is not plausibly sealed. It cannot prove encryption, but it stops the likely
 * mistake: a token or a JSON credentials object stored as is.
 */
function sealed(credentials: SealedCredentials): { credentialsKeyId: string; credentialsCiphertext: string } {
  if (!credentials.keyId.trim() || !BASE64.test(credentials.ciphertext)) {
    throw new RowbridgeError(
      'invalid_input',
      'Connection credentials must be sealed first ({ keyId, ciphertext } with base64 ciphertext); ' +
        'plaintext credentials are never stored.',
    );
  }
  return { credentialsKeyId: credentials.keyId, credentialsCiphertext: credentials.ciphertext };
}

function toConnection(row: Row): Connection {
  const { credentialsKeyId, credentialsCiphertext, ...rest } = row;
  return { ...rest, credentials: { keyId: credentialsKeyId, ciphertext: credentialsCiphertext } };
}

const scoped = (tenantId: string, id: string) =>
  and(eq(connections.tenantId, tenantId), eq(connections.id, id));

/** CRM connections of a tenant, with sealed credentials. */
export function connectionsRepo(db: Executor) {
  return {
    /** Adds a connection; a spreadsheet id the tenant does not own gives `not_found`. */
    async create(tenantId: string, input: NewConnection): Promise<Connection> {
      try {
        const [row] = await db
          .insert(connections)
          .values({
            tenantId,
            spreadsheetId: input.spreadsheetId ?? null,
            crm: input.crm,
            label: input.label,
            ...sealed(input.credentials),
            accountId: input.accountId ?? null,
            instanceUrl: input.instanceUrl ?? null,
            scopes: [...(input.scopes ?? [])],
            expiresAt: input.expiresAt ?? null,
            createdBy: input.createdBy ?? null,
          })
          .returning();
        if (!row) throw new Error('connection insert returned no row');
        return toConnection(row);
      } catch (error) {
        if (isForeignKeyViolation(error, 'connections_spreadsheet_fk')) {
          throw new RowbridgeError('not_found', 'That spreadsheet is not bound to your account.');
        }
        throw error;
      }
    },

    async get(tenantId: string, id: string): Promise<Connection | undefined> {
      const [row] = await db.select().from(connections).where(scoped(tenantId, id));
      return row && toConnection(row);
    },

    /** The spreadsheet's own connections, and with `includeShared` the tenant-wide ones too. */
    async listForSpreadsheet(
      tenantId: string,
      spreadsheetId: string,
      options: { includeShared?: boolean } = {},
    ): Promise<Connection[]> {
      const own = eq(connections.spreadsheetId, spreadsheetId);
      const rows = await db
        .select()
        .from(connections)
        .where(
          and(
            eq(connections.tenantId, tenantId),
            options.includeShared ? or(own, isNull(connections.spreadsheetId)) : own,
          ),
        )
        .orderBy(connections.createdAt, connections.id);
      return rows.map(toConnection);
    },

    async listForTenant(tenantId: string): Promise<Connection[]> {
      const rows = await db
        .select()
        .from(connections)
        .where(eq(connections.tenantId, tenantId))
        .orderBy(connections.createdAt, connections.id);
      return rows.map(toConnection);
    },

    /**
     * Connections to one CRM account across all tenants: how a webhook, which names only the vendor's
     * account (HubSpot portal, Salesforce org), finds whose it is. The one lookup not scoped by tenant;
     * its callers must verify the webhook signature first.
     */
    async findByAccount(crm: string, accountId: string): Promise<Connection[]> {
      const rows = await db
        .select()
        .from(connections)
        .where(and(eq(connections.crm, crm), eq(connections.accountId, accountId)))
        .orderBy(connections.createdAt, connections.id);
      return rows.map(toConnection);
    },

    /**
     * Stores refreshed credentials and marks the connection active. With `ifCiphertext`, only if the
     * stored ciphertext is still that one: two instances refreshing at once cannot overwrite a rotated
     * refresh token with a stale one (the loser gets `undefined` and re-reads).
     */
    async updateCredentials(
      tenantId: string,
      id: string,
      update: {
        credentials: SealedCredentials;
        expiresAt?: Date | null;
        scopes?: readonly string[];
        ifCiphertext?: string;
      },
    ): Promise<Connection | undefined> {
      const [row] = await db
        .update(connections)
        .set({
          ...sealed(update.credentials),
          ...defined({ expiresAt: update.expiresAt, scopes: update.scopes && [...update.scopes] }),
          status: 'active',
          lastError: null,
        })
        .where(
          and(
            scoped(tenantId, id),
            update.ifCiphertext === undefined
              ? undefined
              : eq(connections.credentialsCiphertext, update.ifCiphertext),
          ),
        )
        .returning();
      return row && toConnection(row);
    },

    /** Changes label, status or account details; absent keys stay as they are. */
    async update(tenantId: string, id: string, patch: ConnectionPatch): Promise<Connection | undefined> {
      const [row] = await db.update(connections).set(defined(patch)).where(scoped(tenantId, id)).returning();
      return row && toConnection(row);
    },

    /** Deletes a connection; one still used by a sync table is refused with `in_use`. */
    async delete(tenantId: string, id: string): Promise<boolean> {
      try {
        const rows = await db
          .delete(connections)
          .where(scoped(tenantId, id))
          .returning({ id: connections.id });
        return rows.length > 0;
      } catch (error) {
        if (isForeignKeyViolation(error, 'sync_tables_connection_fk')) {
          throw new RowbridgeError(
            'in_use',
            'This connection is used by a sync table. Delete the table or switch it to another connection first.',
          );
        }
        throw error;
      }
    },
  };
}
export type ConnectionsRepo = ReturnType<typeof connectionsRepo>;
