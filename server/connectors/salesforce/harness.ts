import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { OAuth2 } from 'jsforce';
import { createSandboxSalesforce, type SandboxSalesforce } from '../../sandbox/salesforce/index.ts';
import type { ContractEnv, ContractHarness } from '../contract.ts';
import { refreshingTokenSource } from '../tokens.ts';
import type { WebhookRequest } from '../types.ts';
import {
  outboundMessageAck,
  outboundMessageUrl,
  salesforceConnector,
  salesforceTokenExchange,
  salesforceWebhook,
} from './index.ts';

/**
 * The sandbox Salesforce served on 127.0.0.1:0 and a Salesforce connector wired to it the way production
 * wires one (OAuth web server flow with PKCE, refresh through `/services/oauth2/token`), plus an Outbound
 * Message listener, for the contract suite and the Salesforce tests. Not used by the companion itself.
 */

const APP = { clientId: 'rowbridge-contract-key', clientSecret: 'contract-consumer-secret' } as const;
const WEBHOOK_SECRET = 'per-connection-webhook-secret';
const REDIRECT = 'http://127.0.0.1/oauth/salesforce/callback';

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

/** Connects the org the way a user would: consent, then the code exchange with its PKCE verifier. */
async function install(
  url: string,
): Promise<{ accessToken: string; refreshToken: string; instanceUrl: string }> {
  const oauth2 = new OAuth2({ loginUrl: url, ...APP, redirectUri: REDIRECT, useVerifier: true });
  const consent = await fetch(oauth2.getAuthorizationUrl({ scope: 'api refresh_token' }), {
    redirect: 'manual',
  });
  const code = new URL(consent.headers.get('location') ?? '').searchParams.get('code');
  if (!code) throw new Error('the sandbox did not issue an authorization code');
  const tokens = await oauth2.requestToken(code);
  return {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token ?? '',
    instanceUrl: tokens.instance_url,
  };
}

export interface SalesforceHarness extends ContractHarness {
  readonly sandbox: SandboxSalesforce;
  readonly url: string;
  /** Outbound Message deliveries the listener received. */
  readonly deliveries: readonly WebhookRequest[];
}

export interface SalesforceHarnessOptions {
  readonly rotateRefreshTokens?: boolean;
  readonly includeApiChanges?: boolean;
  readonly queryBatchSize?: number;
}

/** Starts the sandbox and an Outbound Message listener, connects the org, and builds the connector over `env.clock`. */
export async function salesforceHarness(
  { clock }: ContractEnv,
  options: SalesforceHarnessOptions = {},
): Promise<SalesforceHarness> {
  // The sandbox's time starts now and moves with the suite's virtual waits: record stamps stay inside the
  // outbound-message window the webhook check uses, and waits still cost nothing.
  const origin = clock.now();
  const startedAt = Date.now();
  const sandbox = createSandboxSalesforce({
    ...APP,
    clock: () => startedAt + (clock.now() - origin),
    rotateRefreshTokens: options.rotateRefreshTokens ?? false,
    ...(options.queryBatchSize ? { queryBatchSize: options.queryBatchSize } : {}),
    outbound: { autoDeliver: false, includeApiChanges: options.includeApiChanges ?? false },
  });
  const api = await listen((request) => sandbox.app.fetch(request));
  const deliveries: WebhookRequest[] = [];
  const receiver = await listen(async (request) => {
    deliveries.push({
      method: request.method,
      url: request.url,
      headers: Object.fromEntries([...request.headers].map(([name, value]) => [name.toLowerCase(), value])),
      rawBody: await request.text(),
    });
    return new Response(outboundMessageAck(), { headers: { 'content-type': 'text/xml' } });
  });
  const target = outboundMessageUrl(
    `${receiver.url}/webhooks/salesforce`,
    WEBHOOK_SECRET,
    sandbox.organizationId,
  );
  sandbox.setOutboundTarget(target);

  const installed = await install(api.url);
  let row = { accessToken: installed.accessToken, refreshToken: installed.refreshToken, version: 1 };
  let refreshes = 0;
  const exchange = salesforceTokenExchange({ ...APP, loginUrl: api.url, runner: clock });
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
  const connector = salesforceConnector({
    // Bulk jobs finish at once in the sandbox; polling fast keeps the tests quick.
    bulkPollMs: 50,
    tokens,
    instanceUrl: installed.instanceUrl,
    loginUrl: api.url,
    ...clock,
  });

  let seeded = 0;
  const sample = (stamp: number, organizationId = sandbox.organizationId) => {
    const at = new Date(stamp).toISOString();
    return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>${organizationId}</OrganizationId><ActionId>04k8d00000000AAA</ActionId><SessionId xsi:nil="true"/><EnterpriseUrl>${api.url}/services/Soap/c/62.0</EnterpriseUrl><PartnerUrl>${api.url}/services/Soap/u/62.0</PartnerUrl><Notification><Id>04l8d0000000001AAA</Id><sObject xsi:type="sf:Lead" xmlns:sf="urn:sobject.enterprise.soap.sforce.com"><sf:Id>00Q8d0000000001EAA</sf:Id><sf:Email>a@example.com</sf:Email><sf:LastModifiedDate>${at}</sf:LastModifiedDate><sf:SystemModstamp>${at}</sf:SystemModstamp></sObject></Notification></notifications></soapenv:Body></soapenv:Envelope>`;
  };
  const delivery = (rawBody: string): WebhookRequest => ({
    method: 'POST',
    url: target,
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
    rawBody,
  });

  return {
    sandbox,
    url: api.url,
    deliveries,
    connector,
    object: 'Lead',
    rowId: { name: 'Rowbridge_Id__c', label: 'Rowbridge ID', type: 'string', unique: true },
    properties: ['Email', 'FirstName', 'LastName', 'Company', 'Rowbridge_Id__c'],
    person: (i) => ({
      Email: `person${i}@example.com`,
      FirstName: 'Person',
      LastName: `Number ${i}`,
      Company: 'Example Co',
    }),
    invalidPerson: {
      properties: { Email: 'not-an-email', LastName: 'Invalid', Company: 'Example Co' },
      reason: /not-an-email/,
    },
    refreshes: () => refreshes,
    emulator: {
      async seed(object, n) {
        const people = Array.from({ length: n }, () => {
          seeded += 1;
          return {
            Email: `seeded${seeded}@example.com`,
            FirstName: 'Seeded',
            LastName: `Person ${seeded}`,
            Company: 'Seed Co',
          };
        });
        return sandbox.state.seed(object, people);
      },
      delete: async (object, id) => sandbox.state.deleteAsUser(object, id),
      count: async (object) => sandbox.state.list(object).length,
      requestsSent: () => sandbox.state.requests().length,
      faults: {
        fail5xx: (n) => sandbox.faults.fail5xx(n),
        // Salesforce's limit answer (403 REQUEST_LIMIT_EXCEEDED); the suite asks for a Retry-After.
        force429: (n, seconds) => sandbox.faults.forceLimit(n, { retryAfterSeconds: seconds }),
        expireTokens: () => sandbox.faults.expireTokens(),
      },
    },
    webhook: {
      handler: salesforceWebhook,
      secret: WEBHOOK_SECRET,
      valid: (now) => delivery(sample(now)),
      // The body names another org: the URL token was made for this one.
      tampered: (now) => delivery(sample(now, '00D8d0000000002EAA')),
      stale: (now) => delivery(sample(now - 26 * 3_600_000)),
      async deletion(_object, id) {
        await sandbox.flushOutbound();
        const found = deliveries.find(
          (d) =>
            d.rawBody.includes(`<sf:Id>${id}</sf:Id>`) &&
            d.rawBody.includes('<sf:IsDeleted>true</sf:IsDeleted>'),
        );
        if (!found) throw new Error(`the sandbox sent no deletion notification for ${id}`);
        return found;
      },
    },
    async close() {
      await sandbox.close();
      await Promise.all([stop(api.server), stop(receiver.server)]);
    },
  };
}
