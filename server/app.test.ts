import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RowbridgeError } from '../shared/errors.ts';
import { createApp } from './app.ts';
import { statusForCode } from './http-errors.ts';
import { packageVersion } from './version.ts';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** The real app plus routes that throw, mounted the way route modules are. */
function appWithThrowingRoutes() {
  const app = createApp({ version: packageVersion(), mode: 'sandbox' });
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
      }),
  );
  return { app, secret };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('GET /healthz', () => {
  it('answers ok with the mode and the package.json version', async () => {
    const app = createApp({ version: packageVersion(), mode: 'sandbox' });
    const response = await app.request('/healthz');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.text()).toBe(JSON.stringify({ status: 'ok', mode: 'sandbox', version }));
    expect(version).toBe('0.1.0');
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

  it('turns a RowbridgeError into its status, code, message and problems', async () => {
    const { app } = appWithThrowingRoutes();
    const response = await app.request('/boom/mapping');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        code: 'mapping_unknown_field',
        message: 'Unknown field "emial".',
        problems: [
          {
            code: 'mapping_unknown_field',
            message: 'fields.0.field: unknown field "emial"',
            path: ['fields', 0],
          },
        ],
      },
    });
  });

  it('leaves out an empty problems list and maps not_found to 404', async () => {
    const { app } = appWithThrowingRoutes();
    const response = await app.request('/boom/missing');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'No such sheet.' } });
  });

  it('sends other RowbridgeErrors as 500 with their own message, and logs them', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { app } = appWithThrowingRoutes();
    const response = await app.request('/boom/rowbridge-internal');
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: { code: 'internal', message: 'Storage is not ready yet.' },
    });
    expect(log).toHaveBeenCalledOnce();
  });

  it('hides an unknown error behind a fixed message, logging the real one', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { app, secret } = appWithThrowingRoutes();
    const response = await app.request('/boom/unknown');
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toEqual({
      error: { code: 'internal', message: 'Something went wrong on the server; it has been logged.' },
    });
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('.ts');
    expect(log).toHaveBeenCalledWith(
      'GET /boom/unknown failed:',
      expect.objectContaining({ message: secret }),
    );
  });

  it("keeps Hono's client-error status with our JSON shape", async () => {
    const { app } = appWithThrowingRoutes();
    const response = await app.request('/boom/http');
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: { code: 'invalid_input', message: 'Body too large.' } });
  });

  it.each([
    ['invalid_input', 400],
    ['mapping_invalid', 400],
    ['mapping_duplicate_header', 400],
    ['not_found', 404],
    ['csv_unreadable', 500],
    ['internal', 500],
  ] as const)('maps %s to %i', (code, status) => {
    expect(statusForCode(code)).toBe(status);
  });
});
