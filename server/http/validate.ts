import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as z from 'zod';
import type { RouteDefinition, RouteInput } from '../../shared/api/define.ts';
import { type Problem, RowbridgeError } from '../../shared/errors.ts';

/** The largest request body accepted: a 500-conflict resolve or a few thousand changed rows fit easily. */
export const MAX_BODY_BYTES = 1024 * 1024;

// `application/json`, with parameters (`; charset=utf-8`) and structured suffixes (`application/x+json`).
const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

/** 415 unless the request says it carries JSON: a form post or plain text is a client bug, not bad JSON. */
export const requireJson: MiddlewareHandler = async (c, next) => {
  if (!JSON_MEDIA_TYPE.test(c.req.header('content-type') ?? '')) {
    throw new RowbridgeError(
      'unsupported_media_type',
      'This endpoint takes a JSON body: send it with the header Content-Type: application/json.',
    );
  }
  await next();
};

/**
 * 413 for bodies over `MAX_BODY_BYTES`. Hono's middleware checks Content-Length when sent and otherwise
 * counts the bytes as they stream in (chunked uploads), stopping at the limit instead of buffering it all.
 */
export const limitBody: MiddlewareHandler = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: (c) => {
    // Without it the connection is kept alive, so Node reads (and drops) the rest of the body first:
    // a client streaming gigabytes keeps the server busy. Closing makes the client stop sending.
    c.header('connection', 'close');
    throw new RowbridgeError(
      'payload_too_large',
      `The request body is over ${MAX_BODY_BYTES / 1024 / 1024} MB; split it into smaller requests.`,
    );
  },
});

/** Parses the JSON body, turning a syntax error into 400 `invalid_json` instead of a 500. */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') {
    throw new RowbridgeError('invalid_json', 'The request body is empty; send a JSON object.');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof SyntaxError ? `: ${error.message}` : '';
    throw new RowbridgeError('invalid_json', `The request body is not valid JSON${reason}.`);
  }
}

type Location = 'params' | 'query' | 'body';

// A route without a query schema takes no query parameters: any given is an unknown field.
const NOTHING = z.strictObject({});

/**
 * Zod issues as problems whose path starts with where the value was (`body.resolutions.0.take`). An
 * unknown-keys issue becomes one problem per key, pointing at the key itself, so a client can mark it.
 */
export function problemsFromIssues(location: Location, issues: readonly z.core.$ZodIssue[]): Problem[] {
  return issues.flatMap((issue) => {
    const base = [location, ...issue.path.filter((part) => typeof part !== 'symbol')];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) =>
        problem([...base, key], 'unknown field; remove it or check its spelling'),
      );
    }
    return [problem(base, issue.message)];
  });
}

function problem(path: (string | number)[], message: string): Problem {
  return { code: 'invalid_input', path, message: `${path.join('.')}: ${message}` };
}

/** One `invalid_input` error: the first problem and the count in the message, every problem in details. */
export function invalidInput(problems: readonly Problem[]): RowbridgeError {
  const first = problems[0]?.message ?? 'invalid';
  const count = problems.length > 1 ? ` (1 of ${problems.length} problems; see details)` : '';
  return new RowbridgeError('invalid_input', `Invalid request: ${first}${count}`, problems);
}

// Query values arrive as strings. A repeated key (`?status=a&status=b`) is ambiguous, so it is refused; an
// empty one (`?rowId=`, as URL templates leave unused filters) means "not given".
function queryOf(c: Context): { values: Record<string, string>; problems: Problem[] } {
  const values: Record<string, string> = {};
  const problems: Problem[] = [];
  for (const [key, all] of Object.entries(c.req.queries())) {
    if (all.length > 1) problems.push(problem(['query', key], 'give this parameter once'));
    else if (all[0]) values[key] = all[0];
  }
  return { values, problems };
}

/**
 * Validates a request's path parameters, query and JSON body against its route, reporting every problem
 * in all three at once. The body must already have passed `requireJson` and `limitBody`.
 */
export async function validateInput<R extends RouteDefinition>(route: R, c: Context): Promise<RouteInput<R>> {
  const query = queryOf(c);
  const problems = [...query.problems];
  const parse = (location: Location, schema: z.ZodType, value: unknown): unknown => {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    problems.push(...problemsFromIssues(location, result.error.issues));
    return undefined;
  };
  const params = parse('params', route.params ?? NOTHING, c.req.param());
  const queryValue = parse('query', route.query ?? NOTHING, query.values);
  const body = route.body ? parse('body', route.body, await readJsonBody(c)) : undefined;
  if (problems.length > 0) throw invalidInput(problems);
  return { params, query: queryValue, body } as RouteInput<R>;
}
