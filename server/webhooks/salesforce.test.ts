import { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createConnection } from '../connections/credentials.ts';
import { createLogger } from '../observability/logger.ts';
import { notificationsXml } from '../sandbox/salesforce/index.ts';
import { generateKeyEntry, Keyring } from '../security/keyring.ts';
import type { Database } from '../store/database.ts';
import { openMigrated, seedTable } from '../store/fixtures.ts';
import type { Connection } from '../store/repos/index.ts';
import { openPglite } from '../store/sql-client.ts';
import { salesforceSource, salesforceWebhookRoutes } from './salesforce.ts';
import { salesforceOutboundUrl } from './salesforce-endpoint.ts';

const ORG = '00D8d000000ABCDEAA';
const API_USER = '0058d000000APIUSAA';
const SALES_USER = '0058d000000SALESAA';
const NOW = Date.parse('2025-06-02T12:00:00.000Z');
const k1 = generateKeyEntry('k1');
const PUBLIC = 'https://rowbridge.example.com';

/** An Outbound Message as Salesforce sends it, one Lead change per notification id. */
function message(
  notifications: readonly { id: string; lead: string; by?: string; at?: string | null }[],
  organizationId = ORG,
): string {
  return notificationsXml({
    organizationId,
    actionId: '04k8d000000AAAAAAA',
    instanceUrl: 'https://acme.my.salesforce.com',
    version: '62.0',
    object: 'Lead',
    notifications: notifications.map((n) => ({
      id: n.id,
      fields: {
        Id: n.lead,
        City: 'Dallas',
        CreatedDate: '2025-06-01T08:00:00.000Z',
        LastModifiedDate: n.at === undefined ? '2025-06-02T11:59:00.000Z' : n.at,
        SystemModstamp: n.at === undefined ? '2025-06-02T11:59:00.000Z' : n.at,
        LastModifiedById: n.by ?? SALES_USER,
      },
    })),
  });
}

describe('POST /webhooks/salesforce/outbound/{connectionId}', () => {
  let db: Database;
  let dispose: () => Promise<void>;
  let keyring = Keyring.parse(k1);
  let connection: Connection;
  let other: Connection;
  let woken: string[] = [];

  const app = () =>
    new Hono().route(
      '/',
      salesforceWebhookRoutes({
        db,
        keyring,
        logger: createLogger({ level: 'silent' }),
        wake: (connections) => woken.push(...connections.map((c) => c.id)),
        now: () => NOW,
      }),
    );
  const urlOf = (target: Connection) => new URL(salesforceOutboundUrl(PUBLIC, keyring, target) ?? '');
  const post = (url: URL | string, body: string) =>
    app().request(typeof url === 'string' ? url : `${url.pathname}${url.search}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
      body,
    });
  const stored = async (target: Connection = connection) => {
    const { rows } = await db.client.query<{ vendor_event_id: string }>(
      'select vendor_event_id from inbox_events where source = $1 order by vendor_event_id',
      [salesforceSource(target.id)],
    );
    return rows.map((row) => row.vendor_event_id);
  };

  beforeAll(async () => {
    ({ db, dispose } = await openMigrated(async () => {
      const client = await openPglite();
      return { ...client, dispose: () => client.close() };
    }));
    const { tenant, spreadsheet } = await seedTable(db);
    const make = (label: string) =>
      createConnection(db, keyring, tenant.id, {
        spreadsheetId: spreadsheet.id,
        crm: 'salesforce',
        label,
        accountId: ORG,
        crmUserId: API_USER,
        credentials: { kind: 'oauth', accessToken: 'a1', refreshToken: 'r1' },
      });
    connection = await make('Salesforce');
    other = await make('Salesforce, second sheet');
  });
  afterAll(() => dispose());
  beforeEach(() => {
    woken = [];
    keyring = Keyring.parse(k1);
  });

  it('acknowledges at once, stores each notification in the connection’s inbox, and wakes its worker', async () => {
    const response = await post(
      urlOf(connection),
      message([
        { id: '04l8d0000001AAA', lead: '00Q8d000001AAAAAAA' },
        { id: '04l8d0000002AAA', lead: '00Q8d000002AAAAAAA' },
      ]),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(await response.text()).toContain(
      '<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack>',
    );
    expect(await stored()).toEqual(['04l8d0000001AAA', '04l8d0000002AAA']);
    expect(woken).toEqual([connection.id]);
  });

  it('stores a redelivery once: Salesforce keeps the Notification Id across retries', async () => {
    const body = message([{ id: '04l8d0000003AAA', lead: '00Q8d000003AAAAAAA' }]);
    expect((await post(urlOf(connection), body)).status).toBe(200);
    woken = [];
    const again = await post(urlOf(connection), body);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('<Ack>true</Ack>');
    expect((await stored()).filter((id) => id === '04l8d0000003AAA')).toHaveLength(1);
    expect(woken).toEqual([]);
  });

  it('keeps each connection’s copy apart: one org connected from two sheets has two URLs', async () => {
    expect(urlOf(other).searchParams.get('token')).not.toBe(urlOf(connection).searchParams.get('token'));
    const body = message([{ id: '04l8d0000004AAA', lead: '00Q8d000004AAAAAAA' }]);
    expect((await post(urlOf(other), body)).status).toBe(200);
    expect(await stored(other)).toEqual(['04l8d0000004AAA']);
    expect(await stored()).not.toContain('04l8d0000004AAA');
  });

  describe('refuses with a SOAP Client fault, storing nothing and waking nobody', () => {
    const body = message([{ id: '04l8d0000099AAA', lead: '00Q8d000099AAAAAAA' }]);
    const cases: [string, () => string, string?][] = [
      ['no token', () => urlOf(connection).pathname],
      [
        'a forged token',
        () => {
          const url = urlOf(connection);
          url.searchParams.set('token', 'A'.repeat(43));
          return `${url.pathname}${url.search}`;
        },
      ],
      ['another connection’s token', () => `${urlOf(connection).pathname}${urlOf(other).search}`],
      [
        'an unknown connection',
        () => `/webhooks/salesforce/outbound/00000000-0000-0000-0000-000000000000${urlOf(connection).search}`,
      ],
      [
        'a message from another org',
        () => {
          const url = urlOf(connection);
          return `${url.pathname}${url.search}`;
        },
        message([{ id: '04l8d0000099AAA', lead: '00Q8d000099AAAAAAA' }], '00D8d000000OTHERAA'),
      ],
      [
        'a message older than Salesforce retries',
        () => {
          const url = urlOf(connection);
          return `${url.pathname}${url.search}`;
        },
        message([{ id: '04l8d0000099AAA', lead: '00Q8d000099AAAAAAA', at: '2025-05-30T12:00:00.000Z' }]),
      ],
      [
        'a body that is not SOAP',
        () => {
          const url = urlOf(connection);
          return `${url.pathname}${url.search}`;
        },
        '{"not":"soap"}',
      ],
      [
        'malformed XML (an envelope cut off mid-element)',
        () => {
          const url = urlOf(connection);
          return `${url.pathname}${url.search}`;
        },
        body.slice(0, Math.floor(body.length / 2)),
      ],
      [
        'XML with an entity declaration (no DTDs in SOAP)',
        () => {
          const url = urlOf(connection);
          return `${url.pathname}${url.search}`;
        },
        body.replace(
          '<?xml version="1.0" encoding="UTF-8"?>',
          '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>',
        ),
      ],
    ];
    it.each(cases)('%s', async (_, target, payload) => {
      const before = await stored();
      const path = target();
      const response = await post(path, payload ?? body);
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(text).toContain('<faultcode>soapenv:Client</faultcode>');
      expect(text).not.toContain('Ack');
      const token = new URL(path, PUBLIC).searchParams.get('token');
      if (token) expect(text).not.toContain(token);
      expect(await stored()).toEqual(before);
      expect(woken).toEqual([]);
    });
  });

  it('says which fields to add when the message lacks SystemModstamp, and stores nothing', async () => {
    const response = await post(
      urlOf(connection),
      message([{ id: '04l8d0000005AAA', lead: '00Q8d000005AAAAAAA', at: null }]),
    );
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).toContain('<faultcode>soapenv:Client</faultcode>');
    expect(text).toContain('SystemModstamp');
    expect(await stored()).not.toContain('04l8d0000005AAA');
  });

  it('drops the integration user’s own changes at the door, still acknowledging them', async () => {
    const response = await post(
      urlOf(connection),
      message([{ id: '04l8d0000006AAA', lead: '00Q8d000006AAAAAAA', by: API_USER }]),
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<Ack>true</Ack>');
    expect(await stored()).not.toContain('04l8d0000006AAA');
    expect(woken).toEqual([]);
  });

  it('keeps accepting URLs made before a key rotation, and shows the new URL', async () => {
    const before = urlOf(connection);
    keyring = Keyring.parse(`${generateKeyEntry('k2')},${k1}`);
    const after = urlOf(connection);
    expect(after.searchParams.get('token')).not.toBe(before.searchParams.get('token'));
    const old = await post(before, message([{ id: '04l8d0000007AAA', lead: '00Q8d000007AAAAAAA' }]));
    expect(old.status).toBe(200);
    const current = await post(after, message([{ id: '04l8d0000008AAA', lead: '00Q8d000008AAAAAAA' }]));
    expect(current.status).toBe(200);
    expect(await stored()).toEqual(expect.arrayContaining(['04l8d0000007AAA', '04l8d0000008AAA']));
    // Once the old key is dropped (rotation step 3), the old URL stops working.
    keyring = Keyring.parse(generateKeyEntry('k3'));
    expect(
      (await post(before, message([{ id: '04l8d0000009AAA', lead: '00Q8d000009AAAAAAA' }]))).status,
    ).toBe(500);
  });

  it('accepts the message the Apex notifier template sends (docs/salesforce/RowbridgeNotifier.cls)', async () => {
    // What RowbridgeNotifier.envelope() builds for one deleted Lead, character for character.
    const apex =
      '<?xml version="1.0" encoding="UTF-8"?>' +
      '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
      '<soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound">' +
      `<OrganizationId>${ORG}</OrganizationId>` +
      '<ActionId>RowbridgeNotifier</ActionId>' +
      '<SessionId xsi:nil="true"/>' +
      '<Notification><Id>00Q8d000010AAAAAAA-1748865540000</Id>' +
      '<sObject xsi:type="sf:Lead" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">' +
      '<sf:Id>00Q8d000010AAAAAAA</sf:Id>' +
      '<sf:IsDeleted>true</sf:IsDeleted>' +
      '<sf:CreatedDate>2025-06-01T08:00:00.000Z</sf:CreatedDate>' +
      '<sf:LastModifiedDate>2025-06-02T11:59:00.000Z</sf:LastModifiedDate>' +
      '<sf:SystemModstamp>2025-06-02T11:59:00.000Z</sf:SystemModstamp>' +
      `<sf:LastModifiedById>${SALES_USER}</sf:LastModifiedById>` +
      '</sObject></Notification>' +
      '</notifications></soapenv:Body></soapenv:Envelope>';
    const response = await post(urlOf(connection), apex);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<Ack>true</Ack>');
    const { rows } = await db.client.query<{ payload: { kind: string; objectType: string } }>(
      'select payload from inbox_events where source = $1 and vendor_event_id = $2',
      [salesforceSource(connection.id), '00Q8d000010AAAAAAA-1748865540000'],
    );
    expect(rows[0]?.payload).toMatchObject({ kind: 'deleted', objectType: 'Lead' });
  });

  it.each([
    ['JSON', { 'content-type': 'application/json' }],
    ['a form post', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['plain text', { 'content-type': 'text/plain' }],
    ['no content type', {}],
  ])(
    'refuses a valid, correctly tokened message sent as %s with 415, storing nothing',
    async (_, headers) => {
      const url = urlOf(connection);
      const response = await app().request(`${url.pathname}${url.search}`, {
        method: 'POST',
        headers,
        body: new Blob([message([{ id: '04l8d0000099CT1', lead: '00Q8d000099CT1AAAA' }])]),
      });
      expect(response.status).toBe(415);
      expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
      const text = await response.text();
      expect(text).toContain('<faultcode>soapenv:Client</faultcode>');
      expect(text).toContain('text/xml');
      expect(await stored()).not.toContain('04l8d0000099CT1');
      expect(woken).toEqual([]);
    },
  );

  it.each(['text/xml', 'application/xml', 'application/soap+xml; charset=utf-8'])(
    'accepts the message as %s',
    async (contentType) => {
      const url = urlOf(connection);
      const id = `04l8d0000099C${contentType.length.toString().padStart(2, '0')}`;
      const response = await app().request(`${url.pathname}${url.search}`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: message([{ id, lead: '00Q8d000099CT2AAAA' }]),
      });
      expect(response.status).toBe(200);
      expect(await stored()).toContain(id);
    },
  );

  it('has no URL for connections to other CRMs, or whose org is not known yet', () => {
    expect(salesforceOutboundUrl(PUBLIC, keyring, { ...connection, crm: 'hubspot' })).toBeUndefined();
    expect(salesforceOutboundUrl(PUBLIC, keyring, { ...connection, accountId: null })).toBeUndefined();
    expect(salesforceOutboundUrl(`${PUBLIC}/`, keyring, connection)).toMatch(
      new RegExp(`^${PUBLIC}/webhooks/salesforce/outbound/${connection.id}\\?token=[A-Za-z0-9_-]{43}$`),
    );
  });
});
