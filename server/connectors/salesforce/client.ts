import type { Connection } from 'jsforce';
import { RowbridgeError } from '../../../shared/errors.ts';
import { sendInChunks } from '../batch.ts';
import type { RequestRunner } from '../http.ts';
import type {
  ArchiveResult,
  CrmConnector,
  CrmRecord,
  GetResult,
  UpsertInput,
  UpsertResult,
} from '../types.ts';
import { BULK_THRESHOLD, bulkUpsert } from './bulk.ts';
import { compositeQueries } from './composite.ts';
import { listPage } from './list.ts';
import {
  recordErrorOf,
  type SalesforceRecord,
  type SaveResultJson,
  toCrmRecord,
  toSalesforceFields,
  toUpsertResult,
} from './mappers.ts';
import { salesforceProvider } from './provider.ts';
import {
  associateSalesforce,
  createSalesforceTask,
  ensureSalesforceFields,
  listSalesforceAssociations,
} from './setup.ts';
import { chunkValues, soqlIn, soqlName, soqlSelect } from './soql.ts';

const { batch, pagination } = salesforceProvider;
/** Collections take 200 records per call. */
const COLLECTION = batch.upsert ?? 200;
/** A dedup search that finds more than this is too vague to be useful; stop paging. */
const MAX_CANDIDATES = 1_000;
/**
 * Keeps each candidate statement's WHERE clause well inside Salesforce's limits: statements go in a
 * composite request body (no URI limit), SOQL statements may be 100,000 characters, and a fifth of that
 * stays clear of QUERY_TOO_COMPLICATED.
 */
const WHERE_BUDGET = 20_000;
/** Values in one statement of a read by id: at most a page of query results (2,000 records). */
const MAX_PAGE = 2_000;

const ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** Runs a SOQL statement and follows `nextRecordsUrl` until done or `max` records. */
async function queryAll(
  connection: Connection,
  soql: string,
  scanAll: boolean,
  max = Number.POSITIVE_INFINITY,
) {
  const records: SalesforceRecord[] = [];
  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_queryall.htm
  let page = (await connection.query(soql, { autoFetch: false, scanAll })) as unknown as {
    done: boolean;
    nextRecordsUrl?: string;
    records: SalesforceRecord[];
  };
  records.push(...page.records);
  while (!page.done && page.nextRecordsUrl && records.length < max) {
    page = (await connection.queryMore(page.nextRecordsUrl)) as unknown as typeof page;
    records.push(...page.records);
  }
  return records;
}

/**
 * The Salesforce connector over one connection: jsforce for every call, each request sent through
 * `runner` (see `transport.ts`).
 */
export function createSalesforceClient(
  connection: Connection,
  runner: RequestRunner,
  options: { readonly bulkPollMs?: number } = {},
): CrmConnector {
  // Fields each object has, read once per connector: a query naming a field the org lacks (a custom field
  // setup-fields has not created yet) fails whole, so reads ask only for fields that exist.
  const described = new Map<string, Promise<Set<string>>>();
  const fieldsOf = (object: string) => {
    let fields = described.get(object);
    if (!fields) {
      // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
      fields = connection
        .sobject(soqlName(object))
        .describe()
        .then((result) => new Set(result.fields.map((field) => field.name.toLowerCase())));
      described.set(object, fields);
      fields.catch(() => described.delete(object));
    }
    return fields;
  };
  const existing = async (object: string, properties: readonly string[]) => {
    const fields = await fieldsOf(object);
    return properties.filter((property) => fields.has(soqlName(property).toLowerCase()));
  };

  /**
   * A list view's condition: its describe gives the SOQL Salesforce runs for it, whose WHERE part selects
   * the view's records; Rowbridge runs it with its own fields and paging.
   * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_listviewdescribe.htm
   */
  const listView = async (object: string, id: string): Promise<string | undefined> => {
    if (!ID.test(id)) throw new RowbridgeError('invalid_input', `"${id}" is not a Salesforce list view id.`);
    const described = (await connection.request(
      `/services/data/v${connection.version}/sobjects/${soqlName(object)}/listviews/${id}/describe`,
    )) as { query?: string };
    const match = /\sWHERE\s([\s\S]*?)(?:\sORDER BY\s[\s\S]*)?$/i.exec(described.query ?? '');
    return match?.[1]?.trim() || undefined;
  };

  const upsertChunk = async (
    object: string,
    property: string,
    chunk: readonly UpsertInput[],
  ): Promise<UpsertResult[]> => {
    const records = chunk.map((input) => ({
      ...toSalesforceFields(input.properties),
      [property]: input.key.value,
    }));
    // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_upsert.htm
    const results = (await connection.upsert(object, records, property, {
      allOrNone: false,
    })) as unknown as SaveResultJson[];
    return chunk.map((_, index) => toUpsertResult(results[index]));
  };

  return {
    provider: salesforceProvider,

    listRecords: (object, options) => {
      if (options.list !== undefined) {
        return listView(object, options.list).then(async (condition) =>
          listPage(connection, object, {
            ...options,
            condition,
            properties: await existing(object, options.properties),
            limit: Math.min(options.limit ?? pagination.pageSize, pagination.pageSize),
          }),
        );
      }
      return existing(object, options.properties).then((properties) =>
        listPage(connection, object, {
          ...options,
          properties,
          limit: Math.min(options.limit ?? pagination.pageSize, pagination.pageSize),
        }),
      );
    },

    async getRecords(object, ids, options): Promise<GetResult> {
      const { idProperty } = options;
      const properties = await existing(object, options.properties);
      if (idProperty && (await existing(object, [idProperty])).length === 0) {
        // The key field does not exist yet (setup-fields has not run): no record can carry a key.
        return { records: [], missing: [...ids] };
      }
      // Statements of up to WHERE_BUDGET characters (~500 ids), 5 to a composite call: reading 10,000
      // records back takes 4 calls instead of a query per ~75 ids in the URI.
      const readIn = async (field: string, values: readonly string[], fields: string[], scanAll: boolean) => {
        const soqls = chunkValues(values, MAX_PAGE, WHERE_BUDGET).map(
          (chunk) => `${soqlSelect(object, fields)} WHERE ${soqlIn(field, chunk)}`,
        );
        const found = await compositeQueries(connection, soqls, Number.POSITIVE_INFINITY, { scanAll });
        return found.map(toCrmRecord);
      };
      if (idProperty) {
        const records = await readIn(
          idProperty,
          ids,
          ['Id', ...properties, idProperty, 'SystemModstamp'],
          false,
        );
        // Text comparisons in SOQL, and unique external ids by default, are case-insensitive.
        const found = new Set(records.map((r) => r.properties[soqlName(idProperty)]?.toLowerCase()));
        return { records, missing: ids.filter((id) => !found.has(id.toLowerCase())) };
      }
      // queryAll also returns records in the recycle bin (IsDeleted), which become `archived`.
      const valid = ids.filter((id) => ID.test(id));
      const records = await readIn('Id', valid, ['Id', ...properties, 'IsDeleted', 'SystemModstamp'], true);
      // Salesforce answers with 18-character ids; callers may hold the 15-character form.
      const known = new Set(records.map((r) => r.id.slice(0, 15)));
      return { records, missing: ids.filter((id) => !known.has(id.slice(0, 15))) };
    },

    async upsertRecords(object, inputs) {
      // One call upserts by one external id field: group by key property, keep input order in the answer.
      const results: UpsertResult[] = new Array(inputs.length);
      const byProperty = new Map<string, number[]>();
      inputs.forEach((input, index) => {
        byProperty.set(input.key.property, [...(byProperty.get(input.key.property) ?? []), index]);
      });
      for (const [property, indexes] of byProperty) {
        const keyed = indexes.filter((index) => inputs[index]?.key.value);
        for (const index of indexes) {
          if (!inputs[index]?.key.value) {
            results[index] = {
              status: 'failed',
              error: { code: 'crm_rejected', message: `The key ${property} has no value.` },
            };
          }
        }
        if (keyed.length > BULK_THRESHOLD) {
          const answers = await bulkUpsert(
            connection,
            soqlName(object),
            soqlName(property),
            keyed.map((index) => inputs[index] as UpsertInput),
            options.bulkPollMs,
          );
          keyed.forEach((index, at) => {
            results[index] = answers[at] as UpsertResult;
          });
          continue;
        }
        const answers = await sendInChunks(
          keyed,
          COLLECTION,
          (chunk) =>
            upsertChunk(
              object,
              soqlName(property),
              chunk.map((index) => inputs[index] as UpsertInput),
            ),
          (error): UpsertResult => ({ status: 'failed', error }),
        );
        keyed.forEach((index, at) => {
          results[index] = answers[at] as UpsertResult;
        });
      }
      return results;
    },

    updateRecords(object, inputs) {
      return sendInChunks(
        inputs,
        batch.update ?? COLLECTION,
        async (chunk) => {
          const records = chunk.map((input) => ({ ...toSalesforceFields(input.properties), Id: input.id }));
          // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_update.htm
          const results = (await connection.update(soqlName(object), records, {
            allOrNone: false,
          })) as unknown as SaveResultJson[];
          return chunk.map((input, index) => {
            const result = toUpsertResult(results[index]);
            return result.status === 'failed' ? result : { status: 'updated' as const, id: input.id };
          });
        },
        (error): UpsertResult => ({ status: 'failed', error }),
      );
    },

    async archiveRecords(object, ids) {
      // Ids travel in the query string (`?ids=a,b`): anything that is not an id fails alone, unsent.
      const valid = ids.filter((id) => ID.test(id));
      const sent = await sendInChunks(
        valid,
        batch.archive ?? COLLECTION,
        async (chunk) => {
          // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_delete.htm
          const results = (await connection.destroy(soqlName(object), [...chunk], {
            allOrNone: false,
          })) as unknown as SaveResultJson[];
          return chunk.map((id, index): ArchiveResult => {
            const result = results[index];
            return result?.success
              ? { status: 'archived', id }
              : { status: 'failed', id, error: recordErrorOf(result) };
          });
        },
        (error, id): ArchiveResult => ({ status: 'failed', id, error }),
      );
      const byId = new Map(valid.map((id, index) => [id, sent[index]]));
      return ids.map(
        (id): ArchiveResult =>
          byId.get(id) ?? {
            status: 'failed',
            id,
            error: { code: 'crm_rejected', message: `"${id}" is not a Salesforce record id.` },
          },
      );
    },

    async findCandidates(object, queries, options) {
      const properties = await existing(object, options.properties);
      const fields = await fieldsOf(object);
      const clauses = queries
        // A query on a field the org lacks (a custom key not created yet) can match nothing.
        .filter((query) =>
          Object.keys(query.where).every((field) => fields.has(soqlName(field).toLowerCase())),
        )
        .map((query) =>
          Object.entries(query.where)
            .map(([field, values]) => [field, [...new Set(values.filter((v) => v !== ''))]] as const)
            .filter(([, values]) => values.length > 0)
            .map(([field, values]) => soqlIn(field, values))
            .join(' AND '),
        )
        .filter((clause) => clause !== '')
        .map((clause) => `(${clause})`);
      const statements: string[][] = [];
      for (const clause of clauses) {
        const current = statements.at(-1);
        if (current && current.join(' OR ').length + clause.length + 4 <= WHERE_BUDGET) current.push(clause);
        else statements.push([clause]);
      }
      const soqls = statements.map(
        (statement) =>
          `${soqlSelect(object, ['Id', ...properties, 'SystemModstamp'])} WHERE ${statement.join(' OR ')} LIMIT ${MAX_CANDIDATES}`,
      );
      const found = new Map<string, CrmRecord>();
      for (const record of await compositeQueries(connection, soqls, MAX_CANDIDATES))
        found.set(String(record.Id), toCrmRecord(record));
      return [...found.values()];
    },

    ensureProperties: (object, definitions) => ensureSalesforceFields(connection, object, definitions),
    associate: (fromObject, toObject, pairs) => associateSalesforce(connection, fromObject, toObject, pairs),
    listAssociations: (fromObject, toObject, ids) =>
      listSalesforceAssociations((soql) => queryAll(connection, soql, false), fromObject, toObject, ids),
    createActivity: (kind, input) => createSalesforceTask(connection, kind, input),
    apiCalls: () => runner.stats(),
  };
}
