import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  foreignKey,
  index,
  integer,
  pgTable,
  text,
  unique,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { TableSettings } from '../../shared/api/tables.ts';
import type { FieldValue } from '../../shared/fields.ts';
import type { TableMapping } from '../../shared/mapping/schema.ts';
import type { SideValue } from '../../shared/merge/types.ts';
import { json, oneOf, timestamptz } from './columns.ts';
import {
  AUDIT_SOURCES,
  CONFLICT_POLICIES,
  CONFLICT_STATUSES,
  CONNECTION_STATUSES,
  type ConflictResolution,
  JOB_STATUSES,
  type JobError,
  type JobProgress,
  type JsonValue,
  LINK_STATES,
  type LinkStamps,
  type SyncCursors,
  TABLE_STATUSES,
  TENANT_KINDS,
} from './values.ts';

// One schema for both drivers; drizzle-kit generates the migrations from this file (see drizzle.config.ts).
// Ids are text UUIDs made by the database, so raw SQL and the app create rows the same way. Child tables
// carry tenant_id and reference their parent by (tenant_id, id): the database itself refuses a row whose
// parent belongs to another tenant, so a missed filter in a repository cannot cross tenants on write.
// For the same reason every natural key starts with tenant_id: an upsert's ON CONFLICT is decided
// before foreign keys are checked, so a key without it would let tenant B's upsert update tenant A's row.

const id = () => text('id').primaryKey().default(sql`gen_random_uuid()::text`);
const createdAt = () => timestamptz('created_at').notNull().defaultNow();
const updatedAt = () =>
  timestamptz('updated_at')
    .notNull()
    .defaultNow()
    .$onUpdate(() => sql`now()`);

/** A Google Workspace domain, or one Google account outside Workspace. */
export const tenants = pgTable(
  'tenants',
  {
    id: id(),
    kind: text('kind', { enum: TENANT_KINDS }).notNull(),
    /** The Workspace domain (`hd` claim) or the Google `sub` of a lone account. */
    key: text('key').notNull().unique('tenants_key_unique'),
    name: text('name'),
    createdAt: createdAt(),
  },
  (t) => [check('tenants_kind_check', oneOf(t.kind, TENANT_KINDS))],
);

export const users = pgTable(
  'users',
  {
    id: id(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    googleSub: text('google_sub').notNull().unique('users_google_sub_unique'),
    email: text('email').notNull(),
    createdAt: createdAt(),
    lastSeenAt: timestamptz('last_seen_at').notNull().defaultNow(),
  },
  (t) => [index('users_tenant_idx').on(t.tenantId)],
);

/** A spreadsheet bound to a tenant. Only a hash of its secret is kept. */
export const spreadsheets = pgTable(
  'spreadsheets',
  {
    id: id(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    googleSpreadsheetId: text('google_spreadsheet_id').notNull(),
    secretHash: text('secret_hash').notNull(),
    secretKeyId: text('secret_key_id'),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('spreadsheets_tenant_google_unique').on(t.tenantId, t.googleSpreadsheetId),
    unique('spreadsheets_tenant_id_unique').on(t.tenantId, t.id),
  ],
);

/** A CRM account connection. Credentials are sealed elsewhere; only `{ keyId, ciphertext }` lands here. */
export const connections = pgTable(
  'connections',
  {
    id: id(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    /** Null for a connection shared by every spreadsheet of the tenant. */
    spreadsheetId: text('spreadsheet_id'),
    crm: text('crm').notNull(),
    label: text('label').notNull(),
    status: text('status', { enum: CONNECTION_STATUSES }).notNull().default('active'),
    credentialsKeyId: text('credentials_key_id').notNull(),
    credentialsCiphertext: text('credentials_ciphertext').notNull(),
    /** The CRM's account id (HubSpot portal, Salesforce org): routes webhooks to connections. */
    accountId: text('account_id'),
    /** The CRM's API host for this account (Salesforce `instance_url`; it may move, refreshes say where). */
    instanceUrl: text('instance_url'),
    /** Where the account signs in and refreshes (Salesforce: production, sandbox org or My Domain host). */
    loginUrl: text('login_url'),
    /** The CRM user the connection acts as (Salesforce integration user): its changes are our own echoes. */
    crmUserId: text('crm_user_id'),
    scopes: text('scopes').array().notNull().default(sql`'{}'::text[]`),
    expiresAt: timestamptz('expires_at'),
    lastError: text('last_error'),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('connections_status_check', oneOf(t.status, CONNECTION_STATUSES)),
    unique('connections_tenant_id_unique').on(t.tenantId, t.id),
    foreignKey({
      name: 'connections_spreadsheet_fk',
      columns: [t.tenantId, t.spreadsheetId],
      foreignColumns: [spreadsheets.tenantId, spreadsheets.id],
    }).onDelete('cascade'),
    index('connections_tenant_spreadsheet_idx').on(t.tenantId, t.spreadsheetId),
    index('connections_account_idx').on(t.crm, t.accountId),
  ],
);

/** One sheet tab synced with one CRM object through one connection. */
export const syncTables = pgTable(
  'sync_tables',
  {
    id: id(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    spreadsheetId: text('spreadsheet_id').notNull(),
    /** Google's numeric `sheetId` of the tab: survives renames, unlike the name. */
    sheetTabId: integer('sheet_tab_id').notNull(),
    sheetTabName: text('sheet_tab_name').notNull(),
    connectionId: text('connection_id').notNull(),
    crmObject: text('crm_object').notNull(),
    mapping: json<TableMapping>('mapping').notNull(),
    policy: text('policy', { enum: CONFLICT_POLICIES }).notNull().default('manual'),
    /** Default phone region (ISO 3166 alpha-2) for numbers written without a country code. */
    region: text('region'),
    cursors: json<SyncCursors>('cursors').notNull().default(sql`'{}'::jsonb`),
    reconcileIntervalSeconds: integer('reconcile_interval_seconds').notNull().default(300),
    settings: json<TableSettings>('settings').notNull().default(sql`'{}'::jsonb`),
    status: text('status', { enum: TABLE_STATUSES }).notNull().default('active'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('sync_tables_policy_check', oneOf(t.policy, CONFLICT_POLICIES)),
    check('sync_tables_status_check', oneOf(t.status, TABLE_STATUSES)),
    unique('sync_tables_tenant_id_unique').on(t.tenantId, t.id),
    unique('sync_tables_tab_unique').on(t.tenantId, t.spreadsheetId, t.sheetTabId),
    foreignKey({
      name: 'sync_tables_spreadsheet_fk',
      columns: [t.tenantId, t.spreadsheetId],
      foreignColumns: [spreadsheets.tenantId, spreadsheets.id],
    }).onDelete('cascade'),
    // No cascade: a connection in use by a table cannot be deleted out from under it.
    foreignKey({
      name: 'sync_tables_connection_fk',
      columns: [t.tenantId, t.connectionId],
      foreignColumns: [connections.tenantId, connections.id],
    }),
    index('sync_tables_tenant_spreadsheet_idx').on(t.tenantId, t.spreadsheetId),
    index('sync_tables_connection_idx').on(t.tenantId, t.connectionId),
  ],
);

/** A sheet row (by Rowbridge ID) linked to a CRM record, with the base the three-way merge starts from. */
export const recordLinks = pgTable(
  'record_links',
  {
    id: id(),
    tenantId: text('tenant_id').notNull(),
    tableId: text('table_id').notNull(),
    rowId: text('row_id').notNull(),
    crmId: text('crm_id'),
    base: json<Record<string, FieldValue>>('base').notNull().default(sql`'{}'::jsonb`),
    stamps: json<LinkStamps>('stamps').notNull().default(sql`'{}'::jsonb`),
    crmModifiedAt: timestamptz('crm_modified_at'),
    state: text('state', { enum: LINK_STATES }).notNull().default('pending'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('record_links_state_check', oneOf(t.state, LINK_STATES)),
    foreignKey({
      name: 'record_links_table_fk',
      columns: [t.tenantId, t.tableId],
      foreignColumns: [syncTables.tenantId, syncTables.id],
    }).onDelete('cascade'),
    unique('record_links_tenant_id_unique').on(t.tenantId, t.id),
    unique('record_links_row_unique').on(t.tenantId, t.tableId, t.rowId),
    uniqueIndex('record_links_crm_unique')
      .on(t.tenantId, t.tableId, t.crmId)
      .where(sql`${t.crmId} is not null`),
  ],
);

/**
 * Webhook and change events as received, before any work: the idempotency key is the vendor's event id.
 * The tenant may be unknown until the event's account is matched to a connection.
 */
export const inboxEvents = pgTable(
  'inbox_events',
  {
    id: id(),
    tenantId: text('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
    source: text('source').notNull(),
    vendorEventId: text('vendor_event_id').notNull(),
    connectionId: text('connection_id').references(() => connections.id, { onDelete: 'set null' }),
    payload: json<JsonValue>('payload').notNull(),
    /**
     * Arrival order. Timestamps tie for events received in the same millisecond (always on PGlite, whose
     * clock ticks per millisecond), and events of one record must be applied in the order they came.
     */
    seq: bigint('seq', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    receivedAt: timestamptz('received_at').notNull().defaultNow(),
    /** When a worker may (again) take the event: pushed forward while claimed, or to a retry time. */
    availableAt: timestamptz('available_at').notNull().defaultNow(),
    processedAt: timestamptz('processed_at'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [
    unique('inbox_events_source_event_unique').on(t.source, t.vendorEventId),
    index('inbox_events_pending_idx').on(t.availableAt).where(sql`${t.processedAt} is null`),
  ],
);

/** A field both sides changed to different values, waiting for a person (policy `manual`). */
export const conflicts = pgTable(
  'conflicts',
  {
    id: id(),
    tenantId: text('tenant_id').notNull(),
    tableId: text('table_id').notNull(),
    linkId: text('link_id'),
    rowId: text('row_id').notNull(),
    field: text('field').notNull(),
    base: json<FieldValue>('base'),
    sheet: json<SideValue>('sheet').notNull(),
    crm: json<SideValue>('crm').notNull(),
    explanation: text('explanation').notNull(),
    status: text('status', { enum: CONFLICT_STATUSES }).notNull().default('open'),
    resolution: json<ConflictResolution>('resolution'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    resolvedAt: timestamptz('resolved_at'),
    resolvedBy: text('resolved_by'),
  },
  (t) => [
    check('conflicts_status_check', oneOf(t.status, CONFLICT_STATUSES)),
    foreignKey({
      name: 'conflicts_table_fk',
      columns: [t.tenantId, t.tableId],
      foreignColumns: [syncTables.tenantId, syncTables.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'conflicts_link_fk',
      columns: [t.tenantId, t.linkId],
      foreignColumns: [recordLinks.tenantId, recordLinks.id],
    }).onDelete('cascade'),
    // One open conflict per field: a newer disagreement replaces the sides of the open one.
    uniqueIndex('conflicts_open_field_unique')
      .on(t.tenantId, t.tableId, t.rowId, t.field)
      .where(sql`${t.status} = 'open'`),
    index('conflicts_table_status_idx').on(t.tenantId, t.tableId, t.status, t.createdAt),
  ],
);

/**
 * Every write Rowbridge made or decided, append-only: a trigger (migration 0001) refuses UPDATE, DELETE
 * and TRUNCATE. `table_id` is deliberately not a foreign key, so history outlives a deleted table.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    tableId: text('table_id'),
    rowId: text('row_id'),
    crmId: text('crm_id'),
    field: text('field'),
    oldValue: json<JsonValue>('old_value'),
    newValue: json<JsonValue>('new_value'),
    /** What was written or decided: sheet, crm, conflict, connection, ... */
    target: text('target').notNull(),
    source: text('source', { enum: AUDIT_SOURCES }).notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    explanation: text('explanation'),
    jobId: text('job_id'),
    at: timestamptz('at').notNull().defaultNow(),
  },
  (t) => [
    check('audit_log_source_check', oneOf(t.source, AUDIT_SOURCES)),
    index('audit_log_tenant_idx').on(t.tenantId, t.id.desc()),
    index('audit_log_table_idx').on(t.tenantId, t.tableId, t.id.desc()),
    index('audit_log_row_idx').on(t.tenantId, t.tableId, t.rowId, t.id.desc()),
    index('audit_log_crm_idx').on(t.tenantId, t.tableId, t.crmId, t.id.desc()),
  ],
);

/** User-visible job records (what the sidebar shows); the queue keeps its own internals elsewhere. */
export const jobs = pgTable(
  'jobs',
  {
    id: id(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    tableId: text('table_id'),
    kind: text('kind').notNull(),
    status: text('status', { enum: JOB_STATUSES }).notNull().default('queued'),
    progress: json<JobProgress>('progress'),
    result: json<JsonValue>('result'),
    error: json<JobError>('error'),
    queueJobId: text('queue_job_id'),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    startedAt: timestamptz('started_at'),
    finishedAt: timestamptz('finished_at'),
  },
  (t) => [
    check('jobs_status_check', oneOf(t.status, JOB_STATUSES)),
    foreignKey({
      name: 'jobs_table_fk',
      columns: [t.tenantId, t.tableId],
      foreignColumns: [syncTables.tenantId, syncTables.id],
    }).onDelete('cascade'),
    index('jobs_tenant_table_idx').on(t.tenantId, t.tableId, t.createdAt),
    index('jobs_queue_job_idx').on(t.queueJobId),
  ],
);
