import { join } from 'node:path';
import * as main from '../../appsscript/src/main.ts';
import { allowlistEntry } from '../../appsscript/tools/manifest.ts';
import { loadSandboxIdentity } from '../../server/sandbox/google/identity.ts';
import { SANDBOX_HUBSPOT_CLIENT } from '../../server/sandbox/hubspot/client.ts';
import { createSandboxHubSpot, type SandboxHubSpot } from '../../server/sandbox/hubspot/index.ts';
import { createSandboxSheets, type SandboxSheets } from '../../server/sandbox/sheets/index.ts';
import { type AppsScriptEnv, installAppsScript, type TabInput } from './apps-script/index.ts';
import { type CompanionProcess, startCompanionProcess } from './companion-process.ts';

/** The add-on's global functions, as Apps Script and google.script.run call them. */
export type AddonEntryPoints = typeof main;

/** The add-on's server-side code in an in-memory Apps Script, talking to a real companion. */
export interface AddonTestbed {
  readonly companion: CompanionProcess;
  readonly env: AppsScriptEnv;
  readonly addon: AddonEntryPoints;
  /**
   * The sandbox HubSpot as a sales rep sees it (the companion's state file). Its edits send no webhooks:
   * the companion applies a webhook by reading the row through its own Sheets port, which in sandbox
   * mode is the sandbox Google Sheets, not this in-memory spreadsheet (the copy there is not kept in
   * step with it). CRM-side changes reach the merge when the add-on pushes the row (an export or a
   * flushed edit), which is the path the add-on owns.
   */
  readonly hubspot: SandboxHubSpot;
  /**
   * The companion's sandbox Google Sheets, holding a spreadsheet with this one's id and tabs: where the
   * companion's own Sheets writes (an import appending rows) land, standing in for Google's copy.
   */
  readonly sandboxSheets: SandboxSheets;
  /** Connects the sandbox HubSpot the way the popup does: the companion's URL, its redirects, consent. */
  connectHubSpot(): Promise<void>;
  close(): Promise<void>;
}

/** Follows a connect URL through the companion, the sandbox consent page (which approves) and back. */
export async function followConnectUrl(url: string): Promise<string> {
  let next: string | null = url;
  let page = '';
  while (next) {
    const response: Response = await fetch(next, { redirect: 'manual' });
    page = await response.text();
    next = response.status >= 300 && response.status < 400 ? response.headers.get('location') : null;
  }
  return page;
}

export async function addonTestbed(options: {
  readonly tabs: readonly TabInput[];
  readonly timeZone?: string;
}): Promise<AddonTestbed> {
  const companion = await startCompanionProcess();
  try {
    const identity = await loadSandboxIdentity(companion.dataDir);
    const token = await identity.mint({ email: 'ann@acme.com', hd: 'acme.com' });
    const sandboxSheets = createSandboxSheets({
      stateFile: join(companion.dataDir, 'sandbox', 'sheets.json'),
    });
    // The same spreadsheet on the companion's side, so its own Sheets writes find the tab.
    const spreadsheetId = sandboxSheets.state.createSpreadsheet({
      title: 'Outreach Q3',
      tabs: options.tabs.map((tab) => ({
        title: tab.name,
        rows: (tab.rows ?? []).map((row) =>
          row.map((cell) => (cell instanceof Date ? cell.toISOString() : (cell as string))),
        ),
      })),
    });
    const env = installAppsScript({
      spreadsheet: {
        id: spreadsheetId,
        name: 'Outreach Q3',
        tabs: options.tabs,
        ...(options.timeZone ? { timeZone: options.timeZone } : {}),
      },
      identityToken: () => token,
      companionUrl: companion.url,
      allowlist: [allowlistEntry(companion.url)],
    });
    const hubspot = createSandboxHubSpot({
      ...SANDBOX_HUBSPOT_CLIENT,
      stateFile: join(companion.dataDir, 'sandbox', 'hubspot.json'),
    });
    return {
      companion,
      env,
      addon: main,
      hubspot,
      sandboxSheets,
      async connectHubSpot() {
        const { url } = main.connectCrm('hubspot');
        const page = await followConnectUrl(url);
        if (!page.includes('"ok":true')) throw new Error(`connecting failed: ${page}`);
      },
      async close() {
        await hubspot.close();
        await env.restore();
        await companion.stop();
      },
    };
  } catch (error) {
    await companion.stop();
    throw error;
  }
}
