import { isFreeMailDomain } from '../../shared/dedup/index.ts';
import { CANONICAL_FIELDS, type FieldKey, type RawValue } from '../../shared/fields.ts';
import type { CanonicalRecord } from '../../shared/mapping/index.ts';
import { DEFAULT_MAPS } from '../../shared/mapping/index.ts';
import { domainOf, emailDomain, splitFullName } from '../../shared/normalize/index.ts';
import type { Properties } from '../connectors/types.ts';
import type { TableFields } from './fields.ts';

function text(value: RawValue): string {
  return value === null || value === undefined || value instanceof Date ? '' : String(value).trim();
}

/** A canonical value the row lacks, worked out from what it has (a CRM still needs it to create). */
function derive(field: FieldKey, values: CanonicalRecord): string | undefined {
  if (field === 'last_name') {
    const full = text(values.full_name);
    return full ? splitFullName(full).last || undefined : undefined;
  }
  if (field === 'first_name') {
    const full = text(values.full_name);
    return full ? splitFullName(full).first || undefined : undefined;
  }
  if (field === 'company') {
    // The organisation's domain stands in for its name: better than a made-up placeholder, and a sales
    // rep can rename it. Public mailboxes name no organisation.
    const site = text(values.website);
    const fromSite = site ? domainOf(site) : undefined;
    if (fromSite) return fromSite;
    const mail = emailDomain(text(values.email));
    return mail && !isFreeMailDomain(mail) ? mail : undefined;
  }
  return undefined;
}

/** The canonical field a CRM property holds on the table's object: the mapping's, else the default map's. */
function fieldOf(table: TableFields, property: string): FieldKey | undefined {
  const mapped = table.synced.find((field) => field.property === property);
  if (mapped) return mapped.key;
  const defaults = DEFAULT_MAPS[table.crm].objects[table.object] ?? {};
  const entry = Object.entries(defaults).find(
    ([, ref]) => ref?.object === table.object && ref.path === property,
  );
  return entry?.[0] as FieldKey | undefined;
}

/**
 * Completes the properties of a record about to be created with what the CRM requires (Salesforce Lead:
 * LastName and Company): the row's own value, or one derived from the row (a last name from a full name, a
 * company from the organisation's domain). Returns the reason instead when a required value cannot be
 * found, so the row fails alone with a message that says what to fill in.
 */
export function withRequired(
  table: TableFields,
  required: readonly string[],
  values: CanonicalRecord,
  properties: Properties,
  crmLabel: string,
): { properties: Properties } | { reason: string } {
  const complete: Record<string, string | null> = { ...properties };
  const missing: string[] = [];
  for (const property of required) {
    if (text(complete[property] ?? null)) continue;
    const field = fieldOf(table, property);
    const derived = field ? derive(field, values) : undefined;
    if (derived) complete[property] = derived;
    else {
      const label = field
        ? (CANONICAL_FIELDS[field as keyof typeof CANONICAL_FIELDS]?.label ?? field)
        : property;
      missing.push(label.toLowerCase() === property.toLowerCase() ? label : `${label} (${property})`);
    }
  }
  if (missing.length === 0) return { properties: complete };
  return {
    reason: `${crmLabel} needs ${missing.join(' and ')} to create a ${table.object}; fill ${missing.length > 1 ? 'them' : 'it'} in for this row${missing.some((m) => m.startsWith('Company')) ? ' (or give a website or work email to take the company from)' : ''}.`,
  };
}
