import type { MiddlewareHandler } from 'hono';
import type { Core, Env } from './core.ts';
import { GoogleApiError } from './errors.ts';

/** Requests allowed per minute, for reads and for writes. */
export interface PerMinute {
  readonly read: number;
  readonly write: number;
}

export interface QuotaOptions {
  /** Per user (here: per bearer token) per project. Google's default: 60 reads and 60 writes a minute. */
  readonly perUser?: Partial<PerMinute>;
  /** For the whole project (every token of this sandbox). Google's default: 300 reads and 300 writes a minute. */
  readonly perProject?: Partial<PerMinute>;
}

/** Google's default Sheets API quotas (https://developers.google.com/workspace/sheets/api/limits). */
export const DEFAULT_QUOTAS = {
  perUser: { read: 60, write: 60 },
  perProject: { read: 300, write: 300 },
} as const;

/** The project number 429 messages name; a sandbox has no real one. */
export const SANDBOX_PROJECT_NUMBER = '100000000001';

const MINUTE = 60_000;

type Kind = 'read' | 'write';
type Scope = 'user' | 'project';

/**
 * The 429 Sheets answers when a per-minute quota is used up, in the wording clients have captured:
 * "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user' of service
 * 'sheets.googleapis.com' for consumer 'project_number:…'." with status RESOURCE_EXHAUSTED and an `ErrorInfo`
 * detail (reason RATE_LIMIT_EXCEEDED, quota_metric, quota_limit). The project-wide limit is named
 * 'Write requests per minute'. No Retry-After header: Google documents none for these.
 */
export function quotaExceeded(kind: Kind, scope: Scope, limit: number): GoogleApiError {
  const metric = kind === 'read' ? 'Read' : 'Write';
  const limitName =
    scope === 'user' ? `${metric} requests per minute per user` : `${metric} requests per minute`;
  const message =
    `Quota exceeded for quota metric '${metric} requests' and limit '${limitName}' of service ` +
    `'sheets.googleapis.com' for consumer 'project_number:${SANDBOX_PROJECT_NUMBER}'.`;
  return new GoogleApiError(429, 'RESOURCE_EXHAUSTED', message, {
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'RATE_LIMIT_EXCEEDED',
        domain: 'googleapis.com',
        metadata: {
          service: 'sheets.googleapis.com',
          consumer: `projects/${SANDBOX_PROJECT_NUMBER}`,
          quota_metric: `sheets.googleapis.com/${kind}_requests`,
          quota_limit: `${metric}RequestsPerMinutePer${scope === 'user' ? 'User' : 'Project'}`,
          quota_limit_value: String(limit),
        },
      },
    ],
  });
}

/** Counts per key within the current clock minute; Google refills its per-minute quotas every minute. */
class MinuteCounter {
  #minute = Number.NaN;
  readonly #counts = new Map<string, number>();

  count(key: string, now: number): number {
    this.#roll(now);
    return this.#counts.get(key) ?? 0;
  }

  add(key: string, now: number): void {
    this.#roll(now);
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  #roll(now: number): void {
    const minute = Math.floor(now / MINUTE);
    if (minute === this.#minute) return;
    this.#minute = minute;
    this.#counts.clear();
  }
}

/**
 * Per-user and per-project read and write quotas, counted in clock minutes (`core.now`, so tests move time
 * instead of waiting). The user is the bearer token. A refused request does not count.
 */
export function quotas(core: Core, options: QuotaOptions): MiddlewareHandler<Env> {
  const perUser = { ...DEFAULT_QUOTAS.perUser, ...options.perUser };
  const perProject = { ...DEFAULT_QUOTAS.perProject, ...options.perProject };
  const counter = new MinuteCounter();
  return async (c, next) => {
    const { kind } = c.get('call');
    const now = core.now();
    const userKey = `${kind}:user:${c.get('token')}`;
    const projectKey = `${kind}:project`;
    if (counter.count(userKey, now) >= perUser[kind]) throw quotaExceeded(kind, 'user', perUser[kind]);
    if (counter.count(projectKey, now) >= perProject[kind])
      throw quotaExceeded(kind, 'project', perProject[kind]);
    counter.add(userKey, now);
    counter.add(projectKey, now);
    await next();
  };
}
