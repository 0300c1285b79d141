import type * as z from 'zod';
import type { ErrorCode } from '../errors.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route. `addon`: the Google identity token plus the spreadsheet's secret (unless
 * `sheetSecret: false`); `webhook`: a CRM, proven by its signature; `none`: anyone (health, metrics, docs).
 */
export type RouteAuth = 'addon' | 'none' | 'webhook';

/**
 * An object schema that rejects unknown keys. Typed as strict so a route cannot silently accept (and
 * drop) fields a client misspelled: `z.object` does not compile here, `z.strictObject` does.
 */
export type StrictObjectSchema = z.ZodObject<z.core.$ZodShape, z.core.$strict>;

/** One HTTP route of the v1 API as data: what it accepts and returns. Server and add-on both read it. */
export interface RouteDefinition {
  readonly method: HttpMethod;
  /** OpenAPI-style path, parameters in braces: `/api/v1/tables/{tableId}`. */
  readonly path: `/${string}`;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly auth: RouteAuth;
  /**
   * `false` on `addon` routes callable before the spreadsheet has a secret (binding it). Opt-out rather
   * than opt-in, so forgetting it makes a route stricter, never looser.
   */
  readonly sheetSecret?: false;
  /** Path parameters; keys must match the braces in `path` exactly (checked by `defineRoute`). */
  readonly params?: StrictObjectSchema;
  /** Query parameters. Values arrive as strings, so numbers use `z.coerce`. */
  readonly query?: StrictObjectSchema;
  /** The JSON request body. */
  readonly body?: StrictObjectSchema;
  /** The 200 response: JSON unless `responseType` is `text`. */
  readonly response: z.ZodType;
  readonly responseType?: 'json' | 'text';
  /** Error codes specific to this route, beyond the ones every route can return (documentation only). */
  readonly errors?: readonly ErrorCode[];
}

const PATH_PARAM = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;

/** The parameter names in an OpenAPI-style path, in order. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(PATH_PARAM)].map((match) => match[1] ?? '');
}

/**
 * Declares a route, keeping its literal type so handlers and clients get typed input and output. Throws at
 * load time when the path's `{params}` and the params schema disagree: that mistake would otherwise only
 * show up as a 400 on every call.
 */
export function defineRoute<const R extends RouteDefinition>(route: R): R {
  const inPath = pathParamNames(route.path).sort();
  const inSchema = Object.keys(route.params?.shape ?? {}).sort();
  if (inPath.join() !== inSchema.join()) {
    throw new Error(
      `Route ${route.method} ${route.path}: path parameters [${inPath.join(', ')}] do not match the params schema [${inSchema.join(', ')}]`,
    );
  }
  if (route.body && route.method === 'GET') {
    throw new Error(`Route GET ${route.path}: a GET request has no body; use query parameters`);
  }
  return route;
}

type Schema<R, K extends 'params' | 'query' | 'body' | 'response'> = R extends { readonly [P in K]: infer S }
  ? S extends z.ZodType
    ? S
    : never
  : never;

/** What a route's handler receives after validation (defaults applied). Absent parts are empty. */
export interface RouteInput<R extends RouteDefinition> {
  readonly params: [Schema<R, 'params'>] extends [never]
    ? Record<string, never>
    : z.output<Schema<R, 'params'>>;
  readonly query: [Schema<R, 'query'>] extends [never] ? Record<string, never> : z.output<Schema<R, 'query'>>;
  readonly body: [Schema<R, 'body'>] extends [never] ? undefined : z.output<Schema<R, 'body'>>;
}

/** What a client sends as a route's JSON body (defaults may be left out). */
export type RequestBody<R extends RouteDefinition> = z.input<Schema<R, 'body'>>;
/** What a client sends as a route's query parameters, before string coercion. */
export type RequestQuery<R extends RouteDefinition> = z.input<Schema<R, 'query'>>;
/** A route's path parameters. */
export type RequestParams<R extends RouteDefinition> = z.input<Schema<R, 'params'>>;
/** What a route answers with on success. */
export type ResponseBody<R extends RouteDefinition> = z.output<R['response']>;
/** What a handler must return: the response schema's input, which the server checks before sending. */
export type HandlerResult<R extends RouteDefinition> = z.input<R['response']>;
