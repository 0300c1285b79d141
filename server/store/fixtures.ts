import { randomUUID } from 'node:crypto';
import type { TableMapping } from '../../shared/mapping/schema.ts';
import { type Database, databaseFromClient } from './database.ts';
import { migrate } from './migrate.ts';
import type { Connection, Spreadsheet, SyncTable, Tenant, User } from './repos/index.ts';
import type { OpenedClient } from './sql-client.ts';

// Building blocks for storage tests (and the sandbox's demo data): a migrated database, and a tenant
// with everything a sync table needs. Every call makes fresh, random keys, so tests sharing one database
// never see each other's rows.

/** Opens a client with `open`, migrates it and wraps it; `dispose` closes (and drops) it. */
export async function openMigrated(
  open: () => Promise<OpenedClient & { dispose(): Promise<void> }>,
): Promise<{ db: Database; applied: number; dispose(): Promise<void> }> {
  const client = await open();
  const { applied } = await migrate(client);
  return { db: databaseFromClient(client), applied, dispose: () => client.dispose() };
}

export const SAMPLE_MAPPING: TableMapping = {
  crm: 'hubspot',
  object: 'contacts',
  fields: [
    { header: 'Email', field: 'email', property: { object: 'contacts', path: 'email' }, direction: 'both' },
    { header: 'Phone', field: 'phone', property: { object: 'contacts', path: 'phone' }, direction: 'both' },
  ],
  customFields: [],
};

export interface SeededTable {
  readonly tenant: Tenant;
  readonly user: User;
  readonly spreadsheet: Spreadsheet;
  readonly connection: Connection;
  readonly table: SyncTable;
}

/** A new tenant with one user, a bound spreadsheet, a HubSpot connection and a sync table. */
export async function seedTable(db: Database): Promise<SeededTable> {
  const key = randomUUID();
  const { tenant, user } = await db.repos.tenants.upsertSignIn({
    tenant: { kind: 'domain', key: `${key}.example` },
    user: { googleSub: `sub-${key}`, email: `owner@${key}.example` },
  });
  const { spreadsheet } = await db.repos.spreadsheets.bind(tenant.id, {
    googleSpreadsheetId: `sheet-${key}`,
    secretHash: 'a'.repeat(64),
    createdBy: user.id,
  });
  const connection = await db.repos.connections.create(tenant.id, {
    spreadsheetId: spreadsheet.id,
    crm: 'hubspot',
    label: 'HubSpot',
    credentials: { keyId: 'k1', ciphertext: Buffer.from(`sealed-${key}`).toString('base64') },
    accountId: `portal-${key}`,
  });
  const table = await db.repos.tables.create(tenant.id, {
    spreadsheetId: spreadsheet.id,
    sheetTabId: 0,
    sheetTabName: 'Leads',
    connectionId: connection.id,
    mapping: SAMPLE_MAPPING,
  });
  return { tenant, user, spreadsheet, connection, table };
}
