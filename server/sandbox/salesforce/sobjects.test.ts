import type { Connection } from 'jsforce';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ServedSandbox, serveSandbox } from './test-harness.ts';

// Everything here goes through jsforce 3 pointed at the sandbox, or plain fetch where jsforce hides the wire.
let served: ServedSandbox;
let conn: Connection;
let token: string;

beforeEach(async () => {
  served = await serveSandbox();
  token = served.sandbox.state.createAccessToken();
  conn = served.connection(token);
  await conn.metadata.create('CustomField', {
    fullName: 'Lead.Rowbridge_Id__c',
    label: 'Rowbridge ID',
    type: 'Text',
    length: 64,
    externalId: true,
    unique: true,
  } as never);
});
afterEach(() => served.close());

/** What jsforce throws for a non-2xx answer: Salesforce's `errorCode` as `name`, the message. */
async function refusal(call: Promise<unknown>): Promise<{ errorCode: string; message: string }> {
  try {
    await call;
  } catch (error) {
    return error as { errorCode: string; message: string };
  }
  throw new Error('expected the call to fail');
}

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${served.url}/services/data/v62.0${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
  });

describe('records', () => {
  it('creates, reads, updates and deletes a lead with 18-character 00Q ids and system stamps', async () => {
    const created = await conn
      .sobject('Lead')
      .create({ LastName: 'Lee', Company: 'Acme', Email: 'ann@acme.com' });
    expect(created.id).toMatch(/^00Q[a-zA-Z0-9]{15}$/);
    const id = created.id ?? '';
    const read = await conn.sobject('Lead').retrieve(id);
    expect(read).toMatchObject({
      Name: 'Lee',
      Status: 'Open - Not Contacted',
      IsDeleted: false,
      OwnerId: served.sandbox.apiUserId,
    });
    expect(read.SystemModstamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+0000$/);
    // The 15-character form of an id names the same record.
    expect((await conn.sobject('Lead').retrieve(id.slice(0, 15))).Id).toBe(id);
    await conn.sobject('Lead').update({ Id: id, FirstName: 'Ann' });
    expect(served.sandbox.state.get('Lead', id)).toMatchObject({
      Name: 'Ann Lee',
      LastModifiedById: served.sandbox.apiUserId,
    });
    await conn.sobject('Lead').destroy(id);
    expect(served.sandbox.state.get('Lead', id)).toBeUndefined();
    expect(served.sandbox.state.get('Lead', id, { includeDeleted: true })?.IsDeleted).toBe(true);
    expect(await refusal(conn.sobject('Lead').retrieve(id))).toMatchObject({
      errorCode: 'ENTITY_IS_DELETED',
    });
  });

  it('answers errors as [{message, errorCode, fields}] with Salesforce codes', async () => {
    const missing = await api('/sobjects/Lead', { method: 'POST', body: JSON.stringify({ LastName: 'X' }) });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual([
      {
        message: 'Required fields are missing: [Company]',
        errorCode: 'REQUIRED_FIELD_MISSING',
        fields: ['Company'],
      },
    ]);
    expect(
      await refusal(conn.sobject('Lead').create({ LastName: 'X', Company: 'Y', Email: 'nope' })),
    ).toMatchObject({
      errorCode: 'INVALID_EMAIL_ADDRESS',
      message: 'Email: invalid email address: nope',
    });
    expect(
      await refusal(conn.sobject('Lead').create({ LastName: 'X', Company: 'Y', Bogus__c: 1 })),
    ).toMatchObject({
      errorCode: 'INVALID_FIELD',
    });
    expect(
      await refusal(conn.sobject('Lead').create({ LastName: 'X', Company: 'Y', Name: 'Z' })),
    ).toMatchObject({
      errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
    });
    expect(
      await refusal(
        conn.sobject('Opportunity').create({ Name: 'Deal', StageName: 'Prospecting', CloseDate: 'soon' }),
      ),
    ).toMatchObject({
      errorCode: 'JSON_PARSER_ERROR',
    });
    expect((await api('/sobjects/Nope/describe')).status).toBe(404);
  });

  it('upserts one record by external id: 201 created, then 200 updated, 300 never for a unique field', async () => {
    const body = JSON.stringify({ LastName: 'Up', Company: 'Acme' });
    const first = await api('/sobjects/Lead/Rowbridge_Id__c/row-1', { method: 'PATCH', body });
    expect(first.status).toBe(201);
    const created = (await first.json()) as { id: string; created: boolean };
    expect(created).toMatchObject({ success: true, created: true, errors: [] });
    const second = await api('/sobjects/Lead/Rowbridge_Id__c/ROW-1', { method: 'PATCH', body });
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ id: created.id, created: false });
    const byEmail = await api('/sobjects/Lead/Email/a@b.c', { method: 'PATCH', body });
    expect(byEmail.status).toBe(400);
  });

  it('refuses a second record with the same unique value', async () => {
    await conn.sobject('Lead').create({ LastName: 'A', Company: 'C', Rowbridge_Id__c: 'dup' });
    expect(
      await refusal(conn.sobject('Lead').create({ LastName: 'B', Company: 'C', Rowbridge_Id__c: 'DUP' })),
    ).toMatchObject({
      errorCode: 'DUPLICATE_VALUE',
    });
  });

  it('describes objects with field names, types and flags', async () => {
    const lead = await conn.describe('Lead');
    const byName = Object.fromEntries(lead.fields.map((f) => [f.name, f]));
    expect(lead.keyPrefix).toBe('00Q');
    expect(byName.LastName).toMatchObject({ type: 'string', nillable: false, createable: true, length: 80 });
    expect(byName.LastActivityDate).toMatchObject({ type: 'date', createable: false, updateable: false });
    expect(byName.Rowbridge_Id__c).toMatchObject({ custom: true, externalId: true, unique: true });
    const global = await conn.describeGlobal();
    expect(global.sobjects.map((o) => `${o.name}:${o.keyPrefix}`)).toEqual([
      'Lead:00Q',
      'Contact:003',
      'Account:001',
      'Opportunity:006',
      'Task:00T',
      'Campaign:701',
      'CampaignMember:00v',
    ]);
  });

  it('keeps LastActivityDate from completed tasks, and campaign members unique per campaign', async () => {
    const lead = (await conn.sobject('Lead').create({ LastName: 'L', Company: 'C' })).id ?? '';
    await conn
      .sobject('Task')
      .create({ WhoId: lead, Subject: 'Call', ActivityDate: '2025-03-04', Status: 'Completed' });
    await conn.sobject('Task').create({ WhoId: lead, Subject: 'Later', ActivityDate: '2025-09-09' });
    expect(served.sandbox.state.get('Lead', lead)?.LastActivityDate).toBe('2025-03-04');
    const campaign = (await conn.sobject('Campaign').create({ Name: 'Spring' })).id ?? '';
    await conn.sobject('CampaignMember').create({ CampaignId: campaign, LeadId: lead, Status: 'Responded' });
    expect(served.sandbox.state.list('CampaignMember')[0]).toMatchObject({ HasResponded: true });
    expect(
      await refusal(conn.sobject('CampaignMember').create({ CampaignId: campaign, LeadId: lead })),
    ).toMatchObject({
      errorCode: 'DUPLICATE_VALUE',
    });
    expect(await refusal(conn.sobject('Task').create({ WhoId: campaign }))).toMatchObject({
      errorCode: 'MALFORMED_ID',
    });
  });
});

describe('sObject Collections', () => {
  it('upserts by external id with per-record results in order, created true then false', async () => {
    const records = [
      { Rowbridge_Id__c: 'a', LastName: 'A', Company: 'C' },
      { Rowbridge_Id__c: 'b', LastName: 'B', Company: 'C', Email: 'bad' },
      { Rowbridge_Id__c: 'c', LastName: 'C', Company: 'C' },
    ];
    const first = await conn.upsert('Lead', records, 'Rowbridge_Id__c');
    expect(first.map((r) => [r.success, r.created])).toEqual([
      [true, true],
      [false, undefined],
      [true, true],
    ]);
    expect(first[1]).toMatchObject({ errors: [{ statusCode: 'INVALID_EMAIL_ADDRESS', fields: ['Email'] }] });
    const again = await conn.upsert(
      'Lead',
      records.filter((r) => r.Rowbridge_Id__c !== 'b'),
      'Rowbridge_Id__c',
    );
    expect(again.map((r) => [r.id, r.created])).toEqual([
      [first[0]?.id, false],
      [first[2]?.id, false],
    ]);
  });

  it('rolls every record back with allOrNone when one fails', async () => {
    const results = await conn
      .sobject('Lead')
      .create([{ LastName: 'Ok', Company: 'C' }, { LastName: 'Bad' }], { allOrNone: true });
    expect(
      results.map((r) => r.errors.map((e) => (e as unknown as { statusCode: string }).statusCode)),
    ).toEqual([['ALL_OR_NONE_OPERATION_ROLLED_BACK'], ['REQUIRED_FIELD_MISSING']]);
    expect(served.sandbox.state.list('Lead')).toEqual([]);
  });

  it('updates and deletes by id, failing a deleted record alone', async () => {
    const [a, b] = served.sandbox.state.seed('Lead', [
      { LastName: 'A', Company: 'C' },
      { LastName: 'B', Company: 'C' },
    ]);
    served.sandbox.state.deleteAsUser('Lead', b ?? '');
    const updated = await conn.sobject('Lead').update([
      { Id: a ?? '', Title: 'CEO' },
      { Id: b ?? '', Title: 'CTO' },
    ]);
    expect(updated.map((r) => r.success)).toEqual([true, false]);
    expect(updated[1]).toMatchObject({ id: b, errors: [{ statusCode: 'ENTITY_IS_DELETED' }] });
    const deleted = await conn.sobject('Lead').destroy([a ?? '', b ?? '']);
    expect(deleted.map((r) => r.success)).toEqual([true, false]);
  });

  it('refuses more than 200 records in one call', async () => {
    const records = Array.from({ length: 201 }, (_, i) => ({
      attributes: { type: 'Lead' },
      LastName: `L${i}`,
      Company: 'C',
    }));
    const answer = await api('/composite/sobjects', { method: 'POST', body: JSON.stringify({ records }) });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject([{ errorCode: 'EXCEEDED_ID_LIMIT' }]);
  });
});

describe('Composite', () => {
  const query = (n: number, resource = 'query') => ({
    method: 'GET',
    url: `/services/data/v62.0/${resource}?q=${encodeURIComponent(`SELECT Id FROM Lead WHERE LastName = 'Q${n}'`)}`,
    referenceId: `q${n}`,
  });
  const composite = (compositeRequest: unknown[]) =>
    api('/composite', { method: 'POST', body: JSON.stringify({ allOrNone: false, compositeRequest }) });

  it('runs up to 5 query operations in one call, and refuses a sixth', async () => {
    const five = await composite([query(1), query(2, 'queryAll'), query(3), query(4), query(5)]);
    expect(five.status).toBe(200);
    const { compositeResponse } = (await five.json()) as { compositeResponse: { httpStatusCode: number }[] };
    expect(compositeResponse.map((sub) => sub.httpStatusCode)).toEqual([200, 200, 200, 200, 200]);
    const six = await composite([query(1), query(2), query(3), query(4), query(5, 'queryAll'), query(6)]);
    expect(six.status).toBe(400);
    expect(await six.json()).toMatchObject([{ errorCode: 'INVALID_API_INPUT' }]);
  });
});
