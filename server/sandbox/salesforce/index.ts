import type { Hono } from 'hono';
import { createApp, type RequestLogEntry } from './app.ts';
import type { Core, Env, SandboxConfig } from './core.ts';
import { createFaults, type SandboxFaults } from './faults.ts';
import { objectNamed } from './fields.ts';
import { makeId, toId18 } from './ids.ts';
import { apiRequestsUsed } from './limits.ts';
import type { Actor, FieldValue } from './model.ts';
import { createAccessToken, expireAllTokens } from './oauth.ts';
import { type OutboundAttempt, OutboundDispatcher, type OutboundOptions } from './outbound.ts';
import {
  checkFields,
  checkUnique,
  createRecord,
  deleteRecord,
  type FieldInput,
  liveRecord,
  updateRecord,
  type WriteContext,
  writeRecords,
} from './records.ts';
import { salesforceStateFile } from './state.ts';

export type { RequestLogEntry } from './app.ts';
export { tokenHint } from './app.ts';
export type { FaultMatch, LimitFault, SandboxFaults } from './faults.ts';
export { makeId, toId18 } from './ids.ts';
export type { FieldValue } from './model.ts';
export { OBJECT_NAMES } from './objects.ts';
export { isAck, notificationsXml, type OutboundAttempt, type OutboundOptions } from './outbound.ts';
export { parseSoql, type SelectQuery } from './soql/parser.ts';

export interface SandboxSalesforceOptions {
  /** JSON state file in the data folder (e.g. `<dataDir>/sandbox/salesforce.json`); undefined keeps state in memory. */
  readonly stateFile?: string;
  /** Milliseconds since the epoch; drives timestamps, token expiry and the API allocation window. */
  readonly clock?: () => number;
  /** The connected app's consumer key and secret. */
  readonly clientId: string;
  readonly clientSecret: string;
  readonly organizationId?: string;
  /** Session timeout of access tokens (Salesforce's default: two hours). */
  readonly accessTokenTtlSeconds?: number;
  /** Issue a new refresh token on every refresh and revoke the old one (off by default, as in Salesforce). */
  readonly rotateRefreshTokens?: boolean;
  /** The rolling 24-hour API request allocation (Enterprise Edition orgs start at 100,000). */
  readonly dailyApiRequests?: number;
  /** The largest SOQL page (default 2,000); smaller makes Salesforce's split pages appear on small data. */
  readonly queryBatchSize?: number;
  /**
   * The org's public base URL (e.g. `<companion>/sandbox/salesforce` when mounted under a prefix), used for
   * `instance_url`, identity URLs and outbound messages; by default the origin each request came to. A
   * function is read at each use (a companion on port 0 knows its own URL only once it listens).
   */
  readonly instanceUrl?: string | (() => string);
  readonly outbound?: OutboundOptions;
}

/** A record with every stored field, `Id` included, as the REST API would return it without `attributes`. */
export type SandboxRecord = Readonly<Record<string, FieldValue>>;

/** In-process access to the org's state, for tests and the CLI: what a Salesforce user would do in the UI. */
export interface SandboxSalesforceState {
  /** An access token for the API user without the OAuth flow. */
  createAccessToken(): string;
  /** Saves a list view on `object` selecting records by a SOQL condition, as a user would; its id. */
  createListView(object: string, label: string, where: string): string;
  /** Creates records as an import (Data Import Wizard): validated like API writes, no outbound messages. */
  seed(object: string, records: readonly FieldInput[]): string[];
  /** Creates a record as the org's sales user in the UI (outbound messages fire). */
  createAsUser(object: string, fields: FieldInput): string;
  /** Edits a record as the sales user. */
  editAsUser(object: string, id: string, fields: FieldInput): SandboxRecord;
  /** Deletes a record (to the recycle bin) as the sales user. */
  deleteAsUser(object: string, id: string): void;
  /** A record by id; deleted ones only with `includeDeleted`. */
  get(object: string, id: string, options?: { readonly includeDeleted?: boolean }): SandboxRecord | undefined;
  /** Every live record of an object, oldest first. */
  list(object: string): SandboxRecord[];
  /** API requests counted in the rolling 24 hours, and the allocation. */
  apiUsage(): { readonly used: number; readonly max: number };
  requests(): readonly RequestLogEntry[];
  clearRequests(): void;
  outboundAttempts(): readonly OutboundAttempt[];
}

export interface SandboxSalesforce {
  readonly app: Hono<Env>;
  readonly organizationId: string;
  /** The integration user the OAuth flow authorizes: `LastModifiedById` of API writes. */
  readonly apiUserId: string;
  readonly salesUserId: string;
  readonly state: SandboxSalesforceState;
  readonly faults: SandboxFaults;
  /** Points outbound messages somewhere else (or nowhere), e.g. once the listener's port is known. */
  setOutboundTarget(url: string | undefined): void;
  /** Delivers every queued notification now, retries included, and resolves when all are done. */
  flushOutbound(): Promise<void>;
  /** Stops delivery timers and waits for deliveries in flight. */
  close(): Promise<void>;
}

/**
 * A wire-compatible stand-in for a Salesforce org (OAuth web server flow with PKCE, REST sObjects,
 * Collections, SOQL, describe, limits, Bulk API 2.0, Metadata `CustomField` creation, Outbound Messages,
 * fault injection), served by a Hono app. `jsforce` works against it unchanged with `loginUrl` and
 * `instanceUrl` set to where the app listens. See README.md here for what follows Salesforce and what not.
 */
export function createSandboxSalesforce(options: SandboxSalesforceOptions): SandboxSalesforce {
  const now = options.clock ?? Date.now;
  const config: SandboxConfig = {
    organizationId: options.organizationId ?? makeId('00D', 1),
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 7200,
    rotateRefreshTokens: options.rotateRefreshTokens ?? false,
    apiUser: { id: makeId('005', 1), username: 'integration@rowbridge.test', name: 'Rowbridge Integration' },
    salesUser: { id: makeId('005', 2), username: 'sales.user@rowbridge.test', name: 'Sandbox Sales User' },
    dailyApiRequests: options.dailyApiRequests ?? 100_000,
    queryBatchSize: options.queryBatchSize ?? 2000,
    versions: ['58.0', '59.0', '60.0', '61.0', '62.0'],
  };
  const instanceUrl = options.instanceUrl;
  const currentInstanceUrl = typeof instanceUrl === 'function' ? instanceUrl : () => instanceUrl;
  // A getter, not a copy: `instanceUrlOf` then sees the URL as it is when each request comes in.
  if (instanceUrl !== undefined) {
    Object.defineProperty(config, 'instanceUrl', { get: currentInstanceUrl, enumerable: true });
  }
  const store = salesforceStateFile(options.stateFile, now);
  const outbound = new OutboundDispatcher({
    config,
    read: () => store.read(),
    instanceUrl: () => currentInstanceUrl() ?? 'https://sandbox.rowbridge.test',
    options: options.outbound,
  });
  const core: Core = { config, store, now, emit: (changes) => outbound.enqueue(changes) };
  const { faults, middleware, consent } = createFaults(() => expireAllTokens(core));
  const log: RequestLogEntry[] = [];
  const app = createApp({ core, faults: middleware, consent, log });
  const asUser: Actor = { userId: config.salesUser.id, kind: 'user' };
  const asImport: Actor = { userId: config.salesUser.id, kind: 'import' };

  const live = (ctx: WriteContext, type: string, id: string) => {
    const object = objectNamed(type);
    return { object, record: liveRecord(ctx, object, id, toId18(id)) };
  };

  const state: SandboxSalesforceState = {
    createAccessToken: () => createAccessToken(core),
    createListView(type, label, where) {
      const object = objectNamed(type);
      return core.store.write((data) => {
        const id = makeId('00B', Object.keys(data.listViews).length + 1);
        data.listViews[id] = { id, label, sobjectType: object.name, where };
        return id;
      });
    },
    seed: (type, records) =>
      writeRecords(core, asImport, (ctx) => {
        const object = objectNamed(type);
        // All or nothing, like an import that is checked before it starts.
        const planned = records.map((input) => checkFields(ctx, object, input, 'create'));
        return planned.map((values) => {
          checkUnique(ctx, object, values);
          return createRecord(ctx, object, values).id;
        });
      }),
    createAsUser: (type, fields) =>
      writeRecords(core, asUser, (ctx) => {
        const object = objectNamed(type);
        const values = checkFields(ctx, object, fields, 'create');
        checkUnique(ctx, object, values);
        return createRecord(ctx, object, values).id;
      }),
    editAsUser: (type, id, fields) =>
      writeRecords(core, asUser, (ctx) => {
        const { object, record } = live(ctx, type, id);
        const values = checkFields(ctx, object, fields, 'update');
        checkUnique(ctx, object, values, record.id);
        return { ...updateRecord(ctx, object, record, values).fields };
      }),
    deleteAsUser(type, id) {
      writeRecords(core, asUser, (ctx) => {
        const { object, record } = live(ctx, type, id);
        deleteRecord(ctx, object, record);
      });
    },
    get(type, id, input = {}) {
      const id18 = toId18(id);
      const record = id18 ? store.read().records[objectNamed(type).name]?.[id18] : undefined;
      if (!record || (record.fields.IsDeleted === true && !input.includeDeleted)) return undefined;
      return { ...record.fields };
    },
    list: (type) =>
      Object.values(store.read().records[objectNamed(type).name] ?? {})
        .filter((record) => record.fields.IsDeleted !== true)
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((record) => ({ ...record.fields })),
    apiUsage: () => ({ used: apiRequestsUsed(store.read(), now()), max: config.dailyApiRequests }),
    requests: () => log,
    clearRequests: () => {
      log.length = 0;
    },
    outboundAttempts: () => outbound.attempts(),
  };

  return {
    app,
    organizationId: config.organizationId,
    apiUserId: config.apiUser.id,
    salesUserId: config.salesUser.id,
    state,
    faults,
    setOutboundTarget: (url) => outbound.setTarget(url),
    flushOutbound: () => outbound.flush(),
    close: () => outbound.close(),
  };
}
