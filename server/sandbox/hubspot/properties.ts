import { Hono } from 'hono';
import * as z from 'zod';
import { type Core, type Env, readJson } from './core.ts';
import { HubSpotError, type PropertyProblem } from './errors.ts';
import {
  isoInstant,
  OBJECT_INFO,
  OBJECT_TYPES,
  type ObjectType,
  type PropertyDefinition,
  type PropertyGroup,
  type PropertyOption,
  resolveObjectType,
  type SandboxData,
} from './model.ts';
import { DEFAULT_DEAL_STAGES, DEFAULT_PIPELINE_ID } from './pipelines.ts';

type Extra = Partial<Pick<PropertyDefinition, 'readOnlyValue' | 'externalOptions' | 'calculated'>> & {
  options?: readonly string[] | readonly (readonly [string, string])[];
};

function define(
  type: ObjectType,
  name: string,
  label: string,
  valueType = 'string',
  fieldType = 'text',
  extra: Extra = {},
): PropertyDefinition {
  const options: PropertyOption[] = (extra.options ?? []).map((option, index) => {
    const [value, optionLabel] = typeof option === 'string' ? [option, option] : option;
    return { label: optionLabel, value, displayOrder: index, hidden: false };
  });
  return {
    name,
    label,
    type: valueType,
    fieldType,
    groupName: `${OBJECT_INFO[type].singular}information`,
    description: '',
    options,
    displayOrder: -1,
    hasUniqueValue: false,
    hidden: false,
    formField: !extra.readOnlyValue,
    calculated: extra.calculated ?? false,
    hubspotDefined: true,
    readOnlyValue: extra.readOnlyValue ?? false,
    externalOptions: extra.externalOptions ?? false,
    archived: false,
  };
}

const READ_ONLY = { readOnlyValue: true } as const;
const OWNER = { externalOptions: true } as const;
const LIFECYCLE = [
  'subscriber',
  'lead',
  'marketingqualifiedlead',
  'salesqualifiedlead',
  'opportunity',
  'customer',
  'evangelist',
  'other',
];

function systemProperties(type: ObjectType): PropertyDefinition[] {
  const info = OBJECT_INFO[type];
  return [
    define(type, 'hs_object_id', 'Record ID', 'number', 'number', READ_ONLY),
    define(type, info.createdProperty, 'Create Date', 'datetime', 'date', READ_ONLY),
    define(type, info.modifiedProperty, 'Last Modified Date', 'datetime', 'date', READ_ONLY),
    define(type, 'hubspot_owner_id', 'Owner', 'enumeration', 'select', OWNER),
  ];
}

/** The properties a new portal has, per object type (a representative subset of HubSpot's). */
const BUILTIN: Readonly<Record<ObjectType, readonly PropertyDefinition[]>> = {
  contacts: [
    ...systemProperties('contacts'),
    define('contacts', 'email', 'Email'),
    define('contacts', 'firstname', 'First Name'),
    define('contacts', 'lastname', 'Last Name'),
    define('contacts', 'phone', 'Phone Number', 'string', 'phonenumber'),
    define('contacts', 'mobilephone', 'Mobile Phone Number', 'string', 'phonenumber'),
    define('contacts', 'company', 'Company Name'),
    define('contacts', 'jobtitle', 'Job Title'),
    define('contacts', 'website', 'Website URL'),
    define('contacts', 'address', 'Street Address'),
    define('contacts', 'city', 'City'),
    define('contacts', 'state', 'State/Region'),
    define('contacts', 'zip', 'Postal Code'),
    define('contacts', 'country', 'Country/Region'),
    define('contacts', 'lifecyclestage', 'Lifecycle Stage', 'enumeration', 'radio', { options: LIFECYCLE }),
    define('contacts', 'hs_lead_status', 'Lead Status', 'enumeration', 'radio', {
      options: [
        'NEW',
        'OPEN',
        'IN_PROGRESS',
        'OPEN_DEAL',
        'UNQUALIFIED',
        'ATTEMPTED_TO_CONTACT',
        'CONNECTED',
        'BAD_TIMING',
      ],
    }),
    define('contacts', 'notes_last_contacted', 'Last Contacted', 'datetime', 'date', READ_ONLY),
    // The brief's lead-source property (assumed text) and HubSpot's computed original source.
    define('contacts', 'hs_lead_source', 'Lead Source'),
    define('contacts', 'hs_analytics_source', 'Original Source', 'enumeration', 'select', {
      ...READ_ONLY,
      options: [
        'ORGANIC_SEARCH',
        'PAID_SEARCH',
        'EMAIL_MARKETING',
        'SOCIAL_MEDIA',
        'REFERRALS',
        'OTHER_CAMPAIGNS',
        'DIRECT_TRAFFIC',
        'OFFLINE',
        'PAID_SOCIAL',
      ],
    }),
  ],
  companies: [
    ...systemProperties('companies'),
    define('companies', 'name', 'Company name'),
    define('companies', 'domain', 'Company Domain Name'),
    define('companies', 'website', 'Website URL'),
    define('companies', 'phone', 'Phone Number', 'string', 'phonenumber'),
    define('companies', 'address', 'Street Address'),
    define('companies', 'city', 'City'),
    define('companies', 'state', 'State/Region'),
    define('companies', 'zip', 'Postal Code'),
    define('companies', 'country', 'Country/Region'),
    define('companies', 'industry', 'Industry'),
    define('companies', 'numberofemployees', 'Number of Employees', 'number', 'number'),
    define('companies', 'annualrevenue', 'Annual Revenue', 'number', 'number'),
    define('companies', 'description', 'Description', 'string', 'textarea'),
    define('companies', 'lifecyclestage', 'Lifecycle Stage', 'enumeration', 'radio', { options: LIFECYCLE }),
  ],
  deals: [
    ...systemProperties('deals'),
    define('deals', 'dealname', 'Deal Name'),
    define('deals', 'amount', 'Amount', 'number', 'number'),
    define('deals', 'pipeline', 'Pipeline', 'enumeration', 'select', {
      options: [[DEFAULT_PIPELINE_ID, 'Sales Pipeline']],
    }),
    define('deals', 'dealstage', 'Deal Stage', 'enumeration', 'radio', {
      options: DEFAULT_DEAL_STAGES.map((stage) => [stage.id, stage.label] as const),
    }),
    define('deals', 'closedate', 'Close Date', 'datetime', 'date'),
    define('deals', 'dealtype', 'Deal Type', 'enumeration', 'radio', {
      options: ['newbusiness', 'existingbusiness'],
    }),
    define('deals', 'description', 'Deal Description', 'string', 'textarea'),
  ],
  notes: [
    ...systemProperties('notes'),
    define('notes', 'hs_timestamp', 'Activity date', 'datetime', 'date'),
    define('notes', 'hs_note_body', 'Note body', 'string', 'html'),
    define('notes', 'hs_attachment_ids', 'Attachment IDs', 'enumeration', 'checkbox', OWNER),
  ],
  emails: [
    ...systemProperties('emails'),
    define('emails', 'hs_timestamp', 'Activity date', 'datetime', 'date'),
    define('emails', 'hs_email_direction', 'Email direction', 'enumeration', 'select', {
      options: ['EMAIL', 'INCOMING_EMAIL', 'FORWARDED_EMAIL'],
    }),
    define('emails', 'hs_email_subject', 'Email subject'),
    define('emails', 'hs_email_text', 'Email body', 'string', 'textarea'),
    define('emails', 'hs_email_html', 'Email HTML body', 'string', 'html'),
    define('emails', 'hs_email_status', 'Email status', 'enumeration', 'select', {
      options: ['BOUNCED', 'FAILED', 'SCHEDULED', 'SENDING', 'SENT'],
    }),
    define('emails', 'hs_email_headers', 'Email headers', 'string', 'textarea'),
  ],
  tasks: [
    ...systemProperties('tasks'),
    define('tasks', 'hs_timestamp', 'Due date', 'datetime', 'date'),
    define('tasks', 'hs_task_subject', 'Task title'),
    define('tasks', 'hs_task_body', 'Task notes', 'string', 'html'),
    define('tasks', 'hs_task_status', 'Task status', 'enumeration', 'select', {
      options: ['NOT_STARTED', 'IN_PROGRESS', 'WAITING', 'COMPLETED', 'DEFERRED'],
    }),
    define('tasks', 'hs_task_priority', 'Priority', 'enumeration', 'select', {
      options: ['NONE', 'LOW', 'MEDIUM', 'HIGH'],
    }),
    define('tasks', 'hs_task_type', 'Task type', 'enumeration', 'select', {
      options: ['EMAIL', 'CALL', 'TODO'],
    }),
  ],
};

const BUILTIN_GROUPS: Readonly<Record<ObjectType, readonly PropertyGroup[]>> = Object.fromEntries(
  OBJECT_TYPES.map((type) => {
    const singular = OBJECT_INFO[type].singular;
    const label = `${singular[0]?.toUpperCase()}${singular.slice(1)} information`;
    return [type, [{ name: `${singular}information`, label, displayOrder: -1, archived: false }]];
  }),
) as Record<ObjectType, PropertyGroup[]>;

/** Every live property of a type: built-in, then custom. */
export function allProperties(data: SandboxData, type: ObjectType): PropertyDefinition[] {
  return [...BUILTIN[type], ...data.customProperties[type].filter((p) => !p.archived)];
}

export function findProperty(
  data: SandboxData,
  type: ObjectType,
  name: string,
): PropertyDefinition | undefined {
  return (
    BUILTIN[type].find((p) => p.name === name) ??
    data.customProperties[type].find((p) => p.name === name && !p.archived)
  );
}

/**
 * Whether a property identifies one record: `hs_object_id`, a contact's `email` (HubSpot deduplicates
 * contacts by email although the definition does not say `hasUniqueValue`) and custom unique properties.
 */
export function isUniqueProperty(type: ObjectType, property: PropertyDefinition): boolean {
  return (
    property.hasUniqueValue ||
    property.name === 'hs_object_id' ||
    (type === 'contacts' && property.name === 'email')
  );
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Checks and normalises one written value; `''` (clear the value) is always valid. */
export function normalizeValue(
  type: ObjectType,
  property: PropertyDefinition,
  value: string,
): { value: string } | { problem: PropertyProblem } {
  if (value === '') return { value };
  const problem = (error: string, message: string) => ({ problem: { name: property.name, error, message } });
  switch (property.type) {
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(value.trim())
        ? { value: value.trim() }
        : problem('INVALID_INTEGER', `${value} was not a valid number.`);
    case 'bool':
      return /^(true|false)$/i.test(value)
        ? { value: value.toLowerCase() }
        : problem('INVALID_BOOLEAN', `${value} was not a valid boolean.`);
    case 'date': {
      const ms = /^\d+$/.test(value)
        ? Number(value)
        : DATE.test(value)
          ? Date.parse(`${value}T00:00:00Z`)
          : Number.NaN;
      if (Number.isNaN(ms)) return problem('INVALID_DATE', `${value} is not a valid date.`);
      return { value: new Date(ms).toISOString().slice(0, 10) };
    }
    case 'datetime': {
      const ms = parseDateTime(value);
      return ms === undefined
        ? problem('INVALID_LONG', `${value} was not a valid long.`)
        : { value: isoInstant(ms) };
    }
    case 'enumeration': {
      if (property.externalOptions) return { value };
      const allowed = property.options.map((option) => option.value);
      const chosen = property.fieldType === 'checkbox' ? value.split(';') : [value];
      const bad = chosen.find((option) => !allowed.includes(option));
      if (bad === undefined) return { value };
      return problem('INVALID_OPTION', `${bad} was not one of the allowed options: [${allowed.join(', ')}]`);
    }
    default:
      if (type === 'contacts' && property.name === 'email') {
        const email = value.trim().toLowerCase();
        return EMAIL.test(email)
          ? { value: email }
          : problem('INVALID_EMAIL', `Email address ${value} is invalid`);
      }
      return { value };
  }
}

/** Epoch milliseconds (a string of digits) or an ISO 8601 date or datetime; undefined when neither. */
export function parseDateTime(value: string): number | undefined {
  if (/^-?\d+$/.test(value.trim())) return Number(value.trim());
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function propertyJson(property: PropertyDefinition) {
  return {
    ...(property.updatedAt !== undefined ? { updatedAt: isoInstant(property.updatedAt) } : {}),
    ...(property.createdAt !== undefined ? { createdAt: isoInstant(property.createdAt) } : {}),
    name: property.name,
    label: property.label,
    type: property.type,
    fieldType: property.fieldType,
    description: property.description,
    groupName: property.groupName,
    options: property.options,
    displayOrder: property.displayOrder,
    calculated: property.calculated,
    externalOptions: property.externalOptions,
    hasUniqueValue: property.hasUniqueValue,
    hidden: property.hidden,
    ...(property.hubspotDefined ? { hubspotDefined: true } : {}),
    modificationMetadata: {
      archivable: !property.hubspotDefined,
      readOnlyDefinition: property.hubspotDefined,
      readOnlyValue: property.readOnlyValue,
    },
    formField: property.formField,
    archived: property.archived,
  };
}

const optionSchema = z.object({
  label: z.string(),
  value: z.string(),
  displayOrder: z.number().optional(),
  hidden: z.boolean().optional(),
  description: z.string().optional(),
});

const createSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'name must start with a letter and use a-z, 0-9 and _'),
  label: z.string().min(1),
  type: z.enum(['string', 'number', 'date', 'datetime', 'enumeration', 'bool', 'phone_number']),
  fieldType: z.enum([
    'textarea',
    'text',
    'date',
    'file',
    'number',
    'select',
    'radio',
    'checkbox',
    'booleancheckbox',
    'calculation_equation',
    'html',
    'phonenumber',
  ]),
  groupName: z.string().min(1),
  description: z.string().optional(),
  options: z.array(optionSchema).optional(),
  displayOrder: z.number().optional(),
  hasUniqueValue: z.boolean().optional(),
  hidden: z.boolean().optional(),
  formField: z.boolean().optional(),
});

const updateSchema = createSchema
  .pick({ label: true, description: true, options: true, displayOrder: true })
  .partial();

const groupSchema = z.object({
  name: z.string().min(1),
  label: z.string().min(1),
  displayOrder: z.number().optional(),
});

function groupsOf(data: SandboxData, type: ObjectType): PropertyGroup[] {
  return [...BUILTIN_GROUPS[type], ...data.customGroups[type].filter((g) => !g.archived)];
}

function options(input: z.infer<typeof optionSchema>[] | undefined): PropertyOption[] {
  return (input ?? []).map((option, index) => ({
    label: option.label,
    value: option.value,
    displayOrder: option.displayOrder ?? index,
    hidden: option.hidden ?? false,
    ...(option.description !== undefined ? { description: option.description } : {}),
  }));
}

/**
 * Properties and property groups: list, read, create (409 when the name is taken, as HubSpot answers),
 * update labels and options, archive custom ones.
 * https://developers.hubspot.com/docs/api-reference/crm-properties-v3/guide
 */
export function propertyRoutes(core: Core): Hono<Env> {
  const app = new Hono<Env>();
  const typeOf = (name: string) => resolveObjectType(name);

  app.get('/crm/v3/properties/:objectType/groups', (c) => {
    const type = typeOf(c.req.param('objectType'));
    return c.json({ results: groupsOf(core.store.read(), type) });
  });

  app.post('/crm/v3/properties/:objectType/groups', async (c) => {
    const type = typeOf(c.req.param('objectType'));
    const input = await readJson(c, groupSchema);
    const group = core.store.write((data) => {
      if (groupsOf(data, type).some((g) => g.name === input.name)) {
        throw new HubSpotError(409, 'CONFLICT', `A property group named '${input.name}' already exists.`);
      }
      const created = {
        name: input.name,
        label: input.label,
        displayOrder: input.displayOrder ?? -1,
        archived: false,
      };
      data.customGroups[type].push(created);
      return created;
    });
    return c.json(group, 201);
  });

  app.get('/crm/v3/properties/:objectType/groups/:groupName', (c) => {
    const type = typeOf(c.req.param('objectType'));
    const group = groupsOf(core.store.read(), type).find((g) => g.name === c.req.param('groupName'));
    if (!group)
      throw new HubSpotError(404, 'OBJECT_NOT_FOUND', `Unable to find group ${c.req.param('groupName')}`);
    return c.json(group);
  });

  app.get('/crm/v3/properties/:objectType', (c) => {
    const type = typeOf(c.req.param('objectType'));
    return c.json({ results: allProperties(core.store.read(), type).map(propertyJson) });
  });

  app.post('/crm/v3/properties/:objectType', async (c) => {
    const type = typeOf(c.req.param('objectType'));
    const input = await readJson(c, createSchema);
    const created = core.store.write((data) => {
      if (findProperty(data, type, input.name)) {
        throw new HubSpotError(409, 'CONFLICT', `Property named '${input.name}' already exists.`);
      }
      if (!groupsOf(data, type).some((g) => g.name === input.groupName)) {
        throw new HubSpotError(
          400,
          'VALIDATION_ERROR',
          `Property group '${input.groupName}' does not exist.`,
        );
      }
      const now = core.now();
      const property: PropertyDefinition = {
        name: input.name,
        label: input.label,
        type: input.type,
        fieldType: input.fieldType,
        groupName: input.groupName,
        description: input.description ?? '',
        options: options(input.options),
        displayOrder: input.displayOrder ?? -1,
        hasUniqueValue: input.hasUniqueValue ?? false,
        hidden: input.hidden ?? false,
        formField: input.formField ?? false,
        calculated: false,
        hubspotDefined: false,
        readOnlyValue: false,
        externalOptions: false,
        createdAt: now,
        updatedAt: now,
        archived: false,
      };
      // An archived property of the same name is replaced, as after a purge.
      data.customProperties[type] = data.customProperties[type].filter((p) => p.name !== input.name);
      data.customProperties[type].push(property);
      return property;
    });
    return c.json(propertyJson(created), 201);
  });

  app.get('/crm/v3/properties/:objectType/:propertyName', (c) => {
    const type = typeOf(c.req.param('objectType'));
    const property = findProperty(core.store.read(), type, c.req.param('propertyName'));
    if (!property) throw missing(c.req.param('propertyName'));
    return c.json(propertyJson(property));
  });

  app.patch('/crm/v3/properties/:objectType/:propertyName', async (c) => {
    const type = typeOf(c.req.param('objectType'));
    const input = await readJson(c, updateSchema);
    const updated = core.store.write((data) => {
      const property = data.customProperties[type].find(
        (p) => p.name === c.req.param('propertyName') && !p.archived,
      );
      if (!property) throw missing(c.req.param('propertyName'));
      if (input.label !== undefined) property.label = input.label;
      if (input.description !== undefined) property.description = input.description;
      if (input.options !== undefined) property.options = options(input.options);
      if (input.displayOrder !== undefined) property.displayOrder = input.displayOrder;
      property.updatedAt = core.now();
      return property;
    });
    return c.json(propertyJson(updated));
  });

  app.delete('/crm/v3/properties/:objectType/:propertyName', (c) => {
    const type = typeOf(c.req.param('objectType'));
    core.store.write((data) => {
      const name = c.req.param('propertyName');
      if (BUILTIN[type].some((p) => p.name === name)) {
        throw new HubSpotError(
          400,
          'VALIDATION_ERROR',
          `Property ${name} is HubSpot defined and cannot be archived.`,
        );
      }
      const property = data.customProperties[type].find((p) => p.name === name && !p.archived);
      if (!property) throw missing(name);
      property.archived = true;
    });
    return c.body(null, 204);
  });

  return app;
}

function missing(name: string): HubSpotError {
  return new HubSpotError(404, 'OBJECT_NOT_FOUND', `Unable to find property ${name}`);
}
