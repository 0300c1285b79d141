import type { Context, Env, Hono, MiddlewareHandler } from 'hono';
import type { HandlerResult, RouteDefinition, RouteInput } from '../../shared/api/define.ts';
import { limitBody, problemsFromIssues, requireJson, validateInput } from './validate.ts';

/** A route's handler: gets validated, typed input and returns the response body (status 200). */
export type RouteHandler<R extends RouteDefinition, E extends Env = Env> = (
  c: Context<E>,
  input: RouteInput<R>,
) => HandlerResult<R> | Promise<HandlerResult<R>>;

export interface RouteOptions<E extends Env = Env> {
  /**
   * Check every response against the route's schema and answer 500 on a mismatch, so tests catch the
   * server drifting from the contract the add-on was built against. Defaults to on unless
   * NODE_ENV=production, where a small drift should not take a working feature down.
   */
  readonly checkResponse?: boolean;
  /** Middleware that runs before anything else, e.g. authentication: a stranger gets 401, not a 400. */
  readonly before?: readonly MiddlewareHandler<E>[];
}

const CHECK_RESPONSES_BY_DEFAULT = process.env.NODE_ENV !== 'production';

/** `/api/v1/tables/{tableId}` → `/api/v1/tables/:tableId`: the contract uses OpenAPI's syntax, Hono its own. */
export function honoPath(path: string): string {
  return path.replace(/\{([A-Za-z][A-Za-z0-9_]*)\}/g, ':$1');
}

/** Thrown when a handler's result breaks the contract; `handleError` logs it and answers 500 `internal`. */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
}

/**
 * Registers `handler` for a contract route on `app`: JSON routes get the content-type check and the 1 MB
 * body limit, every route gets its params, query and body validated, and (outside production) the
 * response checked.
 *
 * @example route(app, ROUTES.getTable, async (c, { params }) => tables.get(params.tableId))
 */
export function route<R extends RouteDefinition, E extends Env>(
  app: Hono<E>,
  definition: R,
  handler: RouteHandler<R, E>,
  options: RouteOptions<E> = {},
): void {
  const checkResponse = options.checkResponse ?? CHECK_RESPONSES_BY_DEFAULT;
  const respond: MiddlewareHandler<E> = async (c) => {
    const result = await handler(c, await validateInput(definition, c));
    if (checkResponse) {
      const checked = definition.response.safeParse(result);
      if (!checked.success) {
        const problems = problemsFromIssues('body', checked.error.issues).map((problem) => problem.message);
        throw new ContractViolation(
          `The response of ${definition.method} ${definition.path} does not match its contract: ${problems.join('; ')}`,
        );
      }
    }
    // The handler's own value is sent, not the parsed copy, so checking changes nothing a client sees.
    return definition.responseType === 'text' ? c.text(String(result)) : c.json(result as object);
  };
  const path = honoPath(definition.path);
  // Hono runs every handler registered for a method and path in registration order, so these come first.
  for (const middleware of options.before ?? []) app.on(definition.method, path, middleware);
  if (definition.body) app.on(definition.method, path, requireJson, limitBody, respond);
  else app.on(definition.method, path, respond);
}
