import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RowbridgeError } from '../../shared/errors.ts';
import { registerSecret } from '../security/redact.ts';
import type { Database } from '../store/database.ts';
import { openMigrated, type SeededTable, seedTable } from '../store/fixtures.ts';
import { openPglite } from '../store/sql-client.ts';
import { runTracked } from './tracked.ts';

const SECRET = 'pat-na1-0f1e2d3c4b5a';

describe('runTracked', () => {
  let db: Database;
  let dispose: () => Promise<void>;
  let seeded: SeededTable;

  beforeAll(async () => {
    ({ db, dispose } = await openMigrated(async () => {
      const client = await openPglite();
      return { ...client, dispose: () => client.close() };
    }));
    seeded = await seedTable(db);
  });
  afterAll(async () => dispose?.());

  it('stores a failed job with its code and a message without registered secrets', async () => {
    registerSecret(SECRET);
    const tenantId = seeded.tenant.id;
    const job = await db.repos.jobs.create(tenantId, { kind: 'export', tableId: seeded.table.id });
    await runTracked(db, { tenantId, jobId: job.id }, { attempt: 1 }, 3, async () => {
      throw new RowbridgeError('crm_rejected', `HubSpot rejected the request: bad token ${SECRET}`);
    });
    const stored = await db.repos.jobs.get(tenantId, job.id);
    expect(stored?.status).toBe('failed');
    expect(stored?.error).toEqual({
      code: 'crm_rejected',
      message: 'HubSpot rejected the request: bad token [REDACTED]',
    });
  });
});
