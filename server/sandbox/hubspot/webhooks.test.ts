import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Signature } from '@hubspot/api-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signV3, type WebhookEvent, type WebhookOptions } from './index.ts';
import { type ServedSandbox, serveSandbox, TEST_CLIENT } from './test-harness.ts';

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  readonly events: WebhookEvent[];
}

/** A real HTTP receiver: records every POST and answers with the next queued status (200 when none). */
class Receiver {
  readonly received: Received[] = [];
  readonly statuses: number[] = [];
  #server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        this.received.push({
          headers: request.headers,
          rawBody,
          events: JSON.parse(rawBody) as WebhookEvent[],
        });
        response.writeHead(this.statuses.shift() ?? 200).end();
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hubspot/webhooks`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }

  get events(): WebhookEvent[] {
    return this.received.flatMap((r) => r.events);
  }
}

/** The receiver side of v3 validation, written from HubSpot's instructions rather than with `signV3`. */
function validV3(received: Received, uri: string): boolean {
  const timestamp = String(received.headers['x-hubspot-request-timestamp']);
  if (Date.now() - Number(timestamp) > 5 * 60_000) return false;
  const expected = createHmac('sha256', TEST_CLIENT.clientSecret)
    .update(`POST${uri}${received.rawBody}${timestamp}`)
    .digest();
  const given = Buffer.from(String(received.headers['x-hubspot-signature-v3']), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

let receiver: Receiver;
let served: ServedSandbox;

async function start(webhook: Partial<WebhookOptions> = {}): Promise<ServedSandbox> {
  served = await serveSandbox({
    webhook: { targetUrl: receiver.url, autoDeliver: false, appId: 777, ...webhook },
  });
  return served;
}

beforeEach(async () => {
  receiver = new Receiver();
  await receiver.start();
});
afterEach(async () => {
  await served?.close();
  await receiver.stop();
});

describe('webhooks', () => {
  it('delivers API writes as signed batches: creation, property changes, deletion', async () => {
    await start();
    const hs = served.client(served.sandbox.state.createPrivateAppToken({ appId: 777 }));
    const contact = await hs.crm.contacts.basicApi.create({
      properties: { email: 'w@acme.com', firstname: 'Wes' },
    });
    await served.sandbox.flushWebhooks();

    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    if (!delivery) throw new Error('no delivery');
    expect(validV3(delivery, receiver.url)).toBe(true);
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(
      Signature.isValid({
        signatureVersion: 'v3',
        signature: String(delivery.headers['x-hubspot-signature-v3']),
        clientSecret: TEST_CLIENT.clientSecret,
        requestBody: delivery.rawBody,
        url: receiver.url,
        method: 'POST',
        timestamp: Number(delivery.headers['x-hubspot-request-timestamp']),
      }),
    ).toBe(true);

    const objectId = Number(contact.id);
    expect(delivery.events).toEqual([
      expect.objectContaining({
        subscriptionType: 'contact.creation',
        objectId,
        changeFlag: 'CREATED',
        changeSource: 'INTEGRATION',
        sourceId: '777',
        appId: 777,
        portalId: served.sandbox.portalId,
        attemptNumber: 0,
      }),
      expect.objectContaining({
        subscriptionType: 'contact.propertyChange',
        propertyName: 'email',
        propertyValue: 'w@acme.com',
      }),
      expect.objectContaining({
        subscriptionType: 'contact.propertyChange',
        propertyName: 'firstname',
        propertyValue: 'Wes',
      }),
    ]);
    expect(Object.keys(delivery.events[0] ?? {}).slice(0, 7)).toEqual([
      'eventId',
      'subscriptionId',
      'portalId',
      'appId',
      'occurredAt',
      'subscriptionType',
      'attemptNumber',
    ]);

    served.sandbox.state.editAsUser('contacts', contact.id, { firstname: 'Wesley' });
    await hs.crm.contacts.basicApi.archive(contact.id);
    await served.sandbox.flushWebhooks();
    expect(receiver.events.slice(3)).toEqual([
      expect.objectContaining({
        subscriptionType: 'contact.propertyChange',
        propertyName: 'firstname',
        propertyValue: 'Wesley',
        changeSource: 'CRM_UI',
        sourceId: 'userId:5000001',
      }),
      expect.objectContaining({ subscriptionType: 'contact.deletion', changeFlag: 'DELETED', objectId }),
    ]);
    expect(new Set(receiver.events.map((e) => e.eventId)).size).toBe(receiver.events.length);
  });

  it('puts at most 100 events in one POST', async () => {
    await start({ subscriptions: [{ subscriptionType: 'contact.creation' }] });
    const hs = served.client(served.sandbox.state.createPrivateAppToken());
    for (let batch = 0; batch < 2; batch++) {
      const inputs = Array.from({ length: 75 }, (_, i) => ({
        properties: { email: `b${batch}-${i}@acme.com` },
      }));
      await hs.crm.contacts.batchApi.create({ inputs });
    }
    await served.sandbox.flushWebhooks();
    expect(receiver.received.map((r) => r.events.length)).toEqual([100, 50]);
    expect(receiver.received.every((r) => validV3(r, receiver.url))).toBe(true);
  });

  it('retries after a 500 with attemptNumber counting up, and gives up after a 400', async () => {
    await start({ subscriptions: [{ subscriptionType: 'company.creation' }] });
    receiver.statuses.push(500, 503);
    served.sandbox.state.createAsUser('companies', { name: 'Acme' });
    await served.sandbox.flushWebhooks();
    expect(receiver.received.map((r) => r.events.map((e) => e.attemptNumber))).toEqual([[0], [1], [2]]);
    expect(receiver.received.every((r) => validV3(r, receiver.url))).toBe(true);
    expect(new Set(receiver.events.map((e) => e.eventId)).size).toBe(1);

    receiver.statuses.push(400);
    served.sandbox.state.createAsUser('companies', { name: 'Other' });
    await served.sandbox.flushWebhooks();
    expect(receiver.received).toHaveLength(4);
    expect(served.sandbox.state.webhookAttempts().map((a) => a.outcome)).toEqual([500, 503, 200, 400]);
  });

  it('stops after maxAttempts, and retries network errors', async () => {
    await start({ subscriptions: [{ subscriptionType: 'deal.creation' }], maxAttempts: 3 });
    served.sandbox.setWebhookTarget('http://127.0.0.1:9/nothing-listens-here');
    served.sandbox.state.createAsUser('deals', { dealname: 'D' });
    await served.sandbox.flushWebhooks();
    expect(served.sandbox.state.webhookAttempts().map((a) => [a.outcome, a.attemptNumbers])).toEqual([
      ['network-error', [0]],
      ['network-error', [1]],
      ['network-error', [2]],
    ]);
  });

  it('delivers on its own timer, with backoff between attempts', async () => {
    await start({
      subscriptions: [{ subscriptionType: 'contact.propertyChange', propertyName: 'lastname' }],
      autoDeliver: true,
      batchDelayMs: 5,
      retryDelayMs: 20,
    });
    receiver.statuses.push(500);
    const id = served.sandbox.state.createAsUser('contacts', { email: 't@acme.com', firstname: 'T' });
    served.sandbox.state.editAsUser('contacts', id, { lastname: 'Timer' });
    for (let waited = 0; receiver.received.length < 2 && waited < 2000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(receiver.events.map((e) => [e.propertyName, e.attemptNumber])).toEqual([
      ['lastname', 0],
      ['lastname', 1],
    ]);
  });

  it('exports the signature for receiver tests', () => {
    const signature = signV3({
      clientSecret: 's',
      method: 'POST',
      uri: 'https://x.test/h',
      body: '[]',
      timestamp: 1,
    });
    expect(signature).toBe(createHmac('sha256', 's').update('POSThttps://x.test/h[]1').digest('base64'));
  });
});
