import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDriver } from '../../test/support/databases.ts';
import { createConnection, openCredentials } from '../connections/credentials.ts';
import { generateKeyEntry, Keyring } from '../security/keyring.ts';
import type { Database } from '../store/database.ts';
import { openMigrated, seedTable } from '../store/fixtures.ts';
import { storedTokenSource } from './stored-tokens.ts';

describeEachDriver('stored token source', (driver) => {
  let db: Database;
  let dispose: () => Promise<void>;
  const keyring = Keyring.parse(generateKeyEntry('k1'));
  beforeAll(async () => {
    ({ db, dispose } = await openMigrated(() => driver.open()));
  });
  afterAll(() => dispose());

  async function connection() {
    const { tenant, spreadsheet } = await seedTable(db);
    const created = await createConnection(db, keyring, tenant.id, {
      spreadsheetId: spreadsheet.id,
      crm: 'hubspot',
      label: 'HubSpot',
      credentials: { kind: 'oauth', accessToken: 'a1', refreshToken: 'r1' },
    });
    return { tenantId: tenant.id, connectionId: created.id };
  }

  const stored = async (ref: { tenantId: string; connectionId: string }) => {
    const row = await db.repos.connections.get(ref.tenantId, ref.connectionId);
    if (!row) throw new Error('connection vanished');
    return openCredentials(keyring, row);
  };

  it('stores the rotated refresh token sealed, with its expiry', async () => {
    const ref = await connection();
    const tokens = storedTokenSource(db, keyring, ref, async (refreshToken) => ({
      accessToken: `a2-from-${refreshToken}`,
      refreshToken: 'r2',
      expiresAt: 1_900_000_000_000,
    }));
    expect(await tokens.current()).toBe('a1');
    expect(await tokens.refresh?.('a1')).toBe('a2-from-r1');
    expect(await stored(ref)).toEqual({
      kind: 'oauth',
      accessToken: 'a2-from-r1',
      refreshToken: 'r2',
      expiresAt: 1_900_000_000_000,
    });
  });

  it('two workers refreshing at once end on one stored token pair, the winner’s', async () => {
    const ref = await connection();
    let exchanges = 0;
    let bothExchanging: () => void = () => {};
    const barrier = new Promise<void>((resolve) => {
      bothExchanging = resolve;
    });
    const worker = (name: string) =>
      storedTokenSource(db, keyring, ref, async () => {
        exchanges += 1;
        if (exchanges === 2) bothExchanging();
        // Neither stores until both have read the old row and started an exchange: a true race, on any
        // machine load (a fixed sleep let one worker finish first on a busy CI machine).
        await barrier;
        return { accessToken: `a-${name}`, refreshToken: `r-${name}` };
      });
    const [one, two] = [worker('one'), worker('two')];
    const [got1, got2] = await Promise.all([one.refresh?.('a1'), two.refresh?.('a1')]);
    expect(exchanges).toBe(2);
    const final = await stored(ref);
    expect(got1).toBe(final.kind === 'oauth' ? final.accessToken : undefined);
    expect(got2).toBe(got1);
    expect(final).toMatchObject({ refreshToken: got1 === 'a-one' ? 'r-one' : 'r-two' });
  });

  it('a worker that sees a newer token stored does not refresh at all', async () => {
    const ref = await connection();
    const first = storedTokenSource(db, keyring, ref, async () => ({
      accessToken: 'a2',
      refreshToken: 'r2',
    }));
    let called = false;
    const second = storedTokenSource(db, keyring, ref, async () => {
      called = true;
      return { accessToken: 'a3' };
    });
    await second.current();
    await first.refresh?.('a1');
    expect(await second.refresh?.('a1')).toBe('a2');
    expect(called).toBe(false);
  });
});
