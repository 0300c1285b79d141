import { createHmac, timingSafeEqual } from 'node:crypto';
import { RowbridgeError } from '../../../shared/errors.ts';
import {
  childElement,
  childElements,
  isNil,
  localName,
  parseXml,
  soapBodyOf,
  textOf,
  type XmlElement,
} from '../../xml/index.ts';
import type { CrmEvent, CrmWebhook, ParseContext, WebhookRequest, WebhookVerdict } from '../types.ts';
import { isoOf } from './mappers.ts';
import { salesforceProvider } from './provider.ts';

/*
 * Outbound Messages are not signed: Salesforce sends a SOAP `notifications` message to the URL an admin
 * configured, over TLS, optionally with its client certificate. So the URL itself carries the proof. Each
 * connection has a secret; the URL Rowbridge asks the admin to configure carries
 * `token = base64url(HMAC-SHA256(secret, organizationId15))`. A delivery is genuine when its URL token
 * matches the HMAC of the `OrganizationId` in its body (compared in constant time): the URL works only for
 * the org it was made for, a body claiming another org is refused, and the secret never travels.
 * Salesforce keeps retrying a message for 24 hours, and a message carries the record as it is when sent,
 * so a delivery whose newest `SystemModstamp`/`LastModifiedDate` is older than that window is stale.
 */

const TOKEN_PARAM = 'token';
const MAX_AGE_MS = (salesforceProvider.webhook.maxAgeSeconds ?? 90_000) * 1000;
/** Clock skew allowed for stamps ahead of our clock. */
const MAX_AHEAD_MS = 5 * 60_000;

/** The URL token for one organization (15- or 18-character id). */
export function outboundMessageToken(secret: string, organizationId: string): string {
  return createHmac('sha256', secret).update(organizationId.slice(0, 15)).digest('base64url');
}

/** The endpoint URL to configure on the Outbound Message: `base` with `?token=`. */
export function outboundMessageUrl(base: string, secret: string, organizationId: string): string {
  const url = new URL(base);
  url.searchParams.set(TOKEN_PARAM, outboundMessageToken(secret, organizationId));
  return url.toString();
}

/** The `notificationsResponse` a listener answers with; `Ack` false asks Salesforce to send again. */
export function outboundMessageAck(ack = true): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>${ack}</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>`;
}

interface Notification {
  readonly id: string;
  readonly type: string;
  readonly fields: Readonly<Record<string, string | null>>;
}

interface Message {
  readonly organizationId: string;
  readonly notifications: readonly Notification[];
}

function read(rawBody: string): Message {
  let message: XmlElement;
  try {
    message = soapBodyOf(parseXml(rawBody));
  } catch (error) {
    throw new RowbridgeError(
      'invalid_input',
      `The Salesforce outbound message is not readable SOAP: ${(error as Error).message}`,
    );
  }
  if (localName(message) !== 'notifications') {
    throw new RowbridgeError(
      'invalid_input',
      `Expected a Salesforce notifications message, got ${localName(message)}.`,
    );
  }
  const text = (element: XmlElement | undefined) => (element ? textOf(element).trim() : '');
  return {
    organizationId: text(childElement(message, 'OrganizationId')),
    notifications: childElements(message, 'Notification').map((notification) => {
      const sObject = childElement(notification, 'sObject');
      const type =
        Object.entries(sObject?.attributes ?? {}).find(
          ([name]) => name === 'type' || name.endsWith(':type'),
        )?.[1] ?? '';
      const fields: Record<string, string | null> = {};
      for (const field of sObject ? childElements(sObject) : [])
        fields[localName(field)] = isNil(field) ? null : textOf(field);
      return { id: text(childElement(notification, 'Id')), type: type.replace(/^\w+:/, ''), fields };
    }),
  };
}

function newestStamp(message: Message): number | undefined {
  const stamps = message.notifications
    .flatMap((n) => [n.fields.SystemModstamp, n.fields.LastModifiedDate])
    .map((value) => Date.parse(isoOf(value ?? '') ?? value ?? ''))
    .filter((ms) => !Number.isNaN(ms));
  return stamps.length ? Math.max(...stamps) : undefined;
}

/**
 * Checks the URL token against the body's organization in constant time, then the age of the newest
 * change it carries (24 hours of retries, plus an hour's slack). A message without stamps is not judged
 * stale: configure the outbound message to send `SystemModstamp`.
 * https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_om_outboundmessaging_understanding.htm
 */
export function verifySalesforceOutbound(
  request: WebhookRequest,
  secret: string,
  now: number,
): WebhookVerdict {
  const given = URL.canParse(request.url) ? new URL(request.url).searchParams.get(TOKEN_PARAM) : null;
  if (!given) return { ok: false, reason: 'missing_signature' };
  let message: Message;
  try {
    message = read(request.rawBody);
  } catch {
    return { ok: false, reason: 'bad_signature' };
  }
  const expected = Buffer.from(outboundMessageToken(secret, message.organizationId));
  const actual = Buffer.from(given);
  if (!message.organizationId || actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    return { ok: false, reason: 'bad_signature' };
  }
  const newest = newestStamp(message);
  if (newest !== undefined && (newest < now - MAX_AGE_MS || newest > now + MAX_AHEAD_MS))
    return { ok: false, reason: 'stale' };
  return { ok: true };
}

/**
 * An Outbound Message → `CrmEvent[]`, one per `Notification`, de-duplicated by Notification Id (the id
 * Salesforce keeps across retries, so the inbox drops redeliveries too). `IsDeleted` true is a deletion,
 * `CreatedDate` equal to `LastModifiedDate` a creation, anything else an update. A change whose
 * `LastModifiedById` is one of `ownSourceIds` (our integration user) is an echo of our own write.
 */
export function parseSalesforceOutbound(rawBody: string, context: ParseContext = {}): CrmEvent[] {
  const message = read(rawBody);
  const own = new Set((context.ownSourceIds ?? []).map((id) => id.slice(0, 15)));
  const seen = new Set<string>();
  const events: CrmEvent[] = [];
  for (const n of message.notifications) {
    if (!n.id || seen.has(n.id)) continue;
    seen.add(n.id);
    const { Id, IsDeleted, CreatedDate, LastModifiedDate, SystemModstamp, LastModifiedById } = n.fields;
    const occurredAt = isoOf(SystemModstamp) ?? isoOf(LastModifiedDate);
    if (!Id || !occurredAt) {
      throw new RowbridgeError(
        'invalid_input',
        'The Salesforce outbound message lacks Id or SystemModstamp/LastModifiedDate: add them to the message’s fields.',
      );
    }
    const kind =
      IsDeleted === 'true'
        ? 'deleted'
        : CreatedDate && CreatedDate === LastModifiedDate
          ? 'created'
          : 'updated';
    events.push({
      eventId: n.id,
      objectType: n.type,
      objectId: Id,
      kind,
      occurredAt,
      echo:
        LastModifiedById !== undefined && LastModifiedById !== null && own.has(LastModifiedById.slice(0, 15)),
    });
  }
  return events;
}

/** Salesforce's webhook side, as the inbox uses it; answer deliveries with `outboundMessageAck()`. */
export const salesforceWebhook: CrmWebhook = {
  verify: verifySalesforceOutbound,
  parse: parseSalesforceOutbound,
};
