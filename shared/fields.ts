import * as z from 'zod';

/**
 * The value types a field can have. The type decides how a value is normalised and when two values are
 * "the same" (see `shared/normalize`): an email differing only in case is the same email, a phone number
 * in another format is the same number, and so on.
 */
export const FIELD_TYPES = [
  'text',
  'email',
  'phone',
  'name',
  'company',
  'url',
  'country',
  'date',
  'datetime',
  'number',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface FieldDefinition {
  readonly type: FieldType;
  readonly label: string;
}

/**
 * The canonical record every sheet row and CRM record is translated to. Taken from the product brief;
 * `mobile` and `full_name` are added because real outreach sheets have them and several CRMs keep them
 * (HubSpot `mobilephone`, Salesforce `MobilePhone`; Odoo, Copper, Close and monday.com hold one `name`).
 */
export const CANONICAL_FIELDS = {
  email: { type: 'email', label: 'Email' },
  phone: { type: 'phone', label: 'Phone' },
  mobile: { type: 'phone', label: 'Mobile' },
  first_name: { type: 'name', label: 'First name' },
  last_name: { type: 'name', label: 'Last name' },
  full_name: { type: 'name', label: 'Full name' },
  company: { type: 'company', label: 'Company' },
  title: { type: 'text', label: 'Job title' },
  website: { type: 'url', label: 'Website' },
  city: { type: 'text', label: 'City' },
  country: { type: 'country', label: 'Country' },
  status: { type: 'text', label: 'Status' },
  source: { type: 'text', label: 'Lead source' },
  last_contacted: { type: 'datetime', label: 'Last contacted' },
  reply_status: { type: 'text', label: 'Reply status' },
  score: { type: 'number', label: 'Score' },
  deal_stage: { type: 'text', label: 'Deal stage' },
  deal_value: { type: 'number', label: 'Deal value' },
  deal_close_date: { type: 'date', label: 'Deal close date' },
  campaign: { type: 'text', label: 'Campaign' },
  utm_source: { type: 'text', label: 'UTM source' },
  consent_basis: { type: 'text', label: 'Consent basis' },
  notes: { type: 'text', label: 'Notes' },
} as const satisfies Record<string, FieldDefinition>;

export type CanonicalField = keyof typeof CANONICAL_FIELDS;
export const CANONICAL_FIELD_NAMES = Object.keys(CANONICAL_FIELDS) as CanonicalField[];

/** A user-defined field. Its key is namespaced so it can never collide with a canonical field. */
export type CustomFieldKey = `custom.${string}`;
export type FieldKey = CanonicalField | CustomFieldKey;

export const customFieldKeySchema = z
  .string()
  .regex(/^custom\.[a-z][a-z0-9_]{0,62}$/, {
    message: 'A custom field key looks like "custom.linkedin_url": lower-case letters, digits and _ only',
  })
  .transform((key) => key as CustomFieldKey);

export const customFieldSchema = z.object({
  key: customFieldKeySchema,
  label: z.string().trim().min(1).max(100),
  type: z.enum(FIELD_TYPES),
});
export type CustomField = z.infer<typeof customFieldSchema>;

export function isCanonicalField(key: string): key is CanonicalField {
  return Object.hasOwn(CANONICAL_FIELDS, key);
}

export function isCustomFieldKey(key: string): key is CustomFieldKey {
  return customFieldKeySchema.safeParse(key).success;
}

/**
 * The field definitions in force for one sync table: every canonical field plus the table's custom ones.
 * Look-ups of unknown keys return `undefined`, so callers decide how to report them.
 */
export class FieldCatalog {
  readonly #custom: ReadonlyMap<string, CustomField>;

  constructor(custom: readonly CustomField[] = []) {
    this.#custom = new Map(custom.map((field) => [field.key, field]));
  }

  get(key: string): FieldDefinition | undefined {
    if (isCanonicalField(key)) return CANONICAL_FIELDS[key];
    return this.#custom.get(key);
  }

  typeOf(key: string): FieldType | undefined {
    return this.get(key)?.type;
  }

  has(key: string): key is FieldKey {
    return this.get(key) !== undefined;
  }

  /** Canonical fields first (in brief order), then custom fields in declaration order. */
  keys(): FieldKey[] {
    return [...CANONICAL_FIELD_NAMES, ...(this.#custom.keys() as Iterable<CustomFieldKey>)];
  }
}

/** A raw value as it comes from a sheet cell or a CRM property, before normalisation. */
export type RawValue = string | number | boolean | Date | null | undefined;

/** A normalised value: what the merge compares and what we store as a base. */
export type FieldValue = string | number | boolean | null;
export const fieldValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
