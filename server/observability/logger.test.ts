import { Hono } from 'hono';
import type { DestinationStream } from 'pino';
import { describe, expect, it } from 'vitest';
import { registerSecret } from '../security/redact.ts';
import { createLogger } from './logger.ts';
import { type RequestLogEnv, requestLogging } from './request-logging.ts';

/** A logger writing into memory, and the whole capture as one string to grep. */
function capturedLogger() {
  const lines: string[] = [];
  const destination: DestinationStream = { write: (line: string) => void lines.push(line) };
  const logger = createLogger({ level: 'debug', destination });
  return { logger, lines, text: () => lines.join('') };
}

// Planted secrets. Only the refresh token is registered; the rest must be caught by pino paths or patterns.
const REFRESH_TOKEN = 'rt-FAKE-5d1c9a7e3b2f4680';
const BEARER_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.ZmFrZXBheWxvYWQ.c2lnbmF0dXJl';
const PG_PASSWORD = 'pgS3cretPass42';
const DATABASE_URL = `postgres://rowbridge:${PG_PASSWORD}@db.internal:5432/rowbridge`;
const CLIENT_SECRET = 'cs-unregistered-77aa99bb';
const NESTED_TOKEN = 'nested-unregistered-0f0f0f0f';
const COOKIE = 'rb_session=sess-unregistered-12345678';
const QUERY_TOKEN = 'qt-unregistered-abcdef12';
const PLANTED = [REFRESH_TOKEN, BEARER_TOKEN, PG_PASSWORD, CLIENT_SECRET, NESTED_TOKEN, COOKIE, QUERY_TOKEN];

function expectNoPlantedSecret(text: string): void {
  for (const secret of PLANTED) expect(text).not.toContain(secret);
  // Also the distinctive halves, in case a pattern cut a secret in two.
  for (const secret of PLANTED) expect(text).not.toContain(secret.slice(-10));
}

describe('createLogger', () => {
  registerSecret(REFRESH_TOKEN);

  it('writes one JSON object per line with level, time and message', () => {
    const { logger, lines } = capturedLogger();
    logger.info({ crm: 'hubspot' }, 'synced');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 30, msg: 'synced', crm: 'hubspot' });
    expect(JSON.parse(lines[0] ?? '').time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('never writes a planted secret, however it is logged, but keeps the context', () => {
    const { logger, lines, text } = capturedLogger();
    logger.info(`refreshing with ${REFRESH_TOKEN} for conn-1`);
    logger.info(
      { refreshToken: REFRESH_TOKEN, clientSecret: CLIENT_SECRET, crm: 'hubspot' },
      'object fields',
    );
    logger.info(
      { connection: { auth: { oauth: { refresh_token: NESTED_TOKEN, scope: 'crm.objects' } } } },
      'deep',
    );
    logger.info({ databaseUrl: DATABASE_URL }, 'connecting');
    logger.info({ req: { headers: { authorization: `Bearer ${BEARER_TOKEN}`, cookie: COOKIE } } }, 'headers');
    logger.warn(`upstream said: Authorization: Bearer ${BEARER_TOKEN}`);

    const error = new Error(`token refresh failed for ${REFRESH_TOKEN} at ${DATABASE_URL}`);
    logger.error(error);
    logger.error({ err: error, crm: 'salesforce' }, 'sync failed');
    const stackOnly = new Error('request failed');
    stackOnly.stack = `Error: request failed\n    at call (client_secret=${CLIENT_SECRET})\n    Bearer ${BEARER_TOKEN}`;
    logger.error({ error: stackOnly }, 'stack');
    logger.error(new Error('wrapped', { cause: new Error(`inner ${REFRESH_TOKEN}`) }));
    logger.child({ conn: 'conn-9' }).info(`child line ${REFRESH_TOKEN} ?access_token=${QUERY_TOKEN}`);

    const all = text();
    expectNoPlantedSecret(all);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(all).toContain('refreshing with [REDACTED] for conn-1');
    expect(all).toContain('"crm":"hubspot"');
    expect(all).toContain('"scope":"crm.objects"');
    expect(all).toContain('postgres://rowbridge:[REDACTED]@db.internal:5432/rowbridge');
    expect(all).toContain('token refresh failed for [REDACTED]');
    expect(all).toContain('"stack":"Error: token refresh failed for [REDACTED]');
    expect(all).toContain('"conn":"conn-9"');
    expect(all).toContain('inner [REDACTED]');
  });
});

describe('requestLogging', () => {
  function app() {
    const captured = capturedLogger();
    const hono = new Hono<RequestLogEnv>();
    hono.use(requestLogging(captured.logger));
    hono.get('/echo', (c) => {
      c.get('log').info({ headers: c.req.header() }, 'echo');
      return c.json({ requestId: c.get('requestId') });
    });
    hono.get('/fail', (c) => {
      throw new Error(`CRM rejected ${c.req.header('Cookie')} with ${c.req.header('Authorization')}`);
    });
    hono.onError((_error, c) => c.json({ error: 'internal' }, 500));
    return { hono, ...captured };
  }

  it('keeps request headers and failing requests out of the logs but logs their context', async () => {
    const { hono, lines, text } = app();
    const headers = {
      Authorization: `Bearer ${BEARER_TOKEN}`,
      Cookie: COOKIE,
      'X-Request-Id': 'req-abc-123',
    };
    expect((await hono.request(`/echo?access_token=${QUERY_TOKEN}&sheet=1`, { headers })).status).toBe(200);
    expect((await hono.request('/fail', { headers })).status).toBe(500);

    const all = text();
    expectNoPlantedSecret(all);
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((record) => record.msg)).toEqual(['echo', 'request', 'request failed']);
    expect(records[0]).toMatchObject({ requestId: 'req-abc-123', headers: { authorization: '[REDACTED]' } });
    expect(records[1]).toMatchObject({ method: 'GET', path: '/echo', queryKeys: ['access_token', 'sheet'] });
    expect(records[2]).toMatchObject({ level: 50, path: '/fail', status: 500, requestId: 'req-abc-123' });
    expect(all).toContain('CRM rejected [REDACTED]');
  });

  it('logs one line per request with method, path, status, duration and the request id', async () => {
    const { hono, lines } = app();
    const response = await hono.request('/echo', { headers: { 'X-Request-Id': 'trace-0001' } });
    expect(response.headers.get('X-Request-Id')).toBe('trace-0001');
    expect(await response.json()).toEqual({ requestId: 'trace-0001' });
    const record = JSON.parse(lines.at(-1) ?? '') as Record<string, unknown>;
    expect(record).toMatchObject({
      level: 30,
      method: 'GET',
      path: '/echo',
      status: 200,
      requestId: 'trace-0001',
    });
    expect(record.durationMs).toBeTypeOf('number');
    expect(record).not.toHaveProperty('queryKeys');
  });

  it.each([
    ['missing', undefined],
    ['with spaces and markup', 'id <script>'],
    ['too long', 'a'.repeat(65)],
  ])('replaces a request id that is %s with a random one', async (_what, incoming) => {
    const { hono, lines } = app();
    const response = await hono.request('/echo', incoming ? { headers: { 'X-Request-Id': incoming } } : {});
    const id = response.headers.get('X-Request-Id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(lines.at(-1) ?? '')).toMatchObject({ requestId: id });
  });

  it('logs unmatched paths and gives them a request id too', async () => {
    const { hono, lines } = app();
    const response = await hono.request('/nope');
    expect(response.status).toBe(404);
    expect(response.headers.get('X-Request-Id')).toBeTruthy();
    expect(JSON.parse(lines.at(-1) ?? '')).toMatchObject({ path: '/nope', status: 404 });
  });
});
