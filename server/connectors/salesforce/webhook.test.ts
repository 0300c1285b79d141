import { describe, expect, it } from 'vitest';
import { notificationsXml } from '../../sandbox/salesforce/index.ts';
import type { WebhookRequest } from '../types.ts';
import {
  outboundMessageToken,
  outboundMessageUrl,
  parseSalesforceOutbound,
  verifySalesforceOutbound,
} from './webhook.ts';

const ORG = '00D8d0000000001EAA';
const SECRET = 'connection-secret';
const NOW = Date.UTC(2025, 5, 1, 12);
const INTEGRATION_USER = '0058d0000000001EAA';

function message(
  notifications: { id: string; fields: Record<string, string | boolean> }[],
  organizationId = ORG,
) {
  return notificationsXml({
    organizationId,
    actionId: '04k8d00000001AAA',
    instanceUrl: 'https://org.test',
    version: '62.0',
    object: 'Lead',
    notifications,
  });
}

function delivery(body: string, secret = SECRET): WebhookRequest {
  return {
    method: 'POST',
    url: outboundMessageUrl('https://rowbridge.test/webhooks/salesforce?c=1', secret, ORG),
    headers: {},
    rawBody: body,
  };
}

const stamp = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');
const lead = (id: string, extra: Record<string, string | boolean> = {}) => ({
  id: `04l8d00000000${id}AAA`,
  fields: {
    Id: `00Q8d00000000${id}EAA`,
    CreatedDate: stamp(NOW - 60_000),
    LastModifiedDate: stamp(NOW),
    SystemModstamp: stamp(NOW),
    LastModifiedById: '0058d0000000002EAA',
    ...extra,
  },
});

describe('verifySalesforceOutbound', () => {
  it('accepts a delivery whose URL token matches its organization, in either id form', () => {
    const body = message([lead('01')]);
    expect(verifySalesforceOutbound(delivery(body), SECRET, NOW)).toEqual({ ok: true });
    expect(outboundMessageToken(SECRET, ORG)).toBe(outboundMessageToken(SECRET, ORG.slice(0, 15)));
    expect(new URL(delivery(body).url).searchParams.get('c')).toBe('1');
  });

  it('refuses another organization, another secret, a missing token and an unreadable body', () => {
    const body = message([lead('01')]);
    expect(
      verifySalesforceOutbound(delivery(message([lead('01')], '00D8d0000000009EAA')), SECRET, NOW),
    ).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySalesforceOutbound(delivery(body, 'other'), SECRET, NOW)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(
      verifySalesforceOutbound(
        { ...delivery(body), url: 'https://rowbridge.test/webhooks/salesforce' },
        SECRET,
        NOW,
      ),
    ).toEqual({
      ok: false,
      reason: 'missing_signature',
    });
    expect(verifySalesforceOutbound({ ...delivery(body), rawBody: '<x>' }, SECRET, NOW)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses changes older than the 24-hour retry window (plus slack) or far ahead', () => {
    const old = message([
      lead('01', {
        LastModifiedDate: stamp(NOW - 26 * 3_600_000),
        SystemModstamp: stamp(NOW - 26 * 3_600_000),
      }),
    ]);
    expect(verifySalesforceOutbound(delivery(old), SECRET, NOW)).toEqual({ ok: false, reason: 'stale' });
    const retried = message([
      lead('01', {
        LastModifiedDate: stamp(NOW - 23 * 3_600_000),
        SystemModstamp: stamp(NOW - 23 * 3_600_000),
      }),
    ]);
    expect(verifySalesforceOutbound(delivery(retried), SECRET, NOW)).toEqual({ ok: true });
    const ahead = message([lead('01', { SystemModstamp: stamp(NOW + 3_600_000) })]);
    expect(verifySalesforceOutbound(delivery(ahead), SECRET, NOW).ok).toBe(false);
  });
});

describe('parseSalesforceOutbound', () => {
  it('turns notifications into created, updated and deleted events, once per Notification Id', () => {
    const created = lead('01', { CreatedDate: stamp(NOW), LastModifiedDate: stamp(NOW) });
    const body = message([created, lead('02'), lead('03', { IsDeleted: true }), created]);
    expect(parseSalesforceOutbound(body)).toEqual([
      {
        eventId: created.id,
        objectType: 'Lead',
        objectId: created.fields.Id,
        kind: 'created',
        occurredAt: new Date(NOW).toISOString(),
        echo: false,
      },
      expect.objectContaining({ objectId: '00Q8d0000000002EAA', kind: 'updated' }),
      expect.objectContaining({ objectId: '00Q8d0000000003EAA', kind: 'deleted' }),
    ]);
  });

  it('marks changes by our integration user as echoes (15- or 18-character ids)', () => {
    const body = message([lead('01', { LastModifiedById: INTEGRATION_USER }), lead('02')]);
    expect(
      parseSalesforceOutbound(body, { ownSourceIds: [INTEGRATION_USER.slice(0, 15)] }).map((e) => e.echo),
    ).toEqual([true, false]);
  });

  it('refuses a message that is not a notifications envelope or lacks the stamps it needs', () => {
    expect(() => parseSalesforceOutbound('not xml')).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
    const noStamp = message([{ id: '04l8d0000000001AAA', fields: { Id: '00Q8d0000000001EAA' } }]);
    expect(() => parseSalesforceOutbound(noStamp)).toThrow(/SystemModstamp/);
  });
});
