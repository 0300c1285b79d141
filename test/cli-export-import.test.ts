import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../server/csv/read-csv.ts';
import { SANDBOX_HUBSPOT_CLIENT } from '../server/sandbox/hubspot/client.ts';
import { createSandboxHubSpot } from '../server/sandbox/hubspot/index.ts';
import { SANDBOX_SALESFORCE_CLIENT } from '../server/sandbox/salesforce/client.ts';
import { createSandboxSalesforce } from '../server/sandbox/salesforce/index.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'rowbridge.js');

let dir = '';
let dataDir = '';

/** The real CLI in a child process, in sandbox mode (no credentials in its environment). */
async function rowbridge(...args: string[]) {
  const env = { PATH: process.env.PATH ?? '', ROWBRIDGE_DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args], { env, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** The sandbox portal the CLI wrote to, read from its state file as a HubSpot user would see it. */
function portal() {
  return createSandboxHubSpot({
    ...SANDBOX_HUBSPOT_CLIENT,
    stateFile: join(dataDir, 'sandbox', 'hubspot.json'),
  }).state;
}

async function csvOf(file: string) {
  return parseCsv(await readFile(file));
}

const header = 'Email,First Name,Last Name,Company,Phone,City';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rowbridge-export-'));
  dataDir = join(dir, 'data');
});

describe('rowbridge export --crm hubspot', () => {
  const file = () => join(dir, 'prospects.csv');

  it('creates contacts, reports counts and API calls as JSON, and writes Rowbridge IDs back', async () => {
    await writeFile(
      file(),
      [
        header,
        'ann@acme.example,Ann,Lee,Acme Inc,(415) 555-0101,Leeds',
        'bob@acme.example,Bob,Stone,Acme Inc,415-555-0102,Leeds',
        'ANN@acme.example,Ann,Lee,Acme,,Leeds',
        'not-an-email,Xavier,Young,,,',
      ].join('\n'),
    );
    const { code, stdout, stderr } = await rowbridge('export', file(), '--crm', 'hubspot', '--json');
    expect(stderr).toBe('');
    expect(code).toBe(1); // one row failed
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ created: 2, updated: 0, unchanged: 0, failed: 1, ambiguous: 1 });
    expect(report.apiCalls.total).toBe(
      Object.values(report.apiCalls.byEndpoint as Record<string, number>).reduce((a, b) => a + b, 0),
    );
    expect(report.problems.map((p: { row: number; code: string }) => [p.row, p.code])).toEqual([
      [4, 'duplicate_ambiguous'],
      [5, 'crm_rejected'],
    ]);

    const csv = await csvOf(file());
    expect(csv.headers).toEqual([...header.split(','), 'Rowbridge ID']);
    const ids = csv.rows.map((row) => row[6] ?? '');
    expect(new Set(ids).size).toBe(4);
    const contacts = portal().list('contacts');
    const ann = contacts.find((c) => c.properties.email === 'ann@acme.example');
    expect(ann?.properties).toMatchObject({ rowbridge_id: ids[0], phone: '+14155550101', city: 'Leeds' });
    expect(contacts.filter((c) => c.properties.email === 'ann@acme.example')).toHaveLength(1);
  });

  it('updates only what changed on the next run, and writes nothing on a dry run', async () => {
    const csv = await csvOf(file());
    const edited = csv.rows.map((row, i) =>
      i === 1 ? row.map((cell, j) => (j === 5 ? 'York' : cell)) : row,
    );
    await writeFile(file(), [csv.headers, ...edited].map((row) => row.join(',')).join('\n'));
    const before = await readFile(file(), 'utf8');
    const dry = await rowbridge('export', file(), '--crm', 'hubspot', '--json', '--dry-run');
    expect(JSON.parse(dry.stdout)).toMatchObject({ updated: 1, unchanged: 1, dryRun: true });
    expect(await readFile(file(), 'utf8')).toBe(before);
    expect(
      portal()
        .list('contacts')
        .find((c) => c.properties.email === 'bob@acme.example')?.properties.city,
    ).toBe('Leeds');

    const { stdout } = await rowbridge('export', file(), '--crm', 'hubspot', '--json');
    expect(JSON.parse(stdout)).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    expect(
      portal()
        .list('contacts')
        .find((c) => c.properties.email === 'bob@acme.example')?.properties.city,
    ).toBe('York');
  });

  it('sends 1,000 new rows in 10 upsert calls, plus what searching and companies need', async () => {
    const big = join(dir, 'big.csv');
    const lines = Array.from(
      { length: 1000 },
      (_, i) =>
        `lead${i}@org${i % 50}.example,Lead,Number${i},Org ${i % 50},+1 646 555 ${String(i).padStart(4, '0')},Bath`,
    );
    await writeFile(big, [header, ...lines].join('\n'));
    const { stdout } = await rowbridge('export', big, '--crm', 'hubspot', '--json');
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ created: 1000, failed: 0, ambiguous: 0 });
    const calls = report.apiCalls.byEndpoint as Record<string, number>;
    expect(calls['POST /crm/v3/objects/contacts/batch/upsert']).toBe(10);
    expect(calls['POST /crm/v3/objects/companies/batch/upsert']).toBe(1);
    expect(calls['POST /crm/v4/associations/contacts/companies/batch/associate/default']).toBe(10);
    expect(report.companies).toMatchObject({ created: 50, associated: 1000 });
    expect(portal().list('companies').length).toBeGreaterThanOrEqual(50);
  }, 60_000);

  it('refuses bad arguments with exit code 2 and a missing file with exit code 1', async () => {
    expect((await rowbridge('export', file())).code).toBe(2);
    const unknown = await rowbridge('export', file(), '--crm', 'nosuchcrm');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--crm "nosuchcrm"/);
    const missing = await rowbridge('export', join(dir, 'nope.csv'), '--crm', 'hubspot');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No file at/);
  });
});

describe('rowbridge import --crm hubspot', () => {
  it('writes every contact with its Rowbridge ID, and filters with --where', async () => {
    const out = join(dir, 'imported.csv');
    const { code, stdout } = await rowbridge('import', '--crm', 'hubspot', '--out', out, '--json');
    expect(code).toBe(0);
    const contacts = portal().list('contacts');
    expect(JSON.parse(stdout)).toMatchObject({ imported: contacts.length, newRowIds: 0 });
    const csv = await csvOf(out);
    expect(csv.rows).toHaveLength(contacts.length);
    const idAt = csv.headers.indexOf('Rowbridge ID');
    const emailAt = csv.headers.indexOf('Email');
    const ann = csv.rows.find((row) => row[emailAt] === 'ann@acme.example');
    expect(ann?.[idAt]).toBe(
      contacts.find((c) => c.properties.email === 'ann@acme.example')?.properties.rowbridge_id,
    );

    const filtered = await rowbridge(
      'import',
      '--crm',
      'hubspot',
      '--out',
      out,
      '--where',
      'city=York',
      '--json',
    );
    expect(JSON.parse(filtered.stdout).imported).toBe(1);
    expect((await csvOf(out)).rows[0]?.[emailAt]).toBe('bob@acme.example');
  });

  it('imports the members of a HubSpot list, in list order, and refuses --list with a filter', async () => {
    const state = portal();
    const [first, second] = state.list('contacts').slice(-2);
    const listId = state.createList('Hot leads', 'contacts', [second?.id ?? '', first?.id ?? '']);
    const out = join(dir, 'list.csv');
    const { code, stdout } = await rowbridge(
      'import',
      '--crm',
      'hubspot',
      '--out',
      out,
      '--list',
      listId,
      '--json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout).imported).toBe(2);
    const csv = await csvOf(out);
    const emailAt = csv.headers.indexOf('Email');
    expect(csv.rows.map((row) => row[emailAt])).toEqual([second?.properties.email, first?.properties.email]);
    const both = await rowbridge(
      'import',
      '--crm',
      'hubspot',
      '--out',
      out,
      '--list',
      listId,
      '--since',
      '2025-01-01',
    );
    expect(both.code).toBe(2);
  });
});

describe('rowbridge export|import --crm salesforce', () => {
  it('exports Leads (deriving Company from a work email), updates on the next run, and imports them back', async () => {
    const file = join(dir, 'leads.csv');
    await writeFile(
      file,
      [
        'Email,First Name,Last Name,Company,City',
        'ann@acme.example,Ann,Lee,Acme Inc,Leeds',
        'bo@initech.example,Bo,Stone,,Austin',
        'cy@gmail.com,Cy,Young,,Boston',
      ].join('\n'),
    );
    const first = await rowbridge('export', file, '--crm', 'salesforce', '--json');
    expect(first.code).toBe(1);
    const report = JSON.parse(first.stdout);
    expect(report).toMatchObject({ created: 2, failed: 1 });
    expect(report.problems[0]).toMatchObject({ row: 4, code: 'invalid_input', message: /Company/ });

    const csv = await csvOf(file);
    const edited = csv.rows.map((row, i) =>
      i === 0 ? row.map((cell, j) => (j === 4 ? 'York' : cell)) : row,
    );
    await writeFile(file, [csv.headers, ...edited].map((row) => row.join(',')).join('\n'));
    const second = JSON.parse((await rowbridge('export', file, '--crm', 'salesforce', '--json')).stdout);
    expect(second).toMatchObject({ created: 0, updated: 1, unchanged: 1 });

    const out = join(dir, 'leads-out.csv');
    const imported = await rowbridge(
      'import',
      '--crm',
      'salesforce',
      '--object',
      'lead',
      '--out',
      out,
      '--json',
    );
    expect(JSON.parse(imported.stdout)).toMatchObject({ imported: 2, newRowIds: 0 });
    const back = await csvOf(out);
    const companyAt = back.headers.indexOf('Company');
    const cityAt = back.headers.indexOf('City');
    expect(back.rows.map((row) => [row[companyAt], row[cityAt]]).sort()).toEqual([
      ['Acme Inc', 'York'],
      ['initech.example', 'Austin'],
    ]);
    const org = createSandboxSalesforce({
      ...SANDBOX_SALESFORCE_CLIENT,
      stateFile: join(dataDir, 'sandbox', 'salesforce.json'),
    });
    const view = org.state.createListView('Lead', 'York leads', "City = 'York'");
    await org.close();
    const listed = await rowbridge('import', '--crm', 'salesforce', '--out', out, '--list', view, '--json');
    expect(JSON.parse(listed.stdout)).toMatchObject({ imported: 1 });
    expect((await csvOf(out)).rows.map((row) => row[cityAt])).toEqual(['York']);
  });

  it('refuses an object Salesforce has no default map for', async () => {
    const result = await rowbridge(
      'import',
      '--crm',
      'salesforce',
      '--object',
      'Widget',
      '--out',
      join(dir, 'x.csv'),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Lead, Contact/);
  });
});
