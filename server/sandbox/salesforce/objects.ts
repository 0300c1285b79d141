/**
 * The sObjects the sandbox serves and their standard fields, as `describe` reports them. Field names, types
 * and lengths follow Salesforce's Object Reference (https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/);
 * only the fields Rowbridge maps, links or reads for sync are modelled.
 */

export type FieldType =
  | 'id'
  | 'string'
  | 'email'
  | 'phone'
  | 'url'
  | 'picklist'
  | 'textarea'
  | 'date'
  | 'datetime'
  | 'boolean'
  | 'double'
  | 'currency'
  | 'percent'
  | 'reference';

export interface FieldDef {
  readonly name: string;
  readonly label: string;
  readonly type: FieldType;
  readonly length: number;
  /** Can be empty. A non-nillable, createable field without a default is required on create. */
  readonly nillable: boolean;
  readonly createable: boolean;
  readonly updateable: boolean;
  readonly externalId: boolean;
  readonly unique: boolean;
  readonly custom: boolean;
  readonly defaultValue?: string | boolean;
  readonly referenceTo?: readonly string[];
  readonly picklistValues?: readonly string[];
  /** Numbers: total digits and digits after the point. */
  readonly precision?: number;
  readonly scale?: number;
}

export interface ObjectDef {
  readonly name: string;
  readonly label: string;
  readonly labelPlural: string;
  readonly keyPrefix: string;
  readonly fields: readonly FieldDef[];
  /** Has `LastActivityDate`, kept by Salesforce from closed tasks. */
  readonly activities: boolean;
}

const LENGTHS: Partial<Record<FieldType, number>> = { id: 18, reference: 18, email: 80, phone: 40, url: 255 };

type Extra = Partial<Omit<FieldDef, 'name' | 'type'>>;

function field(name: string, type: FieldType, extra: Extra = {}): FieldDef {
  return {
    name,
    label: extra.label ?? name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/ Id$/, ' ID'),
    type,
    length: extra.length ?? LENGTHS[type] ?? (type === 'string' || type === 'picklist' ? 255 : 0),
    nillable: true,
    createable: true,
    updateable: true,
    externalId: false,
    unique: false,
    custom: false,
    ...extra,
  };
}

const required = { nillable: false } as const;
const readOnly = { createable: false, updateable: false } as const;
const text = (name: string, length: number, extra: Extra = {}) => field(name, 'string', { length, ...extra });
const ref = (name: string, referenceTo: string[], extra: Extra = {}) =>
  field(name, 'reference', { referenceTo, ...extra });
const picklist = (name: string, values: string[], extra: Extra = {}) =>
  field(name, 'picklist', { length: 255, picklistValues: values, ...extra });

/** Fields every modelled object has, maintained by Salesforce itself. */
function systemFields(owned: boolean): FieldDef[] {
  return [
    field('Id', 'id', { ...readOnly, nillable: false, label: 'Record ID' }),
    field('IsDeleted', 'boolean', { ...readOnly, nillable: false, label: 'Deleted' }),
    ...(owned ? [ref('OwnerId', ['User'], { nillable: false, defaultValue: '' })] : []),
    field('CreatedDate', 'datetime', { ...readOnly, nillable: false }),
    ref('CreatedById', ['User'], { ...readOnly, nillable: false }),
    field('LastModifiedDate', 'datetime', { ...readOnly, nillable: false }),
    ref('LastModifiedById', ['User'], { ...readOnly, nillable: false }),
    field('SystemModstamp', 'datetime', { ...readOnly, nillable: false }),
  ];
}

const lastActivity = field('LastActivityDate', 'date', readOnly);
const description = field('Description', 'textarea', { length: 32_000 });
const leadSource = picklist('LeadSource', [
  'Web',
  'Phone Inquiry',
  'Partner Referral',
  'Purchased List',
  'Other',
]);

export const LEAD_STATUSES = [
  'Open - Not Contacted',
  'Working - Contacted',
  'Closed - Converted',
  'Closed - Not Converted',
];

const OBJECT_LIST: readonly ObjectDef[] = [
  {
    name: 'Lead',
    label: 'Lead',
    labelPlural: 'Leads',
    keyPrefix: '00Q',
    activities: true,
    fields: [
      ...systemFields(true),
      text('FirstName', 40),
      text('LastName', 80, required),
      text('Name', 121, readOnly),
      text('Company', 255, required),
      text('Title', 128),
      field('Email', 'email'),
      field('Phone', 'phone'),
      field('MobilePhone', 'phone'),
      field('Website', 'url'),
      text('City', 40),
      text('Country', 80),
      leadSource,
      picklist('Status', LEAD_STATUSES, { nillable: false, defaultValue: 'Open - Not Contacted' }),
      field('IsConverted', 'boolean', { ...readOnly, nillable: false }),
      description,
      lastActivity,
    ],
  },
  {
    name: 'Contact',
    label: 'Contact',
    labelPlural: 'Contacts',
    keyPrefix: '003',
    activities: true,
    fields: [
      ...systemFields(true),
      ref('AccountId', ['Account']),
      text('FirstName', 40),
      text('LastName', 80, required),
      text('Name', 121, readOnly),
      text('Title', 128),
      field('Email', 'email'),
      field('Phone', 'phone'),
      field('MobilePhone', 'phone'),
      text('MailingCity', 40),
      leadSource,
      description,
      lastActivity,
    ],
  },
  {
    name: 'Account',
    label: 'Account',
    labelPlural: 'Accounts',
    keyPrefix: '001',
    activities: true,
    fields: [
      ...systemFields(true),
      text('Name', 255, required),
      field('Website', 'url'),
      field('Phone', 'phone'),
      text('BillingCity', 40),
      picklist('Industry', ['Agriculture', 'Banking', 'Education', 'Manufacturing', 'Technology', 'Other']),
      picklist('Type', ['Prospect', 'Customer - Direct', 'Partner', 'Other']),
      description,
      lastActivity,
    ],
  },
  {
    name: 'Opportunity',
    label: 'Opportunity',
    labelPlural: 'Opportunities',
    keyPrefix: '006',
    activities: true,
    fields: [
      ...systemFields(true),
      ref('AccountId', ['Account']),
      text('Name', 120, required),
      picklist(
        'StageName',
        [
          'Prospecting',
          'Qualification',
          'Needs Analysis',
          'Proposal/Price Quote',
          'Negotiation/Review',
          'Closed Won',
          'Closed Lost',
        ],
        required,
      ),
      field('CloseDate', 'date', required),
      field('Amount', 'currency', { precision: 18, scale: 2 }),
      field('Probability', 'percent', { precision: 3, scale: 0 }),
      field('IsClosed', 'boolean', { ...readOnly, nillable: false }),
      field('IsWon', 'boolean', { ...readOnly, nillable: false }),
      leadSource,
      description,
      lastActivity,
    ],
  },
  {
    name: 'Task',
    label: 'Task',
    labelPlural: 'Tasks',
    keyPrefix: '00T',
    activities: false,
    fields: [
      ...systemFields(true),
      ref('WhoId', ['Contact', 'Lead'], { label: 'Name ID' }),
      ref('WhatId', ['Account', 'Opportunity', 'Campaign'], { label: 'Related To ID' }),
      text('Subject', 255),
      field('ActivityDate', 'date', { label: 'Due Date Only' }),
      picklist('Status', ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'], {
        nillable: false,
        defaultValue: 'Not Started',
      }),
      picklist('Priority', ['High', 'Normal', 'Low'], { nillable: false, defaultValue: 'Normal' }),
      picklist('TaskSubtype', ['Task', 'Email', 'ListEmail', 'Cadence', 'Call', 'LinkedIn'], {
        updateable: false,
      }),
      field('IsClosed', 'boolean', { ...readOnly, nillable: false }),
      description,
    ],
  },
  {
    name: 'Campaign',
    label: 'Campaign',
    labelPlural: 'Campaigns',
    keyPrefix: '701',
    activities: false,
    fields: [
      ...systemFields(true),
      text('Name', 80, required),
      picklist('Status', ['Planned', 'In Progress', 'Completed', 'Aborted']),
      picklist('Type', ['Conference', 'Webinar', 'Email', 'Advertisement', 'Other']),
      field('IsActive', 'boolean', { nillable: false, defaultValue: false }),
      field('StartDate', 'date'),
      field('EndDate', 'date'),
      description,
    ],
  },
  {
    name: 'CampaignMember',
    label: 'Campaign Member',
    labelPlural: 'Campaign Members',
    keyPrefix: '00v',
    activities: false,
    fields: [
      ...systemFields(false),
      ref('CampaignId', ['Campaign'], { ...required, updateable: false }),
      ref('LeadId', ['Lead'], { updateable: false }),
      ref('ContactId', ['Contact'], { updateable: false }),
      picklist('Status', ['Sent', 'Responded'], { defaultValue: 'Sent' }),
      field('HasResponded', 'boolean', { ...readOnly, nillable: false }),
      field('FirstRespondedDate', 'date', readOnly),
    ],
  },
];

export const OBJECTS: ReadonlyMap<string, ObjectDef> = new Map(OBJECT_LIST.map((o) => [o.name, o]));
export const OBJECT_NAMES: readonly string[] = OBJECT_LIST.map((o) => o.name);

/** The object an id belongs to, by its key prefix. */
export function objectOfId(id: string): ObjectDef | undefined {
  return OBJECT_LIST.find((o) => id.startsWith(o.keyPrefix));
}

/** A custom field as the Metadata API creates it (`Lead.Rowbridge_Id__c`). */
export function customField(
  name: string,
  type: FieldType,
  extra: Pick<FieldDef, 'label'> & Partial<FieldDef>,
): FieldDef {
  return field(name, type, { ...extra, custom: true });
}
