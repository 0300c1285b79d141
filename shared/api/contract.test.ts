import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { auditQuerySchema } from './audit.ts';
import { resolveConflictsBodySchema } from './conflicts.ts';
import { connectionSchema } from './connections.ts';
import { defineRoute, pathParamNames } from './define.ts';
import { ROUTES } from './routes.ts';
import { createTableBodySchema, updateTableBodySchema } from './tables.ts';

const base = { summary: 's', tags: ['t'], auth: 'none', response: z.string() } as const;

describe('defineRoute', () => {
  it('reads path parameters OpenAPI-style', () => {
    expect(pathParamNames('/api/v1/tables/{tableId}/conflicts/{conflictId}')).toEqual([
      'tableId',
      'conflictId',
    ]);
  });

  it('refuses a params schema that disagrees with the path', () => {
    expect(() => defineRoute({ ...base, method: 'GET', path: '/a/{id}' })).toThrow(
      'path parameters [id] do not match the params schema []',
    );
    expect(() =>
      defineRoute({ ...base, method: 'GET', path: '/a/{id}', params: z.strictObject({ other: z.string() }) }),
    ).toThrow(/\[id\] do not match the params schema \[other\]/);
  });

  it('refuses a body on GET', () => {
    expect(() => defineRoute({ ...base, method: 'GET', path: '/a', body: z.strictObject({}) })).toThrow(
      'a GET request has no body',
    );
  });

  it('gives every route a unique method and path', () => {
    const keys = Object.values(ROUTES).map((route) => `${route.method} ${route.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('v1 schemas', () => {
  it('requires a value only when a resolution takes a custom one', () => {
    expect(
      resolveConflictsBodySchema.safeParse({
        resolutions: [
          { conflictId: 'c1', take: 'sheet' },
          { conflictId: 'c2', take: 'custom', value: null },
        ],
      }).success,
    ).toBe(true);
    const missing = resolveConflictsBodySchema.safeParse({
      resolutions: [{ conflictId: 'c1', take: 'custom' }],
    });
    expect(missing.error?.issues).toEqual([
      expect.objectContaining({
        path: ['resolutions', 0, 'value'],
        message: 'must be the value to keep: a string, number, true/false or null',
      }),
    ]);
    // A value alongside `sheet` would be silently ignored, so it is refused as unknown.
    expect(
      resolveConflictsBodySchema.safeParse({ resolutions: [{ conflictId: 'c1', take: 'sheet', value: 'x' }] })
        .success,
    ).toBe(false);
  });

  it('takes 1 to 500 resolutions', () => {
    const many = (count: number) => ({
      resolutions: Array.from({ length: count }, (_, index) => ({ conflictId: `c${index}`, take: 'crm' })),
    });
    expect(resolveConflictsBodySchema.safeParse(many(0)).success).toBe(false);
    expect(resolveConflictsBodySchema.safeParse(many(500)).success).toBe(true);
    expect(resolveConflictsBodySchema.safeParse(many(501)).success).toBe(false);
  });

  it('pages audit entries 50 at a time unless told otherwise, up to 200', () => {
    expect(auditQuerySchema.parse({})).toEqual({ limit: 50 });
    expect(auditQuerySchema.parse({ limit: '200', rowId: 'r1' })).toEqual({ limit: 200, rowId: 'r1' });
    expect(auditQuerySchema.safeParse({ limit: '201' }).success).toBe(false);
    expect(auditQuerySchema.safeParse({ limit: 'ten' }).success).toBe(false);
  });

  it('refuses a connection carrying credentials, so a handler cannot leak them', () => {
    const connection = {
      id: 'conn_1',
      crm: 'hubspot',
      label: 'Acme HubSpot',
      status: 'active',
      accountId: '123456',
      createdAt: '2025-01-02T03:04:05.000Z',
    };
    expect(connectionSchema.safeParse(connection).success).toBe(true);
    expect(connectionSchema.safeParse({ ...connection, refreshToken: 'r' }).success).toBe(false);
  });

  it('checks table bodies: a policy from the merge module, a two-letter region, null to clear it', () => {
    const table = {
      sheetTabId: 0,
      sheetTabName: 'Leads',
      connectionId: 'conn_1',
      crmObject: 'contacts',
      mapping: { crm: 'hubspot', object: 'contacts', fields: [{ header: 'Email', field: 'email' }] },
      policy: 'manual',
    };
    expect(createTableBodySchema.safeParse(table).success).toBe(true);
    expect(createTableBodySchema.safeParse({ ...table, policy: 'newest' }).success).toBe(false);
    expect(createTableBodySchema.safeParse({ ...table, region: 'usa' }).success).toBe(false);
    expect(updateTableBodySchema.parse({ region: null })).toEqual({ region: null });
  });
});
