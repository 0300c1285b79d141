import type { Connection } from 'jsforce';
import { RowbridgeError } from '../../../shared/errors.ts';
import { CrmApiError } from '../crm-error.ts';
import type {
  ActivityInput,
  ActivityKind,
  AssociationPair,
  EnsureResult,
  PropertyDefinition,
  PropertyType,
} from '../types.ts';
import type { SaveResultJson } from './mappers.ts';
import { recordErrorOf } from './mappers.ts';
import { chunkValues, soqlIn, soqlName } from './soql.ts';

/** `createMetadata` takes at most 10 components per call. */
const METADATA_BATCH = 10;

/** Our property types → Metadata API `CustomField` settings. */
const FIELD_TYPES: Record<PropertyType, Record<string, unknown>> = {
  string: { type: 'Text', length: 255 },
  number: { type: 'Number', precision: 18, scale: 2 },
  date: { type: 'Date' },
  datetime: { type: 'DateTime' },
  bool: { type: 'Checkbox', defaultValue: 'false' },
  enumeration: { type: 'Picklist' },
};

function customField(object: string, definition: PropertyDefinition): Record<string, unknown> {
  if (!definition.name.endsWith('__c')) {
    throw new RowbridgeError(
      'invalid_input',
      `Salesforce custom field names end in __c: "${definition.name}" does not.`,
    );
  }
  return {
    fullName: `${soqlName(object)}.${soqlName(definition.name)}`,
    label: definition.label,
    ...FIELD_TYPES[definition.type],
    // The row id is the upsert key: an External ID, unique, and compared case-insensitively.
    ...(definition.unique ? { externalId: true, unique: true, caseSensitive: false } : {}),
    ...(definition.description ? { description: definition.description } : {}),
    ...(definition.type === 'enumeration'
      ? {
          valueSet: {
            restricted: false,
            valueSetDefinition: {
              sorted: false,
              value: (definition.options ?? []).map((o) => ({
                fullName: o.value,
                label: o.label,
                default: false,
              })),
            },
          },
        }
      : {}),
  };
}

interface MetadataSaveResult {
  readonly fullName: string;
  readonly success: boolean;
  readonly errors?:
    | readonly { readonly statusCode: string; readonly message: string }[]
    | { readonly statusCode: string; readonly message: string };
}

/**
 * Creates the custom fields `object` lacks through the Metadata API. A field another worker created
 * meanwhile answers `DUPLICATE_DEVELOPER_NAME`: counted as existing, so running setup twice is harmless.
 * In a real org the new field still needs field-level security for the API user (a permission set).
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_createMetadata.htm
 */
export async function ensureSalesforceFields(
  connection: Connection,
  object: string,
  definitions: readonly PropertyDefinition[],
): Promise<EnsureResult> {
  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
  const described = await connection.describe(soqlName(object));
  const existing = new Set(described.fields.map((field) => field.name.toLowerCase()));
  const result: EnsureResult = { created: [], existing: [] };
  const missing = definitions.filter((definition) => {
    const has = existing.has(definition.name.toLowerCase());
    if (has) result.existing.push(definition.name);
    return !has;
  });
  for (let start = 0; start < missing.length; start += METADATA_BATCH) {
    const chunk = missing.slice(start, start + METADATA_BATCH);
    const saved = (await connection.metadata.create(
      'CustomField',
      chunk.map((definition) => customField(object, definition)) as never,
    )) as unknown as MetadataSaveResult[];
    chunk.forEach((definition, index) => {
      const answer = saved[index];
      const errors =
        answer?.errors === undefined ? [] : Array.isArray(answer.errors) ? answer.errors : [answer.errors];
      if (answer?.success) result.created.push(definition.name);
      else if (errors.some((e) => e.statusCode === 'DUPLICATE_DEVELOPER_NAME'))
        result.existing.push(definition.name);
      else {
        const reason = errors.map((e) => `${e.statusCode}: ${e.message}`).join('; ') || 'no reason given';
        throw new CrmApiError(
          'crm_rejected',
          `Salesforce refused to create ${object}.${definition.name}: ${reason}`,
          {
            endpoint: 'POST /services/Soap/m',
            attempts: 1,
            ...(errors[0] ? { vendorCode: errors[0].statusCode } : {}),
          },
        );
      }
    });
  }
  return result;
}

/** Which lookup field links a record of `from` to one of `to`; `flip` when the field sits on `to`. */
const LINKS: readonly { from: string; to: string; field: string }[] = [
  { from: 'Contact', to: 'Account', field: 'AccountId' },
  { from: 'Opportunity', to: 'Account', field: 'AccountId' },
  { from: 'Task', to: 'Lead', field: 'WhoId' },
  { from: 'Task', to: 'Contact', field: 'WhoId' },
  { from: 'Task', to: 'Account', field: 'WhatId' },
  { from: 'Task', to: 'Opportunity', field: 'WhatId' },
  { from: 'Task', to: 'Campaign', field: 'WhatId' },
];

/**
 * Links records: a lookup field update (Contact → Account, Opportunity → Account, Task → Who/What, either
 * direction), or a CampaignMember for Lead/Contact ↔ Campaign (an existing membership counts as done).
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections.htm
 */
export async function associateSalesforce(
  connection: Connection,
  fromObject: string,
  toObject: string,
  pairs: readonly AssociationPair[],
): Promise<void> {
  const direct = LINKS.find((l) => l.from === fromObject && l.to === toObject);
  const flipped = LINKS.find((l) => l.from === toObject && l.to === fromObject);
  const link = direct ?? flipped;
  const oriented = pairs.map((p) => (direct ? p : { fromId: p.toId, toId: p.fromId }));
  const failures: string[] = [];
  for (let start = 0; start < oriented.length; start += 200) {
    const chunk = oriented.slice(start, start + 200);
    let results: SaveResultJson[];
    if (link) {
      const records = chunk.map((p) => ({ Id: p.fromId, [link.field]: p.toId }));
      results = (await connection.update(link.from, records, {
        allOrNone: false,
      })) as unknown as SaveResultJson[];
    } else {
      const person = [fromObject, toObject].find((o) => o === 'Lead' || o === 'Contact');
      if (!person || ![fromObject, toObject].includes('Campaign')) {
        throw new RowbridgeError(
          'invalid_input',
          `Rowbridge cannot link Salesforce ${fromObject} records to ${toObject} records.`,
        );
      }
      const members = pairs.slice(start, start + 200).map((p) => {
        const [personId, campaignId] = fromObject === 'Campaign' ? [p.toId, p.fromId] : [p.fromId, p.toId];
        return { CampaignId: campaignId, [`${person}Id`]: personId };
      });
      // Creating a membership twice answers DUPLICATE_VALUE "Already a campaign member.": already linked.
      results = (await connection.create('CampaignMember', members, {
        allOrNone: false,
      })) as unknown as SaveResultJson[];
    }
    results.forEach((result) => {
      const error = recordErrorOf(result);
      if (!result.success && error.vendorCode !== 'DUPLICATE_VALUE') failures.push(error.message);
    });
  }
  if (failures.length > 0) {
    throw new CrmApiError(
      'crm_rejected',
      `Salesforce refused ${failures.length} link(s): ${failures.slice(0, 3).join('; ')}`,
      {
        endpoint: 'composite/sobjects',
        attempts: 1,
      },
    );
  }
}

/**
 * The records each id is linked to through a lookup (a Contact's Account, an Account's Contacts): one SOQL
 * query per 200 ids, on whichever side holds the lookup field.
 */
export async function listSalesforceAssociations(
  query: (soql: string) => Promise<readonly Record<string, unknown>[]>,
  fromObject: string,
  toObject: string,
  ids: readonly string[],
): Promise<Record<string, string[]>> {
  const direct = LINKS.find((l) => l.from === fromObject && l.to === toObject);
  const flipped = LINKS.find((l) => l.from === toObject && l.to === fromObject);
  const link = direct ?? flipped;
  if (!link) {
    throw new RowbridgeError(
      'invalid_input',
      `Salesforce ${fromObject} records are not linked to ${toObject} records by a lookup.`,
    );
  }
  const out: Record<string, string[]> = Object.fromEntries(ids.map((id) => [id, []]));
  for (const chunk of chunkValues(ids)) {
    const where = soqlIn(direct ? 'Id' : link.field, chunk);
    for (const record of await query(`SELECT Id, ${link.field} FROM ${link.from} WHERE ${where}`)) {
      const [from, to] = direct ? [record.Id, record[link.field]] : [record[link.field], record.Id];
      if (typeof from !== 'string' || typeof to !== 'string') continue;
      const key = ids.find((id) => id.slice(0, 15) === from.slice(0, 15)) ?? from;
      out[key] = [...(out[key] ?? []), to];
    }
  }
  return out;
}

const SUBTYPES: Record<ActivityKind, string> = { email: 'Email', call: 'Call', task: 'Task', note: 'Task' };
const SUBJECTS: Record<ActivityKind, string> = { email: 'Email', call: 'Call', task: 'Task', note: 'Note' };

/**
 * Logs an activity as a Task: `WhoId` the first lead or contact, `WhatId` the first account, opportunity
 * or campaign, `ActivityDate` the day it happened; email, call and note are `Completed` (they happened),
 * a task is `Not Started`. Salesforce keeps `LastActivityDate` of the linked records from completed tasks.
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_task.htm
 */
export async function createSalesforceTask(
  connection: Connection,
  kind: ActivityKind,
  input: ActivityInput,
): Promise<{ id: string }> {
  const who = input.on.find((t) => t.object === 'Lead' || t.object === 'Contact');
  const what = input.on.find(
    (t) => t.object === 'Account' || t.object === 'Opportunity' || t.object === 'Campaign',
  );
  const task = {
    Subject: input.subject ?? SUBJECTS[kind],
    Description: input.body,
    ActivityDate: input.occurredAt.slice(0, 10),
    Status: kind === 'task' ? 'Not Started' : 'Completed',
    TaskSubtype: SUBTYPES[kind],
    ...(who ? { WhoId: who.id } : {}),
    ...(what ? { WhatId: what.id } : {}),
  };
  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_sobject_create.htm
  const created = (await connection.sobject('Task').create(task)) as unknown as SaveResultJson;
  if (!created.success || !created.id) {
    throw new CrmApiError('crm_rejected', `Salesforce refused the task: ${recordErrorOf(created).message}`, {
      endpoint: 'POST /sobjects/Task',
      attempts: 1,
    });
  }
  return { id: created.id };
}
