import { CrmApiError } from './crm-error.ts';
import type { RecordError } from './types.ts';

/**
 * Sends `inputs` in chunks of at most `size` (one by one when `size` is null) and returns one result
 * per input, in input order. A CRM that refuses a whole batch because of one bad record (HubSpot answers
 * 400 for a batch with an invalid value) would fail its neighbours with it: such a chunk is halved and
 * resent until the bad record fails alone. Resending is safe because connector writes are upserts.
 * Transient failures (rate limit, outage, expired auth) are thrown: the job retries the whole call.
 */
export async function sendInChunks<I, R>(
  inputs: readonly I[],
  size: number | null,
  send: (chunk: readonly I[]) => Promise<R[]>,
  failed: (error: RecordError, input: I) => R,
): Promise<R[]> {
  const results: R[] = [];
  const step = size ?? 1;
  for (let start = 0; start < inputs.length; start += step) {
    results.push(...(await isolate(inputs.slice(start, start + step), send, failed)));
  }
  return results;
}

async function isolate<I, R>(
  chunk: readonly I[],
  send: (chunk: readonly I[]) => Promise<R[]>,
  failed: (error: RecordError, input: I) => R,
): Promise<R[]> {
  try {
    return await send(chunk);
  } catch (error) {
    if (!(error instanceof CrmApiError) || error.code !== 'crm_rejected') throw error;
    if (chunk.length <= 1) return chunk.map((input) => failed(recordErrorOf(error), input));
    const half = Math.ceil(chunk.length / 2);
    return [
      ...(await isolate(chunk.slice(0, half), send, failed)),
      ...(await isolate(chunk.slice(half), send, failed)),
    ];
  }
}

export function recordErrorOf(error: CrmApiError): RecordError {
  return {
    code: 'crm_rejected',
    message: error.message,
    ...(error.details.vendorCode === undefined ? {} : { vendorCode: error.details.vendorCode }),
  };
}
