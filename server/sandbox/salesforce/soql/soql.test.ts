import type { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedSandbox, serveSandbox } from '../test-harness.ts';
import { parseSoql } from './parser.ts';

describe('parseSoql', () => {
  it('reads fields, AND/OR with parentheses, IN, LIKE, ORDER BY, LIMIT and OFFSET', () => {
    const query = parseSoql(
      "SELECT Id, Email FROM Lead WHERE (Email IN ('a@x.com', 'b@x.com') OR LastName LIKE 'O\\'Br%') AND NOT IsDeleted = true ORDER BY LastName DESC NULLS LAST, Id LIMIT 10 OFFSET 5",
    );
    expect(query).toEqual({
      fields: ['Id', 'Email'],
      object: 'Lead',
      where: {
        kind: 'and',
        parts: [
          {
            kind: 'or',
            parts: [
              {
                kind: 'in',
                field: 'Email',
                negated: false,
                values: [
                  { kind: 'string', value: 'a@x.com' },
                  { kind: 'string', value: 'b@x.com' },
                ],
              },
              { kind: 'like', field: 'LastName', pattern: "O'Br%" },
            ],
          },
          {
            kind: 'not',
            part: { kind: 'compare', field: 'IsDeleted', op: '=', value: { kind: 'boolean', value: true } },
          },
        ],
      },
      orderBy: [
        { field: 'LastName', descending: true, nullsLast: true },
        { field: 'Id', descending: false, nullsLast: false },
      ],
      limit: 10,
      offset: 5,
    });
  });

  it('decodes backslash escapes, so a quote inside a literal stays inside it', () => {
    const query = parseSoql("SELECT Id FROM Lead WHERE Email = 'a\\' OR Email != \\'x\\\\'");
    expect(query.where).toEqual({
      kind: 'compare',
      field: 'Email',
      op: '=',
      value: { kind: 'string', value: "a' OR Email != 'x\\" },
    });
  });

  it('refuses what it cannot read with MALFORMED_QUERY', () => {
    for (const bad of [
      'SELECT FROM Lead',
      "SELECT Id FROM Lead WHERE Email = 'open",
      "SELECT Id FROM Lead WHERE Email = 'a\\q'",
      'SELECT Id FROM Lead WHERE',
      'SELECT Account.Name FROM Contact',
      'SELECT Id FROM Lead LIMIT x',
    ]) {
      expect(() => parseSoql(bad), bad).toThrow(expect.objectContaining({ errorCode: 'MALFORMED_QUERY' }));
    }
  });
});

describe('SOQL over REST', () => {
  let served: ServedSandbox;
  let conn: Connection;
  let ids: string[];
  beforeAll(async () => {
    served = await serveSandbox();
    conn = served.connection(served.sandbox.state.createAccessToken());
    ids = served.sandbox.state.seed(
      'Lead',
      Array.from({ length: 2500 }, (_, i) => ({
        LastName: `Person ${String(i).padStart(4, '0')}`,
        Company: i % 2 ? 'Odd Inc' : 'Even Ltd',
        Email: `p${i}@example.com`,
        ...(i < 3 ? { Title: i === 0 ? '100%_sure' : '100 percent' } : {}),
      })),
    );
  });
  afterAll(() => served.close());

  it('pages with nextRecordsUrl at 2,000 records and follows it with queryMore', async () => {
    const first = await conn.query('SELECT Id FROM Lead ORDER BY Id');
    expect(first).toMatchObject({ totalSize: 2500, done: false });
    expect(first.records).toHaveLength(2000);
    expect(first.nextRecordsUrl).toMatch(/\/services\/data\/v62\.0\/query\/01g\w+-2000$/);
    const rest = await conn.queryMore(first.nextRecordsUrl ?? '');
    expect(rest).toMatchObject({ done: true });
    expect([...first.records, ...rest.records].map((r) => r.Id)).toEqual(ids);
  });

  it('filters case-insensitively with comparisons, IN, LIKE (with escaped wildcards), ranges by Id and LIMIT', async () => {
    const some = await conn.query(
      "SELECT Email, LastName FROM Lead WHERE (Email IN ('P1@EXAMPLE.COM', 'p2@example.com') OR LastName = 'person 0003') AND Company != 'nobody' ORDER BY Email DESC",
    );
    expect(some.records.map((r) => r.Email)).toEqual(['p3@example.com', 'p2@example.com', 'p1@example.com']);
    const like = await conn.query("SELECT Id FROM Lead WHERE Title LIKE '100\\%\\_%'");
    expect(like.records.map((r) => r.Id)).toEqual([ids[0]]);
    const page = await conn.query(`SELECT Id FROM Lead WHERE Id > '${ids[9]}' ORDER BY Id LIMIT 3`);
    expect(page.records.map((r) => r.Id)).toEqual(ids.slice(10, 13));
  });

  it('includes deleted records only through queryAll', async () => {
    const gone = ids[2499] ?? '';
    served.sandbox.state.deleteAsUser('Lead', gone);
    const soql = `SELECT Id, IsDeleted FROM Lead WHERE Id = '${gone}'`;
    expect((await conn.query(soql)).records).toEqual([]);
    const all = await conn.query(soql, { scanAll: true });
    expect(all.records).toMatchObject([{ Id: gone, IsDeleted: true }]);
  });

  it('checks literals against field types, as Salesforce does', async () => {
    const since = await conn.query(
      'SELECT Id FROM Lead WHERE SystemModstamp >= 2000-01-01T00:00:00Z LIMIT 1',
    );
    expect(since.records).toHaveLength(1);
    await expect(
      conn.query("SELECT Id FROM Lead WHERE SystemModstamp >= '2000-01-01T00:00:00Z'"),
    ).rejects.toMatchObject({
      errorCode: 'MALFORMED_QUERY',
    });
    await expect(conn.query('SELECT Nope FROM Lead')).rejects.toMatchObject({ errorCode: 'INVALID_FIELD' });
  });
});
