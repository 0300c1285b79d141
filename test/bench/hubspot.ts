import { Client } from '@hubspot/api-client';
import { hubspotConnector } from '../../server/connectors/hubspot/index.ts';
import { createSandboxHubSpot } from '../../server/sandbox/hubspot/index.ts';
import {
  type ExportTarget,
  exportCounted,
  exportFigures,
  exportPair,
  fmt,
  isChanged,
  prepare,
  sheetRow,
} from './exports.ts';
import type { Figure } from './measure.ts';
import { pool, serveCounted } from './served.ts';

const CRM = 'hubspot';
const OBJECT = 'contacts';

// HubSpot's free-tier limits, which the sandbox enforces when `rateLimit` is on: 100 requests per rolling
// 10 s per app and portal, and five searches a second.
// https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines
// https://developers.hubspot.com/docs/api-reference/search/guide
const PER_TEN_SECONDS = 100;
const SEARCHES_PER_SECOND = 5;

/** The shortest time `calls` requests (`searches` of them searches) can take under the free-tier limits. */
export function freeTierFloorMs(calls: number, searches: number): number {
  // In a rolling window the k-th request (from 0) can go at 10 s × floor(k / 100) at the earliest.
  const byWindow = calls > 0 ? Math.floor((calls - 1) / PER_TEN_SECONDS) * 10_000 : 0;
  const bySearch = searches > 0 ? Math.floor((searches - 1) / SEARCHES_PER_SECOND) * 1000 : 0;
  return Math.max(byWindow, bySearch);
}

const properties = ([email, firstname, lastname, company, phone, city]: readonly string[]) => ({
  email: email ?? '',
  firstname: firstname ?? '',
  lastname: lastname ?? '',
  company: company ?? '',
  phone: phone ?? '',
  city: city ?? '',
});

/**
 * A fresh in-memory portal served on loopback behind the request counter, with Rowbridge's connector
 * and the official SDK both pointed at it. `rateLimited`: the sandbox enforces the free-tier limits and
 * the connector paces itself as in production; otherwise both are off, so the count is all we measure.
 */
export async function openHubSpot(options: { rateLimited: boolean }): Promise<ExportTarget> {
  const sandbox = createSandboxHubSpot({
    clientId: 'bench',
    clientSecret: 'bench-secret',
    ...(options.rateLimited ? {} : { rateLimit: false }),
  });
  // Every /crm/* request counts against HubSpot's limits, 429s included; OAuth calls do not.
  const server = await serveCounted(sandbox.app.fetch, (path) => path.startsWith('/crm/'));
  const token = sandbox.state.createPrivateAppToken({
    scopes: ['crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.schemas.contacts.write'],
  });
  const connector = hubspotConnector({
    basePath: server.url,
    tokens: token,
    ...(options.rateLimited ? {} : { limiter: { acquire: async () => 0 } }),
  });
  const sdk = new Client({ accessToken: token, basePath: server.url });
  return {
    connector,
    counter: server.counter,
    async naiveCreate(rows) {
      const ids: string[] = [];
      // What a per-row integration does: one create per row, no dedup, no batching (4 in flight).
      await pool(rows, 4, async (row, i) => {
        const created = await sdk.crm.contacts.basicApi.create({
          properties: properties(row),
          associations: [],
        });
        ids[i] = created.id;
      });
      return ids;
    },
    async naiveUpdate(ids, rows) {
      await pool(rows, 4, async (row, i) => {
        await sdk.crm.contacts.basicApi.update(ids[i] ?? '', { properties: properties(row) });
      });
    },
    async close() {
      await sandbox.close();
      await server.close();
    },
  };
}

/**
 * CRM requests to export N new rows, then again with 10% changed, against the vendor minimum and a naive
 * per-row exporter on the same sandbox (counted at the sandbox).
 */
export async function hubspotCallFigures(sizes: readonly number[] = [1_000, 10_000]): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const n of sizes) {
    const run = await exportPair(() => openHubSpot({ rateLimited: false }), CRM, OBJECT, n);
    const changed = Math.ceil(n / 10);
    figures.push(
      ...exportFigures('HubSpot', n, run, {
        first: Math.ceil(n / 100),
        firstHow: 'ceil(N/100) batch upserts',
        rerun: Math.ceil(changed / 100),
        rerunHow: `ceil(${fmt(changed)}/100) upserts of the changed rows; an exporter without stored bases must also read N back: +${fmt(Math.ceil(n / 100))}`,
      }),
    );
  }
  return figures;
}

const searchesIn = (byEndpoint: Record<string, number>) =>
  Object.entries(byEndpoint)
    .filter(([endpoint]) => endpoint.endsWith('/search'))
    .reduce((sum, [, count]) => sum + count, 0);

/** Wall time of the same exports with the sandbox enforcing the free-tier limits, against their floor. */
export async function hubspotFreeTierFigures(sizes: readonly number[] = [1_000, 10_000]): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const n of sizes) {
    const target = await openHubSpot({ rateLimited: true });
    try {
      await prepare(target, CRM, OBJECT);
      const first = await exportCounted(
        target,
        CRM,
        OBJECT,
        Array.from({ length: n }, (_, i) => sheetRow(i)),
      );
      const ids = first.report.outcomes.map((o) => o.rowId);
      const rerun = await exportCounted(
        target,
        CRM,
        OBJECT,
        Array.from({ length: n }, (_, i) => sheetRow(i, isChanged(i))),
        ids,
      );
      for (const [what, run] of [
        ['new rows', first],
        ['rows again, 10% changed', rerun],
      ] as const) {
        const searches = searchesIn(run.byEndpoint);
        const floor = freeTierFloorMs(run.calls, searches);
        const naiveFloor = freeTierFloorMs(n, 0);
        figures.push({
          name: `HubSpot export ${fmt(n)} ${what}, free-tier limit enforced`,
          value: run.ms / 1000,
          unit: 's',
          compare: `floor ${(floor / 1000).toFixed(0)} s for its ${fmt(run.calls)} requests (${searches} searches; 100 per 10 s, 5 searches/s); ${fmt(run.refused)} answered 429; a per-row exporter's ${fmt(n)} calls: floor ${fmt(naiveFloor / 1000)} s`,
          against: {
            floorSeconds: floor / 1000,
            requests: run.calls,
            refused: run.refused,
            naiveFloorSeconds: naiveFloor / 1000,
          },
        });
      }
    } finally {
      await target.close();
    }
  }
  return figures;
}
