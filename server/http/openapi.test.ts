import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { pathParamNames, type RouteDefinition } from '../../shared/api/define.ts';
import { ROUTES } from '../../shared/api/routes.ts';
import { createApp } from '../app.ts';
import { buildOpenApiDocument, type OpenApiOperation } from './openapi.ts';

const document = buildOpenApiDocument({ version: '9.9.9' });
const routes = Object.entries(ROUTES) as [string, RouteDefinition][];

function operationOf(route: RouteDefinition): OpenApiOperation {
  const operation = document.paths[route.path]?.[route.method.toLowerCase()];
  if (!operation) throw new Error(`${route.method} ${route.path} is missing from the document`);
  return operation;
}

/** Every `$ref` anywhere in a value. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === '$ref' && typeof inner === 'string' ? [inner] : refsIn(inner),
  );
}

/** Follows a local JSON pointer (`#/components/schemas/ApiError`) from the document root. */
function resolve(ref: string): unknown {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], document);
}

describe('buildOpenApiDocument', () => {
  it('is an OpenAPI 3.1 document with the given version', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toMatchObject({ title: 'Rowbridge companion API', version: '9.9.9' });
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  });

  it.each(routes)('documents %s with its method, path, operation id and responses', (name, route) => {
    const operation = operationOf(route);
    expect(operation.operationId).toBe(name);
    expect(operation.summary).toBe(route.summary);
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '400', '500']));
    const mediaType = route.responseType === 'text' ? 'text/plain' : 'application/json';
    expect(operation.responses['200']).toMatchObject({
      content: { [mediaType]: { schema: expect.any(Object) } },
    });
  });

  it('has exactly one operation per route', () => {
    const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods));
    expect(operations.map((operation) => operation.operationId).sort()).toEqual(Object.keys(ROUTES).sort());
  });

  it('only has $refs that resolve inside the document', () => {
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref, ref).toMatch(/^#\/components\//);
      expect(resolve(ref), ref).toBeTypeOf('object');
    }
    expect(JSON.stringify(document)).not.toContain('$defs');
  });

  it('declares every path parameter, required, and the query parameters with their defaults', () => {
    for (const [, route] of routes) {
      const pathParams = (operationOf(route).parameters ?? []).filter((parameter) => parameter.in === 'path');
      expect(pathParams.map((parameter) => parameter.name)).toEqual(pathParamNames(route.path));
      expect(pathParams.every((parameter) => parameter.required)).toBe(true);
    }
    const audit = operationOf(ROUTES.listAudit).parameters ?? [];
    expect(audit.find((parameter) => parameter.name === 'limit')).toEqual({
      name: 'limit',
      in: 'query',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    });
  });

  it('requires both add-on headers, except to bind a spreadsheet, and none on public routes', () => {
    expect(operationOf(ROUTES.listTables).security).toEqual([{ googleIdentity: [], sheetSecret: [] }]);
    expect(operationOf(ROUTES.bindSpreadsheet).security).toEqual([{ googleIdentity: [] }]);
    expect(operationOf(ROUTES.health).security).toEqual([]);
    expect(document.components.securitySchemes).toMatchObject({
      googleIdentity: { type: 'http', scheme: 'bearer' },
      sheetSecret: { type: 'apiKey', in: 'header', name: 'X-Rowbridge-Sheet-Secret' },
    });
  });

  it('documents the error statuses a route can answer with, in the error schema', () => {
    const create = operationOf(ROUTES.createTable).responses;
    expect(Object.keys(create)).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '409',
      '413',
      '415',
      '429',
      '500',
      '503',
    ]);
    expect(create['400']).toEqual({
      description: expect.stringContaining('mapping_unknown_field'),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
    });
    expect(Object.keys(operationOf(ROUTES.health).responses)).toEqual(['200', '400', '500']);
    expect(document.components.schemas.ApiError).toMatchObject({
      required: ['error'],
      properties: { error: { required: ['code', 'message'] } },
    });
  });
});

describe('request bodies reject unknown fields', () => {
  const bodies = routes.filter((entry): entry is [string, RouteDefinition & { body: z.ZodType }] =>
    Boolean(entry[1].body),
  );

  it('covers every route that takes a body', () => {
    expect(bodies.map(([name]) => name).sort()).toEqual([
      'bindSpreadsheet',
      'connectWithToken',
      'createTable',
      'exportRows',
      'importRows',
      'logOutreachEvents',
      'resolveConflicts',
      'updateTable',
    ]);
  });

  it.each(bodies)(
    '%s: any unknown key is refused by zod and by the published JSON Schema',
    (_name, route) => {
      const schema = operationOf(route).requestBody as {
        content: { 'application/json': { schema: { additionalProperties?: unknown; properties: object } } };
      };
      const published = schema.content['application/json'].schema;
      expect(published.additionalProperties).toBe(false);
      const known = new Set(Object.keys(published.properties));
      fc.assert(
        fc.property(
          fc.string({ minLength: 1 }).filter((key) => !known.has(key)),
          fc.jsonValue(),
          (key, value) => {
            const result = route.body.safeParse({ [key]: value });
            const unknown = result.error?.issues.find((issue) => issue.code === 'unrecognized_keys');
            expect(unknown && 'keys' in unknown ? unknown.keys : []).toContain(key);
          },
        ),
      );
    },
  );
});

describe('GET /openapi.json', () => {
  it('serves the document for the running version, listing every route', async () => {
    const response = await createApp({ version: '1.2.3', mode: 'sandbox' }).request('/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const served = (await response.json()) as typeof document;
    expect(served.info.version).toBe('1.2.3');
    for (const [, route] of routes) {
      expect(served.paths[route.path]?.[route.method.toLowerCase()], route.path).toBeDefined();
    }
  });
});
