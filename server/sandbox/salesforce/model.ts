import type { FieldDef } from './objects.ts';
import { OBJECT_NAMES } from './objects.ts';

/** A field value as Salesforce's JSON carries it. */
export type FieldValue = string | number | boolean | null;

/** A record as stored: every field with a value, system fields included (`IsDeleted` marks the recycle bin). */
export interface StoredRecord {
  readonly id: string;
  readonly type: string;
  fields: Record<string, FieldValue>;
}

/** Who makes a change: the API (integration) user, the org's sales user in the UI, or an import. */
export interface Actor {
  readonly userId: string;
  readonly kind: 'api' | 'user' | 'import';
}

export interface AccessTokenRecord {
  readonly token: string;
  readonly userId: string;
  readonly issuedAt: number;
  expiresAt: number;
}

export interface RefreshTokenRecord {
  readonly token: string;
  readonly userId: string;
  readonly scopes: readonly string[];
}

export interface AuthorizationCodeRecord {
  readonly code: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly expiresAt: number;
  readonly codeChallenge?: string;
  readonly codeChallengeMethod?: string;
}

/** A server-side query cursor behind `nextRecordsUrl`: the matching ids, fixed when the query ran. */
export interface QueryCursor {
  readonly id: string;
  readonly object: string;
  readonly fields: readonly string[];
  readonly ids: readonly string[];
  readonly scanAll: boolean;
  lastUsedAt: number;
}

export interface BulkJob {
  readonly id: string;
  readonly object: string;
  readonly operation: 'insert' | 'update' | 'upsert' | 'delete';
  readonly externalIdFieldName?: string;
  readonly lineEnding: 'LF' | 'CRLF';
  readonly columnDelimiter: 'COMMA';
  state: 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
  readonly createdById: string;
  readonly createdDate: number;
  systemModstamp: number;
  /** Uploaded CSV, kept until the job runs. */
  csv: string;
  numberRecordsProcessed: number;
  numberRecordsFailed: number;
  successful: { id: string; created: boolean; row: Record<string, string> }[];
  failed: { error: string; row: Record<string, string> }[];
  errorMessage?: string;
}

/** Everything that persists in the state file. Faults, the request log and the outbound queue do not. */
export interface SandboxData {
  readonly version: 1;
  readonly createdAt: number;
  nextId: number;
  records: Record<string, Record<string, StoredRecord>>;
  customFields: Record<string, FieldDef[]>;
  accessTokens: Record<string, AccessTokenRecord>;
  refreshTokens: Record<string, RefreshTokenRecord>;
  codes: Record<string, AuthorizationCodeRecord>;
  cursors: Record<string, QueryCursor>;
  bulkJobs: Record<string, BulkJob>;
  /** API requests per hour (epoch hour → count): the rolling 24-hour allocation `/limits` reports. */
  apiUsage: Record<string, number>;
  /** List views users saved, by id: a filter on one object. */
  listViews: Record<string, ListView>;
}

/** A saved list view: its object and the SOQL condition that selects its records. */
export interface ListView {
  readonly id: string;
  readonly label: string;
  readonly sobjectType: string;
  /** A SOQL condition, as Salesforce puts it after WHERE in the view's query. */
  readonly where: string;
}

export function emptyData(now: number): SandboxData {
  return {
    version: 1,
    createdAt: now,
    nextId: 1,
    records: Object.fromEntries(OBJECT_NAMES.map((name) => [name, {}])),
    customFields: Object.fromEntries(OBJECT_NAMES.map((name) => [name, []])),
    accessTokens: {},
    refreshTokens: {},
    codes: {},
    cursors: {},
    bulkJobs: {},
    apiUsage: {},
    listViews: {},
  };
}

/**
 * Salesforce's JSON datetime: `2025-01-01T12:00:00.000+0000`. Stored to the second, as the sandbox treats
 * SOQL datetime literals (which carry no milliseconds).
 */
export function sfDateTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('Z', '+0000');
}

/** Epoch ms of a Salesforce or ISO datetime; NaN when unreadable. */
export function parseDateTime(value: string): number {
  return Date.parse(value.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
}
