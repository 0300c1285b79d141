import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { parseOrThrow, RowbridgeError } from '../../../shared/errors.ts';
import type {
  CrmEvent,
  CrmEventKind,
  CrmWebhook,
  ParseContext,
  WebhookRequest,
  WebhookVerdict,
} from '../types.ts';
import { hubspotProvider } from './provider.ts';

const { signatureHeader = 'x-hubspot-signature-v3', timestampHeader = 'x-hubspot-request-timestamp' } =
  hubspotProvider.webhook;
const MAX_AGE_MS = (hubspotProvider.webhook.maxAgeSeconds ?? 300) * 1000;

// HubSpot signs the URI with these characters decoded (its v3 validation guide lists them).
const DECODE: Readonly<Record<string, string>> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

/** `base64(HMAC-SHA256(clientSecret, method + uri + rawBody + timestamp))`: what HubSpot sends as v3. */
export function signHubSpotV3(
  secret: string,
  request: Omit<WebhookRequest, 'headers'>,
  timestamp: string,
): string {
  const uri = request.url.replace(
    /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi,
    (m) => DECODE[m.toUpperCase()] ?? m,
  );
  return createHmac('sha256', secret)
    .update(`${request.method.toUpperCase()}${uri}${request.rawBody}${timestamp}`)
    .digest('base64');
}

/**
 * Verifies `X-HubSpot-Signature-v3` in constant time (the SDK's `Signature.isValid` compares with `===`)
 * and rejects requests whose timestamp is more than 5 minutes away from `now`, so a captured request
 * cannot be replayed later. v1/v2 signatures are not accepted.
 *
 * https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests
 */
export function verifyHubSpotSignature(
  request: WebhookRequest,
  clientSecret: string,
  now: number,
): WebhookVerdict {
  const signature = request.headers[signatureHeader];
  const timestamp = request.headers[timestampHeader];
  if (!signature || !timestamp) return { ok: false, reason: 'missing_signature' };
  const sentAt = Number(timestamp);
  if (!Number.isFinite(sentAt) || Math.abs(now - sentAt) > MAX_AGE_MS) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(signHubSpotV3(clientSecret, request, timestamp));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad_signature' };
  }
  return { ok: true };
}

const eventSchema = z.looseObject({
  eventId: z.union([z.number(), z.string()]),
  subscriptionType: z.string(),
  objectId: z.union([z.number(), z.string()]),
  occurredAt: z.number(),
  propertyName: z.string().optional(),
  propertyValue: z.string().nullable().optional(),
  changeSource: z.string().optional(),
  sourceId: z.string().optional(),
  primaryObjectId: z.union([z.number(), z.string()]).optional(),
  mergedObjectIds: z.array(z.union([z.number(), z.string()])).optional(),
});

const OBJECT_TYPES: Readonly<Record<string, string>> = {
  contact: 'contacts',
  company: 'companies',
  deal: 'deals',
  ticket: 'tickets',
};

const KINDS: Readonly<Record<string, CrmEventKind>> = {
  creation: 'created',
  propertyChange: 'updated',
  deletion: 'deleted',
  privacyDeletion: 'deleted',
  restore: 'restored',
  merge: 'merged',
};

/**
 * HubSpot's webhook body (a JSON array of events) → `CrmEvent[]`. Association changes and object types
 * Rowbridge does not sync are dropped. An event whose `sourceId` is one of ours (our app id) is an echo.
 *
 * https://developers.hubspot.com/docs/api/webhooks
 */
export function parseHubSpotEvents(rawBody: string, context: ParseContext = {}): CrmEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new RowbridgeError('invalid_json', 'The HubSpot webhook body is not JSON.');
  }
  const events = parseOrThrow(z.array(eventSchema), json, 'HubSpot webhook body');
  const own = new Set(context.ownSourceIds ?? []);
  const out: CrmEvent[] = [];
  for (const event of events) {
    const [type, action = ''] = event.subscriptionType.split('.');
    const objectType = OBJECT_TYPES[type ?? ''];
    const kind = KINDS[action];
    if (objectType === undefined || kind === undefined) continue;
    const sourceId = event.sourceId?.replace(/^[^:]*:/, '');
    out.push({
      eventId: String(event.eventId),
      objectType,
      objectId: String(kind === 'merged' ? (event.primaryObjectId ?? event.objectId) : event.objectId),
      kind,
      ...(event.propertyName === undefined ? {} : { propertyName: event.propertyName }),
      ...(event.propertyValue === undefined ? {} : { value: event.propertyValue }),
      ...(event.mergedObjectIds ? { mergedIds: event.mergedObjectIds.map(String) } : {}),
      occurredAt: new Date(event.occurredAt).toISOString(),
      echo:
        (event.sourceId !== undefined && own.has(event.sourceId)) ||
        (sourceId !== undefined && own.has(sourceId)),
    });
  }
  return out;
}

/** HubSpot's webhook side, as the inbox uses it. */
export const hubspotWebhook: CrmWebhook = { verify: verifyHubSpotSignature, parse: parseHubSpotEvents };
