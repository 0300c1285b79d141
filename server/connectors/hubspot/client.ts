import { sendInChunks } from '../batch.ts';
import type { RequestRunner } from '../http.ts';
import type {
  ArchiveResult,
  CrmConnector,
  CrmRecord,
  GetOptions,
  GetResult,
  UpsertResult,
} from '../types.ts';
import { toCrmRecord, toHubSpotProperties, toUpsertInputs, toUpsertResults } from './mappers.ts';
import { hubspotProvider } from './provider.ts';
import { hubspotApis } from './sdk.ts';
import { candidateSearches, searchModifiedSince } from './search.ts';
import { createHubSpotActivity, ensureHubSpotProperties } from './setup.ts';

const { batch, pagination, search } = hubspotProvider;
/** Batch read with `propertiesWithHistory` takes 50 inputs, not 100 (reference). */
const READ_WITH_HISTORY = 50;
/** A dedup search that finds more than this is too vague to be useful; stop paging. */
const MAX_CANDIDATES = 1_000;

/**
 * The HubSpot connector over one connection: the official SDK's generated APIs, every request sent
 * through `runner` (limits, retries, refresh, counting).
 */
export function createHubSpotClient(basePath: string, runner: RequestRunner): CrmConnector {
  const apis = hubspotApis(basePath, runner);

  // https://developers.hubspot.com/docs/api-reference/crm-contacts-v3/batch/post-crm-v3-objects-contacts-batch-read
  async function getRecords(object: string, ids: readonly string[], options: GetOptions): Promise<GetResult> {
    const history = options.withHistory ?? [];
    const size = history.length > 0 ? READ_WITH_HISTORY : (batch.read ?? 1);
    const { idProperty } = options;
    const properties = idProperty ? [...new Set([...options.properties, idProperty])] : options.properties;
    const read = async (chunk: readonly string[], archived: boolean) =>
      (
        await apis.batch.read(
          object,
          {
            inputs: chunk.map((id) => ({ id })),
            properties: [...properties],
            propertiesWithHistory: [...history],
            ...(idProperty ? { idProperty } : {}),
          },
          archived,
        )
      ).results.map(toCrmRecord);
    const records: CrmRecord[] = [];
    for (let start = 0; start < ids.length; start += size) {
      records.push(...(await read(ids.slice(start, start + size), false)));
    }
    if (idProperty) {
      // HubSpot compares unique values (emails above all) case-insensitively.
      const found = new Set(records.map((r) => r.properties[idProperty]?.toLowerCase()));
      return { records, missing: ids.filter((id) => !found.has(id.toLowerCase())) };
    }
    // Archived records are not returned unless asked for: ask for the ones not found, to tell "in the
    // recycle bin" (row archived, restorable) from "gone".
    const found = new Set(records.map((r) => r.id));
    const absent = ids.filter((id) => !found.has(id));
    for (let start = 0; start < absent.length; start += size) {
      const archived = await read(absent.slice(start, start + size), true);
      records.push(...archived.map((r) => ({ ...r, archived: true })));
    }
    const known = new Set(records.map((r) => r.id));
    return { records, missing: ids.filter((id) => !known.has(id)) };
  }

  return {
    provider: hubspotProvider,

    // https://developers.hubspot.com/docs/api-reference/crm-contacts-v3/basic/get-crm-v3-objects-contacts
    async listRecords(object, options) {
      const limit = Math.min(options.limit ?? pagination.pageSize, pagination.pageSize);
      if (options.list !== undefined) {
        // https://developers.hubspot.com/docs/api-reference/crm-lists-v3/memberships/get-crm-v3-lists-listId-memberships
        const page = await apis.listMemberships.getPage(options.list, options.after, undefined, limit);
        const ids = page.results.map((member) => member.recordId);
        const { records } = await getRecords(object, ids, { properties: options.properties });
        const byId = new Map(records.map((record) => [record.id, record]));
        const next = page.paging?.next?.after;
        return {
          records: ids.flatMap((id) => {
            const record = byId.get(id);
            return record && !record.archived ? [record] : [];
          }),
          ...(next ? { next } : {}),
        };
      }
      if (options.modifiedSince !== undefined || options.where !== undefined) {
        const page = await searchModifiedSince(apis, object, {
          cursor: options.after,
          since: options.modifiedSince ?? new Date(0).toISOString(),
          limit: options.limit ?? search?.pageSize ?? limit,
          properties: options.properties,
          where: options.where ?? {},
        });
        return { records: page.results.map(toCrmRecord), ...(page.next ? { next: page.next } : {}) };
      }
      const page = await apis.basic.getPage(object, limit, options.after, [...options.properties]);
      const next = page.paging?.next?.after;
      return { records: page.results.map(toCrmRecord), ...(next ? { next } : {}) };
    },

    getRecords,

    // https://developers.hubspot.com/docs/api-reference/crm-contacts-v3/batch/post-crm-v3-objects-contacts-batch-upsert
    upsertRecords(object, inputs) {
      return sendInChunks(
        inputs,
        batch.upsert,
        async (chunk) =>
          toUpsertResults(chunk, await apis.batch.upsert(object, { inputs: toUpsertInputs(chunk) })),
        (error): UpsertResult => ({ status: 'failed', error }),
      );
    },

    // https://developers.hubspot.com/docs/api-reference/crm-contacts-v3/batch/post-crm-v3-objects-contacts-batch-update
    updateRecords(object, inputs) {
      return sendInChunks(
        inputs,
        batch.update,
        async (chunk) => {
          // Keyed by record id, so answers and 207 errors map back like an upsert's.
          const keyed = chunk.map((input) => ({
            key: { property: 'hs_object_id', value: input.id },
            properties: input.properties,
          }));
          const answer = await apis.batch.update(object, {
            inputs: chunk.map((input, index) => ({
              id: input.id,
              objectWriteTraceId: String(index),
              properties: toHubSpotProperties(input.properties),
            })),
          });
          return toUpsertResults(keyed, answer);
        },
        (error): UpsertResult => ({ status: 'failed', error }),
      );
    },

    // https://developers.hubspot.com/docs/api-reference/crm-contacts-v3/batch/post-crm-v3-objects-contacts-batch-archive
    archiveRecords(object, ids) {
      return sendInChunks(
        ids,
        batch.archive,
        async (chunk) => {
          await apis.batch.archive(object, { inputs: chunk.map((id) => ({ id })) });
          return chunk.map((id): ArchiveResult => ({ status: 'archived', id }));
        },
        (error, id) => ({ status: 'failed', id, error }),
      );
    },

    // https://developers.hubspot.com/docs/api-reference/search/guide
    async findCandidates(object, queries, options) {
      const found = new Map<string, CrmRecord>();
      for (const filterGroups of candidateSearches(queries)) {
        let after: string | undefined;
        do {
          const page = await apis.search.doSearch(object, {
            filterGroups,
            properties: [...options.properties],
            limit: search?.pageSize ?? 100,
            ...(after === undefined ? {} : { after }),
          });
          for (const record of page.results) found.set(record.id, toCrmRecord(record));
          after = page.paging?.next?.after;
        } while (after !== undefined && found.size < MAX_CANDIDATES);
      }
      return [...found.values()];
    },

    ensureProperties: (object, definitions) => ensureHubSpotProperties(apis, object, definitions),

    // https://developers.hubspot.com/docs/api-reference/crm-associations-v4/guide
    async associate(fromObject, toObject, pairs) {
      for (let start = 0; start < pairs.length; start += batch.create ?? 1) {
        const chunk = pairs.slice(start, start + (batch.create ?? 1));
        await apis.associations.createDefault(fromObject, toObject, {
          inputs: chunk.map((pair) => ({ _from: { id: pair.fromId }, to: { id: pair.toId } })),
        });
      }
    },

    // https://developers.hubspot.com/docs/api-reference/crm-associations-v4/batch/post-crm-v4-associations-fromObjectType-toObjectType-batch-read
    async listAssociations(fromObject, toObject, ids) {
      const out: Record<string, string[]> = Object.fromEntries(ids.map((id) => [id, []]));
      const size = batch.read ?? 1;
      for (let start = 0; start < ids.length; start += size) {
        const chunk = ids.slice(start, start + size);
        const answer = await apis.associations.getPage(fromObject, toObject, {
          inputs: chunk.map((id) => ({ id })),
        });
        for (const result of answer.results) {
          out[result._from.id] = result.to.map((to) => String(to.toObjectId));
        }
      }
      return out;
    },

    createActivity: (kind, input) => createHubSpotActivity(apis, kind, input),

    apiCalls: () => runner.stats(),
  };
}
