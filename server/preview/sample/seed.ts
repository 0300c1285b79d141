import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import type { SandboxHubSpotState } from '../../sandbox/hubspot/index.ts';
import type { SandboxSalesforceState } from '../../sandbox/salesforce/index.ts';
import type { SandboxSheetsState } from '../../sandbox/sheets/index.ts';
import { HEADERS, messySheet } from './messy-sheet.ts';
import { seededRandom } from './random.ts';

/** The sample spreadsheet's name and tab, as the preview page shows them. */
export const SAMPLE_SPREADSHEET = 'Outreach Q3 (sample)';
export const SAMPLE_TAB = 'Prospects';
/** One seed for everything: a fresh data folder always gets the same sample. */
const SEED = 20_260_801;

const markerSchema = z.object({
  seeded: z.boolean(),
  spreadsheetId: z.string().optional(),
  contacts: z.number().int().optional(),
  leads: z.number().int().optional(),
});

/** What was seeded into a data folder (read back on every start). */
export type SampleMarker = z.infer<typeof markerSchema>;

const MARKER = 'sample.json';

export interface SampleTargets {
  readonly dataDir: string;
  readonly sheets: SandboxSheetsState;
  readonly hubspot: SandboxHubSpotState;
  readonly salesforce: SandboxSalesforceState;
}

/** The marker of an earlier start, if any: the sample spreadsheet's id lives there. */
export function readSampleMarker(dataDir: string): SampleMarker | undefined {
  const path = join(dataDir, 'sandbox', MARKER);
  if (!existsSync(path)) return undefined;
  return markerSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

/**
 * Seeds the sandboxes of a fresh data folder once: a messy ~200-row outreach sheet, ~30 HubSpot contacts
 * and ~25 Salesforce leads, some of them the sheet's people spelt differently so the export preview finds
 * duplicates. A marker in the data folder records the outcome (seeded or not), so a restart never
 * seeds twice; a folder whose sandboxes already hold state from before the marker existed is left alone.
 */
export function seedSampleData(targets: SampleTargets, enabled: boolean): SampleMarker {
  const existing = readSampleMarker(targets.dataDir);
  if (existing) return existing;
  const dir = join(targets.dataDir, 'sandbox');
  // A folder from before the marker existed may hold a user's own sandbox records: never mix samples in.
  const used =
    targets.sheets.spreadsheets().length > 0 ||
    targets.hubspot.list('contacts').length > 0 ||
    targets.salesforce.list('Lead').length > 0;
  const marker = enabled && !used ? seed(targets) : { seeded: false };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MARKER), `${JSON.stringify(marker, null, 2)}\n`);
  return marker;
}

function seed(targets: SampleTargets): SampleMarker {
  const rows = messySheet(7, 120).map((row) => row.cells);
  // The team's own stages ("Replied", "Qualified") are not HubSpot lead statuses, so the column has a
  // name the mapping leaves unmapped; mapped as "Status" every row would be refused (see README gaps).
  const headers = HEADERS.map((header) => (header === 'Status' ? 'Sequence step' : header));
  const rnd = seededRandom(SEED);
  const spreadsheetId = targets.sheets.createSpreadsheet({
    title: SAMPLE_SPREADSHEET,
    tabs: [
      {
        title: SAMPLE_TAB,
        rows: [headers, ...rows.map((cells) => HEADERS.map((header) => cells[header] ?? ''))],
        rowCount: Math.max(1000, rows.length + 100),
        columnCount: 26,
      },
    ],
  });
  const people = distinctPeople(rows);
  const contacts = hubspotContacts(people, rnd);
  targets.hubspot.seed('contacts', contacts);
  const leads = salesforceLeads(people, rnd);
  targets.salesforce.seed('Lead', leads);
  return { seeded: true, spreadsheetId, contacts: contacts.length, leads: leads.length };
}

interface Person {
  readonly first: string;
  readonly last: string;
  readonly email: string;
  readonly phone: string;
  readonly company: string;
  readonly country: string;
  readonly website: string;
}

/** The sheet's rows with a clean email and both names, one per email: the people a CRM would hold. */
function distinctPeople(rows: readonly Record<string, string>[]): Person[] {
  const seen = new Set<string>();
  const people: Person[] = [];
  for (const cells of rows) {
    const email = (cells['E-mail'] ?? '').trim().toLowerCase();
    if (!/^[^@\s:]+@[^@\s]+$/.test(email) || seen.has(email) || !cells['Last Name']) continue;
    seen.add(email);
    people.push({
      first: cells['First Name'] ?? '',
      last: cells['Last Name'] ?? '',
      email,
      phone: cells.Phone ?? '',
      company: cells['Company Name'] ?? '',
      country: cells.Country ?? '',
      website: cells.Website ?? '',
    });
  }
  return people;
}

const OTHERS_FIRST = ['Paula', 'Quentin', 'Rosa', 'Stefan', 'Tara', 'Ugo', 'Vera', 'Wim', 'Xenia', 'Yusuf'];
const OTHERS_LAST = ['Abbott', 'Brennan', 'Castillo', 'Dahl', 'Eriksen', 'Fontaine', 'Gupta', 'Hart'];
const OTHERS_COMPANIES = [
  ['Pied Piper', 'piedpiper.com'],
  ['Wayne Enterprises', 'wayne.example'],
  ['Soylent Foods', 'soylent.example'],
  ['Tyrell Systems', 'tyrell.example'],
] as const;

/** People no sheet row names: what a CRM holds besides the outreach list. */
function otherPeople(count: number, rnd: () => number, offset: number): Person[] {
  return Array.from({ length: count }, (_, i) => {
    const first = OTHERS_FIRST[(i + offset) % OTHERS_FIRST.length] ?? 'Paula';
    const last = OTHERS_LAST[Math.floor(rnd() * OTHERS_LAST.length)] ?? 'Abbott';
    const [company, domain] = OTHERS_COMPANIES[(i + offset) % OTHERS_COMPANIES.length] ?? ['Pied Piper', 'x'];
    return {
      first,
      last,
      email: `${first}.${last}${i + offset}@${domain}`.toLowerCase(),
      phone: `(555) 010-${String(1000 + i + offset).slice(-4)}`,
      company,
      country: 'US',
      website: `https://${domain}`,
    };
  });
}

/**
 * 30 contacts: 18 of the sheet's people, each spelt the way a CRM user typed them (email in another
 * case, the name in capitals, no email but the phone), and 12 people the sheet does not have.
 */
function hubspotContacts(people: readonly Person[], rnd: () => number): Record<string, string>[] {
  const overlap = people.filter((_, i) => i % 4 === 0).slice(0, 18);
  return [
    ...overlap.map((person, i) => {
      const base: Record<string, string> = {
        firstname: person.first,
        lastname: person.last,
        company: person.company,
        ...(person.country ? { country: person.country } : {}),
        ...(person.website ? { website: person.website } : {}),
      };
      // Found by email (any case), by phone, or only by name and company: the three ways dedup matches.
      if (i % 3 === 0) return { ...base, email: person.email.toUpperCase() };
      if (i % 3 === 1) return { ...base, email: person.email, phone: person.phone };
      return { ...base, firstname: person.first.toUpperCase() };
    }),
    ...otherPeople(12, rnd, 0).map((person) => ({
      email: person.email,
      firstname: person.first,
      lastname: person.last,
      company: person.company,
      phone: person.phone,
      country: person.country,
    })),
  ];
}

/** 25 leads: 15 of the sheet's people (other ones than HubSpot's, and a few the same), 10 others. */
function salesforceLeads(people: readonly Person[], rnd: () => number): Record<string, string>[] {
  const overlap = people.filter((_, i) => i % 4 === 1 || i % 16 === 0).slice(0, 15);
  return [
    ...overlap.map((person, i) => ({
      FirstName: person.first,
      LastName: person.last,
      Company: person.company,
      ...(i % 2 === 0 ? { Email: person.email } : {}),
      ...(person.phone && person.phone !== 'N/A' ? { Phone: person.phone } : {}),
      ...(person.country ? { Country: person.country } : {}),
    })),
    ...otherPeople(10, rnd, 12).map((person) => ({
      FirstName: person.first,
      LastName: person.last,
      Company: person.company,
      Email: person.email,
      Phone: person.phone,
    })),
  ];
}
