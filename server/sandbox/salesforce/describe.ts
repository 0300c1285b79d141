import type { Context } from 'hono';
import { fieldsOf } from './fields.ts';
import { restBase } from './json.ts';
import type { SandboxData } from './model.ts';
import { type FieldDef, OBJECTS, type ObjectDef } from './objects.ts';

const SOAP_TYPES: Record<string, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  boolean: 'xsd:boolean',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
  double: 'xsd:double',
  currency: 'xsd:double',
  percent: 'xsd:double',
};

/**
 * One field as `describe` lists it (a subset of DescribeFieldResult: what clients read to map fields).
 * https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_describesobjects_describesobjectresult.htm
 */
function fieldJson(field: FieldDef) {
  return {
    name: field.name,
    label: field.label,
    type: field.type,
    soapType: SOAP_TYPES[field.type] ?? 'xsd:string',
    length: field.length,
    precision: field.precision ?? 0,
    scale: field.scale ?? 0,
    custom: field.custom,
    externalId: field.externalId,
    unique: field.unique,
    caseSensitive: false,
    idLookup: field.name === 'Id' || field.externalId || field.type === 'email',
    nillable: field.nillable,
    createable: field.createable,
    updateable: field.updateable,
    defaultedOnCreate: field.defaultValue !== undefined || !field.createable || field.type === 'boolean',
    defaultValue:
      typeof field.defaultValue === 'string' && field.defaultValue !== '' ? field.defaultValue : null,
    calculated: false,
    filterable: field.type !== 'textarea',
    sortable: field.type !== 'textarea',
    referenceTo: field.referenceTo ?? [],
    relationshipName:
      field.type === 'reference' && field.name.endsWith('Id') ? field.name.slice(0, -2) : null,
    picklistValues: (field.picklistValues ?? []).map((value) => ({
      active: true,
      defaultValue: field.defaultValue === value,
      label: value,
      validFor: null,
      value,
    })),
  };
}

function objectSummary(c: Context, object: ObjectDef) {
  const base = `${restBase(c)}/sobjects/${object.name}`;
  return {
    name: object.name,
    label: object.label,
    labelPlural: object.labelPlural,
    keyPrefix: object.keyPrefix,
    custom: false,
    createable: true,
    updateable: true,
    deletable: true,
    queryable: true,
    searchable: true,
    urls: { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` },
  };
}

/** `GET /sobjects`: every object the sandbox serves. */
export function describeGlobal(c: Context) {
  return {
    encoding: 'UTF-8',
    maxBatchSize: 200,
    sobjects: [...OBJECTS.values()].map((o) => objectSummary(c, o)),
  };
}

/** `GET /sobjects/{Object}/describe`: the object with its standard and custom fields. */
export function describeObject(c: Context, data: SandboxData, object: ObjectDef) {
  return { ...objectSummary(c, object), fields: fieldsOf(data, object).map(fieldJson) };
}
