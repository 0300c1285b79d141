import { describe, expect, it, vi } from 'vitest';
import { CrmApiError } from './crm-error.ts';
import { refreshingTokenSource, type StoredTokens } from './tokens.ts';

/** An in-memory credential row with compare-and-swap on a version number, like `replaceCredentials`. */
function store(initial: { accessToken: string; refreshToken?: string }) {
  let row: StoredTokens<number> = { ...initial, version: 1 };
  return {
    load: async () => row,
    swap: vi.fn(async (version: number, next: { accessToken: string; refreshToken?: string }) => {
      if (version !== row.version) return false;
      row = { ...next, version: version + 1 };
      return true;
    }),
    /** Another worker refreshes meanwhile. */
    replace(next: { accessToken: string; refreshToken?: string }) {
      row = { ...next, version: row.version + 1 };
    },
    get row() {
      return row;
    },
  };
}

describe('refreshingTokenSource', () => {
  it('refreshes with the stored refresh token and stores the rotated one', async () => {
    const db = store({ accessToken: 'a1', refreshToken: 'r1' });
    const exchange = vi.fn(async () => ({ accessToken: 'a2', refreshToken: 'r2' }));
    const tokens = refreshingTokenSource({ ...db, exchange });
    expect(await tokens.current()).toBe('a1');
    expect(await tokens.refresh?.('a1')).toBe('a2');
    expect(await tokens.current()).toBe('a2');
    expect(exchange).toHaveBeenCalledExactlyOnceWith('r1');
    expect(db.row).toMatchObject({ accessToken: 'a2', refreshToken: 'r2' });
  });

  it('keeps the refresh token when the CRM does not return a new one', async () => {
    const db = store({ accessToken: 'a1', refreshToken: 'r1' });
    const tokens = refreshingTokenSource({ ...db, exchange: async () => ({ accessToken: 'a2' }) });
    await tokens.refresh?.('a1');
    expect(db.row).toMatchObject({ accessToken: 'a2', refreshToken: 'r1' });
  });

  it('adopts a token another worker already stored instead of refreshing', async () => {
    const db = store({ accessToken: 'a1', refreshToken: 'r1' });
    const exchange = vi.fn(async () => ({ accessToken: 'mine', refreshToken: 'r-mine' }));
    const tokens = refreshingTokenSource({ ...db, exchange });
    await tokens.current();
    db.replace({ accessToken: 'theirs', refreshToken: 'r-theirs' });
    expect(await tokens.refresh?.('a1')).toBe('theirs');
    expect(exchange).not.toHaveBeenCalled();
  });

  it('adopts the stored tokens when it loses the swap, so the rotated refresh token survives', async () => {
    const db = store({ accessToken: 'a1', refreshToken: 'r1' });
    const tokens = refreshingTokenSource({
      ...db,
      exchange: async () => {
        db.replace({ accessToken: 'theirs', refreshToken: 'r-theirs' });
        return { accessToken: 'mine', refreshToken: 'r-mine' };
      },
    });
    expect(await tokens.refresh?.('a1')).toBe('theirs');
    expect(db.row).toMatchObject({ accessToken: 'theirs', refreshToken: 'r-theirs' });
  });

  it('shares one refresh between concurrent 401s', async () => {
    const db = store({ accessToken: 'a1', refreshToken: 'r1' });
    const exchange = vi.fn(async () => ({ accessToken: 'a2' }));
    const tokens = refreshingTokenSource({ ...db, exchange });
    const results = await Promise.all([
      tokens.refresh?.('a1'),
      tokens.refresh?.('a1'),
      tokens.refresh?.('a1'),
    ]);
    expect(results).toEqual(['a2', 'a2', 'a2']);
    expect(exchange).toHaveBeenCalledOnce();
  });

  it('fails auth_expired without a refresh token', async () => {
    const tokens = refreshingTokenSource({
      ...store({ accessToken: 'a1' }),
      exchange: async () => ({ accessToken: 'never' }),
    });
    const error = await tokens.refresh?.('a1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CrmApiError);
    expect((error as CrmApiError).code).toBe('auth_expired');
  });
});
