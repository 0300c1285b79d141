import { MAPPING_ERROR_CODES } from '../errors.ts';
import { auditPageSchema, auditQuerySchema } from './audit.ts';
import {
  conflictListQuerySchema,
  conflictListSchema,
  resolveConflictsBodySchema,
  resolveConflictsResponseSchema,
} from './conflicts.ts';
import {
  connectionDeletedSchema,
  connectionListSchema,
  connectionParamsSchema,
  connectionSchema,
  connectParamsSchema,
  connectQuerySchema,
  connectStartSchema,
  connectTokenBodySchema,
} from './connections.ts';
import { defineRoute } from './define.ts';
import { jobParamsSchema, jobSchema } from './jobs.ts';
import { bindSpreadsheetBodySchema, bindSpreadsheetResponseSchema, sessionSchema } from './spreadsheets.ts';
import {
  exportBodySchema,
  importBodySchema,
  jobStartedSchema,
  outreachEventsBodySchema,
  setupFieldsResponseSchema,
} from './sync.ts';
import { healthSchema, metricsSchema, openApiDocumentSchema, readinessSchema } from './system.ts';
import {
  createTableBodySchema,
  syncTableSchema,
  tableListSchema,
  tableParamsSchema,
  updateTableBodySchema,
} from './tables.ts';

const MAPPING_ERRORS = MAPPING_ERROR_CODES;

/**
 * Every route of the companion's API, keyed by operation id. The server registers handlers against these
 * entries and `/openapi.json` is generated from them, so adding a route here is the whole contract change.
 * Add-on routes act for the caller's spreadsheet, taken from the sheet secret, never from the URL.
 */
export const ROUTES = {
  bindSpreadsheet: defineRoute({
    method: 'POST',
    path: '/api/v1/spreadsheets/bind',
    summary: 'Register the open spreadsheet with the caller’s tenant; returns its secret on the first bind',
    tags: ['spreadsheets'],
    auth: 'addon',
    // The spreadsheet has no secret until this call creates one.
    sheetSecret: false,
    body: bindSpreadsheetBodySchema,
    response: bindSpreadsheetResponseSchema,
    errors: ['spreadsheet_already_bound'],
  }),
  getSession: defineRoute({
    method: 'GET',
    path: '/api/v1/session',
    summary: 'Who the caller is, their tenant and the spreadsheet they act for',
    tags: ['spreadsheets'],
    auth: 'addon',
    response: sessionSchema,
  }),

  listConnections: defineRoute({
    method: 'GET',
    path: '/api/v1/connections',
    summary: 'CRM connections of the caller’s spreadsheet (never their credentials)',
    tags: ['connections'],
    auth: 'addon',
    response: connectionListSchema,
  }),
  getConnection: defineRoute({
    method: 'GET',
    path: '/api/v1/connections/{connectionId}',
    summary: 'One CRM connection',
    tags: ['connections'],
    auth: 'addon',
    params: connectionParamsSchema,
    response: connectionSchema,
    errors: ['not_found'],
  }),
  connectCrm: defineRoute({
    method: 'POST',
    path: '/api/v1/connections/connect/{crm}',
    summary: 'Start connecting a CRM account: returns the URL to open in the connect popup',
    tags: ['connections'],
    auth: 'addon',
    params: connectParamsSchema,
    query: connectQuerySchema,
    response: connectStartSchema,
    errors: ['crm_not_configured'],
  }),
  connectWithToken: defineRoute({
    method: 'POST',
    path: '/api/v1/connections/token',
    summary: 'Connect a CRM account with a private app token instead of OAuth; checked with the CRM first',
    tags: ['connections'],
    auth: 'addon',
    body: connectTokenBodySchema,
    response: connectionSchema,
    errors: ['auth_expired', 'crm_unavailable'],
  }),
  deleteConnection: defineRoute({
    method: 'DELETE',
    path: '/api/v1/connections/{connectionId}',
    summary: 'Disconnect a CRM account and delete its stored credentials',
    tags: ['connections'],
    auth: 'addon',
    params: connectionParamsSchema,
    response: connectionDeletedSchema,
    errors: ['not_found', 'in_use'],
  }),

  listTables: defineRoute({
    method: 'GET',
    path: '/api/v1/tables',
    summary: 'Sync tables of the caller’s spreadsheet',
    tags: ['tables'],
    auth: 'addon',
    response: tableListSchema,
  }),
  createTable: defineRoute({
    method: 'POST',
    path: '/api/v1/tables',
    summary: 'Start syncing a sheet tab with a CRM object',
    tags: ['tables'],
    auth: 'addon',
    body: createTableBodySchema,
    response: syncTableSchema,
    errors: ['not_found', 'already_exists', ...MAPPING_ERRORS],
  }),
  getTable: defineRoute({
    method: 'GET',
    path: '/api/v1/tables/{tableId}',
    summary: 'One sync table with its mapping and policy',
    tags: ['tables'],
    auth: 'addon',
    params: tableParamsSchema,
    response: syncTableSchema,
    errors: ['not_found'],
  }),
  updateTable: defineRoute({
    method: 'PATCH',
    path: '/api/v1/tables/{tableId}',
    summary: 'Change a sync table’s mapping, conflict policy, region or reconcile interval',
    tags: ['tables'],
    auth: 'addon',
    params: tableParamsSchema,
    body: updateTableBodySchema,
    response: syncTableSchema,
    errors: ['not_found', ...MAPPING_ERRORS],
  }),

  exportRows: defineRoute({
    method: 'POST',
    path: '/api/v1/tables/{tableId}/export',
    summary: 'Push sheet rows to the CRM (deduplicated, batched, idempotent); starts a job',
    description:
      'Rows already in the CRM are found by their Rowbridge ID; new rows are checked for duplicates first. ' +
      'With dryRun, the job reports what would happen and writes nothing. The job result is an ExportResult.',
    tags: ['sync'],
    auth: 'addon',
    params: tableParamsSchema,
    body: exportBodySchema,
    response: jobStartedSchema,
    errors: ['not_found', 'crm_not_configured'],
  }),
  importRows: defineRoute({
    method: 'POST',
    path: '/api/v1/tables/{tableId}/import',
    summary: 'Bring CRM records into the tab (by filter, change time or saved list); starts a job',
    description:
      'Records already linked to rows update those rows; new ones are appended with new Rowbridge IDs. The job result is an ImportResult.',
    tags: ['sync'],
    auth: 'addon',
    params: tableParamsSchema,
    body: importBodySchema,
    response: jobStartedSchema,
    errors: ['not_found', 'crm_not_configured'],
  }),
  setupFields: defineRoute({
    method: 'POST',
    path: '/api/v1/tables/{tableId}/setup-fields',
    summary: 'Create the custom CRM properties the table needs (its Rowbridge ID first); safe to repeat',
    tags: ['sync'],
    auth: 'addon',
    params: tableParamsSchema,
    response: setupFieldsResponseSchema,
    errors: ['not_found', 'crm_not_configured', 'crm_rejected', 'auth_expired', 'crm_unavailable'],
  }),
  reconcileTable: defineRoute({
    method: 'POST',
    path: '/api/v1/tables/{tableId}/reconcile',
    summary: 'Reconcile the tab and the CRM now instead of at the next interval; starts a job',
    description:
      'Merges CRM records changed since the table’s cursor and sheet rows that differ from their last synced ' +
      'values (pastes, edits never pushed), and orphans the links of rows deleted from the sheet. ' +
      'Conflicts are recorded as usual. The job result counts what changed on each side.',
    tags: ['sync'],
    auth: 'addon',
    params: tableParamsSchema,
    response: jobStartedSchema,
    errors: ['not_found', 'crm_not_configured'],
  }),
  logOutreachEvents: defineRoute({
    method: 'POST',
    path: '/api/v1/tables/{tableId}/events',
    summary: 'Log outreach events (email sent, reply received) on the rows’ CRM records; starts a job',
    tags: ['sync'],
    auth: 'addon',
    params: tableParamsSchema,
    body: outreachEventsBodySchema,
    response: jobStartedSchema,
    errors: ['not_found', 'crm_not_configured'],
  }),

  listConflicts: defineRoute({
    method: 'GET',
    path: '/api/v1/tables/{tableId}/conflicts',
    summary: 'Conflicts of a sync table, open ones by default',
    tags: ['conflicts'],
    auth: 'addon',
    params: tableParamsSchema,
    query: conflictListQuerySchema,
    response: conflictListSchema,
    errors: ['not_found'],
  }),
  resolveConflicts: defineRoute({
    method: 'POST',
    path: '/api/v1/tables/{tableId}/conflicts/resolve',
    summary: 'Choose the winning value of up to 500 conflicts; a job writes it to both sides',
    tags: ['conflicts'],
    auth: 'addon',
    params: tableParamsSchema,
    body: resolveConflictsBodySchema,
    response: resolveConflictsResponseSchema,
    errors: ['not_found', 'conflict_already_resolved'],
  }),

  listAudit: defineRoute({
    method: 'GET',
    path: '/api/v1/tables/{tableId}/audit',
    summary: 'Field-level change history of a sync table, newest first',
    tags: ['audit'],
    auth: 'addon',
    params: tableParamsSchema,
    query: auditQuerySchema,
    response: auditPageSchema,
    errors: ['not_found'],
  }),

  getJob: defineRoute({
    method: 'GET',
    path: '/api/v1/jobs/{jobId}',
    summary: 'Progress of a background job',
    tags: ['jobs'],
    auth: 'addon',
    params: jobParamsSchema,
    response: jobSchema,
    errors: ['not_found'],
  }),

  health: defineRoute({
    method: 'GET',
    path: '/healthz',
    summary: 'Liveness: the companion is up, in which mode, on which database',
    tags: ['system'],
    auth: 'none',
    response: healthSchema,
  }),
  readiness: defineRoute({
    method: 'GET',
    path: '/readyz',
    summary: 'Readiness: the companion can serve (its database answers)',
    tags: ['system'],
    auth: 'none',
    response: readinessSchema,
    errors: ['storage_unavailable'],
  }),
  metrics: defineRoute({
    method: 'GET',
    path: '/metrics',
    summary: 'Prometheus metrics',
    tags: ['system'],
    auth: 'none',
    response: metricsSchema,
    responseType: 'text',
  }),
  openApi: defineRoute({
    method: 'GET',
    path: '/openapi.json',
    summary: 'This API’s OpenAPI 3.1 document',
    tags: ['system'],
    auth: 'none',
    response: openApiDocumentSchema,
  }),
} as const;

export type Routes = typeof ROUTES;
export type RouteName = keyof Routes;
