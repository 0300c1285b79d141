import { isFreeMailDomain } from '../../shared/dedup/index.ts';
import type { RawValue } from '../../shared/fields.ts';
import type { CanonicalRecord } from '../../shared/mapping/index.ts';
import { companyKey, domainOf, emailDomain, isBlank } from '../../shared/normalize/index.ts';
import type { ProviderDescription } from '../connectors/provider-schema.ts';
import type { CrmConnector, CrmRecord, RecordError } from '../connectors/types.ts';
import { inQueries } from './candidates.ts';

type CompanyLink = NonNullable<ProviderDescription['companies']>;

/** A person record just written, with the row values that name its organisation. */
export interface PersonRow {
  readonly crmId: string;
  readonly values: CanonicalRecord;
}

export interface CompanyReport {
  readonly created: number;
  /** Companies that already existed in the CRM (found by key, domain or name). */
  readonly existing: number;
  /** People associated with their company. */
  readonly associated: number;
  /** Companies the CRM refused to create; their people stay unassociated. */
  readonly failed: readonly { readonly company: string; readonly error: RecordError }[];
}

/** One organisation among the rows: its upsert key, what to call it, and whose company it is. */
interface Organisation {
  key: string;
  name: string;
  domain: string | undefined;
  people: string[];
}

function text(value: RawValue): string {
  return value === null || value === undefined || value instanceof Date ? '' : String(value).trim();
}

/** The row's organisation domain: its website, else its email's domain unless that is a public mailbox. */
function domainOfRow(values: CanonicalRecord): string | undefined {
  const website = text(values.website);
  const fromSite = website ? domainOf(website) : undefined;
  if (fromSite) return fromSite;
  const mail = emailDomain(text(values.email));
  return mail && !isFreeMailDomain(mail) ? mail : undefined;
}

/**
 * Groups people by organisation: by domain where one is known, else by company name with legal
 * suffixes, case and accents ignored; a name-only group joins the domain group of the same name.
 */
export function organisationsOf(rows: readonly PersonRow[]): Organisation[] {
  const byKey = new Map<string, Organisation>();
  const domainByName = new Map<string, string>();
  const pending: { row: PersonRow; name: string; nameKey: string }[] = [];
  for (const row of rows) {
    const name = text(row.values.company);
    const domain = domainOfRow(row.values);
    const nameKey = isBlank(name) ? '' : companyKey(name);
    if (!domain && !nameKey) continue;
    if (!domain) {
      pending.push({ row, name, nameKey });
      continue;
    }
    if (nameKey && !domainByName.has(nameKey)) domainByName.set(nameKey, domain);
    const organisation = byKey.get(domain) ?? { key: domain, name: name || domain, domain, people: [] };
    if (!organisation.name || organisation.name === domain) organisation.name = name || domain;
    organisation.people.push(row.crmId);
    byKey.set(domain, organisation);
  }
  for (const { row, name, nameKey } of pending) {
    const key = domainByName.get(nameKey) ?? `name:${nameKey}`;
    const organisation = byKey.get(key) ?? { key, name, domain: undefined, people: [] };
    organisation.people.push(row.crmId);
    byKey.set(key, organisation);
  }
  return [...byKey.values()];
}

/**
 * Finds or creates the company record of each person's organisation and associates the two. Existing
 * companies are found in one batched search (by our key, domain or name); missing ones are created by
 * upsert on `keyProperty`, so a retried export never creates a company twice; associations go in batches.
 * On a dry run nothing is written and the report says what would be.
 */
export async function linkCompanies(
  connector: CrmConnector,
  link: CompanyLink,
  personObject: string,
  rows: readonly PersonRow[],
  dryRun: boolean,
): Promise<CompanyReport> {
  const organisations = organisationsOf(rows);
  if (organisations.length === 0 || !link.people.includes(personObject)) {
    return { created: 0, existing: 0, associated: 0, failed: [] };
  }
  const found = await findCompanies(connector, link, organisations);
  const missing = organisations.filter((organisation) => !found.has(organisation.key));
  const failed: CompanyReport['failed'][number][] = [];
  if (!dryRun && missing.length > 0) {
    const results = await connector.upsertRecords(
      link.object,
      missing.map((organisation) => ({
        key: { property: link.keyProperty, value: organisation.key },
        properties: {
          [link.nameProperty]: organisation.name,
          ...(link.domainProperty && organisation.domain
            ? { [link.domainProperty]: organisation.domain }
            : {}),
        },
      })),
    );
    results.forEach((result, i) => {
      const organisation = missing[i];
      if (!organisation) return;
      if (result.status === 'failed') failed.push({ company: organisation.name, error: result.error });
      else found.set(organisation.key, result.id);
    });
  }
  const pairs = organisations.flatMap((organisation) => {
    const companyId = found.get(organisation.key);
    return companyId === undefined ? [] : organisation.people.map((fromId) => ({ fromId, toId: companyId }));
  });
  if (!dryRun && pairs.length > 0) await connector.associate(personObject, link.object, pairs);
  return {
    created: dryRun ? missing.length : missing.length - failed.length,
    existing: organisations.length - missing.length,
    associated: dryRun ? organisations.reduce((n, o) => n + o.people.length, 0) : pairs.length,
    failed,
  };
}

/** Company ids by organisation key, for the organisations the CRM already has. */
async function findCompanies(
  connector: CrmConnector,
  link: CompanyLink,
  organisations: readonly Organisation[],
): Promise<Map<string, string>> {
  const domains = organisations.flatMap((o) => (o.domain ? [o.domain] : []));
  const records = await connector.findCandidates(
    link.object,
    [
      ...inQueries(
        link.keyProperty,
        organisations.map((o) => o.key),
      ),
      ...inQueries(link.domainProperty, domains),
      ...inQueries(
        link.nameProperty,
        organisations.map((o) => o.name),
      ),
    ],
    {
      properties: [
        link.keyProperty,
        link.nameProperty,
        ...(link.domainProperty ? [link.domainProperty] : []),
      ],
    },
  );
  const found = new Map<string, string>();
  for (const organisation of organisations) {
    const record = pick(records, link, organisation);
    if (record) found.set(organisation.key, record.id);
  }
  return found;
}

/** Our key first, then the domain, then the name: the lowest id wins a tie, so reruns agree. */
function pick(
  records: readonly CrmRecord[],
  link: CompanyLink,
  organisation: Organisation,
): CrmRecord | undefined {
  const byId = [...records].sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  const lower = (value: string | null | undefined) => (value ?? '').trim().toLowerCase();
  return (
    byId.find((r) => lower(r.properties[link.keyProperty]) === organisation.key) ??
    (organisation.domain === undefined || link.domainProperty === undefined
      ? undefined
      : byId.find((r) => lower(r.properties[link.domainProperty ?? '']) === organisation.domain)) ??
    byId.find((r) => {
      const name = r.properties[link.nameProperty];
      return Boolean(name) && companyKey(name ?? '') === companyKey(organisation.name);
    })
  );
}
