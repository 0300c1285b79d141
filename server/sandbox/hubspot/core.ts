import type { Context } from 'hono';
import type * as z from 'zod';
import { invalidInput } from './errors.ts';
import type { AccessTokenRecord, Actor, ChangeEvent } from './model.ts';
import type { SandboxStore } from './state.ts';

/** Fixed facts of one sandbox portal. */
export interface SandboxConfig {
  readonly portalId: number;
  /** The OAuth app's id: `sourceId` of its writes and `appId` of its webhook events. */
  readonly appId: number;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly accessTokenTtlSeconds: number;
  /** The one HubSpot user of the portal: who installs the app and who edits "as a user". */
  readonly user: { readonly id: number; readonly email: string };
}

/** What every route module needs. */
export interface Core {
  readonly config: SandboxConfig;
  readonly store: SandboxStore;
  readonly now: () => number;
  /** Hands changes that were saved to the webhook dispatcher. */
  readonly emit: (events: readonly ChangeEvent[]) => void;
}

/** Hono variables set by the auth middleware for `/crm/*` routes. */
export type Env = { Variables: { token: AccessTokenRecord; actor: Actor } };

/** Writes through an app's token are the app's: `INTEGRATION` with the app id as source. */
export function actorForToken(token: AccessTokenRecord): Actor {
  return { sourceType: 'INTEGRATION', sourceId: String(token.appId), changeSource: 'INTEGRATION' };
}

/** Edits made in HubSpot's UI by the portal's user. */
export function userActor(userId: number): Actor {
  return { sourceType: 'CRM_UI', sourceId: `userId:${userId}`, userId, changeSource: 'CRM_UI' };
}

/** Parses a JSON body against `schema`, answering HubSpot's 400 for unparsable or ill-shaped input. */
export async function readJson<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  const text = await c.req.text();
  let parsed: unknown;
  try {
    parsed = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    throw invalidInput((error as Error).message);
  }
  const result = schema.safeParse(parsed);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  throw invalidInput(`${where}${issue?.message ?? 'invalid'}`);
}

/** A list query parameter, given repeated (as the SDK sends it) or comma-separated. */
export function listParam(c: Context, name: string): string[] | undefined {
  const values = c.req.queries(name);
  if (!values) return undefined;
  return values.flatMap((value) => value.split(',')).filter((value) => value !== '');
}

/** The origin requests came to, for `paging.next.link` and `Location`. */
export function originOf(c: Context): string {
  return new URL(c.req.url).origin;
}
