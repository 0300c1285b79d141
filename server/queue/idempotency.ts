import type { SqlClient } from '../store/sql-client.ts';
import { nextJobId } from './job-id.ts';

/**
 * Sends a job at most once per (job kind, idempotency key).
 *
 * pg-boss's own dedupe (singletonKey) is taken by the ordering key, and a job id derived from the
 * idempotency key would lose the send-order tie-break that time-ordered ids give (see `nextJobId`). So
 * the key is claimed in `queue_sends` first, with the id the job will get, and marked sent after. A
 * sender that dies between the two leaves an unmarked claim: the next send with that key sends the job
 * under the claimed id, which pg-boss ignores if the first sender did get it in. Null means an earlier
 * send with this key stored the job.
 */
export async function sendOnce(
  client: SqlClient,
  schema: string,
  name: string,
  idempotencyKey: string,
  send: (id: string) => Promise<string | null>,
): Promise<string | null> {
  const table = `${schema}.queue_sends`;
  const markSent = (id: string) => client.query(`UPDATE ${table} SET sent = true WHERE job_id = $1`, [id]);
  const id = nextJobId();
  const claimed = await client.query(
    `INSERT INTO ${table} (name, idempotency_key, job_id) VALUES ($1, $2, $3)
     ON CONFLICT (name, idempotency_key) DO NOTHING RETURNING job_id`,
    [name, idempotencyKey, id],
  );
  if (claimed.rows.length) {
    await send(id);
    await markSent(id);
    return id;
  }
  const { rows } = await client.query<{ job_id: string; sent: boolean }>(
    `SELECT job_id, sent FROM ${table} WHERE name = $1 AND idempotency_key = $2`,
    [name, idempotencyKey],
  );
  const earlier = rows[0];
  if (!earlier || earlier.sent) return null;
  const sent = await send(earlier.job_id);
  await markSent(earlier.job_id);
  return sent;
}
