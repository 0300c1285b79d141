import * as z from 'zod';
import { apiErrorSchema } from '../../shared/api/common.ts';
import type { RouteDefinition } from '../../shared/api/define.ts';
import { ROUTES } from '../../shared/api/routes.ts';
import type { ErrorCode } from '../../shared/errors.ts';
import { type ErrorStatus, statusForCode } from '../http-errors.ts';
import { MAX_BODY_BYTES } from './validate.ts';

type JsonSchema = Record<string, unknown>;

/** The parts of an OpenAPI 3.1 document this generator writes (a type, not an interface, so it is JSON-like). */
export type OpenApiDocument = {
  readonly openapi: '3.1.0';
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly tags: readonly { readonly name: string }[];
  readonly paths: Record<string, Record<string, OpenApiOperation>>;
  readonly components: {
    readonly schemas: Record<string, JsonSchema>;
    readonly securitySchemes: Record<string, JsonSchema>;
  };
};

export type OpenApiOperation = {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly security: readonly Record<string, readonly string[]>[];
  readonly parameters?: readonly OpenApiParameter[];
  readonly requestBody?: JsonSchema;
  readonly responses: Record<string, JsonSchema>;
};

export type OpenApiParameter = {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly required: boolean;
  readonly schema: JsonSchema;
};

const ERROR_REF = { $ref: '#/components/schemas/ApiError' };

const STATUS_TEXT: Record<ErrorStatus, string> = {
  400: 'The request is invalid: unknown fields, wrong types or malformed JSON',
  401: 'The Google identity token is missing, expired or not for this add-on',
  403: 'The caller may not act for this spreadsheet (wrong or missing sheet secret)',
  404: 'No such resource for the caller’s spreadsheet',
  409: 'The request conflicts with the current state',
  413: `The body is over ${MAX_BODY_BYTES} bytes`,
  415: 'The body is not sent as application/json',
  429: 'Too many requests; retry after the time in Retry-After',
  500: 'A server fault; it has been logged',
  502: 'The CRM kept failing after retries with backoff; try again later',
  503: 'The database is unreachable (down or restarting); nothing was changed, retry after Retry-After',
};

/**
 * Request and response schemas are both converted as zod *input*: a request is what the client sends
 * (defaults may be omitted), and a response is what the server sends, which it checks by parsing it with
 * the same schema. Unrepresentable types (dates, transforms without an input side) throw, so a contract
 * that cannot be documented fails its test instead of publishing `{}`.
 */
function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' });
  return rest;
}

function parameters(route: RouteDefinition): OpenApiParameter[] {
  const list: OpenApiParameter[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const object = jsonSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(object.properties ?? {})) {
      const required = where === 'path' || (object.required ?? []).includes(name);
      list.push({ name, in: where, required, schema: property });
    }
  }
  return list;
}

function security(route: RouteDefinition): Record<string, string[]>[] {
  if (route.auth !== 'addon') return [];
  // Both schemes in one object: the add-on must send both headers, not either.
  return [route.sheetSecret === false ? { googleIdentity: [] } : { googleIdentity: [], sheetSecret: [] }];
}

/** Which error statuses a route can answer with, each naming the route-specific codes behind it. */
function errorResponses(route: RouteDefinition): Record<string, JsonSchema> {
  const statuses = new Set<ErrorStatus>([400, 500]);
  if (route.params) statuses.add(404);
  if (route.body) for (const status of [413, 415] as const) statuses.add(status);
  if (route.auth === 'addon') for (const status of [401, 403, 429, 503] as const) statuses.add(status);
  const codes = new Map<ErrorStatus, ErrorCode[]>();
  for (const code of route.errors ?? []) {
    const status = statusForCode(code);
    statuses.add(status);
    codes.set(status, [...(codes.get(status) ?? []), code]);
  }
  const responses: Record<string, JsonSchema> = {};
  for (const status of [...statuses].sort((a, b) => a - b)) {
    const specific = codes.get(status);
    const description = specific
      ? `${STATUS_TEXT[status]}. Codes: ${specific.join(', ')}.`
      : `${STATUS_TEXT[status]}.`;
    responses[status] = { description, content: { 'application/json': { schema: ERROR_REF } } };
  }
  return responses;
}

function operation(operationId: string, route: RouteDefinition): OpenApiOperation {
  const params = parameters(route);
  const mediaType = route.responseType === 'text' ? 'text/plain' : 'application/json';
  return {
    operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: route.tags,
    security: security(route),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(route.body) } },
          },
        }
      : {}),
    responses: {
      200: { description: 'OK', content: { [mediaType]: { schema: jsonSchema(route.response) } } },
      ...errorResponses(route),
    },
  };
}

/**
 * The OpenAPI 3.1 document for `routes` (the whole v1 contract by default), generated rather than
 * written so it cannot disagree with what the server validates.
 */
export function buildOpenApiDocument(options: {
  readonly version: string;
  readonly routes?: Readonly<Record<string, RouteDefinition>>;
}): OpenApiDocument {
  const routes = options.routes ?? ROUTES;
  const paths: Record<string, Record<string, OpenApiOperation>> = {};
  for (const [operationId, route] of Object.entries(routes)) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(operationId, route) };
  }
  const tags = [...new Set(Object.values(routes).flatMap((route) => route.tags))].map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Rowbridge companion API',
      version: options.version,
      description:
        'Called by the Rowbridge Google Sheets add-on. Errors always have the body {"error":{"code","message","details"}}; ' +
        'clients branch on `code`.',
    },
    tags,
    paths,
    components: {
      schemas: { ApiError: jsonSchema(apiErrorSchema) },
      securitySchemes: {
        googleIdentity: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Authorization: Bearer <Google identity token from ScriptApp.getIdentityToken()>',
        },
        sheetSecret: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Rowbridge-Sheet-Secret',
          description: 'The per-spreadsheet secret returned by the first bind, kept in document properties',
        },
      },
    },
  };
}
