import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDriver, describePostgres } from './databases.ts';

describeEachDriver('SqlClient', (driver) => {
  let client: Awaited<ReturnType<typeof driver.open>>;
  beforeAll(async () => {
    client = await driver.open();
  });
  afterAll(async () => {
    await client.dispose();
  });

  it('runs parameterised queries and multi-statement scripts', async () => {
    await client.exec('create table t (id int primary key, name text); insert into t values (1, $$a$$);');
    await client.query('insert into t values ($1, $2)', [2, "O'Brien"]);
    const { rows } = await client.query<{ id: number; name: string }>('select id, name from t order by id');
    expect(rows).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: "O'Brien" },
    ]);
  });

  it('delivers NOTIFY payloads to a listener until it unsubscribes', async () => {
    const received: string[] = [];
    const unsubscribe = await client.listen('rowbridge_test', (payload) => received.push(payload));
    await client.query("select pg_notify('rowbridge_test', 'one')");
    await expect.poll(() => received).toEqual(['one']);
    await unsubscribe();
    await client.query("select pg_notify('rowbridge_test', 'two')");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toEqual(['one']);
  });
});

describePostgres('SqlClient LISTEN after a dropped connection', (driver) => {
  it('survives the server killing the listening connection, and resubscribes', async () => {
    const client = await driver.open();
    try {
      const received: string[] = [];
      const unsubscribe = await client.listen('rowbridge_drop', (payload) => received.push(payload));
      await client.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike 'LISTEN%'",
      );
      // The process is still alive (no uncaught 'error'); within the resubscribe pause, LISTEN is back.
      await expect
        .poll(
          async () => {
            await client.query("select pg_notify('rowbridge_drop', 'after')");
            return received.includes('after');
          },
          { timeout: 8000, interval: 300 },
        )
        .toBe(true);
      await unsubscribe();
    } finally {
      await client.dispose();
    }
  });

  it("gives a stopped listener's connection back once, even when the server later drops it", async () => {
    const client = await driver.open();
    try {
      const unsubscribe = await client.listen('rowbridge_idle', () => {});
      await unsubscribe();
      // The connection now idles in the pool; killing it fired our old error handler, which released it
      // again and pg-pool threw "Release called on client which has already been released" uncaught.
      const uncaught: unknown[] = [];
      const record = (error: unknown) => uncaught.push(error);
      process.on('uncaughtException', record);
      try {
        // From a connection of its own: the pool would run this on the very connection it is meant to kill.
        if (client.raw.kind !== 'postgres') throw new Error('a PostgreSQL test');
        const admin = new pg.Client({ connectionString: client.raw.pool.options.connectionString });
        await admin.connect();
        await admin.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
        );
        await admin.end();
        await new Promise((resolve) => setTimeout(resolve, 300));
      } finally {
        process.off('uncaughtException', record);
      }
      expect(uncaught).toEqual([]);
      expect((await client.query<{ one: number }>('select 1 as one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await client.dispose();
    }
  });
});
