import type { Client } from '@hubspot/api-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SEARCH_RESULT_CEILING } from './index.ts';
import { type ServedSandbox, serveSandbox } from './test-harness.ts';

let served: ServedSandbox;
let hs: Client;
let clock = Date.parse('2026-01-01T00:00:00Z');

beforeEach(async () => {
  clock = Date.parse('2026-01-01T00:00:00Z');
  // Searches are limited per second; a fixed clock would trip the limit, so each call moves it on.
  served = await serveSandbox({ clock: () => clock });
  hs = served.client(served.sandbox.state.createPrivateAppToken());
});
afterEach(() => served.close());

type SearchRequest = Parameters<Client['crm']['contacts']['searchApi']['doSearch']>[0];

async function search(request: Partial<SearchRequest>, type = 'contacts') {
  clock += 1000;
  return hs.crm.objects.searchApi.doSearch(type, request as SearchRequest);
}

function seedPeople() {
  const people = [
    { email: 'ann@acme.com', firstname: 'Ann', lastname: 'Lee', lifecyclestage: 'lead', city: 'Oslo' },
    {
      email: 'bob@acme.com',
      firstname: 'Bob',
      lastname: 'Stone',
      lifecyclestage: 'customer',
      city: 'Bergen',
    },
    { email: 'cy@other.org', firstname: 'Cy', lastname: 'Lee', lifecyclestage: 'customer' },
    { email: 'dee@acme.com', firstname: 'Dee Ann', lastname: 'Moss', lifecyclestage: 'lead', city: 'Oslo' },
  ];
  return people.map((person) => {
    clock += 60_000;
    return served.sandbox.state.seed('contacts', [person])[0] ?? '';
  });
}

const emailsOf = (result: { results: { properties: Record<string, string | null> }[] }) =>
  result.results.map((r) => r.properties.email);

describe('search', () => {
  it('ORs filter groups and ANDs filters, with the operators HubSpot has', async () => {
    seedPeople();
    const op = (propertyName: string, operator: string, extra: Record<string, unknown> = {}) => ({
      propertyName,
      operator: operator as never,
      ...extra,
    });
    const run = async (...groups: ReturnType<typeof op>[][]) =>
      emailsOf(await search({ filterGroups: groups.map((filters) => ({ filters })) }));

    expect(await run([op('lastname', 'EQ', { value: 'lee' })])).toEqual(['ann@acme.com', 'cy@other.org']);
    expect(await run([op('lastname', 'EQ', { value: 'Lee' }), op('city', 'EQ', { value: 'Oslo' })])).toEqual([
      'ann@acme.com',
    ]);
    expect(
      await run([op('firstname', 'EQ', { value: 'Bob' })], [op('firstname', 'EQ', { value: 'Cy' })]),
    ).toEqual(['bob@acme.com', 'cy@other.org']);
    expect(await run([op('city', 'NOT_HAS_PROPERTY')])).toEqual(['cy@other.org']);
    expect(await run([op('city', 'HAS_PROPERTY'), op('city', 'NEQ', { value: 'oslo' })])).toEqual([
      'bob@acme.com',
    ]);
    expect(await run([op('lifecyclestage', 'IN', { values: ['customer'] })])).toEqual([
      'bob@acme.com',
      'cy@other.org',
    ]);
    expect(await run([op('lifecyclestage', 'NOT_IN', { values: ['customer'] })])).toEqual([
      'ann@acme.com',
      'dee@acme.com',
    ]);
    expect(await run([op('email', 'CONTAINS_TOKEN', { value: '*@acme.com' })])).toHaveLength(3);
    expect(await run([op('firstname', 'CONTAINS_TOKEN', { value: 'ann' })])).toEqual([
      'ann@acme.com',
      'dee@acme.com',
    ]);
    expect(await run([op('firstname', 'NOT_CONTAINS_TOKEN', { value: 'ann' })])).toEqual([
      'bob@acme.com',
      'cy@other.org',
    ]);
  });

  it('compares datetimes given as epoch milliseconds (GT, LT, BETWEEN)', async () => {
    seedPeople();
    const start = Date.parse('2026-01-01T00:00:00Z');
    const at = (minutes: number) => String(start + minutes * 60_000);
    const run = async (filter: Record<string, unknown>) =>
      emailsOf(
        await search({ filterGroups: [{ filters: [{ propertyName: 'createdate', ...filter } as never] }] }),
      );
    expect(await run({ operator: 'GT', value: at(2.5) })).toEqual(['cy@other.org', 'dee@acme.com']);
    expect(await run({ operator: 'LTE', value: at(2) })).toEqual(['ann@acme.com', 'bob@acme.com']);
    expect(await run({ operator: 'BETWEEN', value: at(2), highValue: at(3) })).toEqual([
      'bob@acme.com',
      'cy@other.org',
    ]);
  });

  it('sorts, searches free text, returns chosen properties and pages with after', async () => {
    seedPeople();
    const sorted = await search({ sorts: [{ propertyName: 'firstname', direction: 'DESCENDING' } as never] });
    expect(sorted.results.map((r) => r.properties.firstname)).toEqual(['Dee Ann', 'Cy', 'Bob', 'Ann']);
    expect(sorted.total).toBe(4);
    expect(Object.keys(sorted.results[0]?.properties ?? {}).sort()).toEqual([
      'createdate',
      'email',
      'firstname',
      'hs_object_id',
      'lastmodifieddate',
      'lastname',
    ]);

    const text = await search({ query: 'ann' });
    expect(emailsOf(text)).toEqual(['ann@acme.com', 'dee@acme.com']);

    const chosen = await search({ properties: ['city'], limit: 1 });
    expect(chosen.results[0]?.properties).toEqual({
      city: 'Oslo',
      createdate: expect.any(String),
      hs_object_id: expect.any(String),
      lastmodifieddate: expect.any(String),
    });
    expect(chosen.paging?.next?.after).toBe('1');

    const pages: string[] = [];
    let after: string | undefined;
    do {
      const page = await search({ limit: 3, sorts: ['email'] as never, ...(after ? { after } : {}) });
      pages.push(...emailsOf(page).map(String));
      after = page.paging?.next?.after;
    } while (after);
    expect(pages).toEqual(['ann@acme.com', 'bob@acme.com', 'cy@other.org', 'dee@acme.com']);
  });

  it(`stops paging at ${SEARCH_RESULT_CEILING} results with a 400, so imports must window their searches`, async () => {
    served.sandbox.state.seed(
      'companies',
      Array.from({ length: SEARCH_RESULT_CEILING + 50 }, (_, i) => ({ name: `Company ${i}` })),
    );
    const nearEnd = await search({ limit: 200, after: String(SEARCH_RESULT_CEILING - 100) }, 'companies');
    expect(nearEnd.total).toBe(SEARCH_RESULT_CEILING + 50);
    expect(nearEnd.results).toHaveLength(100);
    expect(nearEnd.paging?.next?.after).toBe(String(SEARCH_RESULT_CEILING));
    let failure: { code?: number; body?: { category?: string } } = {};
    await search({ limit: 200, after: nearEnd.paging?.next?.after ?? '' }, 'companies').catch((error) => {
      failure = error;
    });
    expect(failure.code).toBe(400);
    expect(failure.body?.category).toBe('VALIDATION_ERROR');
  });

  it('refuses a limit above 200 and too many filter groups', async () => {
    const refused = async (request: Record<string, unknown>) =>
      search(request as never).then(
        () => 0,
        (error: { code: number }) => error.code,
      );
    expect(await refused({ limit: 201 })).toBe(400);
    const group = { filters: [{ propertyName: 'email', operator: 'HAS_PROPERTY' }] };
    expect(await refused({ filterGroups: Array.from({ length: 6 }, () => group) })).toBe(400);
    expect(
      await refused({ filterGroups: [{ filters: [{ propertyName: 'nope', operator: 'HAS_PROPERTY' }] }] }),
    ).toBe(400);
  });

  it('allows five searches per second per token, then answers 429 "secondly limit"', async () => {
    const token = served.sandbox.state.createPrivateAppToken();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await fetch(`${served.url}/crm/v3/objects/contacts/search`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      statuses.push(response.status);
      if (response.status === 429) {
        expect(await response.json()).toMatchObject({
          message: 'You have reached your secondly limit.',
          errorType: 'RATE_LIMIT',
        });
      }
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    clock += 1001;
    const again = await fetch(`${served.url}/crm/v3/objects/contacts/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(again.status).toBe(200);
  });
});
