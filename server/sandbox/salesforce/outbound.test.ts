import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { childElement, childElements, parseXml, soapBodyOf, textOf } from '../../xml/index.ts';
import { type ServedSandbox, serveSandbox } from './test-harness.ts';

const ACK =
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>';

/** A listener on loopback that records every delivery and answers from a script (Ack by default). */
async function listener(answers: ((body: string) => Response)[] = []) {
  const bodies: string[] = [];
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const created = serve(
      {
        fetch: async (request) => {
          const body = await request.text();
          bodies.push(body);
          return answers.shift()?.(body) ?? new Response(ACK, { headers: { 'content-type': 'text/xml' } });
        },
        port: 0,
        hostname: '127.0.0.1',
      },
      () => resolve(created),
    );
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/salesforce`,
    bodies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function notifications(body: string) {
  const message = soapBodyOf(parseXml(body));
  return {
    organizationId: textOf(childElement(message, 'OrganizationId') ?? message),
    items: childElements(message, 'Notification').map((n) => {
      const sObject = childElement(n, 'sObject') ?? n;
      return {
        id: textOf(childElement(n, 'Id') ?? n),
        type: sObject.attributes['xsi:type'],
        fields: Object.fromEntries(childElements(sObject).map((f) => [f.name, textOf(f)])),
      };
    }),
  };
}

let served: ServedSandbox;
let closeListener: () => Promise<void> = async () => {};
afterEach(async () => {
  await served.close();
  await closeListener();
});

describe('outbound messages', () => {
  it('sends users’ changes as SOAP notifications, the API user’s only when switched on', async () => {
    const target = await listener();
    closeListener = target.close;
    served = await serveSandbox({ outbound: { targetUrl: target.url, autoDeliver: false } });
    const id = served.sandbox.state.createAsUser('Lead', { LastName: 'Lee', Company: 'Acme' });
    const conn = served.connection(served.sandbox.state.createAccessToken());
    await conn.sobject('Lead').update({ Id: id, Title: 'By the API' });
    served.sandbox.state.deleteAsUser('Lead', id);
    await served.sandbox.flushOutbound();

    expect(target.bodies).toHaveLength(1);
    const message = notifications(target.bodies[0] ?? '');
    expect(message.organizationId).toBe(served.sandbox.organizationId);
    expect(message.items).toHaveLength(2);
    const [created, deleted] = message.items;
    expect(created?.id).not.toBe(deleted?.id);
    expect(created).toMatchObject({
      type: 'sf:Lead',
      fields: { 'sf:Id': id, 'sf:LastModifiedById': served.sandbox.salesUserId },
    });
    // Each notification carries the record as it is when sent: deleted by then.
    expect(deleted?.fields['sf:IsDeleted']).toBe('true');
    expect(served.sandbox.state.outboundAttempts()).toMatchObject([{ outcome: 200, acked: true }]);
  });

  it('includes API changes with includeApiChanges, batching at most 100 notifications per message', async () => {
    const target = await listener();
    closeListener = target.close;
    served = await serveSandbox({
      outbound: { targetUrl: target.url, autoDeliver: false, includeApiChanges: true },
    });
    const conn = served.connection(served.sandbox.state.createAccessToken());
    await conn
      .sobject('Lead')
      .create(Array.from({ length: 150 }, (_, i) => ({ LastName: `L${i}`, Company: 'C' })));
    await served.sandbox.flushOutbound();
    expect(target.bodies.map((body) => notifications(body).items.length)).toEqual([100, 50]);
    expect(notifications(target.bodies[0] ?? '').items[0]?.fields['sf:LastModifiedById']).toBe(
      served.sandbox.apiUserId,
    );
  });

  it('retries with the same notification ids until the listener acknowledges', async () => {
    const target = await listener([
      () => new Response('busy', { status: 503 }),
      () => new Response('<ok/>', { status: 200 }),
    ]);
    closeListener = target.close;
    served = await serveSandbox({ outbound: { targetUrl: target.url, autoDeliver: false } });
    served.sandbox.state.createAsUser('Contact', { LastName: 'Once' });
    await served.sandbox.flushOutbound();
    expect(served.sandbox.state.outboundAttempts().map((a) => [a.outcome, a.acked])).toEqual([
      [503, false],
      [200, false],
      [200, true],
    ]);
    const ids = target.bodies.map((body) => notifications(body).items.map((n) => n.id));
    expect(new Set(ids.flat()).size).toBe(1);
  });
});
