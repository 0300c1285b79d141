import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WebhookRequest } from '../types.ts';
import { parseHubSpotEvents, signHubSpotV3, verifyHubSpotSignature } from './webhook.ts';

const SECRET = 'client-secret';
const NOW = Date.UTC(2025, 5, 1, 12);

function delivery(
  body: string,
  sentAt: number,
  url = 'https://rowbridge.test/webhooks/hubspot?x=1',
): WebhookRequest {
  const request = { method: 'POST', url, rawBody: body };
  const timestamp = String(sentAt);
  return {
    ...request,
    headers: {
      'x-hubspot-signature-v3': signHubSpotV3(SECRET, request, timestamp),
      'x-hubspot-request-timestamp': timestamp,
    },
  };
}

describe('verifyHubSpotSignature (v3)', () => {
  const body = '[{"eventId":1}]';

  it('computes base64 HMAC-SHA256 over method + uri + body + timestamp', () => {
    const expected = createHmac('sha256', SECRET)
      .update(`POSThttps://rowbridge.test/h${body}${NOW}`)
      .digest('base64');
    expect(
      signHubSpotV3(SECRET, { method: 'post', url: 'https://rowbridge.test/h', rawBody: body }, String(NOW)),
    ).toBe(expected);
  });

  it('signs the URI with the characters HubSpot decodes', () => {
    const encoded = { method: 'POST', url: 'https://rowbridge.test/h?u=a%40b.com%3A1', rawBody: '' };
    const decoded = { method: 'POST', url: 'https://rowbridge.test/h?u=a@b.com:1', rawBody: '' };
    expect(signHubSpotV3(SECRET, encoded, '1')).toBe(signHubSpotV3(SECRET, decoded, '1'));
  });

  it('accepts a fresh, correctly signed delivery', () => {
    expect(verifyHubSpotSignature(delivery(body, NOW - 1000), SECRET, NOW)).toEqual({ ok: true });
  });

  it('rejects a changed body, URL or secret', () => {
    const valid = delivery(body, NOW);
    expect(verifyHubSpotSignature({ ...valid, rawBody: '[{"eventId":2}]' }, SECRET, NOW)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyHubSpotSignature({ ...valid, url: `${valid.url}&y=2` }, SECRET, NOW).ok).toBe(false);
    expect(verifyHubSpotSignature(valid, 'other', NOW).ok).toBe(false);
  });

  it('rejects timestamps more than 5 minutes old (replays) or ahead', () => {
    expect(verifyHubSpotSignature(delivery(body, NOW - 5 * 60_000 - 1), SECRET, NOW)).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifyHubSpotSignature(delivery(body, NOW + 10 * 60_000), SECRET, NOW).ok).toBe(false);
  });

  it('rejects a delivery without signature headers, or with a v1/v2-length signature', () => {
    const valid = delivery(body, NOW);
    expect(verifyHubSpotSignature({ ...valid, headers: {} }, SECRET, NOW)).toEqual({
      ok: false,
      reason: 'missing_signature',
    });
    const v2 = { ...valid.headers, 'x-hubspot-signature-v3': 'ab'.repeat(32) };
    expect(verifyHubSpotSignature({ ...valid, headers: v2 }, SECRET, NOW).ok).toBe(false);
  });
});

describe('parseHubSpotEvents', () => {
  const base = { subscriptionId: 9, portalId: 62515, appId: 777, attemptNumber: 0, changeFlag: 'NEW' };

  it('normalises creations, property changes, deletions, restores and merges', () => {
    const body = JSON.stringify([
      { ...base, eventId: 1, subscriptionType: 'contact.creation', objectId: 101, occurredAt: NOW },
      {
        ...base,
        eventId: 2,
        subscriptionType: 'contact.propertyChange',
        objectId: 101,
        occurredAt: NOW,
        propertyName: 'email',
        propertyValue: 'a@b.com',
        changeSource: 'CRM_UI',
        sourceId: 'userId:5',
      },
      { ...base, eventId: 3, subscriptionType: 'company.deletion', objectId: 7, occurredAt: NOW },
      { ...base, eventId: 4, subscriptionType: 'deal.restore', objectId: 8, occurredAt: NOW },
      {
        ...base,
        eventId: 5,
        subscriptionType: 'contact.merge',
        objectId: 101,
        primaryObjectId: 101,
        mergedObjectIds: [102, 103],
        occurredAt: NOW,
      },
      { ...base, eventId: 6, subscriptionType: 'contact.privacyDeletion', objectId: 104, occurredAt: NOW },
    ]);
    expect(parseHubSpotEvents(body)).toEqual([
      {
        eventId: '1',
        objectType: 'contacts',
        objectId: '101',
        kind: 'created',
        occurredAt: new Date(NOW).toISOString(),
        echo: false,
      },
      expect.objectContaining({
        eventId: '2',
        kind: 'updated',
        propertyName: 'email',
        value: 'a@b.com',
        echo: false,
      }),
      expect.objectContaining({ eventId: '3', objectType: 'companies', objectId: '7', kind: 'deleted' }),
      expect.objectContaining({ eventId: '4', objectType: 'deals', kind: 'restored' }),
      expect.objectContaining({ eventId: '5', kind: 'merged', objectId: '101', mergedIds: ['102', '103'] }),
      expect.objectContaining({ eventId: '6', objectId: '104', kind: 'deleted' }),
    ]);
  });

  it('marks our own writes as echoes by source id', () => {
    const body = JSON.stringify([
      {
        ...base,
        eventId: 1,
        subscriptionType: 'contact.propertyChange',
        objectId: 1,
        occurredAt: NOW,
        propertyName: 'phone',
        propertyValue: '1',
        changeSource: 'INTEGRATION',
        sourceId: '777',
      },
    ]);
    expect(parseHubSpotEvents(body, { ownSourceIds: ['777'] })[0]?.echo).toBe(true);
    expect(parseHubSpotEvents(body, { ownSourceIds: ['778'] })[0]?.echo).toBe(false);
  });

  it('drops association changes and unknown object types', () => {
    const body = JSON.stringify([
      { ...base, eventId: 1, subscriptionType: 'contact.associationChange', objectId: 1, occurredAt: NOW },
      { ...base, eventId: 2, subscriptionType: 'line_item.creation', objectId: 1, occurredAt: NOW },
    ]);
    expect(parseHubSpotEvents(body)).toEqual([]);
  });

  it('answers invalid_json for a body that is not JSON, invalid_input for one that is not an event list', () => {
    expect(() => parseHubSpotEvents('{')).toThrow(expect.objectContaining({ code: 'invalid_json' }));
    expect(() => parseHubSpotEvents('[{"eventId":1}]')).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
  });
});
