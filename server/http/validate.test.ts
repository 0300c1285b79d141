import { Hono } from 'hono';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import * as z from 'zod';
import { defineRoute } from '../../shared/api/define.ts';
import { handleError } from '../http-errors.ts';
import { route } from './route.ts';
import { MAX_BODY_BYTES } from './validate.ts';

/** A tiny contract exercising every part of a request, so these tests do not depend on the real routes. */
const TEST_ROUTES = {
  renameItem: defineRoute({
    method: 'POST',
    path: '/items/{itemId}/rename',
    summary: 'test',
    tags: ['test'],
    auth: 'none',
    params: z.strictObject({ itemId: z.string().regex(/^\d+$/) }),
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(10).default(5) }),
    body: z.strictObject({ name: z.string().min(1), count: z.number().int() }),
    response: z.strictObject({ id: z.string(), name: z.string(), total: z.number() }),
  }),
  listItems: defineRoute({
    method: 'GET',
    path: '/items',
    summary: 'test',
    tags: ['test'],
    auth: 'none',
    response: z.strictObject({ items: z.array(z.string()) }),
  }),
  status: defineRoute({
    method: 'GET',
    path: '/status',
    summary: 'test',
    tags: ['test'],
    auth: 'none',
    response: z.string(),
    responseType: 'text',
  }),
};

/** A handler result that breaks the response schema, the way a storage row with an extra column would. */
let listResult: unknown = { items: ['a'] };

function testApp(checkResponse = true) {
  const app = new Hono();
  const seen: unknown[] = [];
  route(
    app,
    TEST_ROUTES.renameItem,
    (_c, input) => {
      expectTypeOf(input.params).toEqualTypeOf<{ itemId: string }>();
      expectTypeOf(input.query).toEqualTypeOf<{ limit: number }>();
      expectTypeOf(input.body).toEqualTypeOf<{ name: string; count: number }>();
      seen.push(input);
      return { id: input.params.itemId, name: input.body.name, total: input.body.count * input.query.limit };
    },
    { checkResponse },
  );
  route(
    app,
    TEST_ROUTES.listItems,
    (_c, input) => {
      expectTypeOf(input.body).toEqualTypeOf<undefined>();
      return listResult as { items: string[] };
    },
    { checkResponse },
  );
  route(app, TEST_ROUTES.status, () => 'all good');
  app.onError(handleError);
  return { app, seen };
}

const JSON_HEADERS = { 'content-type': 'application/json' };

function post(body: string, init: { headers?: Record<string, string>; path?: string } = {}) {
  const { app } = testApp();
  return app.request(init.path ?? '/items/42/rename', {
    method: 'POST',
    body,
    headers: init.headers ?? JSON_HEADERS,
  });
}

async function errorOf(response: Response) {
  return ((await response.json()) as { error: { code: string; message: string; details?: unknown[] } }).error;
}

/** A valid body padded with spaces to exactly `bytes` bytes. */
function bodyOfSize(bytes: number): string {
  const json = JSON.stringify({ name: 'x', count: 1 });
  return json + ' '.repeat(bytes - json.length);
}

/** A request whose body streams in chunks with no Content-Length, as a chunked upload arrives. */
function streamingRequest(bytes: number): Request {
  const chunk = new TextEncoder().encode(' '.repeat(64 * 1024));
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const next = chunk.subarray(0, Math.min(chunk.length, bytes - sent));
      sent += next.length;
      controller.enqueue(next);
    },
  });
  return new Request('http://localhost/items/42/rename', {
    method: 'POST',
    body,
    headers: JSON_HEADERS,
    duplex: 'half',
  } as RequestInit);
}

afterEach(() => {
  vi.restoreAllMocks();
  listResult = { items: ['a'] };
});

describe('route(): valid requests', () => {
  it('passes parsed, typed params, query (defaults applied) and body to the handler', async () => {
    const { app, seen } = testApp();
    const response = await app.request('/items/42/rename', {
      method: 'POST',
      body: JSON.stringify({ name: 'Ada', count: 2 }),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: '42', name: 'Ada', total: 10 });
    expect(seen).toEqual([
      { params: { itemId: '42' }, query: { limit: 5 }, body: { name: 'Ada', count: 2 } },
    ]);
  });

  it('coerces query strings to the schema’s types', async () => {
    const { app, seen } = testApp();
    await app.request('/items/42/rename?limit=3', {
      method: 'POST',
      body: '{"name":"Ada","count":1}',
      headers: JSON_HEADERS,
    });
    expect(seen).toEqual([expect.objectContaining({ query: { limit: 3 } })]);
  });

  it('reads an empty query value as not given', async () => {
    const { app, seen } = testApp();
    await app.request('/items/42/rename?limit=', {
      method: 'POST',
      body: '{"name":"Ada","count":1}',
      headers: JSON_HEADERS,
    });
    expect(seen).toEqual([expect.objectContaining({ query: { limit: 5 } })]);
  });

  it('serves routes without a body or params, and text routes as text', async () => {
    const { app } = testApp();
    expect(await (await app.request('/items')).json()).toEqual({ items: ['a'] });
    const text = await app.request('/status');
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await text.text()).toBe('all good');
  });
});

describe('route(): invalid input → 400 invalid_input', () => {
  it('rejects an unknown body field, pointing at it', async () => {
    const response = await post(JSON.stringify({ name: 'Ada', count: 1, colour: 'red' }));
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toEqual({
      code: 'invalid_input',
      message: 'Invalid request: body.colour: unknown field; remove it or check its spelling',
      details: [
        {
          path: ['body', 'colour'],
          message: 'body.colour: unknown field; remove it or check its spelling',
          code: 'invalid_input',
        },
      ],
    });
  });

  it('rejects a wrong type', async () => {
    const response = await post(JSON.stringify({ name: 'Ada', count: 'two' }));
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('invalid_input');
    expect(error.details).toEqual([expect.objectContaining({ path: ['body', 'count'] })]);
    expect(error.message).toMatch(
      /^Invalid request: body\.count: Invalid input: expected number, received string$/,
    );
  });

  it('reports problems in params, query and body together, naming the first and the count', async () => {
    const response = await post(JSON.stringify({ count: 1.5 }), { path: '/items/abc/rename?limit=0&sort=x' });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.message).toMatch(/^Invalid request: params\.itemId: .* \(1 of 5 problems; see details\)$/);
    expect(error.details?.map((detail) => (detail as { path: unknown[] }).path)).toEqual([
      ['params', 'itemId'],
      ['query', 'limit'],
      ['query', 'sort'],
      ['body', 'name'],
      ['body', 'count'],
    ]);
  });

  it('rejects query parameters on a route that takes none, and repeated ones', async () => {
    const { app } = testApp();
    const unknown = await errorOf(await app.request('/items?page=2'));
    expect(unknown.details).toEqual([expect.objectContaining({ path: ['query', 'page'] })]);
    const repeated = await post('{"name":"Ada","count":1}', { path: '/items/1/rename?limit=2&limit=3' });
    expect(repeated.status).toBe(400);
    expect((await errorOf(repeated)).message).toContain('query.limit: give this parameter once');
  });

  it.each([
    ['malformed JSON', '{"name": "Ada",', /^The request body is not valid JSON: /],
    ['an empty body', '', /^The request body is empty/],
  ])('answers %s with 400 invalid_json', async (_what, body, message) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('invalid_json');
    expect(error.message).toMatch(message);
  });
});

describe('route(): content type and size', () => {
  it.each([
    ['text/plain', { 'content-type': 'text/plain' }],
    ['a form', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['no content type', {}],
  ])('answers %s with 415 unsupported_media_type', async (_what, headers) => {
    const { app } = testApp();
    const request = new Request('http://localhost/items/1/rename', {
      method: 'POST',
      body: new TextEncoder().encode('{"name":"Ada","count":1}'),
      headers,
    });
    const response = await app.request(request);
    expect(response.status).toBe(415);
    expect((await errorOf(response)).code).toBe('unsupported_media_type');
  });

  it('answers a body of 1 MB + 1 byte with 413 when Content-Length says so', async () => {
    const body = bodyOfSize(MAX_BODY_BYTES + 1);
    const response = await post(body, {
      headers: { ...JSON_HEADERS, 'content-length': String(body.length) },
    });
    expect(response.status).toBe(413);
    expect(await errorOf(response)).toEqual({
      code: 'payload_too_large',
      message: 'The request body is over 1 MB; split it into smaller requests.',
    });
  });

  it('answers 413 when the body has no Content-Length (chunked), counting bytes as they arrive', async () => {
    const { app } = testApp();
    const response = await app.request(streamingRequest(MAX_BODY_BYTES + 1));
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('payload_too_large');
  });

  it('accepts a body of exactly 1 MB, with or without Content-Length', async () => {
    const body = bodyOfSize(MAX_BODY_BYTES);
    expect((await post(body)).status).toBe(200);
    const sized = await post(body, { headers: { ...JSON_HEADERS, 'content-length': String(body.length) } });
    expect(sized.status).toBe(200);
  });
});

describe('route(): responses are checked against the contract', () => {
  it('turns a response that breaks its schema into 500 internal and logs what broke', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    listResult = { items: ['a', 7], token: 'secret-token' };
    const response = await testApp().app.request('/items');
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toEqual({
      error: { code: 'internal', message: 'Something went wrong on the server; it has been logged.' },
    });
    expect(text).not.toContain('secret-token');
    expect(log).toHaveBeenCalledOnce();
    const logged = String(log.mock.calls[0]?.[1]);
    expect(logged).toContain('GET /items does not match its contract');
    expect(logged).toContain('body.items.1: Invalid input: expected string, received number');
    // The field is named; its neighbourhood may be redacted (a key called token looks secret).
    expect(logged).toMatch(/body\.token: .*field/);
    expect(logged).not.toContain('secret-token');
  });

  it('sends the handler’s value unchecked when checking is off (production)', async () => {
    listResult = { items: [7] };
    const response = await testApp(false).app.request('/items');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ items: [7] });
  });
});
