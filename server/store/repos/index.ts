import type { Executor } from '../orm.ts';
import { auditRepo } from './audit.ts';
import { conflictsRepo } from './conflicts.ts';
import { connectionsRepo } from './connections.ts';
import { inboxRepo } from './inbox.ts';
import { jobsRepo } from './jobs.ts';
import { linksRepo } from './links.ts';
import { spreadsheetsRepo } from './spreadsheets.ts';
import { tablesRepo } from './tables.ts';
import { tenantsRepo } from './tenants.ts';

/**
 * Every repository over one executor: the database, or a transaction (`Database.transaction` hands its
 * callback a set built on the transaction, so the same calls run inside it).
 */
export function createRepositories(db: Executor) {
  return {
    tenants: tenantsRepo(db),
    spreadsheets: spreadsheetsRepo(db),
    connections: connectionsRepo(db),
    tables: tablesRepo(db),
    links: linksRepo(db),
    inbox: inboxRepo(db),
    conflicts: conflictsRepo(db),
    audit: auditRepo(db),
    jobs: jobsRepo(db),
  };
}
export type Repositories = ReturnType<typeof createRepositories>;

export type { AuditEntry, AuditPage, AuditPageRequest, NewAuditEntry } from './audit.ts';
export type { Conflict, NewConflict } from './conflicts.ts';
export type { Connection, ConnectionPatch, NewConnection, SealedCredentials } from './connections.ts';
export type { ClaimOptions, InboxEvent, IncomingEvent } from './inbox.ts';
export type { Job, JobKind, JobOutcome, NewJob } from './jobs.ts';
export type { LinkReadOptions, LinkUpsert, RecordLink } from './links.ts';
export type { Spreadsheet, SpreadsheetBinding } from './spreadsheets.ts';
export type { NewSyncTable, SyncTable, SyncTablePatch } from './tables.ts';
export type { SignIn, Tenant, User } from './tenants.ts';
