import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createSandboxHubSpot, type SandboxHubSpot, signV3 } from '../../sandbox/hubspot/index.ts';
import type { ContractEnv, ContractHarness } from '../contract.ts';
import { refreshingTokenSource } from '../tokens.ts';
import type { WebhookRequest } from '../types.ts';
import { hubspotConnector, hubspotTokenExchange, hubspotWebhook } from './index.ts';

/**
 * The sandbox HubSpot served on 127.0.0.1:0 and a HubSpot connector wired to it the way production wires
 * one (OAuth tokens from the authorization-code flow, refresh through `/oauth/v1/token`), for the
 * contract suite and the HubSpot tests. Not used by the companion itself.
 */

const APP = { clientId: 'rowbridge-contract', clientSecret: 'contract-secret' } as const;
const SCOPES = 'oauth crm.objects.contacts.read crm.objects.contacts.write crm.schemas.contacts.write';

type Server = ReturnType<typeof serve>;

async function listen(
  fetch: (request: Request) => Response | Promise<Response>,
): Promise<{ url: string; server: Server }> {
  const server = await new Promise<Server>((resolve) => {
    const created = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(created));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
}

/** Installs the app the way a user would: authorize, then exchange the code (HubSpot's OAuth flow). */
async function install(url: string): Promise<{ accessToken: string; refreshToken: string }> {
  const redirect = 'http://127.0.0.1/oauth/callback';
  const authorize = new URL('/oauth/authorize', url);
  authorize.search = new URLSearchParams({
    client_id: APP.clientId,
    redirect_uri: redirect,
    scope: SCOPES,
  }).toString();
  const answer = await fetch(authorize, { redirect: 'manual' });
  const code = new URL(answer.headers.get('location') ?? '').searchParams.get('code');
  if (!code) throw new Error('the sandbox did not issue an authorization code');
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirect,
    client_id: APP.clientId,
    client_secret: APP.clientSecret,
  });
  const tokens = (await (
    await fetch(new URL('/oauth/v1/token', url), { method: 'POST', body: form })
  ).json()) as {
    access_token: string;
    refresh_token: string;
  };
  if (!tokens.access_token) throw new Error(`the sandbox issued no token: ${JSON.stringify(tokens)}`);
  return { accessToken: tokens.access_token, refreshToken: tokens.refresh_token };
}

export interface HubSpotHarness extends ContractHarness {
  readonly sandbox: SandboxHubSpot;
  readonly url: string;
}

/** Starts the sandbox and a webhook receiver, installs the app, and builds the connector over `env.clock`. */
export async function hubspotHarness({ clock }: ContractEnv): Promise<HubSpotHarness> {
  const sandbox = createSandboxHubSpot({ ...APP, clock: clock.now, webhook: { autoDeliver: false } });
  // The sandbox answers forced 429s as HubSpot does, without Retry-After; the suite's 429 test asks for
  // one (other CRMs send it), so this front adds it to that many 429s.
  let retryAfter: { left: number; seconds: number } | undefined;
  const api = await listen(async (request) => {
    const response = await sandbox.app.fetch(request);
    if (response.status !== 429 || !retryAfter || retryAfter.left <= 0) return response;
    retryAfter.left -= 1;
    const headers = new Headers(response.headers);
    headers.set('retry-after', String(retryAfter.seconds));
    return new Response(response.body, { status: 429, headers });
  });
  const deliveries: WebhookRequest[] = [];
  const receiver = await listen(async (request) => {
    deliveries.push({
      method: request.method,
      url: request.url,
      headers: Object.fromEntries([...request.headers].map(([name, value]) => [name.toLowerCase(), value])),
      rawBody: await request.text(),
    });
    return new Response(null, { status: 204 });
  });
  const target = `${receiver.url}/webhooks/hubspot`;
  sandbox.setWebhookTarget(target);

  let row = { ...(await install(api.url)), version: 1 };
  let refreshes = 0;
  const exchange = hubspotTokenExchange({ ...APP, basePath: api.url, runner: clock });
  const tokens = refreshingTokenSource({
    load: async () => row,
    exchange: async (refreshToken) => {
      refreshes += 1;
      return exchange(refreshToken);
    },
    swap: async (version, next) => {
      if (version !== row.version) return false;
      row = { ...row, ...next, version: version + 1 };
      return true;
    },
  });
  const connector = hubspotConnector({ basePath: api.url, tokens, ...clock });

  let seeded = 0;
  const signed = (body: string, timestamp: number, secret = APP.clientSecret): WebhookRequest => ({
    method: 'POST',
    url: target,
    headers: {
      'content-type': 'application/json',
      'x-hubspot-request-timestamp': String(timestamp),
      'x-hubspot-signature-v3': signV3({
        clientSecret: secret,
        method: 'POST',
        uri: target,
        body,
        timestamp,
      }),
    },
    rawBody: body,
  });
  const sampleBody = (now: number) =>
    JSON.stringify([
      {
        eventId: 1,
        subscriptionId: 100_001,
        portalId: sandbox.portalId,
        appId: sandbox.appId,
        occurredAt: now,
        subscriptionType: 'contact.propertyChange',
        attemptNumber: 0,
        objectId: 1,
        propertyName: 'email',
        propertyValue: 'a@example.com',
        changeSource: 'CRM_UI',
      },
    ]);

  return {
    sandbox,
    url: api.url,
    connector,
    object: 'contacts',
    rowId: { name: 'rowbridge_id', label: 'Rowbridge ID', type: 'string', unique: true },
    properties: ['email', 'firstname', 'lastname', 'rowbridge_id'],
    person: (i) => ({ email: `person${i}@example.com`, firstname: 'Person', lastname: `Number ${i}` }),
    invalidPerson: { properties: { email: 'not-an-email', firstname: 'Invalid' }, reason: /not-an-email/ },
    refreshes: () => refreshes,
    emulator: {
      async seed(object, n) {
        const people = Array.from({ length: n }, () => {
          seeded += 1;
          return { email: `seeded${seeded}@example.com`, firstname: 'Seeded', lastname: `Person ${seeded}` };
        });
        return sandbox.state.seed(object, people);
      },
      delete: async (object, id) => sandbox.state.deleteAsUser(object, id),
      count: async (object) => sandbox.state.list(object).length,
      requestsSent: () => sandbox.state.requests().length,
      faults: {
        fail5xx: (n) => sandbox.faults.fail5xx(n),
        force429(n, seconds) {
          retryAfter = { left: n, seconds };
          sandbox.faults.force429(n);
        },
        expireTokens: () => sandbox.faults.expireTokens(),
      },
    },
    webhook: {
      handler: hubspotWebhook,
      secret: APP.clientSecret,
      valid: (now) => signed(sampleBody(now), now),
      tampered: (now) => ({
        ...signed(sampleBody(now), now),
        rawBody: sampleBody(now).replace('a@example', 'b@example'),
      }),
      stale: (now) => signed(sampleBody(now), now - 6 * 60_000),
      async deletion(_object, id) {
        await sandbox.flushWebhooks();
        const found = deliveries.find(
          (d) => d.rawBody.includes(`"objectId":${id},`) && d.rawBody.includes('.deletion'),
        );
        if (!found) throw new Error(`the sandbox sent no deletion webhook for ${id}`);
        return found;
      },
    },
    async close() {
      await sandbox.close();
      await Promise.all([stop(api.server), stop(receiver.server)]);
    },
  };
}
