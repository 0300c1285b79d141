import { Hono } from 'hono';
import * as z from 'zod';
import type { Core, Env } from './core.ts';
import { SalesforceError } from './errors.ts';

/** Query, QueryAll and their next-batch locators: the subrequests of which a composite call takes 5. */
const QUERY_URL = /^\/services\/data\/v[\d.]+\/query(?:All)?(?:[/?]|$)/;

/** Marks a subrequest of a composite call, so it is not counted against the API allocation again. */
export const SUBREQUEST_HEADER = 'x-sandbox-composite-subrequest';

const compositeSchema = z.object({
  allOrNone: z.boolean().optional(),
  compositeRequest: z
    .array(
      z.object({
        method: z.enum(['GET', 'POST', 'PATCH', 'DELETE', 'PUT']),
        url: z.string().startsWith('/services/data/'),
        referenceId: z.string().min(1),
        body: z.unknown().optional(),
      }),
    )
    .min(1),
});

/**
 * `POST /composite`: up to 25 subrequests in one call, at most 5 of them queries, counted as one API request, each answered in
 * `compositeResponse` with its body, status and reference id. Subrequests run in order through the same
 * app (authentication, faults), without counting. Reference ids (`@{ref.id}`) between subrequests are not
 * resolved: Rowbridge sends independent queries only.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite.htm
 */
export function compositeRoutes(
  _core: Core,
  dispatch: (request: Request) => Response | Promise<Response>,
): Hono<Env> {
  const app = new Hono<Env>();
  app.post('/composite', async (c) => {
    const parsed = compositeSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success)
      throw new SalesforceError(400, 'JSON_PARSER_ERROR', 'The composite request body is not valid.');
    const requests = parsed.data.compositeRequest;
    if (requests.length > 25) {
      throw new SalesforceError(
        400,
        'INVALID_API_INPUT',
        'Composite requests can contain a maximum of 25 subrequests.',
      );
    }
    // Salesforce documents the limit (5 query operations, Query More included) but not the error it
    // answers with; this wording and code are the sandbox's own.
    const queries = requests.filter((sub) => QUERY_URL.test(sub.url)).length;
    if (queries > 5) {
      throw new SalesforceError(
        400,
        'INVALID_API_INPUT',
        `Composite requests can contain a maximum of 5 query operations; this one has ${queries}.`,
      );
    }
    const origin = new URL(c.req.url).origin;
    const compositeResponse = [];
    for (const sub of requests) {
      const response = await dispatch(
        new Request(`${origin}${sub.url}`, {
          method: sub.method,
          headers: {
            authorization: c.req.header('authorization') ?? '',
            'content-type': 'application/json',
            [SUBREQUEST_HEADER]: '1',
          },
          ...(sub.body === undefined ? {} : { body: JSON.stringify(sub.body) }),
        }),
      );
      const text = await response.text();
      compositeResponse.push({
        body: text ? JSON.parse(text) : null,
        httpHeaders: {},
        httpStatusCode: response.status,
        referenceId: sub.referenceId,
      });
    }
    return c.json({ compositeResponse });
  });
  return app;
}
