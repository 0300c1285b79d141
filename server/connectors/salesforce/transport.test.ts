import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedSandbox, serveSandbox } from '../../sandbox/salesforce/test-harness.ts';
import { createRequestRunner, type FetchLike } from '../http.ts';
import { virtualClock } from '../virtual-clock.ts';
import { isIdempotent, runnerConnection, SESSION_PLACEHOLDER, soapSessionFetch } from './transport.ts';

describe('RunnerTransport', () => {
  let served: ServedSandbox;
  beforeAll(async () => {
    served = await serveSandbox();
  });
  afterAll(() => served.close());

  it('carries Bulk API 2.0 uploads, which jsforce pipes as a stream, through the runner', async () => {
    const clock = virtualClock();
    const token = served.sandbox.state.createAccessToken();
    const runner = createRequestRunner({
      crm: 'salesforce',
      label: 'Salesforce',
      tokens: { current: () => token },
      fetch: soapSessionFetch((url, init) => fetch(url, init)),
      ...clock,
    });
    const connection = runnerConnection(runner, { instanceUrl: served.url, version: '62.0' });
    connection.bulk2.pollInterval = 1;
    const results = await connection.bulk2.loadAndWaitForResults({
      object: 'Contact',
      operation: 'insert',
      input: [{ LastName: 'Streamed' }, { LastName: 'Too' }],
    });
    expect(results.successfulResults.map((r) => (r as Record<string, unknown>).LastName)).toEqual([
      'Streamed',
      'Too',
    ]);
    expect(runner.stats().byEndpoint['PUT /services/data/v62.0/jobs/ingest/:id/batches']).toBe(1);
    expect(served.sandbox.state.list('Contact').map((c) => c.LastName)).toEqual(['Streamed', 'Too']);
  });
});

describe('isIdempotent', () => {
  const base = 'https://org.test/services/data/v62.0';
  it.each([
    ['GET', `${base}/query?q=x`, undefined, true],
    ['PATCH', `${base}/composite/sobjects/Lead/Rowbridge_Id__c`, '{}', true],
    ['DELETE', `${base}/composite/sobjects?ids=a`, undefined, true],
    ['POST', `${base}/composite/sobjects/Lead`, '{"ids":[]}', true],
    ['POST', 'https://login.test/services/oauth2/token', 'grant_type=refresh_token', true],
    ['POST', 'https://org.test/services/Soap/m/62.0', '<createMetadata>', true],
    ['POST', 'https://org.test/services/Soap/m/62.0', '<deleteMetadata>', false],
    ['POST', `${base}/composite/sobjects`, '{"records":[]}', false],
    ['POST', `${base}/sobjects/Task`, '{}', false],
  ])('%s %s is idempotent: %s', (method, url, body, expected) => {
    expect(isIdempotent(method, url, body)).toBe(expected);
  });
});

describe('soapSessionFetch', () => {
  it('puts the attempt’s token, escaped, where jsforce left its placeholder, and leaves REST bodies alone', async () => {
    const seen: (string | undefined)[] = [];
    const base: FetchLike = async (_url, init) => {
      seen.push(typeof init.body === 'string' ? init.body : undefined);
      return new Response('ok');
    };
    const wrapped = soapSessionFetch(base);
    const envelope = `<Header><SessionHeader><sessionId>${SESSION_PLACEHOLDER}</sessionId></SessionHeader></Header>`;
    await wrapped('https://org.test/services/Soap/m/62.0', {
      body: envelope,
      headers: { authorization: 'Bearer 00D!a<b&c' },
    });
    await wrapped('https://org.test/services/data', {
      body: '{"sessionId":1}',
      headers: { authorization: 'Bearer t' },
    });
    expect(seen).toEqual([
      '<Header><SessionHeader><sessionId>00D!a&lt;b&amp;c</sessionId></SessionHeader></Header>',
      '{"sessionId":1}',
    ]);
  });
});
