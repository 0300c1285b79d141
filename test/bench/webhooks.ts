import { SANDBOX_HUBSPOT_CLIENT } from '../../server/sandbox/hubspot/client.ts';
import { signV3 } from '../../server/sandbox/hubspot/index.ts';
import { defaultMapping, detectColumns } from '../../shared/mapping/index.ts';
import {
  connectedSheet,
  finishedJob,
  hubspotUser,
  rowsOfTab,
  sandboxCompanion,
  sheetsUser,
} from '../support/companion.ts';
import type { Figure } from './measure.ts';

const HEADERS = ['Email', 'First Name', 'Last Name', 'City', 'Rowbridge ID'];
const TAB = 'Prospects';

function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/**
 * Webhook handling on loopback against a companion in sandbox mode: acknowledgement latency of signed
 * HubSpot deliveries offered at a fixed rate, and the time from a HubSpot change to its row in the sheet.
 */
export async function webhookFigures(): Promise<Figure[]> {
  const { companion, dataDir } = await sandboxCompanion();
  const sheets = sheetsUser(dataDir);
  const rows = Array.from({ length: 100 }, (_, i) => [
    `w${i}@bench.example`,
    'Web',
    `Hook ${i}`,
    'Leeds',
    `r${i}`,
  ]);
  const spreadsheetId = sheets.state.createSpreadsheet({ tabs: [{ title: TAB, rows: [HEADERS, ...rows] }] });
  const session = await connectedSheet(companion, dataDir, spreadsheetId);
  const portal = hubspotUser(companion, dataDir);
  portal.setWebhookTarget(undefined); // this benchmark delivers and times each webhook itself
  const mapping = defaultMapping('hubspot', 'contacts', detectColumns(HEADERS));
  const { body: table } = await session.api('POST', '/api/v1/tables', {
    sheetTabId: 0,
    sheetTabName: TAB,
    connectionId: session.connectionId,
    crmObject: 'contacts',
    mapping,
    policy: 'manual',
  });
  await session.api('POST', `/api/v1/tables/${table.id}/setup-fields`);
  const started = await session.api('POST', `/api/v1/tables/${table.id}/export`, {
    rows: rowsOfTab(sheets, spreadsheetId, TAB).map(({ rowId, cells }) => ({ rowId, cells })),
  });
  await finishedJob(session, started.body.job.id, 60_000);
  const contacts = new Map(portal.state.list('contacts').map((c) => [c.properties.rowbridge_id, c.id]));

  const url = `${companion.url}/webhooks/hubspot`;
  let eventId = 9_000_000_000;
  const deliver = async (objectId: string, city: string) => {
    const body = JSON.stringify([
      {
        eventId: eventId++,
        subscriptionId: 1,
        portalId: portal.portalId,
        appId: 1,
        occurredAt: Date.now(),
        subscriptionType: 'contact.propertyChange',
        attemptNumber: 0,
        objectId: Number(objectId),
        propertyName: 'city',
        propertyValue: city,
        changeSource: 'CRM_UI',
      },
    ]);
    const timestamp = Date.now();
    const signature = signV3({
      clientSecret: SANDBOX_HUBSPOT_CLIENT.clientSecret,
      method: 'POST',
      uri: url,
      body,
      timestamp,
    });
    const t0 = performance.now();
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hubspot-request-timestamp': String(timestamp),
        'x-hubspot-signature-v3': signature,
      },
      body,
    });
    await response.arrayBuffer();
    return { ms: performance.now() - t0, ok: response.status === 200 };
  };

  // Acknowledgement: 500 deliveries offered at 50 per second.
  const acks: number[] = [];
  let errors = 0;
  const offered = 500;
  const t0 = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < offered; i += 1) {
    const due = t0 + i * 20;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const id = contacts.get(`r${i % 100}`) ?? '';
    pending.push(
      deliver(id, 'Leeds').then((result) => {
        acks.push(result.ms);
        if (!result.ok) errors += 1;
      }),
    );
  }
  await Promise.all(pending);
  const seconds = (performance.now() - t0) / 1000;

  // Webhook to sheet: a HubSpot edit, its delivery, until the row shows the value (20 samples).
  const toSheet: number[] = [];
  for (let i = 0; i < 20; i += 1) {
    const rowId = `r${i}`;
    const city = `City ${i}`;
    portal.state.editAsUser('contacts', contacts.get(rowId) ?? '', { city });
    const start = performance.now();
    await deliver(contacts.get(rowId) ?? '', city);
    for (;;) {
      const row = rowsOfTab(sheets, spreadsheetId, TAB).find((r) => r.rowId === rowId);
      if (row?.cells.City === city) break;
      if (performance.now() - start > 30_000) throw new Error('a webhook never reached the sheet');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    toSheet.push(performance.now() - start);
  }
  await portal.close();
  await companion.close();
  return [
    {
      name: 'webhook acknowledgement p50 (500 signed deliveries at 50/s)',
      value: percentile(acks, 50),
      unit: 'ms',
      compare: `p99 ${percentile(acks, 99).toFixed(1)} ms; ${errors} errors; HubSpot times out at 1-10 s`,
    },
    {
      name: 'webhook deliveries handled per second (offered 50/s)',
      value: offered / seconds,
      unit: 'events/s',
    },
    {
      name: 'HubSpot change to sheet row p50 (20 edits)',
      value: percentile(toSheet, 50),
      unit: 'ms',
      compare: `p99 ${percentile(toSheet, 99).toFixed(0)} ms; sheet writes are batched in 1 s windows per spreadsheet`,
    },
  ];
}
