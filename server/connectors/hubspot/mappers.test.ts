import { describe, expect, it } from 'vitest';
import type { UpsertInput } from '../types.ts';
import {
  describeHubSpotError,
  toCrmRecord,
  toHubSpotProperties,
  toUpsertInputs,
  toUpsertResults,
} from './mappers.ts';
import { candidateSearches } from './search.ts';

const input = (value: string, properties = {}): UpsertInput => ({
  key: { property: 'rowbridge_id', value },
  properties: { email: `${value}@example.com`, ...properties },
});

describe('HubSpot mappers', () => {
  it('turns SDK objects into records: "" is null, history newest first as given', () => {
    const record = toCrmRecord({
      id: '5',
      properties: { email: 'a@b.com', phone: '', city: null },
      updatedAt: new Date('2025-01-02T03:04:05.000Z'),
      archived: true,
      propertiesWithHistory: {
        email: [
          {
            value: 'a@b.com',
            timestamp: new Date('2025-01-02T00:00:00Z'),
            sourceType: 'INTEGRATION',
            sourceId: '7',
          },
        ],
      },
    });
    expect(record).toEqual({
      id: '5',
      properties: { email: 'a@b.com', phone: null, city: null },
      updatedAt: '2025-01-02T03:04:05.000Z',
      archived: true,
      history: {
        email: [
          { value: 'a@b.com', timestamp: '2025-01-02T00:00:00.000Z', source: 'INTEGRATION', sourceId: '7' },
        ],
      },
    });
  });

  it('writes null as "" (HubSpot clears a property with an empty string) and includes the key', () => {
    expect(toHubSpotProperties({ a: null, b: 'x' })).toEqual({ a: '', b: 'x' });
    expect(toUpsertInputs([input('r1', { phone: null })])).toEqual([
      {
        id: 'r1',
        idProperty: 'rowbridge_id',
        objectWriteTraceId: '0',
        properties: { email: 'r1@example.com', phone: '', rowbridge_id: 'r1' },
      },
    ]);
  });

  it('matches a 207 answer back to inputs by trace id, key value or error context', () => {
    const chunk = [input('r1'), input('r2'), input('r3'), input('r4')];
    const results = toUpsertResults(chunk, {
      results: [
        { id: '11', properties: {}, objectWriteTraceId: '0', _new: true },
        { id: '12', properties: { rowbridge_id: 'r2' }, _new: false },
      ],
      errors: [
        {
          category: 'VALIDATION_ERROR',
          message: 'Property values were not valid',
          context: { objectWriteTraceId: ['2'] },
        },
      ],
    });
    expect(results).toEqual([
      { status: 'created', id: '11' },
      { status: 'updated', id: '12' },
      {
        status: 'failed',
        error: {
          code: 'crm_rejected',
          message: 'Property values were not valid',
          vendorCode: 'VALIDATION_ERROR',
        },
      },
      {
        status: 'failed',
        error: { code: 'crm_rejected', message: 'HubSpot returned no result for this record.' },
      },
    ]);
  });

  it('reads HubSpot error envelopes and 429 policies', () => {
    expect(
      describeHubSpotError(
        400,
        JSON.stringify({
          status: 'error',
          message: 'Property values were not valid',
          category: 'VALIDATION_ERROR',
          errors: [{ message: 'Email address a@ is invalid' }],
        }),
      ),
    ).toEqual({
      message: 'Property values were not valid: Email address a@ is invalid',
      vendorCode: 'VALIDATION_ERROR',
    });
    expect(
      describeHubSpotError(
        429,
        '{"status":"error","message":"You have reached your secondly limit.","policyName":"TEN_SECONDLY_ROLLING"}',
      ),
    ).toEqual({ message: 'You have reached your secondly limit.', vendorCode: 'TEN_SECONDLY_ROLLING' });
    const embedded = JSON.stringify({
      status: 'error',
      message:
        'Property values were not valid: [{"isValid":false,"message":"Email address x is invalid","error":"INVALID_EMAIL","name":"email"}]',
      category: 'VALIDATION_ERROR',
      errors: [{ message: 'Email address x is invalid', code: 'INVALID_EMAIL' }],
    });
    expect(describeHubSpotError(400, embedded).message).toBe(
      'Property values were not valid: Email address x is invalid',
    );
    expect(describeHubSpotError(502, '<html>Bad gateway</html>').message).toBe('<html>Bad gateway</html>');
  });
});

describe('candidateSearches', () => {
  it('builds one filter group per query, EQ for one value and lower-cased IN for several', () => {
    expect(
      candidateSearches([
        { where: { email: ['A@B.com'] } },
        { where: { company: ['Acme'], lastname: ['Smith', 'Smyth'] } },
      ]),
    ).toEqual([
      [
        { filters: [{ propertyName: 'email', operator: 'EQ', value: 'A@B.com' }] },
        {
          filters: [
            { propertyName: 'company', operator: 'EQ', value: 'Acme' },
            { propertyName: 'lastname', operator: 'IN', values: ['smith', 'smyth'] },
          ],
        },
      ],
    ]);
  });

  it('splits into requests of at most 5 groups, and skips empty queries', () => {
    const queries = Array.from({ length: 12 }, (_, i) => ({ where: { email: [`p${i}@x.com`] } }));
    const requests = candidateSearches([...queries, { where: { email: [''] } }]);
    expect(requests.map((groups) => groups.length)).toEqual([5, 5, 2]);
  });
});
