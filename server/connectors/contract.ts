import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CrmConnector,
  CrmRecord,
  CrmWebhook,
  Properties,
  PropertyDefinition,
  UpsertInput,
  WebhookRequest,
} from './types.ts';
import { type VirtualClock, virtualClock } from './virtual-clock.ts';

/** What the suite hands `make`: pass `clock` to the connector's runner so waits are recorded, not slept. */
export interface ContractEnv {
  readonly clock: VirtualClock;
}

/** A CRM's emulator, as far as the suite drives it. */
export interface ContractEmulator {
  /** Creates `n` people directly in the emulator; resolves to their ids. */
  seed(object: string, n: number): Promise<string[]>;
  /** Deletes (archives) a record behind the connector's back, as a CRM user would. */
  delete(object: string, id: string): Promise<void>;
  /** Live (not archived) records of `object`. */
  count(object: string): Promise<number>;
  /** HTTP requests the emulator has received so far. */
  requestsSent(): number;
  readonly faults: {
    /** The next `n` API requests answer 5xx. */
    fail5xx(n: number): void;
    /** The next `n` API requests answer 429 with `Retry-After: retryAfterSeconds`. */
    force429(n: number, retryAfterSeconds: number): void;
    /** Every access token issued so far stops working (401) until refreshed. */
    expireTokens(): void;
  };
}

export interface ContractHarness {
  readonly connector: CrmConnector;
  readonly emulator: ContractEmulator;
  /** The people object exercised (`contacts`, `Lead`, ...). */
  readonly object: string;
  /** The unique property upserts use as key (the Rowbridge row id); the suite creates it. */
  readonly rowId: PropertyDefinition;
  /** Properties to read back. */
  readonly properties: readonly string[];
  /** Valid properties of the `i`-th test person. */
  person(i: number): Properties;
  /** Properties the CRM rejects for one record (an invalid email, ...), and words its reason contains. */
  readonly invalidPerson: { readonly properties: Properties; readonly reason: RegExp };
  /** Times the connection refreshed its token (token endpoint calls). */
  refreshes(): number;
  readonly webhook: {
    readonly handler: CrmWebhook;
    readonly secret: string;
    /** A correctly signed delivery, sent at `now`. */
    valid(now: number): WebhookRequest;
    /** The same with a changed body. */
    tampered(now: number): WebhookRequest;
    /** Correctly signed, but sent long before `now`. */
    stale(now: number): WebhookRequest;
    /** The signed delivery the CRM sends when `id` is deleted (after `emulator.delete`). */
    deletion(object: string, id: string): Promise<WebhookRequest>;
  };
  close?(): Promise<void>;
}

export interface ContractOptions {
  readonly name: string;
  readonly make: (env: ContractEnv) => Promise<ContractHarness>;
}

/**
 * The suite every connector must pass (STYLE.md 5): paging, upsert idempotency, per-record failures in a
 * batch, 429 with Retry-After, 5xx backoff, token refresh, webhook signatures, delete detection. One
 * harness is made for the whole suite; the tests run in order and each leaves the emulator usable.
 *
 * @example
 * runConnectorContract({ name: 'hubspot', make: async ({ clock }) => ({ connector: hubspotConnector({ ... }), ... }) });
 */
export function runConnectorContract(options: ContractOptions): void {
  describe(`connector contract: ${options.name}`, () => {
    const clock = virtualClock();
    let h: ContractHarness;

    beforeAll(async () => {
      h = await options.make({ clock });
      await h.connector.ensureProperties(h.object, [h.rowId]);
    });
    afterAll(async () => {
      await h?.close?.();
    });

    const listAll = async (limit: number) => {
      const records: CrmRecord[] = [];
      let pages = 0;
      let after: string | undefined;
      do {
        const page = await h.connector.listRecords(h.object, {
          limit,
          properties: h.properties,
          ...(after === undefined ? {} : { after }),
        });
        records.push(...page.records);
        pages += 1;
        after = page.next;
      } while (after !== undefined);
      return { records, pages };
    };
    const inputs = (from: number, n: number, prefix: string): UpsertInput[] =>
      Array.from({ length: n }, (_, i) => ({
        key: { property: h.rowId.name, value: `${prefix}-${from + i}` },
        properties: h.person(from + i),
      }));

    it('pages through more than one page without duplicates or gaps', async () => {
      const seeded = await h.emulator.seed(h.object, 250);
      const { records, pages } = await listAll(100);
      expect(pages).toBeGreaterThan(2);
      const ids = records.map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(expect.arrayContaining(seeded));
      expect(ids).toHaveLength(await h.emulator.count(h.object));
    });

    it('creates custom properties idempotently', async () => {
      const again = await h.connector.ensureProperties(h.object, [h.rowId]);
      expect(again).toEqual({ created: [], existing: [h.rowId.name] });
    });

    it('upserts a batch idempotently: the same inputs twice create nothing the second time', async () => {
      const batch = inputs(0, 150, 'contract');
      const before = await h.emulator.count(h.object);
      const first = await h.connector.upsertRecords(h.object, batch);
      expect(first.map((r) => r.status)).toEqual(batch.map(() => 'created'));
      expect(await h.emulator.count(h.object)).toBe(before + 150);

      const second = await h.connector.upsertRecords(h.object, batch);
      expect(second.map((r) => r.status)).toEqual(batch.map(() => 'updated'));
      expect(second.map((r) => ('id' in r ? r.id : undefined))).toEqual(
        first.map((r) => ('id' in r ? r.id : undefined)),
      );
      expect(await h.emulator.count(h.object)).toBe(before + 150);
    });

    it('lists only the records a filter names, page by page', async () => {
      const keys = ['contract-140', 'contract-3'];
      const records: CrmRecord[] = [];
      let after: string | undefined;
      do {
        const page = await h.connector.listRecords(h.object, {
          properties: h.properties,
          where: { [h.rowId.name]: keys },
          limit: 1,
          ...(after === undefined ? {} : { after }),
        });
        records.push(...page.records);
        after = page.next;
      } while (after !== undefined);
      expect(records.map((r) => r.properties[h.rowId.name]).sort()).toEqual(keys);
    });

    it('updates records by id, fails a vanished one alone, and reads them back by the row id', async () => {
      const batch = inputs(2000, 2, 'update');
      const created = await h.connector.upsertRecords(h.object, batch);
      const ids = created.map((r) => (r.status === 'failed' ? '' : r.id));
      const [gone] = await h.emulator.seed(h.object, 1);
      if (!gone || ids.includes('')) throw new Error('setup failed');
      await h.emulator.delete(h.object, gone);

      const changed = h.person(3000);
      const results = await h.connector.updateRecords(h.object, [
        { id: ids[0] ?? '', properties: changed },
        { id: gone, properties: changed },
        { id: ids[1] ?? '', properties: h.person(3001) },
      ]);
      expect(results.map((r) => r.status)).toEqual(['updated', 'failed', 'updated']);
      expect(results[0]).toEqual({ status: 'updated', id: ids[0] });

      const keys = batch.map((input) => input.key.value);
      const read = await h.connector.getRecords(h.object, [...keys, 'update-never-exported'], {
        properties: h.properties,
        idProperty: h.rowId.name,
      });
      expect(read.missing).toEqual(['update-never-exported']);
      expect(read.records.map((r) => r.id).sort()).toEqual([...ids].sort());
      const first = read.records.find((r) => r.id === ids[0]);
      for (const [name, value] of Object.entries(changed)) expect(first?.properties[name]).toBe(value);
      expect(first?.properties[h.rowId.name]).toBe(keys[0]);
    });

    it('reports a rejected record alone, in input order, with the CRM’s reason', async () => {
      const [a, b] = inputs(1000, 2, 'partial');
      if (!a || !b) throw new Error('unreachable');
      const bad: UpsertInput = {
        key: { property: h.rowId.name, value: 'partial-bad' },
        properties: h.invalidPerson.properties,
      };
      const results = await h.connector.upsertRecords(h.object, [a, bad, b]);
      expect(results.map((r) => r.status)).toEqual(['created', 'failed', 'created']);
      const failed = results[1];
      expect(failed?.status === 'failed' && failed.error.code).toBe('crm_rejected');
      expect(failed?.status === 'failed' && failed.error.message).toMatch(h.invalidPerson.reason);
    });

    it('waits out a 429 for its Retry-After, then succeeds', async () => {
      const sent = h.emulator.requestsSent();
      const start = clock.now();
      h.emulator.faults.force429(1, 3);
      const page = await h.connector.listRecords(h.object, { limit: 10, properties: h.properties });
      expect(page.records.length).toBeGreaterThan(0);
      expect(clock.now() - start).toBeGreaterThanOrEqual(3000);
      expect(h.emulator.requestsSent() - sent).toBe(2);
    });

    it('retries 5xx answers with growing backoff, then succeeds', async () => {
      const sent = h.emulator.requestsSent();
      const calls = h.connector.apiCalls().total;
      const sleeps = clock.sleeps.length;
      h.emulator.faults.fail5xx(2);
      const page = await h.connector.listRecords(h.object, { limit: 10, properties: h.properties });
      expect(page.records.length).toBeGreaterThan(0);
      expect(h.emulator.requestsSent() - sent).toBe(3);
      expect(h.connector.apiCalls().total - calls).toBe(3);
      const waits = clock.sleeps.slice(sleeps);
      expect(waits.length).toBeGreaterThanOrEqual(2);
      const [first, second] = waits.slice(-2);
      expect(second).toBeGreaterThan(first ?? Number.POSITIVE_INFINITY);
    });

    it('refreshes an expired token once and retries the call', async () => {
      const refreshes = h.refreshes();
      h.emulator.faults.expireTokens();
      const page = await h.connector.listRecords(h.object, { limit: 10, properties: h.properties });
      expect(page.records.length).toBeGreaterThan(0);
      expect(h.refreshes() - refreshes).toBe(1);
      await h.connector.listRecords(h.object, { limit: 10, properties: h.properties });
      expect(h.refreshes() - refreshes).toBe(1);
    });

    it('accepts a correctly signed webhook and rejects tampered and stale ones', () => {
      const now = Date.now();
      const { handler, secret } = h.webhook;
      expect(handler.verify(h.webhook.valid(now), secret, now)).toEqual({ ok: true });
      expect(handler.verify(h.webhook.tampered(now), secret, now)).toEqual({
        ok: false,
        reason: 'bad_signature',
      });
      expect(handler.verify(h.webhook.stale(now), secret, now)).toEqual({ ok: false, reason: 'stale' });
      expect(handler.verify(h.webhook.valid(now), `${secret}x`, now)).toEqual({
        ok: false,
        reason: 'bad_signature',
      });
    });

    it('detects a deleted record: by webhook, by id and in listings', async () => {
      const [id] = await h.emulator.seed(h.object, 1);
      if (id === undefined) throw new Error('the emulator seeded nothing');
      await h.emulator.delete(h.object, id);

      const delivery = await h.webhook.deletion(h.object, id);
      expect(h.webhook.handler.verify(delivery, h.webhook.secret, Date.now())).toEqual({ ok: true });
      const events = h.webhook.handler.parse(delivery.rawBody);
      expect(events).toContainEqual(
        expect.objectContaining({ objectId: id, kind: 'deleted', objectType: h.object }),
      );

      const got = await h.connector.getRecords(h.object, [id], { properties: h.properties });
      const gone = got.missing.includes(id) || got.records.some((r) => r.id === id && r.archived === true);
      expect(gone).toBe(true);

      const { records } = await listAll(100);
      expect(records.some((r) => r.id === id && !r.archived)).toBe(false);
    });
  });
}
