import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RowbridgeError } from '../shared/errors.ts';
import { createApp } from './app.ts';
import { statusForCode } from './http-errors.ts';
import { createLogger } from './observability/logger.ts';
import type { Database } from './store/database.ts';
import { packageVersion } from './version.ts';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** The real app plus routes that throw, mounted the way route modules are. */
function appWithThrowingRoutes() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } });
  const app = createApp({ version: packageVersion(), mode: 'sandbox', logger });
  const secret = 'password=hunter2 at /srv/rowbridge/db.ts:12';
  app.route(
    '/boom',
    new Hono()
      .get('/mapping', () => {
        throw new RowbridgeError('mapping_unknown_field', 'Unknown field "emial".', [
          {
            code: 'mapping_unknown_field',
            message: 'fields.0.field: unknown field "emial"',
            path: ['fields', 0],
          },
        ]);
      })
      .get('/missing', () => {
        throw new RowbridgeError('not_found', 'No such sheet.');
      })
      .get('/rowbridge-internal', () => {
        throw new RowbridgeError('internal', 'Storage is not ready yet.');
      })
      .get('/unknown', () => {
        throw new Error(secret);
      })
      .get('/http', () => {
        throw new HTTPException(413, { message: 'Body too large.' });
      })
      .get('/http-418', () => {
        throw new HTTPException(418);
      })
      .get('/many', () => {
        const problems = Array.from({ length: 250 }, (_, index) => ({
          code: 'invalid_input' as const,
          message: `row ${index}`,
        }));
        throw new RowbridgeError('invalid_input', '250 problems.', problems);
      }),
  );
  return { app, secret, lines };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('GET /healthz', () => {
  it('answers ok with the mode, the database and the package.json version', async () => {
    const app = createApp({ version: packageVersion(), mode: 'sandbox' });
    const response = await app.request('/healthz');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.text()).toBe(
      JSON.stringify({ status: 'ok', mode: 'sandbox', db: 'pglite', version }),
    );
    expect(version).toBe('0.1.0');
  });

  it('reports PostgreSQL when DATABASE_URL is configured, and the open database when there is one', async () => {
    const configured = createApp({ version, mode: 'production', databaseUrl: 'postgres://db.example/rb' });
    expect(await (await configured.request('/healthz')).json()).toMatchObject({
      mode: 'production',
      db: 'postgres',
    });
    const db = { kind: 'postgres' } as Database;
    expect(
      await (await createApp({ version, mode: 'sandbox', db }).request('/healthz')).json(),
    ).toMatchObject({
      db: 'postgres',
    });
  });
});

describe('GET /readyz', () => {
  it('is ready without a database, and says the storage answered when there is one', async () => {
    const bare = await createApp({ version, mode: 'sandbox' }).request('/readyz');
    expect(bare.status).toBe(200);
    expect(await bare.json()).toEqual({ status: 'ready' });
    const db = { kind: 'pglite', client: { query: async () => ({ rows: [] }) } } as unknown as Database;
    const answered = await createApp({ version, mode: 'sandbox', db }).request('/readyz');
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({ status: 'ready', storage: 'ok' });
  });

  it('answers 503 storage_unavailable with Retry-After while the database does not answer', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const db = {
      kind: 'postgres',
      client: { query: () => Promise.reject(refused) },
    } as unknown as Database;
    const response = await createApp({ version, mode: 'production', db }).request('/readyz');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    const body = (await response.json()) as { error: { code: string } };
    expect(body.error.code).toBe('storage_unavailable');
    expect(JSON.stringify(body)).not.toContain('ECONNREFUSED');
  });
});

describe('error mapping', () => {
  it('answers unknown paths with a JSON not_found', async () => {
    const response = await createApp({ version, mode: 'sandbox' }).request('/nope', { method: 'POST' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: 'not_found', message: 'No route for POST /nope. Check the URL.' },
    });
  });

  it('turns a RowbridgeError into its status, code, message and details', async () => {
    const { app } = appWithThrowingRoutes();
    const response = await app.request('/boom/mapping');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        code: 'mapping_unknown_field',
        message: 'Unknown field "emial".',
        details: [
          {
            path: ['fields', 0],
            message: 'fields.0.field: unknown field "emial"',
            code: 'mapping_unknown_field',
          },
        ],
      },
    });
  });

  it('leaves out empty details and maps not_found to 404', async () => {
    const { app } = appWithThrowingRoutes();
    const response = await app.request('/boom/missing');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'No such sheet.' } });
  });

  it('sends other RowbridgeErrors as 500 with their own message, and logs them', async () => {
    const { app, lines } = appWithThrowingRoutes();
    const response = await app.request('/boom/rowbridge-internal');
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: { code: 'internal', message: 'Storage is not ready yet.' },
    });
    expect(lines.filter((line) => line.includes('GET /boom/rowbridge-internal failed'))).toHaveLength(1);
  });

  it('hides an unknown error behind a fixed message, logging the real one (redacted)', async () => {
    const { app, lines } = appWithThrowingRoutes();
    const response = await app.request('/boom/unknown');
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toEqual({
      error: { code: 'internal', message: 'Something went wrong on the server; it has been logged.' },
    });
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('.ts');
    const logged = lines.find((line) => line.includes('GET /boom/unknown failed')) ?? '';
    expect(logged).toContain('/srv/rowbridge/db.ts:12');
    expect(logged).not.toContain('hunter2');
  });

  it("keeps Hono's client-error status with our JSON shape and the status's code", async () => {
    const { app } = appWithThrowingRoutes();
    const response = await app.request('/boom/http');
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: { code: 'payload_too_large', message: 'Body too large.' },
    });
    const teapot = await app.request('/boom/http-418');
    expect(teapot.status).toBe(418);
    expect(await teapot.json()).toEqual({
      error: { code: 'invalid_input', message: 'The request was not accepted.' },
    });
  });

  it('sends at most 100 details, keeping the full count in the message', async () => {
    const { app } = appWithThrowingRoutes();
    const response = await app.request('/boom/many');
    const body = (await response.json()) as { error: { message: string; details: unknown[] } };
    expect(body.error.message).toBe('250 problems.');
    expect(body.error.details).toHaveLength(100);
  });

  it.each([
    ['invalid_input', 400],
    ['invalid_json', 400],
    ['mapping_invalid', 400],
    ['mapping_duplicate_header', 400],
    ['not_found', 404],
    ['already_exists', 409],
    ['in_use', 409],
    ['conflict_already_resolved', 409],
    ['payload_too_large', 413],
    ['unsupported_media_type', 415],
    ['rate_limited', 429],
    ['csv_unreadable', 500],
    ['internal', 500],
  ] as const)('maps %s to %i', (code, status) => {
    expect(statusForCode(code)).toBe(status);
  });
});
