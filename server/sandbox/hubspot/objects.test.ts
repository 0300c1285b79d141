import type { Client } from '@hubspot/api-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ServedSandbox, serveSandbox } from './test-harness.ts';

// Everything here goes through the official SDK pointed at the sandbox with `basePath`.
let served: ServedSandbox;
let hs: Client;
let token: string;

beforeEach(async () => {
  served = await serveSandbox();
  token = served.sandbox.state.createPrivateAppToken();
  hs = served.client(token);
});
afterEach(() => served.close());

/** What the SDK throws for a non-2xx answer: the status as `code` and the parsed body. */
async function refusal(call: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await call;
  } catch (error) {
    const { code, body } = error as { code: number; body: Record<string, unknown> };
    return { code, body };
  }
  throw new Error('expected the call to fail');
}

async function createUniqueProperty(name = 'rowbridge_id') {
  return hs.crm.properties.coreApi.create('contacts', {
    name,
    label: 'Rowbridge ID',
    type: 'string' as never,
    fieldType: 'text' as never,
    groupName: 'contactinformation',
    hasUniqueValue: true,
  });
}

describe('batch upsert', () => {
  it('upserts by email: the second run updates the same contacts and says new: false', async () => {
    const inputs = [
      { idProperty: 'email', id: 'Ann@Acme.com', properties: { firstname: 'Ann' } },
      { idProperty: 'email', id: 'bob@acme.com', properties: { firstname: 'Bob' } },
    ];
    const first = await hs.crm.contacts.batchApi.upsert({ inputs });
    expect(first.results.map((r) => [r.properties.email, r._new])).toEqual([
      ['ann@acme.com', true],
      ['bob@acme.com', true],
    ]);
    const second = await hs.crm.contacts.batchApi.upsert({
      inputs: inputs.map((input) => ({ ...input, properties: { lastname: 'Lee' } })),
    });
    expect(second.results.map((r) => r._new)).toEqual([false, false]);
    expect(second.results.map((r) => r.id)).toEqual(first.results.map((r) => r.id));
    expect(served.sandbox.state.list('contacts')).toHaveLength(2);
    expect(served.sandbox.state.get('contacts', first.results[0]?.id ?? '')?.properties).toMatchObject({
      firstname: 'Ann',
      lastname: 'Lee',
    });
  });

  it('upserts by a unique custom property without duplicates', async () => {
    await createUniqueProperty();
    const inputs = [{ idProperty: 'rowbridge_id', id: 'row-1', properties: { email: 'c@acme.com' } }];
    const first = await hs.crm.contacts.batchApi.upsert({ inputs });
    const second = await hs.crm.contacts.batchApi.upsert({ inputs });
    expect(first.results[0]?._new).toBe(true);
    expect(first.results[0]?.properties.rowbridge_id).toBe('row-1');
    expect(second.results[0]).toMatchObject({ id: first.results[0]?.id, _new: false });
    expect(served.sandbox.state.list('contacts')).toHaveLength(1);
  });

  it('refuses an idProperty that is not unique, and duplicate ids in one batch', async () => {
    const byName = await refusal(
      hs.crm.contacts.batchApi.upsert({ inputs: [{ idProperty: 'firstname', id: 'Ann', properties: {} }] }),
    );
    expect(byName).toMatchObject({ code: 400, body: { category: 'VALIDATION_ERROR' } });
    const twice = await refusal(
      hs.crm.contacts.batchApi.upsert({
        inputs: [
          { idProperty: 'email', id: 'a@acme.com', properties: {} },
          { idProperty: 'email', id: 'A@acme.com', properties: {} },
        ],
      }),
    );
    expect(twice.code).toBe(400);
    expect(twice.body.message).toContain('Duplicate IDs');
  });
});

describe('partial failures (multi-status)', () => {
  it('answers 207 with the failures listed when every input has an objectWriteTraceId', async () => {
    await hs.crm.contacts.basicApi.create({ properties: { email: 'taken@acme.com' } });
    const answer = await hs.crm.contacts.batchApi.createWithHttpInfo({
      inputs: [
        { objectWriteTraceId: 't1', properties: { email: 'good@acme.com' } },
        { objectWriteTraceId: 't2', properties: { email: 'not-an-email' } },
        { objectWriteTraceId: 't3', properties: { email: 'x@acme.com', shoe_size: '42' } },
        { objectWriteTraceId: 't4', properties: { email: 'taken@acme.com' } },
      ],
    });
    expect(answer.httpStatusCode).toBe(207);
    const body = answer.data as {
      results: { objectWriteTraceId?: string }[];
      numErrors?: number;
      errors?: unknown[];
    };
    expect(body.results.map((r) => r.objectWriteTraceId)).toEqual(['t1']);
    expect(body.numErrors).toBe(3);
    expect(body.errors).toEqual([
      expect.objectContaining({
        status: 'error',
        category: 'VALIDATION_ERROR',
        message: expect.stringContaining('"error":"INVALID_EMAIL"'),
        context: { objectWriteTraceId: ['t2'] },
      }),
      expect.objectContaining({ message: expect.stringContaining('PROPERTY_DOESNT_EXIST') }),
      expect.objectContaining({
        category: 'CONFLICT',
        message: expect.stringMatching(/^Contact already exists/),
      }),
    ]);
    expect(served.sandbox.state.list('contacts')).toHaveLength(2);
  });

  it('fails the whole batch, writing nothing, when inputs carry no objectWriteTraceId', async () => {
    const failed = await refusal(
      hs.crm.contacts.batchApi.create({
        inputs: [{ properties: { email: 'good@acme.com' } }, { properties: { email: 'bad@' } }],
      }),
    );
    expect(failed.code).toBe(400);
    expect(failed.body).toMatchObject({ category: 'VALIDATION_ERROR' });
    expect(String(failed.body.message)).toMatch(/^Property values were not valid: \[/);
    expect(served.sandbox.state.list('contacts')).toHaveLength(0);
  });

  it('reports ids that do not exist in a 207 on batch read and update', async () => {
    const created = await hs.crm.contacts.basicApi.create({ properties: { email: 'a@acme.com' } });
    const read = await hs.crm.contacts.batchApi.readWithHttpInfo({
      inputs: [{ id: created.id }, { id: '999999' }],
      properties: ['email'],
      propertiesWithHistory: [],
    });
    expect(read.httpStatusCode).toBe(207);
    expect(read.data.results.map((r) => r.id)).toEqual([created.id]);
    expect((read.data as { errors?: unknown[] }).errors).toEqual([
      expect.objectContaining({ category: 'OBJECT_NOT_FOUND', context: { ids: ['999999'] } }),
    ]);
    const update = await hs.crm.contacts.batchApi.updateWithHttpInfo({
      inputs: [
        { id: created.id, properties: { firstname: 'A' } },
        { id: '999999', properties: { firstname: 'B' } },
      ],
    });
    expect(update.httpStatusCode).toBe(207);
    expect(update.data.results[0]?.properties.firstname).toBe('A');
  });

  it('refuses more than 100 inputs with a 400', async () => {
    const inputs = Array.from({ length: 101 }, (_, i) => ({ properties: { email: `p${i}@acme.com` } }));
    expect(await refusal(hs.crm.contacts.batchApi.create({ inputs }))).toMatchObject({
      code: 400,
      body: { category: 'VALIDATION_ERROR' },
    });
  });
});

describe('single records', () => {
  it('creates, reads by id and by a unique idProperty, updates and archives', async () => {
    const created = await hs.crm.contacts.basicApi.createWithHttpInfo({
      properties: { email: 'Dana@Acme.com', firstname: 'Dana', phone: '' },
    });
    expect(created.httpStatusCode).toBe(201);
    expect(created.headers.location).toBe(`${served.url}/crm/v3/objects/contacts/${created.data.id}`);
    const record = created.data;
    expect(record.properties).toMatchObject({ email: 'dana@acme.com', hs_object_id: record.id });
    expect(record.createdAt).toBeInstanceOf(Date);

    const byEmail = await hs.crm.contacts.basicApi.getById(
      'DANA@acme.com',
      ['firstname', 'nope'],
      undefined,
      undefined,
      false,
      'email',
    );
    expect(byEmail.id).toBe(record.id);
    expect(byEmail.properties).toEqual({
      createdate: expect.any(String),
      firstname: 'Dana',
      hs_object_id: record.id,
      lastmodifieddate: expect.any(String),
    });

    const updated = await hs.crm.contacts.basicApi.update(record.id, {
      properties: { firstname: 'Dee', jobtitle: 'CTO' },
    });
    expect(updated.properties).toMatchObject({ firstname: 'Dee', jobtitle: 'CTO' });

    await hs.crm.contacts.basicApi.archive(record.id);
    expect(await refusal(hs.crm.contacts.basicApi.getById(record.id))).toMatchObject({
      code: 404,
      body: { message: 'resource not found' },
    });
    expect(
      await refusal(
        hs.crm.contacts.basicApi.getById('nobody@acme.com', undefined, undefined, undefined, false, 'email'),
      ),
    ).toMatchObject({
      code: 404,
      body: { category: 'OBJECT_NOT_FOUND' },
    });
  });

  it('answers 409 CONFLICT with the existing id for a second contact with the same email', async () => {
    const first = await hs.crm.contacts.basicApi.create({ properties: { email: 'a@acme.com' } });
    expect(
      await refusal(hs.crm.contacts.basicApi.create({ properties: { email: 'A@ACME.com' } })),
    ).toMatchObject({
      code: 409,
      body: { category: 'CONFLICT', message: `Contact already exists. Existing ID: ${first.id}` },
    });
  });

  it('lists a page at a time with paging.next.after', async () => {
    served.sandbox.state.seed(
      'contacts',
      Array.from({ length: 25 }, (_, i) => ({ email: `p${i}@acme.com` })),
    );
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await hs.crm.contacts.basicApi.getPage(10, after, ['email']);
      seen.push(...page.results.map((r) => r.properties.email ?? ''));
      after = page.paging?.next?.after;
    } while (after);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
  });

  it('validates values: unknown, read-only, invalid option and required properties', async () => {
    const bad = await refusal(
      hs.crm.contacts.basicApi.create({
        properties: { email: 'a@acme.com', hs_object_id: '5', lifecyclestage: 'king', favourite: 'x' },
      }),
    );
    expect(bad.code).toBe(400);
    const listed = JSON.parse(String(bad.body.message).replace('Property values were not valid: ', '')) as {
      error: string;
    }[];
    expect(listed.map((p) => p.error).sort()).toEqual([
      'INVALID_OPTION',
      'PROPERTY_DOESNT_EXIST',
      'READ_ONLY_VALUE',
    ]);
    const note = await refusal(hs.crm.objects.notes.basicApi.create({ properties: { hs_note_body: 'hi' } }));
    expect(note.code).toBe(400);
  });
});

describe('propertiesWithHistory', () => {
  it('records INTEGRATION writes with the app id and user edits as CRM_UI, newest first', async () => {
    const created = await hs.crm.contacts.basicApi.create({
      properties: { email: 'h@acme.com', firstname: 'Hal' },
    });
    served.sandbox.state.editAsUser('contacts', created.id, { firstname: 'Harold' });
    const read = await hs.crm.contacts.batchApi.read({
      inputs: [{ id: created.id }],
      properties: ['firstname'],
      propertiesWithHistory: ['firstname'],
    });
    const history = read.results[0]?.propertiesWithHistory?.firstname ?? [];
    expect(history.map((h) => [h.value, h.sourceType, h.sourceId])).toEqual([
      ['Harold', 'CRM_UI', 'userId:5000001'],
      ['Hal', 'INTEGRATION', String(served.sandbox.appId)],
    ]);
    expect(history[0]?.timestamp).toBeInstanceOf(Date);
    const single = await hs.crm.contacts.basicApi.getById(created.id, undefined, ['firstname']);
    expect(single.propertiesWithHistory?.firstname).toHaveLength(2);
  });
});

describe('properties API', () => {
  it('creates a custom property once and answers 409 CONFLICT the second time', async () => {
    const created = await createUniqueProperty();
    expect(created).toMatchObject({
      name: 'rowbridge_id',
      hasUniqueValue: true,
      groupName: 'contactinformation',
    });
    expect(await refusal(createUniqueProperty())).toMatchObject({
      code: 409,
      body: { category: 'CONFLICT' },
    });
    const all = await hs.crm.properties.coreApi.getAll('contacts');
    expect(all.results.map((p) => p.name)).toEqual(
      expect.arrayContaining(['email', 'firstname', 'rowbridge_id']),
    );
  });

  it('creates property groups and refuses a property in a group that does not exist', async () => {
    await hs.crm.properties.groupsApi.create('contacts', { name: 'rowbridge', label: 'Rowbridge' });
    const property = await hs.crm.properties.coreApi.create('contacts', {
      name: 'rowbridge_sheet',
      label: 'Sheet',
      type: 'string' as never,
      fieldType: 'text' as never,
      groupName: 'rowbridge',
    });
    expect(property.groupName).toBe('rowbridge');
    const missingGroup = await refusal(
      hs.crm.properties.coreApi.create('contacts', {
        name: 'other',
        label: 'Other',
        type: 'string' as never,
        fieldType: 'text' as never,
        groupName: 'nope',
      }),
    );
    expect(missingGroup.code).toBe(400);
  });

  it('enforces unique custom values on create and update', async () => {
    await createUniqueProperty();
    const a = await hs.crm.contacts.basicApi.create({ properties: { rowbridge_id: 'r1' } });
    const b = await hs.crm.contacts.basicApi.create({ properties: { rowbridge_id: 'r2' } });
    expect(a.id).not.toBe(b.id);
    expect(
      await refusal(hs.crm.contacts.basicApi.update(b.id, { properties: { rowbridge_id: 'r1' } })),
    ).toMatchObject({
      code: 409,
      body: { category: 'CONFLICT' },
    });
  });
});

describe('pipelines', () => {
  it('has the default deal pipeline, whose stages deals must use', async () => {
    const pipelines = await hs.crm.pipelines.pipelinesApi.getAll('deals');
    expect(pipelines.results[0]).toMatchObject({ id: 'default', label: 'Sales Pipeline' });
    expect(pipelines.results[0]?.stages.map((s) => s.id)).toContain('closedwon');
    const deal = await hs.crm.deals.basicApi.create({
      properties: { dealname: 'Big', pipeline: 'default', dealstage: 'closedwon', amount: '1000' },
    });
    expect(deal.properties.dealstage).toBe('closedwon');
    expect((await refusal(hs.crm.deals.basicApi.create({ properties: { dealstage: 'maybe' } }))).code).toBe(
      400,
    );
  });
});
