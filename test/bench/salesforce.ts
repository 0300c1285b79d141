import { Connection } from 'jsforce';
import { salesforceConnector } from '../../server/connectors/salesforce/index.ts';
import { createSandboxSalesforce } from '../../server/sandbox/salesforce/index.ts';
import { type ExportTarget, exportFigures, exportPair, fmt } from './exports.ts';
import type { Figure } from './measure.ts';
import { pool, serveCounted } from './served.ts';

const CRM = 'salesforce';
const OBJECT = 'Lead';
const VERSION = '62.0';

/**
 * Above 2,000 records Rowbridge upserts through one Bulk API 2.0 job. Its minimum as counted here: create
 * the job, upload the CSV, close it (UploadComplete), one status poll that finds it done, then the
 * successful and the failed results: 6 requests, however many records.
 * https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/walkthrough_upload_data.htm
 */
const BULK_MINIMUM = 6;
const BULK_THRESHOLD = 2_000;

const lead = ([email, firstName, lastName, company, phone, city]: readonly string[]) => ({
  Email: email,
  FirstName: firstName,
  LastName: lastName,
  Company: company,
  Phone: phone,
  City: city,
});

/** A fresh in-memory org served on loopback behind the request counter, with our connector and jsforce on it. */
export async function openSalesforce(): Promise<ExportTarget> {
  const sandbox = createSandboxSalesforce({ clientId: 'bench', clientSecret: 'bench-secret' });
  // REST, Bulk API 2.0 and Metadata calls count against the org's API allocation; OAuth calls do not.
  const server = await serveCounted(
    sandbox.app.fetch,
    (path) => path.startsWith('/services/data/') || path.startsWith('/services/Soap/'),
  );
  const token = sandbox.state.createAccessToken();
  // The sandbox finishes a bulk job on the second status check; polling fast only shortens the wait.
  const connector = salesforceConnector({ tokens: token, instanceUrl: server.url, bulkPollMs: 100 });
  const jsforce = new Connection({ instanceUrl: server.url, accessToken: token, version: VERSION });
  return {
    connector,
    counter: server.counter,
    async naiveCreate(rows) {
      const ids: string[] = [];
      // One sObject create per row through jsforce, 4 in flight: no dedup, no Collections, no Bulk.
      await pool(rows, 4, async (row, i) => {
        const result = await jsforce.sobject(OBJECT).create(lead(row));
        if (!result.success) throw new Error(`naive create failed: ${JSON.stringify(result.errors)}`);
        ids[i] = result.id;
      });
      return ids;
    },
    async naiveUpdate(ids, rows) {
      await pool(rows, 4, async (row, i) => {
        await jsforce.sobject(OBJECT).update({ Id: ids[i] ?? '', ...lead(row) });
      });
    },
    async close() {
      await sandbox.close();
      await server.close();
    },
  };
}

/** Salesforce's minimum for upserting `n` records the way Rowbridge would: Collections of 200, or Bulk. */
function minimumFor(n: number): { count: number; how: string } {
  return n > BULK_THRESHOLD
    ? {
        count: BULK_MINIMUM,
        how: `one Bulk API 2.0 job: create, upload, close, 1 poll, successful + failed results; Collections would need ${fmt(Math.ceil(n / 200))}`,
      }
    : { count: Math.ceil(n / 200), how: `ceil(${fmt(n)}/200) sObject Collections upserts` };
}

/** The HubSpot figures' counterpart for Salesforce Leads (Collections at 1,000, Bulk API 2.0 at 10,000). */
export async function salesforceCallFigures(sizes: readonly number[] = [1_000, 10_000]): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const n of sizes) {
    const run = await exportPair(openSalesforce, CRM, OBJECT, n);
    const first = minimumFor(n);
    const changed = Math.ceil(n / 10);
    const rerun = minimumFor(changed);
    figures.push(
      ...exportFigures('Salesforce', n, run, {
        first: first.count,
        firstHow: first.how,
        rerun: rerun.count,
        rerunHow: `${rerun.how.replace(fmt(changed), `${fmt(changed)} changed`)}; reading N back first costs at least ${fmt(Math.ceil(n / 2000))} more (2,000-record query pages)`,
      }),
    );
  }
  return figures;
}
