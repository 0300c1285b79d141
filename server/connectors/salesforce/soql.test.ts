import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSoql } from '../../sandbox/salesforce/index.ts';
import { chunkValues, soqlDateTime, soqlIn, soqlName, soqlSelect, soqlString } from './soql.ts';

// The sandbox's SOQL parser stands in for Salesforce's: a statement built from hostile values must still
// parse to exactly the one comparison we meant, holding the values unchanged.
const where = (clause: string) => parseSoql(`SELECT Id FROM Lead WHERE ${clause}`).where;

describe('soqlString', () => {
  it('escapes quotes and backslashes so a value cannot end its literal', () => {
    const hostile = "x' OR Email != '";
    expect(soqlString(hostile)).toBe("'x\\' OR Email != \\''");
    expect(where(`Email = ${soqlString(hostile)}`)).toEqual({
      kind: 'compare',
      field: 'Email',
      op: '=',
      value: { kind: 'string', value: hostile },
    });
    const backslash = "a\\' OR Id != '";
    expect(where(`Email = ${soqlString(backslash)}`)).toEqual({
      kind: 'compare',
      field: 'Email',
      op: '=',
      value: { kind: 'string', value: backslash },
    });
    expect(soqlString('tab\there\nnew')).toBe("'tab\\there\\nnew'");
  });

  it('keeps any value inside one literal of one IN list (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: fc.constantFrom("'", '\\', '"', 'a', ' ', ')', '(', 'O', 'R', '%', '_', '\n') }),
          { minLength: 1, maxLength: 5 },
        ),
        (values) => {
          expect(where(soqlIn('Email', values))).toEqual({
            kind: 'in',
            field: 'Email',
            negated: false,
            values: values.map((value) => ({ kind: 'string', value })),
          });
        },
      ),
    );
  });
});

describe('names and statements', () => {
  it('accepts API names and refuses anything else', () => {
    expect(soqlName('Rowbridge_Id__c')).toBe('Rowbridge_Id__c');
    for (const bad of ['Email, Name', 'Id FROM User', 'x__y__c', "Email'", '', 'Account.Name']) {
      expect(() => soqlName(bad), bad).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    }
  });

  it('builds SELECT lists without duplicates and datetime literals to the second', () => {
    expect(soqlSelect('Lead', ['Id', 'Email', 'id', 'SystemModstamp'])).toBe(
      'SELECT Id, Email, SystemModstamp FROM Lead',
    );
    expect(soqlDateTime(Date.UTC(2025, 0, 2, 3, 4, 5, 678))).toBe('2025-01-02T03:04:05Z');
  });

  it('splits long IN lists by count and by length', () => {
    expect(chunkValues(Array.from({ length: 450 }, (_, i) => String(i))).map((c) => c.length)).toEqual([
      200, 200, 50,
    ]);
    const long = Array.from({ length: 10 }, () => 'x'.repeat(1000));
    expect(chunkValues(long).every((chunk) => chunk.length <= 2)).toBe(true);
  });
});
