import { join } from 'node:path';
import { RowbridgeError } from '../../shared/errors.ts';
import type { CrmId } from '../../shared/mapping/index.ts';
import { loadConfig } from '../config.ts';
import { hubspotConnector } from '../connectors/hubspot/index.ts';
import type { CrmConnector } from '../connectors/types.ts';
import { SANDBOX_HUBSPOT_CLIENT } from '../sandbox/hubspot/client.ts';
import { createSandboxHubSpot } from '../sandbox/hubspot/index.ts';

/** A CRM the CLI talks to, and where: the sandbox in the data folder, or the real account. */
export interface CliCrm {
  readonly connector: CrmConnector;
  /** For messages: "the sandbox HubSpot in ./.rowbridge" or "HubSpot". */
  readonly where: string;
  close(): Promise<void>;
}

/** CRMs the CLI can export to and import from so far. */
export const CLI_CRMS = ['hubspot'] as const satisfies readonly CrmId[];
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
 * Connects the CLI to a CRM. With `HUBSPOT_ACCESS_TOKEN` (a private app token) it talks to the real
 * HubSpot; with no credentials at all (sandbox mode) to the sandbox HubSpot whose state lives in the
 * data folder, shared with a running `npm start`. Production mode without a token is refused rather
 * than guessed.
 */
export function connectCli(crm: CliCrmId, env: Readonly<Record<string, string | undefined>>): CliCrm {
  const token = env.HUBSPOT_ACCESS_TOKEN?.trim();
  if (token) {
    return { connector: hubspotConnector({ tokens: token }), where: 'HubSpot', close: async () => {} };
  }
  const config = loadConfig(env);
  if (config.mode !== 'sandbox') {
    throw new RowbridgeError(
      'crm_not_configured',
      `Set HUBSPOT_ACCESS_TOKEN to a HubSpot private app token (Settings → Integrations → Private apps) to use ${crm} from the command line.`,
    );
  }
  const sandbox = createSandboxHubSpot({
    ...SANDBOX_HUBSPOT_CLIENT,
    stateFile: join(config.dataDir, 'sandbox', 'hubspot.json'),
  });
  const basePath = 'http://sandbox.hubspot.invalid';
  const connector = hubspotConnector({
    basePath,
    tokens: sandbox.state.createPrivateAppToken({
      scopes: ['crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.schemas.contacts.write'],
    }),
    // In process: the requests are real HTTP requests in HubSpot's wire format, answered without a socket.
    fetch: async (url, init) => sandbox.app.fetch(new Request(url, init)),
  });
  return { connector, where: `the sandbox HubSpot in ${config.dataDir}`, close: () => sandbox.close() };
}
