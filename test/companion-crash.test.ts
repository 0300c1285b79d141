import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_HUBSPOT_CLIENT } from '../server/sandbox/hubspot/client.ts';
import { createSandboxHubSpot, type SandboxHubSpot } from '../server/sandbox/hubspot/index.ts';
import {
  type AddonSession,
  connectedSheet,
  finishedJob,
  hubspotContactsTable,
  sheetsUser,
} from './support/companion.ts';
import { type CompanionProcess, startCompanionProcess } from './support/companion-process.ts';
import { waitFor } from './support/wait.ts';

/**
 * The companion is killed with SIGKILL in the middle of a 1,000-row export to HubSpot (an OOM kill, a
 * pulled plug: no drain, nothing flushed) and started again on the same data folder. The export must
 * finish by itself: every row exported once, no duplicate contact, every row linked to its contact.
 */
const ROWS = 1000;
const HEADERS = ['Email', 'First Name', 'Last Name', 'Rowbridge ID'];
const TAB = 'Leads';

let proc: CompanionProcess | undefined;
let dataDir = '';
// connectedSheet's calls read `url` at call time, so the restarted process (new port) is reached too.
const target = { url: '' };
let session: AddonSession;
let portal: SandboxHubSpot;
let tableId = '';
let spreadsheetId = '';

const rowId = (i: number) => `row-${String(i).padStart(4, '0')}`;

beforeAll(async () => {
  proc = await startCompanionProcess();
  dataDir = proc.dataDir;
  target.url = proc.url;
  const sheets = sheetsUser(dataDir);
  spreadsheetId = sheets.state.createSpreadsheet({
    title: 'Crash',
    tabs: [
      {
        title: TAB,
        rows: [
          HEADERS,
          ...Array.from({ length: ROWS }, (_, i) => [
            `lead${i}@crash.example`,
            `Lead${i}`,
            'Crash',
            rowId(i),
          ]),
        ],
      },
    ],
  });
  session = await connectedSheet(target, dataDir, spreadsheetId);
  // The HubSpot portal as its own state file shows it: what survives the companion's death.
  portal = createSandboxHubSpot({
    ...SANDBOX_HUBSPOT_CLIENT,
    stateFile: join(dataDir, 'sandbox', 'hubspot.json'),
  });
  tableId = await hubspotContactsTable(session, { name: TAB, headers: HEADERS });
}, 90_000);

afterAll(async () => {
  await portal?.close();
  await proc?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('companion killed during an export', () => {
  it('finishes the export after a restart: 1,000 contacts, no duplicate, every row linked', async () => {
    const rows = Array.from({ length: ROWS }, (_, i) => ({
      rowId: rowId(i),
      rowNumber: i + 2,
      cells: { Email: `lead${i}@crash.example`, 'First Name': `Lead${i}`, 'Last Name': 'Crash' },
    }));
    const started = await session.api('POST', `/api/v1/tables/${tableId}/export`, { rows });
    expect(started.status).toBe(200);
    const jobId: string = started.body.job.id;

    // Killed once HubSpot holds some of the contacts but not all of them.
    const contacts = () => portal.state.list('contacts');
    await waitFor(() => contacts().length > 0, 'the first contacts in HubSpot', {
      timeoutMs: 60_000,
      intervalMs: 5,
      context: () => proc?.stderr() ?? '',
    });
    await proc?.kill();
    const atKill = contacts().length;
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(ROWS);

    proc = await startCompanionProcess({ dataDir });
    target.url = proc.url;
    const job = await finishedJob(session, jobId, 60_000);
    expect(job.status).toBe('succeeded');

    const all = contacts();
    const byRow = new Map<string, number>();
    for (const contact of all) {
      const id = String(contact.properties.rowbridge_id ?? '');
      byRow.set(id, (byRow.get(id) ?? 0) + 1);
    }
    expect(all).toHaveLength(ROWS);
    expect([...byRow.values()].every((n) => n === 1)).toBe(true);
    expect([...byRow.keys()].sort()).toEqual(rows.map((row) => row.rowId));
    // Every row is linked: the job's result names one distinct contact per row. Rows whose batch was
    // linked before the kill come back `unchanged` from the second attempt's merge.
    const outcomes: { rowId: string; status: string; crmId?: string }[] = job.result.rows;
    expect(outcomes).toHaveLength(ROWS);
    const ok = new Set(['created', 'updated', 'unchanged']);
    expect(outcomes.filter((o) => !ok.has(o.status))).toEqual([]);
    expect(outcomes.some((o) => o.status === 'created')).toBe(true);
    expect(new Set(outcomes.map((o) => o.crmId)).size).toBe(ROWS);
    const ids = new Set(all.map((contact) => contact.id));
    expect(outcomes.every((o) => o.crmId !== undefined && ids.has(o.crmId))).toBe(true);
  }, 90_000);
});
