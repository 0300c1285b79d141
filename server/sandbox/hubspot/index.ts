import type { Hono } from 'hono';
import { createApp, type RequestLogEntry } from './app.ts';
import { associate } from './associations.ts';
import { type Core, type Env, type SandboxConfig, userActor } from './core.ts';
import { createFaults, type SandboxFaults } from './faults.ts';
import { type Actor, OBJECT_INFO, resolveObjectType } from './model.ts';
import { createPrivateAppToken, expireAllTokens } from './oauth.ts';
import type { RateLimitOptions } from './rate-limit.ts';
import {
  archiveRecord,
  type Claims,
  checkProperties,
  claim,
  createRecord,
  findRecord,
  type PropertyInput,
  type RecordJson,
  recordJson,
  uniqueConflict,
  updateRecord,
  WriteContext,
  writeRecords,
} from './records.ts';
import { SandboxStore } from './state.ts';
import { type WebhookAttempt, WebhookDispatcher, type WebhookOptions } from './webhooks.ts';

export type { RequestLogEntry } from './app.ts';
export { tokenHint } from './app.ts';
export type { FaultMatch, SandboxFaults } from './faults.ts';
export { OBJECT_TYPES, type ObjectType } from './model.ts';
export type { RateLimitOptions } from './rate-limit.ts';
export type { PropertyInput } from './records.ts';
export { SEARCH_RESULT_CEILING } from './search.ts';
export {
  signV3,
  type WebhookAttempt,
  type WebhookEvent,
  type WebhookOptions,
  type WebhookSubscription,
} from './webhooks.ts';

export interface SandboxHubSpotOptions {
  /** JSON state file in the data folder (e.g. `<dataDir>/sandbox/hubspot.json`); undefined keeps state in memory. */
  readonly stateFile?: string;
  /** Milliseconds since the epoch; drives timestamps, token expiry and rate-limit windows. */
  readonly clock?: () => number;
  readonly portalId?: number;
  /** The OAuth app's id (defaults to `webhook.appId`, else a fixed sandbox id). */
  readonly appId?: number;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Lifetime of OAuth access tokens (HubSpot: 1800 s). */
  readonly accessTokenTtlSeconds?: number;
  readonly webhook?: WebhookOptions;
  /** Per-token limits (default 100 per 10 s, 5 searches per second); false turns them off. */
  readonly rateLimit?: RateLimitOptions | false;
}

/** A record as the v3 API shows it (`SimplePublicObject`). */
export type SandboxRecord = RecordJson;

/** In-process access to the portal's state, for tests and the CLI: what a HubSpot user would do in the UI. */
export interface SandboxHubSpotState {
  /** A private app token (`pat-na1-…`): never expires, writes are attributed to `appId`. */
  createPrivateAppToken(options?: { readonly scopes?: readonly string[]; readonly appId?: number }): string;
  /** Creates records as an import: validated like API writes, but no webhooks. Returns their ids. */
  seed(type: string, records: readonly PropertyInput[]): string[];
  /** Creates a record as the portal's user in the CRM UI (webhooks fire, source `CRM_UI`). */
  createAsUser(type: string, properties: PropertyInput): string;
  /** Edits a record as the portal's user in the CRM UI (webhooks fire, history source `CRM_UI`). */
  editAsUser(type: string, id: string, properties: PropertyInput): SandboxRecord;
  /** Deletes (archives) a record as the portal's user. */
  deleteAsUser(type: string, id: string): void;
  /** A live record with every stored property, and the history of `propertiesWithHistory`. */
  get(
    type: string,
    id: string,
    options?: { readonly propertiesWithHistory?: readonly string[] },
  ): SandboxRecord | undefined;
  /** Every live record of a type, with every stored property, by id. */
  list(type: string): SandboxRecord[];
  /** Creates a static list of these records, as a user would in the CRM; returns its list id. */
  createList(name: string, type: string, recordIds: readonly string[]): string;
  /** Associates two records (the pair's default type unless `typeId` is given). */
  associate(fromType: string, fromId: string, toType: string, toId: string, typeId?: number): void;
  /** Every request answered so far (method, path, status, token hint). */
  requests(): readonly RequestLogEntry[];
  clearRequests(): void;
  /** Every webhook POST attempted so far. */
  webhookAttempts(): readonly WebhookAttempt[];
}

export interface SandboxHubSpot {
  readonly app: Hono<Env>;
  readonly portalId: number;
  readonly appId: number;
  readonly state: SandboxHubSpotState;
  readonly faults: SandboxFaults;
  /** Points webhook delivery somewhere else (or nowhere), e.g. once the receiver's port is known. */
  setWebhookTarget(url: string | undefined): void;
  /** Delivers every queued webhook event now, retries included, and resolves when all are done. */
  flushWebhooks(): Promise<void>;
  /** Stops webhook timers and waits for deliveries in flight. */
  close(): Promise<void>;
}

const IMPORT: Actor = { sourceType: 'IMPORT', changeSource: 'IMPORT' };

/**
 * A wire-compatible stand-in for HubSpot's CRM API (OAuth, objects v3 with batch and search, associations
 * v4, properties, pipelines, rate limits, signed webhooks, fault injection), served by a Hono app. The
 * official `@hubspot/api-client` works against it unchanged with `basePath` set to where the app listens.
 * See README.md in this folder for what is modelled and what is assumed.
 */
export function createSandboxHubSpot(options: SandboxHubSpotOptions): SandboxHubSpot {
  const now = options.clock ?? Date.now;
  const config: SandboxConfig = {
    portalId: options.portalId ?? 99_000_001,
    appId: options.appId ?? options.webhook?.appId ?? 3_000_001,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 1800,
    user: { id: 5_000_001, email: 'sandbox.user@rowbridge.test' },
  };
  const webhooks = new WebhookDispatcher({
    portalId: config.portalId,
    appId: config.appId,
    clientSecret: config.clientSecret,
    options: options.webhook,
  });
  const core: Core = {
    config,
    store: new SandboxStore(options.stateFile, now),
    now,
    emit: (events) => webhooks.enqueue(events),
  };
  const { faults, middleware } = createFaults(() => expireAllTokens(core));
  const log: RequestLogEntry[] = [];
  const app = createApp({ core, faults: middleware, rateLimit: options.rateLimit ?? {}, log });
  const asUser = userActor(config.user.id);

  const live = (ctx: WriteContext, type: string, id: string) => {
    const objectType = resolveObjectType(type);
    const record = findRecord(ctx, objectType, id);
    if (!record) throw new Error(`No live ${OBJECT_INFO[objectType].singular} with id ${id} in the sandbox.`);
    return { objectType, record };
  };

  const state: SandboxHubSpotState = {
    createPrivateAppToken: (input = {}) =>
      createPrivateAppToken(
        core,
        input.scopes ?? ['crm.objects.contacts.read', 'crm.objects.contacts.write'],
        input.appId ?? config.appId,
      ),
    seed(type, records) {
      const objectType = resolveObjectType(type);
      return core.store.write((data) => {
        const ctx = new WriteContext(data, now(), IMPORT);
        const claims: Claims = new Map();
        const planned = records.map((input, at) => {
          const values = checkProperties(data, objectType, input, 'create');
          const conflict = uniqueConflict(ctx, objectType, values, undefined, claims);
          if (conflict) throw conflict;
          claim(ctx, objectType, values, claims, at);
          return values;
        });
        return planned.map((values) => createRecord(ctx, objectType, values).id);
      });
    },
    createAsUser(type, properties) {
      const objectType = resolveObjectType(type);
      return writeRecords(core, asUser, (ctx) => {
        const values = checkProperties(ctx.data, objectType, properties, 'create');
        const conflict = uniqueConflict(ctx, objectType, values, undefined);
        if (conflict) throw conflict;
        return createRecord(ctx, objectType, values).id;
      });
    },
    editAsUser(type, id, properties) {
      return writeRecords(core, asUser, (ctx) => {
        const { objectType, record } = live(ctx, type, id);
        const values = checkProperties(ctx.data, objectType, properties, 'update');
        const conflict = uniqueConflict(ctx, objectType, values, record.id);
        if (conflict) throw conflict;
        return recordJson(ctx.data, objectType, updateRecord(ctx, objectType, record, values), { all: true });
      });
    },
    deleteAsUser(type, id) {
      writeRecords(core, asUser, (ctx) => {
        const { objectType, record } = live(ctx, type, id);
        archiveRecord(ctx, objectType, record);
      });
    },
    get(type, id, input = {}) {
      const objectType = resolveObjectType(type);
      const record = findRecord(new WriteContext(core.store.read(), now(), IMPORT), objectType, id);
      if (!record) return undefined;
      return recordJson(core.store.read(), objectType, record, {
        all: true,
        propertiesWithHistory: input.propertiesWithHistory,
      });
    },
    list(type) {
      const objectType = resolveObjectType(type);
      const data = core.store.read();
      return Object.values(data.records[objectType])
        .filter((record) => !record.archived)
        .sort((a, b) => Number(a.id) - Number(b.id))
        .map((record) => recordJson(data, objectType, record, { all: true }));
    },
    createList(name, type, recordIds) {
      const objectType = resolveObjectType(type);
      return core.store.write((data) => {
        const listId = String(Object.keys(data.lists).length + 1);
        const at = now();
        data.lists[listId] = {
          listId,
          name,
          objectType,
          createdAt: at,
          members: recordIds.map((recordId) => ({ recordId, joinedAt: at })),
        };
        return listId;
      });
    },
    associate(fromType, fromId, toType, toId, typeId) {
      core.store.write((data) =>
        associate(data, resolveObjectType(fromType), fromId, resolveObjectType(toType), toId, typeId),
      );
    },
    requests: () => log,
    clearRequests: () => {
      log.length = 0;
    },
    webhookAttempts: () => webhooks.attempts(),
  };

  return {
    app,
    portalId: config.portalId,
    appId: config.appId,
    state,
    faults,
    setWebhookTarget: (url) => webhooks.setTarget(url),
    flushWebhooks: () => webhooks.flush(),
    close: () => webhooks.close(),
  };
}
