import { randomBytes } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { type Context, Hono } from 'hono';
import type { Core, Env } from './core.ts';
import { SalesforceError } from './errors.ts';
import { objectNamed } from './fields.ts';
import { toId18 } from './ids.ts';
import { asObject, readJsonBody } from './json.ts';
import { type BulkJob, sfDateTime } from './model.ts';
import {
  checkFields,
  checkUnique,
  createRecord,
  deleteRecord,
  liveRecord,
  updateRecord,
  type WriteContext,
  writeRecords,
} from './records.ts';
import { externalIdField, upsertOne } from './upsert.ts';

const OPERATIONS = new Set(['insert', 'update', 'upsert', 'delete']);

function jobInfo(job: BulkJob, version: string) {
  return {
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: job.createdById,
    createdDate: sfDateTime(job.createdDate),
    systemModstamp: sfDateTime(job.systemModstamp),
    state: job.state,
    ...(job.externalIdFieldName ? { externalIdFieldName: job.externalIdFieldName } : {}),
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: Number(version.replace(/^v/, '')),
    jobType: 'V2Ingest',
    contentUrl: `services/data/${version}/jobs/ingest/${job.id}/batches`,
    lineEnding: job.lineEnding,
    columnDelimiter: job.columnDelimiter,
    numberRecordsProcessed: job.numberRecordsProcessed,
    numberRecordsFailed: job.numberRecordsFailed,
    retries: 0,
    totalProcessingTime: 0,
    ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
  };
}

function csvCell(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

function csv(header: readonly string[], rows: readonly (readonly string[])[], lineEnding: string): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join(lineEnding) + lineEnding;
}

/** Runs one CSV row of a job: Bulk API 2.0 reads an empty cell as "leave as is" and `#N/A` as "clear". */
function runRow(
  ctx: WriteContext,
  job: BulkJob,
  row: Record<string, string>,
): { id: string; created: boolean } {
  const object = objectNamed(job.object);
  const input = Object.fromEntries(
    Object.entries(row)
      .filter(([, value]) => value !== '')
      .map(([name, value]) => [name, value === '#N/A' ? null : value]),
  );
  if (job.operation === 'insert') {
    const values = checkFields(ctx, object, input, 'create');
    checkUnique(ctx, object, values);
    return { id: createRecord(ctx, object, values).id, created: true };
  }
  if (job.operation === 'upsert') {
    const field = externalIdField(ctx, object, job.externalIdFieldName ?? '');
    const outcome = upsertOne(ctx, object, field.name, String(input[field.name] ?? ''), input);
    if ('multiple' in outcome)
      throw new SalesforceError(
        400,
        'DUPLICATE_EXTERNAL_ID',
        `more than one record found for external id field: ${field.name}`,
      );
    return outcome;
  }
  const raw = String(input.Id ?? '');
  const record = liveRecord(ctx, object, raw, toId18(raw));
  if (job.operation === 'delete') deleteRecord(ctx, object, record);
  else {
    const { Id: _id, ...fields } = input;
    const values = checkFields(ctx, object, fields, 'update');
    checkUnique(ctx, object, values, record.id);
    updateRecord(ctx, object, record, values);
  }
  return { id: record.id, created: false };
}

/**
 * Bulk API 2.0 ingest: create a job, PUT its CSV, PATCH `UploadComplete`, poll (the job moves to
 * `InProgress`, then `JobComplete` on the next check), then read `successfulResults` / `failedResults`.
 * Rows are processed one by one, each failing alone.
 * https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/bulk_api_2_0.htm
 */
export function bulkRoutes(core: Core): Hono<Env> {
  const app = new Hono<Env>();
  const version = (c: Context) => c.req.param('version') ?? 'v62.0';
  const jobOf = (id: string) => {
    const job = core.store.read().bulkJobs[id];
    if (!job) throw new SalesforceError(404, 'NOT_FOUND', 'The requested resource does not exist');
    return job;
  };

  app.post('/jobs/ingest', async (c) => {
    const body = asObject(await readJsonBody(c)) ?? {};
    const operation = String(body.operation ?? '');
    if (!OPERATIONS.has(operation))
      throw new SalesforceError(400, 'INVALIDJOB', `InvalidJob : Invalid operation: ${operation}`);
    const object = objectNamed(String(body.object ?? ''));
    if (operation === 'upsert' && typeof body.externalIdFieldName !== 'string') {
      throw new SalesforceError(400, 'INVALIDJOB', 'InvalidJob : External ID was blank for upsert');
    }
    const job: BulkJob = {
      id: `7508d${randomBytes(5).toString('hex')}`,
      object: object.name,
      operation: operation as BulkJob['operation'],
      ...(typeof body.externalIdFieldName === 'string'
        ? { externalIdFieldName: body.externalIdFieldName }
        : {}),
      lineEnding: body.lineEnding === 'CRLF' ? 'CRLF' : 'LF',
      columnDelimiter: 'COMMA',
      state: 'Open',
      createdById: c.get('actor').userId,
      createdDate: core.now(),
      systemModstamp: core.now(),
      csv: '',
      numberRecordsProcessed: 0,
      numberRecordsFailed: 0,
      successful: [],
      failed: [],
    };
    core.store.write((data) => {
      data.bulkJobs[job.id] = job;
    });
    return c.json(jobInfo(job, version(c)), 200);
  });

  app.put('/jobs/ingest/:id/batches', async (c) => {
    const text = await c.req.text();
    core.store.write((data) => {
      const job = data.bulkJobs[c.req.param('id')];
      if (!job) throw new SalesforceError(404, 'NOT_FOUND', 'The requested resource does not exist');
      if (job.state !== 'Open')
        throw new SalesforceError(409, 'INVALIDJOBSTATE', `Job is not open for data upload: ${job.state}`);
      job.csv += job.csv ? text.replace(/^[^\n]*\n/, '') : text;
    });
    return c.body(null, 201);
  });

  app.patch('/jobs/ingest/:id', async (c) => {
    const state = asObject(await readJsonBody(c))?.state;
    const job = core.store.write((data) => {
      const found = data.bulkJobs[c.req.param('id')];
      if (!found) throw new SalesforceError(404, 'NOT_FOUND', 'The requested resource does not exist');
      if (state !== 'UploadComplete' && state !== 'Aborted')
        throw new SalesforceError(400, 'INVALIDJOBSTATE', `Invalid state: ${String(state)}`);
      if (found.state !== 'Open')
        throw new SalesforceError(409, 'INVALIDJOBSTATE', `Job is not open: ${found.state}`);
      found.state = state;
      found.systemModstamp = core.now();
      return found;
    });
    return c.json(jobInfo(job, version(c)));
  });

  app.get('/jobs/ingest/:id', (c) => {
    const job = jobOf(c.req.param('id'));
    if (job.state === 'UploadComplete') {
      core.store.write((data) => {
        const found = data.bulkJobs[job.id];
        if (found) found.state = 'InProgress';
      });
    } else if (job.state === 'InProgress') {
      runJob(core, job.id, c.get('actor'));
    }
    return c.json(jobInfo(jobOf(job.id), version(c)));
  });

  app.get('/jobs/ingest/:id/successfulResults', (c) => {
    const job = jobOf(c.req.param('id'));
    const columns = job.successful[0] ? Object.keys(job.successful[0].row) : [];
    const body = csv(
      ['sf__Id', 'sf__Created', ...columns],
      job.successful.map((r) => [r.id, String(r.created), ...columns.map((k) => r.row[k] ?? '')]),
      '\n',
    );
    return c.body(body, 200, { 'content-type': 'text/csv' });
  });

  app.get('/jobs/ingest/:id/failedResults', (c) => {
    const job = jobOf(c.req.param('id'));
    const columns = job.failed[0] ? Object.keys(job.failed[0].row) : [];
    const body = csv(
      ['sf__Id', 'sf__Error', ...columns],
      job.failed.map((r) => ['', r.error, ...columns.map((k) => r.row[k] ?? '')]),
      '\n',
    );
    return c.body(body, 200, { 'content-type': 'text/csv' });
  });

  app.get('/jobs/ingest/:id/unprocessedrecords', (c) => {
    jobOf(c.req.param('id'));
    return c.body('', 200, { 'content-type': 'text/csv' });
  });

  app.delete('/jobs/ingest/:id', (c) => {
    core.store.write((data) => {
      delete data.bulkJobs[c.req.param('id')];
    });
    return c.body(null, 204);
  });

  return app;
}

/** Processes an uploaded job's rows as its creator, then marks it `JobComplete` (or `Failed` for bad CSV). */
function runJob(core: Core, id: string, actor: Env['Variables']['actor']): void {
  writeRecords(core, actor, (ctx) => {
    const job = ctx.data.bulkJobs[id];
    if (job?.state !== 'InProgress') return;
    let rows: Record<string, string>[];
    try {
      rows = parse(job.csv, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
    } catch (error) {
      job.state = 'Failed';
      job.errorMessage = `InvalidBatch : ${(error as Error).message}`;
      return;
    }
    for (const row of rows) {
      try {
        job.successful.push({ ...runRow(ctx, job, row), row });
      } catch (error) {
        if (!(error instanceof SalesforceError)) throw error;
        job.failed.push({
          error: `${error.errorCode}:${error.message}:${(error.fields ?? []).join('--')}`,
          row,
        });
      }
    }
    job.numberRecordsProcessed = rows.length;
    job.numberRecordsFailed = job.failed.length;
    job.csv = '';
    job.state = 'JobComplete';
    job.systemModstamp = ctx.now;
  });
}
