import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import * as z from 'zod';
import { describeEachDriver, freshPostgresDatabase } from '../test/support/databases.ts';
import { loadConfig } from './config.ts';
import { startCompanion } from './main.ts';
import { createLogger } from './observability/logger.ts';

describeEachDriver('the companion', (driver) => {
  // Starts a whole companion (database, queue, sandboxes): near 30 s on a loaded 2-core machine.
  it('starts config → store → queue → app → listen, and on close drains the running job first', {
    timeout: 90_000,
  }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'rowbridge-companion-'));
    const postgres = driver.kind === 'postgres' ? await freshPostgresDatabase() : undefined;
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      ROWBRIDGE_DATA_DIR: dataDir,
      ...(postgres ? { DATABASE_URL: postgres.url } : {}),
    });
    const events: string[] = [];
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const companion = await startCompanion(config, createLogger({ level: 'silent' }), {
      defineJobs: (queue) => {
        queue.define('slow', {
          schema: z.object({ n: z.number() }),
          handler: async ({ n }) => {
            events.push(`start ${n}`);
            started();
            await new Promise((resolve) => setTimeout(resolve, 1500));
            events.push(`end ${n}`);
          },
        });
      },
    });
    try {
      const health = await (await fetch(`${companion.url}/healthz`)).json();
      expect(health).toMatchObject({ status: 'ok', mode: 'sandbox', db: driver.kind });

      await companion.queue.send('slow', { n: 1 }, { key: 'table-1' });
      await running;
      const closing = companion.close();
      // Sent while shutting down: accepted into the queue, but this instance takes no new work.
      await companion.queue.send('slow', { n: 2 }, { key: 'table-2' });
      await closing;
      events.push('closed');
      expect(events).toEqual(['start 1', 'end 1', 'closed']);
      await expect(fetch(`${companion.url}/healthz`)).rejects.toThrow();
    } finally {
      await companion.close();
      await postgres?.drop();
    }
  });
});
