import { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/objects/index.js';
import {
  PropertyCreateFieldTypeEnum as FieldType,
  PropertyCreateTypeEnum as Type,
} from '@hubspot/api-client/lib/codegen/crm/properties/index.js';
import { isCrmApiError } from '../crm-error.ts';
import type {
  ActivityInput,
  ActivityKind,
  EnsureResult,
  PropertyDefinition,
  PropertyType,
} from '../types.ts';
import type { HubSpotApis } from './sdk.ts';

/** Our own property group, so Rowbridge's fields sit together in HubSpot's record sidebar. */
const GROUP = { name: 'rowbridge', label: 'Rowbridge', displayOrder: -1 };

const TYPES: Record<PropertyType, { type: Type; fieldType: FieldType }> = {
  string: { type: Type.String, fieldType: FieldType.Text },
  number: { type: Type.Number, fieldType: FieldType.Number },
  date: { type: Type.Date, fieldType: FieldType.Date },
  datetime: { type: Type.Datetime, fieldType: FieldType.Date },
  bool: { type: Type.Bool, fieldType: FieldType.Booleancheckbox },
  enumeration: { type: Type.Enumeration, fieldType: FieldType.Select },
};

/**
 * Creates the properties `object` lacks, in our group (created first when missing). A 409 means another
 * worker created it meanwhile: counted as existing, so running setup twice is harmless.
 *
 * https://developers.hubspot.com/docs/api-reference/crm-properties-v3/guide
 */
export async function ensureHubSpotProperties(
  apis: HubSpotApis,
  object: string,
  definitions: readonly PropertyDefinition[],
): Promise<EnsureResult> {
  const existing = new Set((await apis.properties.getAll(object, false)).results.map((p) => p.name));
  const result: EnsureResult = { created: [], existing: [] };
  const missing = definitions.filter((definition) => {
    if (existing.has(definition.name)) result.existing.push(definition.name);
    return !existing.has(definition.name);
  });
  if (missing.length === 0) return result;
  await ignoreConflict(() => apis.propertyGroups.create(object, GROUP));
  for (const definition of missing) {
    const created = await ignoreConflict(() =>
      apis.properties.create(object, {
        name: definition.name,
        label: definition.label,
        groupName: GROUP.name,
        ...TYPES[definition.type],
        ...(definition.unique ? { hasUniqueValue: true } : {}),
        ...(definition.description === undefined ? {} : { description: definition.description }),
        ...(definition.type === 'bool'
          ? { options: [option('true', 'Yes', 0), option('false', 'No', 1)] }
          : definition.options
            ? { options: definition.options.map((o, i) => option(o.value, o.label, i)) }
            : {}),
      }),
    );
    (created ? result.created : result.existing).push(definition.name);
  }
  return result;
}

function option(value: string, label: string, displayOrder: number) {
  return { value, label, displayOrder, hidden: false };
}

/** Runs `create`; resolves false when HubSpot answers 409 (already exists). */
async function ignoreConflict(create: () => Promise<unknown>): Promise<boolean> {
  try {
    await create();
    return true;
  } catch (error) {
    if (isCrmApiError(error, 409)) return false;
    throw error;
  }
}

/** Association type ids for activity → contact, from HubSpot's v4 type list (the reference's table). */
const TO_CONTACT: Partial<Record<ActivityKind, number>> = { note: 202, task: 204, email: 198 };

/** HubSpot engagement objects and their properties per activity kind. */
function activityProperties(kind: ActivityKind, input: ActivityInput): Record<string, string> {
  const base = { hs_timestamp: input.occurredAt };
  const subject = input.subject ?? '';
  const outbound = input.direction !== 'inbound';
  switch (kind) {
    case 'note':
      return { ...base, hs_note_body: subject ? `${subject}\n\n${input.body}` : input.body };
    case 'email':
      return {
        ...base,
        hs_email_subject: subject,
        hs_email_text: input.body,
        hs_email_direction: outbound ? 'EMAIL' : 'INCOMING_EMAIL',
      };
    case 'task':
      return { ...base, hs_task_subject: subject, hs_task_body: input.body, hs_task_status: 'NOT_STARTED' };
    case 'call':
      return {
        ...base,
        hs_call_title: subject,
        hs_call_body: input.body,
        hs_call_direction: outbound ? 'OUTBOUND' : 'INBOUND',
      };
  }
}

/**
 * Creates a note/email/task/call. Contacts are associated inline (type ids known); other records get
 * HubSpot's default association afterwards, which needs no type id.
 *
 * https://developers.hubspot.com/docs/api-reference/crm-notes-v3/guide
 */
export async function createHubSpotActivity(
  apis: HubSpotApis,
  kind: ActivityKind,
  input: ActivityInput,
): Promise<{ id: string }> {
  const typeId = TO_CONTACT[kind];
  const inline = input.on.filter((target) => target.object === 'contacts' && typeId !== undefined);
  const later = input.on.filter((target) => !inline.includes(target));
  const created = await apis.basic.create(`${kind}s`, {
    properties: activityProperties(kind, input),
    associations: inline.map((target) => ({
      to: { id: target.id },
      types: [
        {
          associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined,
          associationTypeId: typeId ?? 0,
        },
      ],
    })),
  });
  for (const target of later) {
    await apis.associations.createDefault(`${kind}s`, target.object, {
      inputs: [{ _from: { id: created.id }, to: { id: target.id } }],
    });
  }
  return { id: created.id };
}
