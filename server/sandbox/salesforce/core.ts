import type { Context } from 'hono';
import type { SharedStateFile } from '../state-file.ts';
import type { AccessTokenRecord, Actor, SandboxData } from './model.ts';

/** Fixed facts of one sandbox org. */
export interface SandboxConfig {
  readonly organizationId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Access tokens expire after this (Salesforce: the session timeout, two hours by default). */
  readonly accessTokenTtlSeconds: number;
  /** A refresh returns a new refresh token and revokes the old one (the connected app's rotation switch). */
  readonly rotateRefreshTokens: boolean;
  /** The user who authorizes the app: API writes are theirs (`LastModifiedById`). */
  readonly apiUser: SandboxUser;
  /** The sales user who edits "in the UI" (`createAsUser`, ...). */
  readonly salesUser: SandboxUser;
  /** The rolling 24-hour API request allocation (`DailyApiRequests.Max`). */
  readonly dailyApiRequests: number;
  /**
   * The largest SOQL page. Salesforce may return fewer than 2,000 records a page "based on the size and
   * complexity of records queried"; a smaller value lets tests exercise `nextRecordsUrl` on small data.
   */
  readonly queryBatchSize: number;
  /** The API versions served, newest last (`/services/data` lists them). */
  readonly versions: readonly string[];
  /** Overrides the request origin in token answers, identity URLs and outbound messages. */
  readonly instanceUrl?: string;
}

export interface SandboxUser {
  readonly id: string;
  readonly username: string;
  readonly name: string;
}

/** A record change the outbound message dispatcher may turn into a notification. */
export interface RecordChange {
  readonly object: string;
  readonly id: string;
  readonly kind: 'created' | 'updated' | 'deleted';
  readonly actor: Actor;
}

/** What every route module needs. */
export interface Core {
  readonly config: SandboxConfig;
  readonly store: SharedStateFile<SandboxData>;
  readonly now: () => number;
  /** Hands saved changes to the outbound message dispatcher. */
  readonly emit: (changes: readonly RecordChange[]) => void;
}

/** Hono variables set by the auth middleware. */
export type Env = { Variables: { token: AccessTokenRecord; actor: Actor } };

/**
 * The org's instance URL as clients should use it: the configured one (a sandbox mounted under a path
 * prefix), else the origin requests came to.
 */
export function instanceUrlOf(c: Context, config: SandboxConfig): string {
  return config.instanceUrl ?? new URL(c.req.url).origin;
}
