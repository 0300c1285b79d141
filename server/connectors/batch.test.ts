import { describe, expect, it } from 'vitest';
import { sendInChunks } from './batch.ts';
import { CrmApiError } from './crm-error.ts';

const rejected = (message: string) =>
  new CrmApiError('crm_rejected', message, { status: 400, endpoint: 'POST /batch', attempts: 1 });

describe('sendInChunks', () => {
  it('sends chunks of the batch size and keeps input order', async () => {
    const sizes: number[] = [];
    const results = await sendInChunks(
      Array.from({ length: 250 }, (_, i) => i),
      100,
      async (chunk) => {
        sizes.push(chunk.length);
        return chunk.map((n) => `ok ${n}`);
      },
      () => 'failed',
    );
    expect(sizes).toEqual([100, 100, 50]);
    expect(results[249]).toBe('ok 249');
  });

  it('sends one by one when the CRM has no batch endpoint', async () => {
    const sizes: number[] = [];
    await sendInChunks(
      [1, 2, 3],
      null,
      async (chunk) => {
        sizes.push(chunk.length);
        return [...chunk];
      },
      () => 0,
    );
    expect(sizes).toEqual([1, 1, 1]);
  });

  it('isolates the record that made the CRM refuse its whole batch', async () => {
    let calls = 0;
    const results = await sendInChunks(
      [1, 2, 3, 13, 5, 6, 7, 8],
      8,
      async (chunk) => {
        calls += 1;
        if (chunk.includes(13)) throw rejected('13 is unlucky');
        return chunk.map((n) => `ok ${n}`);
      },
      (error, input) => `failed ${input}: ${error.message}`,
    );
    expect(results).toEqual([
      'ok 1',
      'ok 2',
      'ok 3',
      'failed 13: 13 is unlucky',
      'ok 5',
      'ok 6',
      'ok 7',
      'ok 8',
    ]);
    expect(calls).toBeLessThanOrEqual(7);
  });

  it('throws transient failures instead of failing records', async () => {
    const outage = new CrmApiError('crm_unavailable', 'down', { endpoint: 'x', attempts: 5 });
    await expect(
      sendInChunks(
        [1],
        10,
        () => Promise.reject(outage),
        () => 'failed',
      ),
    ).rejects.toBe(outage);
  });
});
