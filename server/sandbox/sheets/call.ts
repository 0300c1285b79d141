import type { ApiCall, Operation } from './core.ts';

const WRITES = new Set<Operation>([
  'spreadsheets.create',
  'spreadsheets.batchUpdate',
  'values.update',
  'values.append',
  'values.clear',
  'values.batchUpdate',
  'values.batchClear',
]);

function call(operation: Operation, spreadsheetId?: string, range?: string): ApiCall {
  return {
    operation,
    kind: WRITES.has(operation) ? 'write' : 'read',
    ...(spreadsheetId === undefined ? {} : { spreadsheetId }),
    ...(range === undefined ? {} : { range }),
  };
}

const ID = '([A-Za-z0-9_-]+)';
const SPREADSHEET = new RegExp(`^/v4/spreadsheets/${ID}(:batchUpdate)?$`);
const VALUES_BATCH = new RegExp(`^/v4/spreadsheets/${ID}/values:(batchGet|batchUpdate|batchClear)$`);
const VALUES_RANGE = new RegExp(`^/v4/spreadsheets/${ID}/values/(.+?)(?:(?::|%3A)(append|clear))?$`, 'i');

function decodeRange(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/**
 * Which API method a request is, from its method and raw (still percent-encoded) path, as the REST
 * reference lays them out (https://developers.google.com/workspace/sheets/api/reference/rest). The range is
 * one path segment that the client percent-encodes (`'My%20Tab'!A1%3AC3`); `:append` and `:clear` follow it.
 * Undefined for anything else.
 */
export function parseCall(method: string, path: string): ApiCall | undefined {
  if (path === '/v4/spreadsheets') return method === 'POST' ? call('spreadsheets.create') : undefined;
  const spreadsheet = SPREADSHEET.exec(path);
  if (spreadsheet) {
    const [, id, batch] = spreadsheet;
    if (batch) return method === 'POST' ? call('spreadsheets.batchUpdate', id) : undefined;
    return method === 'GET' ? call('spreadsheets.get', id) : undefined;
  }
  const batch = VALUES_BATCH.exec(path);
  if (batch) {
    const [, id, verb] = batch;
    if (verb === 'batchGet') return method === 'GET' ? call('values.batchGet', id) : undefined;
    if (method !== 'POST') return undefined;
    return call(verb === 'batchUpdate' ? 'values.batchUpdate' : 'values.batchClear', id);
  }
  const single = VALUES_RANGE.exec(path);
  if (!single) return undefined;
  const [, id, rawRange = '', verb] = single;
  const range = decodeRange(rawRange);
  if (range === undefined) return undefined;
  if (verb) {
    if (method !== 'POST') return undefined;
    return call(verb.toLowerCase() === 'append' ? 'values.append' : 'values.clear', id, range);
  }
  if (method === 'GET') return call('values.get', id, range);
  if (method === 'PUT') return call('values.update', id, range);
  return undefined;
}
