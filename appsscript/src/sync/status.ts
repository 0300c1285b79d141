import { isRowIdHeader } from '../../../shared/mapping/index.ts';
import { addonVersion, companionUrl } from '../build-info.ts';
import { call } from '../companion/client.ts';
import { AddonError } from '../companion/errors.ts';
import { waitingEdits } from '../live/edits.ts';
import { liveSyncEnabled } from '../live/triggers.ts';
import { layoutOf } from '../sheet/layout.ts';
import { openConflictCount } from './conflicts.ts';
import { type ConnectionView, crmChoices, listConnectionViews } from './connections.ts';
import { lastSyncOf } from './last-sync.ts';
import { activeSheet, tableOfSheet } from './tables.ts';

/** Everything the sidebar shows at a glance, in one call. */
export interface SidebarStatus {
  readonly version: string;
  readonly companionUrl: string;
  readonly spreadsheet: { readonly id: string; readonly name: string };
  readonly tab: {
    readonly id: number;
    readonly name: string;
    readonly headers: readonly string[];
    readonly rows: number;
  };
  readonly user: string | null;
  readonly connections: readonly ConnectionView[];
  readonly crms: readonly {
    readonly id: string;
    readonly label: string;
    readonly objects: readonly string[];
  }[];
  readonly table: {
    readonly id: string;
    readonly object: string;
    readonly connectionId: string;
    readonly policy: string;
    readonly headers: readonly string[];
  } | null;
  readonly conflicts: number;
  /** The newest of: the add-on's last finished sync of this tab, the companion's last change to it. */
  readonly lastSync: string | null;
  readonly liveSync: boolean;
  /** Edited rows not yet pushed. */
  readonly waiting: number;
  /** Why the companion part is missing, when it is: the rest still shows. */
  readonly error: string | null;
}

function newest(...times: (string | null | undefined)[]): string | null {
  const valid = times.filter((t): t is string => typeof t === 'string' && !Number.isNaN(Date.parse(t)));
  return valid.sort((a, b) => Date.parse(b) - Date.parse(a))[0] ?? null;
}

/**
 * The sidebar's state for the active tab: who is signed in, the CRM connections, the tab's sync table,
 * open conflicts, last sync and waiting edits. Binds the spreadsheet on first use. A companion failure
 * does not fail the call: it comes back as `error`, so the sidebar can say what is wrong.
 */
export function sidebarStatus(): SidebarStatus {
  const spreadsheet = SpreadsheetApp.getActive();
  const sheet = activeSheet();
  const layout = layoutOf(sheet);
  const local = {
    version: addonVersion(),
    companionUrl: companionUrl(),
    spreadsheet: { id: spreadsheet.getId(), name: spreadsheet.getName() },
    tab: {
      id: sheet.getSheetId(),
      name: sheet.getName(),
      headers: layout.headers.filter((h) => h.trim() !== '' && !isRowIdHeader(h)),
      rows: Math.max(0, layout.lastRow - 1),
    },
    crms: crmChoices(),
    liveSync: liveSyncEnabled(),
    waiting: waitingEdits(sheet),
  };
  try {
    const session = call('getSession');
    const connections = listConnectionViews();
    const table = tableOfSheet(sheet);
    let conflicts = 0;
    let lastChange: string | undefined;
    if (table) {
      conflicts = openConflictCount(table.id);
      lastChange = call('listAudit', { params: { tableId: table.id }, query: { limit: 1 } }).entries[0]?.at;
    }
    return {
      ...local,
      user: session.user.email,
      connections,
      table: table
        ? {
            id: table.id,
            object: table.crmObject,
            connectionId: table.connectionId,
            policy: table.policy,
            headers: table.mapping.fields.map((f) => f.header),
          }
        : null,
      conflicts,
      lastSync: newest(lastSyncOf(sheet), lastChange),
      error: null,
    };
  } catch (error) {
    if (!(error instanceof AddonError)) throw error;
    return {
      ...local,
      user: null,
      connections: [],
      table: null,
      conflicts: 0,
      lastSync: lastSyncOf(sheet),
      error: error.message,
    };
  }
}
