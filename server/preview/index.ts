import type { Hono } from 'hono';
import type { Logger } from '../observability/logger.ts';
import type { SandboxHubSpot } from '../sandbox/hubspot/index.ts';
import type { SandboxSalesforce } from '../sandbox/salesforce/index.ts';
import type { SandboxSheets } from '../sandbox/sheets/index.ts';
import { createPreview, type Preview } from './routes.ts';
import { type SampleMarker, seedSampleData } from './sample/seed.ts';

export type { Preview } from './routes.ts';

export interface PreviewMount {
  readonly dataDir: string;
  readonly sampleData: boolean;
  readonly sheets?: SandboxSheets | undefined;
  readonly crms?: { readonly hubspot: SandboxHubSpot; readonly salesforce: SandboxSalesforce } | undefined;
  readonly companionUrl: () => string;
  readonly logger: Logger;
}

/**
 * Sandbox mode's newcomer experience: seeds the sample data into a fresh data folder and mounts the
 * preview page on `app`. Does nothing without the sandboxes (production).
 */
export function mountPreview(app: Hono, mount: PreviewMount): Preview | undefined {
  const { sheets, crms } = mount;
  if (!sheets || !crms) return undefined;
  const marker: SampleMarker = seedSampleData(
    {
      dataDir: mount.dataDir,
      sheets: sheets.state,
      hubspot: crms.hubspot.state,
      salesforce: crms.salesforce.state,
    },
    mount.sampleData,
  );
  if (marker.seeded) {
    mount.logger.info(
      { spreadsheetId: marker.spreadsheetId, contacts: marker.contacts, leads: marker.leads },
      'Sandbox sample data ready',
    );
  }
  const preview = createPreview({ ...mount, sheets, hubspot: crms.hubspot, salesforce: crms.salesforce });
  app.route('/', preview.routes);
  return preview;
}
