import { randomUUID } from 'node:crypto';
import { hubspotConnector } from '../../server/connectors/hubspot/index.ts';
import type { CrmConnector } from '../../server/connectors/types.ts';
import { createSandboxHubSpot, type SandboxHubSpot } from '../../server/sandbox/hubspot/index.ts';
import { type ExportRow, exportRows } from '../../server/sync/export.ts';
import { tableFields } from '../../server/sync/fields.ts';
import { setupFields } from '../../server/sync/setup-fields.ts';
import { defaultMapping, detectColumns, toCanonicalRecords } from '../../shared/mapping/index.ts';
import type { Figure } from './measure.ts';

const HEADERS = ['Email', 'First Name', 'Last Name', 'Company', 'Phone', 'City'];
const mapping = defaultMapping('hubspot', 'contacts', detectColumns(HEADERS));
const table = tableFields(mapping);

function rows(n: number, city = (_: number) => 'Leeds'): string[][] {
  return Array.from({ length: n }, (_, i) => [
    `lead${i}.${i}@org${i % 50}.example`,
    'Lead',
    `Number ${i}`,
    `Org ${i % 50}`,
    `+1 646 555 ${String(i % 10_000).padStart(4, '0')}`,
    city(i),
  ]);
}

function portal(rateLimited: boolean): { sandbox: SandboxHubSpot; connector: CrmConnector } {
  const sandbox = createSandboxHubSpot({
    clientId: 'bench',
    clientSecret: 'bench-secret',
    ...(rateLimited ? {} : { rateLimit: false }),
  });
  const connector = hubspotConnector({
    basePath: 'http://sandbox.hubspot.invalid',
    tokens: sandbox.state.createPrivateAppToken({ scopes: ['crm.objects.contacts.write'] }),
    fetch: async (url, init) => sandbox.app.fetch(new Request(url, init)),
    // Without the vendor's limits the connector's own pacing is off too: this measures calls, not waits.
    ...(rateLimited ? {} : { limiter: { acquire: async () => 0 } }),
  });
  return { sandbox, connector };
}

async function exportOnce(connector: CrmConnector, cells: string[][], ids?: string[]) {
  const input: ExportRow[] = toCanonicalRecords(detectColumns(HEADERS), cells).map((values, i) => ({
    values,
    rowId: ids?.[i],
  }));
  const started = performance.now();
  const report = await exportRows({ connector, table, rows: input, region: 'US', newRowId: randomUUID });
  return { report, ms: performance.now() - started };
}

const upserts = (calls: Record<string, number>) => calls['POST /crm/v3/objects/contacts/batch/upsert'] ?? 0;

/**
 * CRM calls to export N new rows, then again with 10% changed, against the vendor minimum (one upsert per
 * 100 rows) and a naive exporter that creates one contact per call, on the same in-process sandbox.
 */
export async function hubspotCallFigures(): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const n of [1_000, 10_000]) {
    const { connector, sandbox } = portal(false);
    await setupFields(connector, mapping);
    const first = await exportOnce(connector, rows(n));
    const ids = first.report.outcomes.map((o) => o.rowId);
    const changed = await exportOnce(
      connector,
      rows(n, (i) => (i % 10 === 0 ? 'York' : 'Leeds')),
      ids,
    );
    const minimum = Math.ceil(n / 100);
    figures.push(
      {
        name: `HubSpot export ${n.toLocaleString('en-US')} new rows: all requests`,
        value: first.report.apiCalls.total,
        unit: 'requests',
        compare: `vendor minimum ${minimum} upserts; ${upserts(first.report.apiCalls.byEndpoint)} upserts sent (${first.report.counts.created} created), the rest dedup searches and companies`,
      },
      {
        name: `HubSpot export ${n.toLocaleString('en-US')} rows again, 10% changed`,
        value: changed.report.apiCalls.total,
        unit: 'requests',
        compare: `minimum ${Math.ceil(n / 100)} reads + ${Math.ceil(n / 10 / 100)} upserts; ${changed.report.counts.updated} updated, ${changed.report.counts.unchanged} unchanged, ${changed.report.counts.ambiguous} to review`,
      },
    );
    await sandbox.close();
  }
  const naive = portal(false);
  const token = naive.sandbox.state.createPrivateAppToken();
  const started = performance.now();
  for (const [email, first, last, company, phone, city] of rows(1_000)) {
    // What a per-row integration does: one create per row (no dedup, no batching).
    await naive.sandbox.app.fetch(
      new Request('http://sandbox.hubspot.invalid/crm/v3/objects/contacts', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
        },
        body: JSON.stringify({
          properties: { email, firstname: first, lastname: last, company, phone, city },
        }),
      }),
    );
  }
  figures.push({
    name: 'naive per-row exporter, 1,000 new rows',
    value: naive.sandbox.state.requests().length,
    unit: 'requests',
    compare: `${Math.round(performance.now() - started)} ms in process; at 100 requests / 10 s at least 100 s`,
  });
  await naive.sandbox.close();
  return figures;
}

/** Wall time of a 1,000-row export with the sandbox and the connector enforcing HubSpot's free-tier limit. */
export async function hubspotTimeFigures(): Promise<Figure[]> {
  const { connector, sandbox } = portal(true);
  await setupFields(connector, mapping);
  const { report, ms } = await exportOnce(connector, rows(1_000));
  const calls = report.apiCalls.byEndpoint;
  const searches = Object.entries(calls)
    .filter(([endpoint]) => endpoint.endsWith('/search'))
    .reduce((n, [, count]) => n + count, 0);
  // 100 requests per 10 s with 10 at once; searches at most 4 a second (the UNCONFIRMED search limit).
  const floorMs = Math.max(((report.apiCalls.total - 10) / 10) * 1000, ((searches - 1) / 4) * 1000, 0);
  await sandbox.close();
  return [
    {
      name: 'HubSpot export 1,000 new rows under the free-tier limit',
      value: ms,
      unit: 'ms',
      compare: `floor ${Math.round(floorMs)} ms for ${report.apiCalls.total} requests (${searches} searches)`,
    },
  ];
}
