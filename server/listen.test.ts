import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { isRowbridgeError } from '../shared/errors.ts';
import { createApp } from './app.ts';
import { loadConfig, type ServerConfig } from './config.ts';
import { listen } from './listen.ts';

const config: ServerConfig = { ...loadConfig({}), port: 0, host: '127.0.0.1' };

describe('loadConfig', () => {
  it('defaults to port 8787 on all interfaces in sandbox mode', () => {
    expect(loadConfig({})).toMatchObject({ port: 8787, host: '0.0.0.0', mode: 'sandbox' });
    expect(loadConfig({ PORT: ' ', HOST: '' })).toMatchObject({ port: 8787, host: '0.0.0.0' });
  });

  it('reads PORT and HOST', () => {
    expect(loadConfig({ PORT: '0', HOST: '127.0.0.1' })).toMatchObject({ port: 0, host: '127.0.0.1' });
  });

  it.each(['abc', '-1', '70000', '80.5'])('rejects PORT=%s with an error naming PORT', (port) => {
    const error = (() => {
      try {
        loadConfig({ PORT: port });
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(isRowbridgeError(error) && error.code).toBe('config_invalid');
    expect((error as Error).message).toMatch(/^Invalid configuration \(1 problem\): PORT: /);
  });
});

describe('listen', () => {
  it('serves on the bound port when started on port 0', async () => {
    const server = await listen(createApp(config), config);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.url).not.toMatch(/:0$/);
      const response = await fetch(`${server.url}/healthz`);
      expect(await response.json()).toMatchObject({ status: 'ok' });
    } finally {
      await server.close();
    }
  });

  it('lets an in-flight request finish before close resolves', async () => {
    const app = createApp(config);
    let arrived!: () => void;
    const requestArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    app.route(
      '/',
      new Hono().get('/slow', async (c) => {
        arrived();
        await new Promise((resolve) => setTimeout(resolve, 300));
        return c.text('done');
      }),
    );
    const server = await listen(app, config);
    const response = fetch(`${server.url}/slow`).then((r) => r.text());
    await requestArrived;
    const closeStarted = Date.now();
    const closed = server.close();
    expect(await response).toBe('done');
    await closed;
    // The client's keep-alive socket must not hold shutdown open for the keep-alive timeout (5 s).
    expect(Date.now() - closeStarted).toBeLessThan(2000);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('reports a busy port as port_in_use', async () => {
    const first = await listen(createApp(config), config);
    try {
      const port = Number(new URL(first.url).port);
      await expect(listen(createApp(config), { ...config, port })).rejects.toMatchObject({
        code: 'port_in_use',
      });
    } finally {
      await first.close();
    }
  });
});
