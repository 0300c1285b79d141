import type { Connection } from 'jsforce';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ServedSandbox, serveSandbox } from './test-harness.ts';

let served: ServedSandbox;
let conn: Connection;
beforeEach(async () => {
  served = await serveSandbox({ dailyApiRequests: 5 });
  conn = served.connection(served.sandbox.state.createAccessToken());
});
afterEach(() => served.close());

describe('limits and faults', () => {
  it('counts API requests in /limits and Sforce-Limit-Info, then refuses with REQUEST_LIMIT_EXCEEDED', async () => {
    const limits = (await conn.limits()) as unknown as Record<string, { Max: number; Remaining: number }>;
    expect(limits.DailyApiRequests).toEqual({ Max: 5, Remaining: 4 });
    await conn.query('SELECT Id FROM Lead');
    expect(conn.limitInfo).toEqual({ apiUsage: { used: 2, limit: 5 } });
    await conn.query('SELECT Id FROM Lead');
    await conn.query('SELECT Id FROM Lead');
    await conn.query('SELECT Id FROM Lead');
    await expect(conn.query('SELECT Id FROM Lead')).rejects.toMatchObject({
      errorCode: 'REQUEST_LIMIT_EXCEEDED',
      message: 'TotalRequests Limit exceeded.',
    });
    expect(served.sandbox.state.apiUsage()).toEqual({ used: 5, max: 5 });
  });

  it('answers forced limits and 5xx to matching requests only, then recovers', async () => {
    served.sandbox.faults.forceLimit(1, { status: 429, retryAfterSeconds: 2, path: '/services/data' });
    const limited = await fetch(`${served.url}/services/data/v62.0/limits`);
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '2']);
    expect(await limited.json()).toEqual([
      { errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' },
    ]);
    served.sandbox.faults.fail5xx(1, { method: 'GET' });
    // Plain fetch: jsforce's own transport would quietly retry the 503 (the connector replaces it).
    const failed = await fetch(`${served.url}/services/data/v62.0/limits`);
    expect([failed.status, await failed.json()]).toEqual([
      503,
      [expect.objectContaining({ errorCode: 'SERVER_UNAVAILABLE' })],
    ]);
    expect((await conn.query('SELECT Id FROM Lead')).records).toEqual([]);
  });
  it('delays every request by the configured latency until reset', async () => {
    served.sandbox.faults.latency(40);
    const started = performance.now();
    await fetch(`${served.url}/services/data`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
    served.sandbox.faults.reset();
    const again = performance.now();
    await fetch(`${served.url}/services/data`);
    expect(performance.now() - again).toBeLessThan(35);
  });
});

describe('metadata API', () => {
  it('creates custom fields once (DUPLICATE_DEVELOPER_NAME after), reads them back, refuses bad names', async () => {
    const field = { fullName: 'Contact.Score__c', label: 'Score', type: 'Number', precision: 3, scale: 0 };
    expect(await conn.metadata.create('CustomField', field as never)).toMatchObject({
      success: true,
      fullName: 'Contact.Score__c',
    });
    expect(await conn.metadata.create('CustomField', field as never)).toMatchObject({
      success: false,
      errors: [{ statusCode: 'DUPLICATE_DEVELOPER_NAME' }],
    });
    expect(await conn.metadata.read('CustomField', 'Contact.Score__c')).toMatchObject({
      fullName: 'Contact.Score__c',
      label: 'Score',
    });
    expect(
      await conn.metadata.create('CustomField', { ...field, fullName: 'Contact.Bad__Name' } as never),
    ).toMatchObject({ success: false });
    const described = await conn.describe('Contact');
    expect(described.fields.find((f) => f.name === 'Score__c')).toMatchObject({
      type: 'double',
      custom: true,
    });
  });

  it('answers an unknown session with the SOAP fault jsforce reads as an expired session', async () => {
    const body =
      '<?xml version="1.0"?><se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/"><se:Header><SessionHeader><sessionId>nope</sessionId></SessionHeader></se:Header><se:Body><readMetadata/></se:Body></se:Envelope>';
    const answer = await fetch(`${served.url}/services/Soap/m/62.0`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'text/xml' },
    });
    expect(answer.status).toBe(500);
    expect(await answer.text()).toMatch(/<faultcode>sf:INVALID_SESSION_ID<\/faultcode>/);
  });
});

describe('Bulk API 2.0 ingest', () => {
  it('runs a job through Open → UploadComplete → InProgress → JobComplete with per-row results', async () => {
    const big = await serveSandbox();
    try {
      const bulk = big.connection(big.sandbox.state.createAccessToken());
      bulk.bulk2.pollInterval = 5;
      const states: string[] = [];
      const job = bulk.bulk2.createJob({ object: 'Lead', operation: 'insert' });
      await job.open();
      states.push(job.getInfo().state);
      await job.uploadData('LastName,Company,Email\nOne,Acme,one@acme.com\nTwo,,two@acme.com\n');
      await job.close();
      states.push(job.getInfo().state);
      job.on('inProgress', (info: { state: string }) => states.push(info.state));
      await job.poll();
      states.push(job.getInfo().state);
      expect(states).toEqual(['Open', 'UploadComplete', 'InProgress', 'JobComplete']);
      const ok = await job.getSuccessfulResults();
      const failed = await job.getFailedResults();
      expect(ok).toMatchObject([{ sf__Created: 'true', LastName: 'One' }]);
      expect(failed).toMatchObject([
        { LastName: 'Two', sf__Error: expect.stringMatching(/^REQUIRED_FIELD_MISSING/) },
      ]);
      expect(big.sandbox.state.list('Lead').map((l) => l.Email)).toEqual(['one@acme.com']);
    } finally {
      await big.close();
    }
  });
});
