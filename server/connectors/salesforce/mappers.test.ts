import { describe, expect, it } from 'vitest';
import { describeSalesforceError, toCrmRecord, toUpsertResult } from './mappers.ts';

describe('describeSalesforceError', () => {
  it('reads REST error arrays, flags REQUEST_LIMIT_EXCEEDED as a rate limit', () => {
    expect(
      describeSalesforceError(
        400,
        '[{"message":"Email: invalid email address: x","errorCode":"INVALID_EMAIL_ADDRESS","fields":["Email"]}]',
      ),
    ).toEqual({
      message: 'INVALID_EMAIL_ADDRESS: Email: invalid email address: x',
      vendorCode: 'INVALID_EMAIL_ADDRESS',
    });
    expect(
      describeSalesforceError(
        403,
        '[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]',
      ),
    ).toMatchObject({
      rateLimited: true,
      vendorCode: 'REQUEST_LIMIT_EXCEEDED',
    });
  });

  it('reads OAuth errors and SOAP faults; a SOAP INVALID_SESSION_ID is an expired session', () => {
    expect(
      describeSalesforceError(
        400,
        '{"error":"invalid_grant","error_description":"expired access/refresh token"}',
      ),
    ).toEqual({
      message: 'invalid_grant: expired access/refresh token',
      vendorCode: 'invalid_grant',
    });
    const fault =
      '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>sf:INVALID_SESSION_ID</faultcode><faultstring>INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>';
    expect(describeSalesforceError(500, fault)).toMatchObject({
      vendorCode: 'INVALID_SESSION_ID',
      authExpired: true,
    });
    expect(describeSalesforceError(502, '<html>Bad gateway</html>')).toEqual({
      message: '<html>Bad gateway</html>',
    });
  });
});

describe('records and results', () => {
  it('maps SOQL rows to text properties with an ISO stamp and the recycle bin as archived', () => {
    expect(
      toCrmRecord({
        attributes: { type: 'Lead' },
        Id: '00Q1',
        Email: 'a@b.co',
        Amount: 12.5,
        IsDeleted: true,
        Phone: null,
        SystemModstamp: '2025-01-02T03:04:05.000+0000',
      }),
    ).toEqual({
      id: '00Q1',
      properties: {
        Id: '00Q1',
        Email: 'a@b.co',
        Amount: '12.5',
        IsDeleted: 'true',
        Phone: null,
        SystemModstamp: '2025-01-02T03:04:05.000+0000',
      },
      updatedAt: '2025-01-02T03:04:05.000Z',
      archived: true,
    });
  });

  it('maps Collections items, failures keeping Salesforce’s code', () => {
    expect(toUpsertResult({ id: '00Q1', success: true, created: true, errors: [] })).toEqual({
      status: 'created',
      id: '00Q1',
    });
    expect(toUpsertResult({ id: '00Q1', success: true, errors: [] })).toEqual({
      status: 'updated',
      id: '00Q1',
    });
    expect(
      toUpsertResult({ success: false, errors: [{ statusCode: 'DUPLICATE_VALUE', message: 'dup' }] }),
    ).toEqual({
      status: 'failed',
      error: { code: 'crm_rejected', message: 'DUPLICATE_VALUE: dup', vendorCode: 'DUPLICATE_VALUE' },
    });
    expect(toUpsertResult(undefined).status).toBe('failed');
  });
});
