import { join } from 'node:path';
import { RowbridgeError } from '../../shared/errors.ts';
import { type CrmId, DEFAULT_MAPS } from '../../shared/mapping/index.ts';
import { loadConfig } from '../config.ts';
import { hubspotConnector } from '../connectors/hubspot/index.ts';
import { salesforceConnector } from '../connectors/salesforce/index.ts';
import type { CrmConnector } from '../connectors/types.ts';
import { SANDBOX_HUBSPOT_CLIENT } from '../sandbox/hubspot/client.ts';
import { createSandboxHubSpot } from '../sandbox/hubspot/index.ts';
import { SANDBOX_SALESFORCE_CLIENT } from '../sandbox/salesforce/client.ts';
import { createSandboxSalesforce } from '../sandbox/salesforce/index.ts';

/** A CRM the CLI talks to, and where: the sandbox in the data folder, or the real account. */
export interface CliCrm {
  readonly connector: CrmConnector;
  /** For messages: "the sandbox HubSpot in ./.rowbridge" or "HubSpot". */
  readonly where: string;
  close(): Promise<void>;
}

/** CRMs the CLI can export to and import from so far. */
export const CLI_CRMS = ['hubspot', 'salesforce'] as const satisfies readonly CrmId[];
export type CliCrmId = (typeof CLI_CRMS)[number];

export function parseCrm(value: string | undefined): CliCrmId {
  const crm = (value ?? '').toLowerCase();
  if ((CLI_CRMS as readonly string[]).includes(crm)) return crm as CliCrmId;
  throw new RowbridgeError(
    'cli_usage',
    value === undefined
      ? `say which CRM with --crm (one of: ${CLI_CRMS.join(', ')})`
      : `--crm "${value}" is not supported on the command line yet; use one of: ${CLI_CRMS.join(', ')}`,
  );
}

/**
 * The object a command works on: `--object` spelled as the CRM spells it ("lead" finds Salesforce's
 * `Lead`), or the CRM's first default object (HubSpot contacts, Salesforce Leads).
 */
export function parseObject(crm: CliCrmId, value: string | undefined): string {
  const objects = Object.keys(DEFAULT_MAPS[crm].objects);
  if (value === undefined) return objects[0] ?? '';
  const found = objects.find((name) => name.toLowerCase() === value.toLowerCase());
  if (found) return found;
  throw new RowbridgeError('cli_usage', `--object "${value}" is not one of ${crm}'s: ${objects.join(', ')}`);
}

/**
 * Connects the CLI to a CRM. With `HUBSPOT_ACCESS_TOKEN` (a private app token) it talks to the real
 * HubSpot; with no credentials at all (sandbox mode) to the sandbox HubSpot whose state lives in the
 * data folder, shared with a running `npm start`. Production mode without a token is refused rather
 * than guessed.
 */
export function connectCli(crm: CliCrmId, env: Readonly<Record<string, string | undefined>>): CliCrm {
  return crm === 'hubspot' ? connectHubSpot(env) : connectSalesforce(env);
}

/** In sandbox mode only: the data folder whose sandbox CRMs the CLI uses, or a clear refusal. */
function sandboxDataDir(env: Readonly<Record<string, string | undefined>>, variables: string): string {
  const config = loadConfig(env);
  if (config.mode !== 'sandbox') {
    throw new RowbridgeError('crm_not_configured', `Set ${variables} to use this CRM from the command line.`);
  }
  return config.dataDir;
}

/** In-process requests: real HTTP requests in the vendor's wire format, answered without a socket. */
function inProcess(app: { fetch: (request: Request) => Response | Promise<Response> }) {
  return async (url: string, init: RequestInit) => app.fetch(new Request(url, init));
}

function connectHubSpot(env: Readonly<Record<string, string | undefined>>): CliCrm {
  const token = env.HUBSPOT_ACCESS_TOKEN?.trim();
  if (token) {
    return { connector: hubspotConnector({ tokens: token }), where: 'HubSpot', close: async () => {} };
  }
  const dataDir = sandboxDataDir(
    env,
    'HUBSPOT_ACCESS_TOKEN to a HubSpot private app token (Settings → Integrations → Private apps)',
  );
  const sandbox = createSandboxHubSpot({
    ...SANDBOX_HUBSPOT_CLIENT,
    stateFile: join(dataDir, 'sandbox', 'hubspot.json'),
  });
  const connector = hubspotConnector({
    basePath: 'http://sandbox.hubspot.invalid',
    tokens: sandbox.state.createPrivateAppToken({
      scopes: ['crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.schemas.contacts.write'],
    }),
    fetch: inProcess(sandbox.app),
  });
  return { connector, where: `the sandbox HubSpot in ${dataDir}`, close: () => sandbox.close() };
}

function connectSalesforce(env: Readonly<Record<string, string | undefined>>): CliCrm {
  const token = env.SALESFORCE_ACCESS_TOKEN?.trim();
  const instanceUrl = env.SALESFORCE_INSTANCE_URL?.trim();
  if (token && instanceUrl) {
    return {
      connector: salesforceConnector({ tokens: token, instanceUrl }),
      where: `Salesforce (${new URL(instanceUrl).host})`,
      close: async () => {},
    };
  }
  const dataDir = sandboxDataDir(
    env,
    'SALESFORCE_ACCESS_TOKEN and SALESFORCE_INSTANCE_URL (for example from `sf org display`)',
  );
  const instance = 'http://sandbox.salesforce.invalid';
  const sandbox = createSandboxSalesforce({
    ...SANDBOX_SALESFORCE_CLIENT,
    stateFile: join(dataDir, 'sandbox', 'salesforce.json'),
    instanceUrl: instance,
  });
  const connector = salesforceConnector({
    tokens: sandbox.state.createAccessToken(),
    instanceUrl: instance,
    fetch: inProcess(sandbox.app),
  });
  return { connector, where: `the sandbox Salesforce in ${dataDir}`, close: () => sandbox.close() };
}
