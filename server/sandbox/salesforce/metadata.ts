import { type Context, Hono } from 'hono';
import {
  childElement,
  childElements,
  localName,
  parseXml,
  soapBodyOf,
  textOf,
  type XmlElement,
  xmlEscape,
} from '../../xml/index.ts';
import type { Core, Env } from './core.ts';
import { findField, objectNamed } from './fields.ts';
import { liveToken } from './oauth.ts';
import { customField, type FieldDef, type FieldType } from './objects.ts';

const NS = 'http://soap.sforce.com/2006/04/metadata';
/** `createMetadata` takes at most 10 components per call. */
const MAX_COMPONENTS = 10;

/** Metadata API field types → the REST describe type they surface as. */
const TYPES: Readonly<Record<string, FieldType>> = {
  Text: 'string',
  TextArea: 'textarea',
  LongTextArea: 'textarea',
  Email: 'email',
  Phone: 'phone',
  Url: 'url',
  Number: 'double',
  Currency: 'currency',
  Percent: 'percent',
  Checkbox: 'boolean',
  Date: 'date',
  DateTime: 'datetime',
  Picklist: 'picklist',
};

function envelope(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="${NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
}

function fault(c: Context, code: string, message: string) {
  const body = `<soapenv:Fault><faultcode>sf:${code}</faultcode><faultstring>${xmlEscape(`${code}: ${message}`)}</faultstring></soapenv:Fault>`;
  return c.body(envelope(body), 500, { 'content-type': 'text/xml; charset=utf-8' });
}

interface SaveResult {
  readonly fullName: string;
  readonly success: boolean;
  readonly error?: { statusCode: string; message: string; fields?: string };
}

function resultXml(result: SaveResult): string {
  const error = result.error
    ? `<errors>${result.error.fields ? `<fields>${xmlEscape(result.error.fields)}</fields>` : ''}<message>${xmlEscape(result.error.message)}</message><statusCode>${result.error.statusCode}</statusCode></errors>`
    : '';
  return `<result>${error}<fullName>${xmlEscape(result.fullName)}</fullName><success>${result.success}</success></result>`;
}

const value = (element: XmlElement, name: string) => {
  const child = childElement(element, name);
  return child ? textOf(child) : undefined;
};

/** Validates one `CustomField` component and returns the field it adds; throws a `SaveResult` error. */
function customFieldOf(core: Core, component: XmlElement): { object: string; field: FieldDef } {
  const fullName = value(component, 'fullName') ?? '';
  const [objectName = '', name = ''] = fullName.split('.');
  const fail = (statusCode: string, message: string, fields?: string): never => {
    throw {
      fullName,
      success: false,
      error: { statusCode, message, ...(fields ? { fields } : {}) },
    } satisfies SaveResult;
  };
  let object: ReturnType<typeof objectNamed>;
  try {
    object = objectNamed(objectName);
  } catch {
    return fail(
      'INVALID_CROSS_REFERENCE_KEY',
      `In field: fullName - no CustomObject named ${objectName} found`,
    );
  }
  if (!/^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*__c$/.test(name)) {
    return fail(
      'FIELD_INTEGRITY_EXCEPTION',
      `The API name ${name} is not valid: end it with __c and use letters, digits and single underscores.`,
      'fullName',
    );
  }
  if (findField(core.store.read(), object, name)) {
    return fail(
      'DUPLICATE_DEVELOPER_NAME',
      `There is already a field named ${name.slice(0, -3)} on ${object.name}.`,
      'fullName',
    );
  }
  const label = value(component, 'label');
  if (!label) return fail('FIELD_INTEGRITY_EXCEPTION', 'Must specify label', 'label');
  const type = TYPES[value(component, 'type') ?? ''];
  if (!type)
    return fail(
      'FIELD_INTEGRITY_EXCEPTION',
      `Field type ${value(component, 'type') ?? '(none)'} is not supported by the sandbox`,
      'type',
    );
  const length = Number(value(component, 'length') ?? (type === 'textarea' ? 32_768 : 0));
  if (type === 'string' && !(length >= 1 && length <= 255)) {
    return fail('FIELD_INTEGRITY_EXCEPTION', 'Length must be between 1 and 255', 'length');
  }
  const flag = (name: string) => value(component, name) === 'true';
  const valueSet = childElement(component, 'valueSet');
  const definition = valueSet ? childElement(valueSet, 'valueSetDefinition') : undefined;
  const picklistValues = definition
    ? childElements(definition, 'value').map((v) => value(v, 'fullName') ?? '')
    : undefined;
  const precision = value(component, 'precision');
  const scale = value(component, 'scale');
  return {
    object: object.name,
    field: customField(name, type, {
      label,
      length: type === 'string' || type === 'textarea' ? length : 0,
      externalId: flag('externalId'),
      unique: flag('unique'),
      nillable: !flag('required') || type === 'boolean',
      ...(type === 'boolean' ? { defaultValue: value(component, 'defaultValue') === 'true' } : {}),
      ...(picklistValues ? { picklistValues } : {}),
      ...(precision ? { precision: Number(precision) } : {}),
      ...(scale ? { scale: Number(scale) } : {}),
    }),
  };
}

/**
 * The Metadata API's SOAP endpoint, as far as setup needs it: `createMetadata` and `readMetadata` of
 * `CustomField` components (the session travels in the SOAP `SessionHeader`, as jsforce sends it).
 * https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_createMetadata.htm
 */
export function metadataRoutes(core: Core): Hono<Env> {
  const app = new Hono<Env>();
  app.post('/services/Soap/m/:version', async (c) => {
    let call: XmlElement;
    let session: string | undefined;
    try {
      const root = parseXml(await c.req.text());
      call = soapBodyOf(root);
      const header = childElement(root, 'Header');
      const sessionHeader = header ? childElement(header, 'SessionHeader') : undefined;
      session = sessionHeader ? value(sessionHeader, 'sessionId') : undefined;
    } catch (error) {
      return fault(c, 'INVALID_XML', (error as Error).message);
    }
    if (!liveToken(core, session))
      return fault(c, 'INVALID_SESSION_ID', 'Invalid Session ID found in SessionHeader: Illegal Session');
    const operation = localName(call);
    if (operation === 'createMetadata') {
      const components = childElements(call, 'metadata');
      if (components.length > MAX_COMPONENTS)
        return fault(c, 'INVALID_XML', `Maximum of ${MAX_COMPONENTS} components per call`);
      const results = components.map((component): SaveResult => {
        const type = Object.entries(component.attributes).find(
          ([k]) => k === 'xsi:type' || k.endsWith(':type'),
        )?.[1];
        if (type !== 'CustomField') {
          return {
            fullName: value(component, 'fullName') ?? '',
            success: false,
            error: {
              statusCode: 'INVALID_TYPE',
              message: `The sandbox creates CustomField components only, not ${type}`,
            },
          };
        }
        try {
          const { object, field } = customFieldOf(core, component);
          core.store.write((data) => {
            data.customFields[object] = [...(data.customFields[object] ?? []), field];
          });
          return { fullName: `${object}.${field.name}`, success: true };
        } catch (error) {
          if (error instanceof Error) throw error;
          return error as SaveResult;
        }
      });
      return c.body(
        envelope(`<createMetadataResponse>${results.map(resultXml).join('')}</createMetadataResponse>`),
        200,
        {
          'content-type': 'text/xml; charset=utf-8',
        },
      );
    }
    if (operation === 'readMetadata') {
      const data = core.store.read();
      const records = childElements(call, 'fullNames').map((element) => {
        const [objectName = '', name = ''] = textOf(element).split('.');
        const field = (data.customFields[objectName] ?? []).find(
          (f) => f.name.toLowerCase() === name.toLowerCase(),
        );
        if (!field) return '<records xsi:nil="true"/>';
        return `<records xsi:type="CustomField"><fullName>${xmlEscape(`${objectName}.${field.name}`)}</fullName><externalId>${field.externalId}</externalId><label>${xmlEscape(field.label)}</label>${field.length ? `<length>${field.length}</length>` : ''}<unique>${field.unique}</unique></records>`;
      });
      return c.body(
        envelope(`<readMetadataResponse><result>${records.join('')}</result></readMetadataResponse>`),
        200,
        {
          'content-type': 'text/xml; charset=utf-8',
        },
      );
    }
    return fault(c, 'INVALID_OPERATION', `The sandbox does not implement ${operation}`);
  });
  return app;
}
