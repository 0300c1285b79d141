import { Hono } from 'hono';
import * as z from 'zod';
import { parseOrThrow, RowbridgeError } from '../../shared/errors.ts';
import { hubspotWebhook } from '../connectors/hubspot/webhook.ts';
import type { WebhookRequest } from '../connectors/types.ts';
import { limitBody, requireJson } from '../http/validate.ts';
import type { Logger } from '../observability/logger.ts';
import type { Database } from '../store/database.ts';
import type { JsonValue } from '../store/values.ts';

export interface HubSpotWebhookDeps {
  readonly db: Database;
  readonly logger: Logger;
  /** The app's client secret (signs webhooks) and its id (marks our own writes), when HubSpot is set up. */
  readonly app?: { readonly clientSecret: string; readonly appId?: string };
  /** The public base URL HubSpot calls: signatures cover the URL as HubSpot sent it, not as a proxy passes it on. */
  readonly publicUrl: () => string;
  /** Wakes the worker of each connection that got new events; must not hold up the answer. */
  readonly wake: (connections: readonly { readonly id: string; readonly tenantId: string }[]) => void;
  readonly now?: () => number;
}

const portalsSchema = z.array(
  z.looseObject({ eventId: z.union([z.number(), z.string()]), portalId: z.number() }),
);

/** The inbox source of a connection's HubSpot events: one copy per connection watching the portal. */
export const hubspotSource = (connectionId: string) => `hubspot:${connectionId}`;

/**
 * `POST /webhooks/hubspot`: verifies the v3 signature (constant time, 5-minute window), stores each event
 * once per connection of its portal in the inbox (a redelivery is a no-op), answers 200 at once and wakes
 * the workers. A bad or stale signature is 401 and nothing is stored. Echoes of our own writes are
 * dropped here: they would change nothing.
 *
 * https://developers.hubspot.com/docs/api/webhooks
 */
export function hubspotWebhookRoutes(deps: HubSpotWebhookDeps): Hono {
  const app = new Hono();
  // HubSpot sends JSON (`application/json`); anything else is not a delivery: 415 before any parsing.
  app.post('/webhooks/hubspot', limitBody, requireJson, async (c) => {
    if (!deps.app) {
      throw new RowbridgeError('crm_not_configured', 'HubSpot is not set up on this companion.');
    }
    const rawBody = await c.req.text();
    const incoming = new URL(c.req.url);
    const request: WebhookRequest = {
      method: c.req.method,
      url: `${deps.publicUrl().replace(/\/$/, '')}${incoming.pathname}${incoming.search}`,
      headers: Object.fromEntries([...c.req.raw.headers].map(([name, value]) => [name.toLowerCase(), value])),
      rawBody,
    };
    const verdict = hubspotWebhook.verify(request, deps.app.clientSecret, (deps.now ?? Date.now)());
    if (!verdict.ok) {
      deps.logger.warn({ reason: verdict.reason }, 'Refused a HubSpot webhook');
      throw new RowbridgeError(
        'unauthenticated',
        verdict.reason === 'stale'
          ? 'The webhook timestamp is more than 5 minutes old; it was not accepted.'
          : 'The webhook signature is missing or does not match; it was not accepted.',
      );
    }
    const events = hubspotWebhook.parse(rawBody, deps.app.appId ? { ownSourceIds: [deps.app.appId] } : {});
    // Signed but without portal ids (a hand-made or truncated delivery): 400, not a 500 from zod.
    const portals = new Map(
      parseOrThrow(portalsSchema, JSON.parse(rawBody), 'HubSpot webhook body').map((event) => [
        String(event.eventId),
        String(event.portalId),
      ]),
    );
    const woken = new Map<string, { id: string; tenantId: string }>();
    let stored = 0;
    for (const event of events) {
      if (event.echo) continue;
      const portal = portals.get(event.eventId);
      const connections = portal ? await deps.db.repos.connections.findByAccount('hubspot', portal) : [];
      for (const connection of connections) {
        const result = await deps.db.repos.inbox.insert({
          source: hubspotSource(connection.id),
          vendorEventId: event.eventId,
          payload: event as unknown as JsonValue,
          tenantId: connection.tenantId,
          connectionId: connection.id,
        });
        if (result.inserted) {
          stored += 1;
          woken.set(connection.id, { id: connection.id, tenantId: connection.tenantId });
        }
      }
    }
    if (woken.size > 0) deps.wake([...woken.values()]);
    return c.json({ received: events.length, stored });
  });
  return app;
}
