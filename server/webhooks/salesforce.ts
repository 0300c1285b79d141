import { type Context, Hono } from 'hono';
import { isRowbridgeError } from '../../shared/errors.ts';
import { outboundMessageAck, salesforceWebhook } from '../connectors/salesforce/index.ts';
import type { WebhookRequest, WebhookVerdict } from '../connectors/types.ts';
import { limitBody } from '../http/validate.ts';
import type { Logger } from '../observability/logger.ts';
import type { Keyring } from '../security/keyring.ts';
import type { Database } from '../store/database.ts';
import type { Connection } from '../store/repos/index.ts';
import type { JsonValue } from '../store/values.ts';
import { xmlEscape } from '../xml/index.ts';
import { outboundSecrets } from './salesforce-endpoint.ts';

export interface SalesforceWebhookDeps {
  readonly db: Database;
  /** Derives each connection's URL secret (see `salesforce-endpoint.ts`). */
  readonly keyring: Keyring;
  readonly logger: Logger;
  /** Wakes the worker of each connection that got new events; must not hold up the answer. */
  readonly wake: (connections: readonly { readonly id: string; readonly tenantId: string }[]) => void;
  readonly now?: () => number;
}

/** The inbox source of a connection's Salesforce events: one copy per connection. */
export const salesforceSource = (connectionId: string) => `salesforce:${connectionId}`;

const SOAP_XML = 'text/xml; charset=utf-8';

/**
 * A SOAP 1.1 fault. SOAP 1.1 answers every fault with HTTP 500 (its HTTP binding, section 6.2), and
 * Salesforce keeps a message that was not acknowledged in its queue and retries it for 24 hours, which is
 * what a listener that could not store it wants. `Client` faults say the message itself was refused.
 * https://www.w3.org/TR/2000/NOTE-SOAP-20000508/#_Toc478383529
 */
function soapFault(c: Context, code: 'Client' | 'Server', message: string, status: 415 | 500 = 500) {
  const body = `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>soapenv:${code}</faultcode><faultstring>${xmlEscape(message)}</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`;
  return c.body(body, status, { 'content-type': SOAP_XML });
}

/**
 * SOAP 1.1 messages travel as `text/xml` (what Salesforce and the Apex notifier send); `application/xml`
 * and SOAP 1.2's `application/soap+xml` are XML too. Anything else is not a SOAP message, whatever the
 * body holds.
 */
const XML_MEDIA_TYPES = new Set(['text/xml', 'application/xml', 'application/soap+xml']);

function isXmlContentType(header: string | undefined): boolean {
  const mediaType = header?.split(';', 1)[0]?.trim().toLowerCase();
  return mediaType !== undefined && XML_MEDIA_TYPES.has(mediaType);
}

/** Checks a delivery under each key of the keyring, so URLs made before a key rotation keep working. */
function verify(request: WebhookRequest, secrets: readonly string[], now: number): WebhookVerdict {
  let verdict: WebhookVerdict = { ok: false, reason: 'bad_signature' };
  for (const secret of secrets) {
    verdict = salesforceWebhook.verify(request, secret, now);
    if (verdict.ok || verdict.reason !== 'bad_signature') return verdict;
  }
  return verdict;
}

const REFUSALS = {
  missing_signature: 'The URL has no token. Use the endpoint URL Rowbridge shows for this connection.',
  bad_signature:
    'The URL token does not match this connection and organization. Use the endpoint URL Rowbridge shows for this connection.',
  stale: 'The notification is older than Salesforce retries messages; it was not accepted.',
} as const;

/**
 * `POST /webhooks/salesforce/outbound/{connectionId}?token=…`: Salesforce Outbound Messages (or the Apex
 * notifier's, which sends the same SOAP message). The token is checked against the connection's derived
 * secret and the body's `OrganizationId` in constant time; an unknown connection, a wrong token or org,
 * or a stale message is a SOAP `Client` fault and nothing is stored. Each notification is stored once in
 * the connection's inbox (Notification Id is the idempotency key, stable across Salesforce's retries), the
 * `notificationsResponse` Ack is answered at once, and the connection's worker is woken. Echoes of our
 * own integration user's writes are dropped here: they would change nothing.
 *
 * https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_om_outboundmessaging_listener.htm
 */
export function salesforceWebhookRoutes(deps: SalesforceWebhookDeps): Hono {
  const app = new Hono();
  app.post('/webhooks/salesforce/outbound/:connectionId', limitBody, async (c) => {
    const log = c.get('log') ?? deps.logger;
    if (!isXmlContentType(c.req.header('content-type'))) {
      log.warn({ reason: 'unsupported_media_type' }, 'Refused a Salesforce outbound message');
      // 415 rather than SOAP's 500: the transport refused the request before any SOAP processing (the
      // status SOAP 1.2's HTTP binding gives an unsupported media type).
      return soapFault(
        c,
        'Client',
        'Send the outbound message as SOAP with Content-Type text/xml; charset=utf-8.',
        415,
      );
    }
    try {
      const rawBody = await c.req.text();
      const connection = await deps.db.repos.connections.getForWebhook(
        'salesforce',
        c.req.param('connectionId'),
      );
      const request: WebhookRequest = {
        method: c.req.method,
        url: c.req.url,
        headers: Object.fromEntries(
          [...c.req.raw.headers].map(([name, value]) => [name.toLowerCase(), value]),
        ),
        rawBody,
      };
      // An unknown connection is refused like a wrong token, so the answer does not tell which ids exist.
      const verdict: WebhookVerdict =
        connection?.accountId && connection.status !== 'revoked'
          ? verify(request, outboundSecrets(deps.keyring, connection.id), (deps.now ?? Date.now)())
          : { ok: false, reason: 'bad_signature' };
      if (!verdict.ok || !connection) {
        const reason = verdict.ok ? 'bad_signature' : verdict.reason;
        log.warn({ reason }, 'Refused a Salesforce outbound message');
        return soapFault(c, 'Client', REFUSALS[reason]);
      }
      const stored = await store(deps, connection, rawBody);
      if (stored > 0) deps.wake([{ id: connection.id, tenantId: connection.tenantId }]);
      return c.body(outboundMessageAck(), 200, { 'content-type': SOAP_XML });
    } catch (error) {
      if (isRowbridgeError(error)) {
        log.warn({ code: error.code }, 'Refused a Salesforce outbound message');
        return soapFault(c, error.code === 'invalid_input' ? 'Client' : 'Server', error.message);
      }
      log.error({ err: error }, 'Could not store a Salesforce outbound message');
      return soapFault(
        c,
        'Server',
        'Rowbridge could not store the notification; Salesforce will send it again.',
      );
    }
  });
  return app;
}

/** Stores each new notification in the connection's inbox; returns how many were new. */
async function store(deps: SalesforceWebhookDeps, connection: Connection, rawBody: string): Promise<number> {
  const events = salesforceWebhook.parse(
    rawBody,
    connection.crmUserId ? { ownSourceIds: [connection.crmUserId] } : {},
  );
  let stored = 0;
  for (const event of events) {
    if (event.echo) continue;
    const result = await deps.db.repos.inbox.insert({
      source: salesforceSource(connection.id),
      vendorEventId: event.eventId,
      payload: event as unknown as JsonValue,
      tenantId: connection.tenantId,
      connectionId: connection.id,
    });
    if (result.inserted) stored += 1;
  }
  return stored;
}
