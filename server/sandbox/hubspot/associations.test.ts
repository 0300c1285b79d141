import type { Client } from '@hubspot/api-client';
import { AssociationTypes } from '@hubspot/api-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ServedSandbox, serveSandbox } from './test-harness.ts';

let served: ServedSandbox;
let hs: Client;

beforeEach(async () => {
  served = await serveSandbox();
  hs = served.client(served.sandbox.state.createPrivateAppToken());
});
afterEach(() => served.close());

const HUBSPOT_DEFINED = 'HUBSPOT_DEFINED' as never;

describe('associations v4', () => {
  it('associates by default, lists both directions, and removes', async () => {
    const contact = await hs.crm.contacts.basicApi.create({ properties: { email: 'a@acme.com' } });
    const company = await hs.crm.companies.basicApi.create({ properties: { name: 'Acme' } });
    const made = await hs.crm.associations.v4.basicApi.createDefault(
      'contacts',
      contact.id,
      'companies',
      company.id,
    );
    expect(made.results.map((r) => r.associationSpec.associationTypeId).sort((a, b) => a - b)).toEqual([
      AssociationTypes.contactToCompany,
      AssociationTypes.companyToContact,
    ]);

    const fromContact = await hs.crm.associations.v4.basicApi.getPage('contacts', contact.id, 'companies');
    expect(fromContact.results).toEqual([
      expect.objectContaining({
        toObjectId: Number(company.id),
        associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 279, label: null }],
      }),
    ]);
    const fromCompany = await hs.crm.associations.v4.basicApi.getPage('company', company.id, 'contact');
    expect(fromCompany.results[0]?.associationTypes[0]?.typeId).toBe(280);

    await hs.crm.associations.v4.basicApi.archive('contacts', contact.id, 'companies', company.id);
    expect(
      (await hs.crm.associations.v4.basicApi.getPage('companies', company.id, 'contacts')).results,
    ).toEqual([]);
  });

  it('creates labelled associations (primary company) with the unlabelled one beside it', async () => {
    const contact = await hs.crm.contacts.basicApi.create({ properties: { email: 'a@acme.com' } });
    const company = await hs.crm.companies.basicApi.create({ properties: { name: 'Acme' } });
    const labels = await hs.crm.associations.v4.basicApi.create(
      'contacts',
      contact.id,
      'companies',
      company.id,
      [{ associationCategory: HUBSPOT_DEFINED, associationTypeId: AssociationTypes.primaryContactToCompany }],
    );
    expect(labels).toMatchObject({ fromObjectTypeId: '0-1', toObjectTypeId: '0-2', labels: ['Primary'] });
    const page = await hs.crm.associations.v4.basicApi.getPage('contacts', contact.id, 'companies');
    expect(page.results[0]?.associationTypes.map((t) => t.typeId).sort((a, b) => a - b)).toEqual([1, 279]);

    const wrong = await hs.crm.associations.v4.basicApi
      .create('contacts', contact.id, 'companies', company.id, [
        { associationCategory: HUBSPOT_DEFINED, associationTypeId: AssociationTypes.dealToContact },
      ])
      .catch((error: { code: number }) => error.code);
    expect(wrong).toBe(400);
  });

  it('batch-creates associations and reports the ones that fail in a 207', async () => {
    const deal = await hs.crm.deals.basicApi.create({ properties: { dealname: 'D' } });
    const contacts = await hs.crm.contacts.batchApi.create({
      inputs: [{ properties: { email: 'a@acme.com' } }, { properties: { email: 'b@acme.com' } }],
    });
    const types = [
      { associationCategory: HUBSPOT_DEFINED, associationTypeId: AssociationTypes.dealToContact },
    ];
    const answer = await hs.crm.associations.v4.batchApi.create('deals', 'contacts', {
      inputs: [
        ...contacts.results.map((c) => ({ _from: { id: deal.id }, to: { id: c.id }, types })),
        { _from: { id: deal.id }, to: { id: '424242' }, types },
      ],
    });
    expect(answer.results).toHaveLength(2);
    expect((answer as { numErrors?: number }).numErrors).toBe(1);
    const read = await hs.crm.associations.v4.batchApi.getPage('deals', 'contacts', {
      inputs: [{ id: deal.id }],
    });
    expect(read.results[0]?.to.map((t) => String(t.toObjectId)).sort()).toEqual(
      contacts.results.map((c) => c.id).sort(),
    );
  });

  it('associates engagements inline on create', async () => {
    const contact = await hs.crm.contacts.basicApi.create({ properties: { email: 'a@acme.com' } });
    const note = await hs.crm.objects.notes.basicApi.create({
      properties: { hs_timestamp: '2026-01-01T10:00:00Z', hs_note_body: 'Called.' },
      associations: [
        {
          to: { id: contact.id },
          types: [
            { associationCategory: HUBSPOT_DEFINED, associationTypeId: AssociationTypes.noteToContact },
          ],
        },
      ],
    });
    expect(note.properties.hs_timestamp).toBe('2026-01-01T10:00:00Z');
    const fromContact = await hs.crm.associations.v4.basicApi.getPage('contacts', contact.id, 'notes');
    expect(fromContact.results.map((r) => String(r.toObjectId))).toEqual([note.id]);
    const viaV3 = await hs.crm.contacts.basicApi.getById(contact.id, undefined, undefined, ['notes']);
    expect(viaV3.associations?.notes?.results.map((r) => r.id)).toEqual([note.id]);

    const missing = await hs.crm.objects.tasks.basicApi
      .create({
        properties: { hs_timestamp: '2026-01-01T10:00:00Z', hs_task_subject: 'Call back' },
        associations: [
          {
            to: { id: '424242' },
            types: [
              { associationCategory: HUBSPOT_DEFINED, associationTypeId: AssociationTypes.taskToContact },
            ],
          },
        ],
      })
      .catch((error: { code: number; body: { message: string } }) => error);
    expect(missing).toMatchObject({ code: 400, body: { message: 'One or more associations are invalid' } });
  });
});
