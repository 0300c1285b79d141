import { describe, expect, it } from 'vitest';
import { fromSheetSerial, isIsoDate, normalizeDate, normalizeDateTime } from './date.ts';

describe('fromSheetSerial', () => {
  it('counts days from 1899-12-30, with a fraction for the time', () => {
    expect(fromSheetSerial(1).toISOString()).toBe('1899-12-31T00:00:00.000Z');
    expect(fromSheetSerial(0).toISOString()).toBe('1899-12-30T00:00:00.000Z');
    expect(fromSheetSerial(45000.75).toISOString()).toBe('2023-03-15T18:00:00.000Z');
  });
});

describe('normalizeDate', () => {
  it('takes the UTC date of a Date', () => {
    expect(normalizeDate(new Date(Date.UTC(2025, 2, 14, 23, 59)))).toBe('2025-03-14');
    expect(normalizeDate(new Date(Number.NaN))).toBeNull();
  });

  it('reads Sheets serial numbers', () => {
    // Serial 2 is 1900-01-01; 2023-01-01 is 123 × 365 + 30 leap days later (44927); then 31 + 28 + 14 days.
    expect(normalizeDate(45000)).toBe('2023-03-15');
    expect(normalizeDate(45000.9)).toBe('2023-03-15');
    expect(normalizeDate(1)).toBe('1899-12-31');
    expect(normalizeDate('45000')).toBe('2023-03-15');
  });

  it('reads epoch milliseconds from a CRM (used to throw RangeError)', () => {
    expect(normalizeDate(Date.UTC(2025, 2, 14))).toBe('2025-03-14');
  });

  it('keeps a number that is no date in 0000–9999 as text (used to throw, or give "+010113-09")', () => {
    expect(normalizeDate(500_000_000)).toBe('500000000');
    expect(normalizeDate(3_000_000)).toBe('3000000');
    expect(normalizeDate(-1e12)).toBe('-1000000000000');
    expect(normalizeDate(Number.POSITIVE_INFINITY)).toBeNull();
    expect(normalizeDate(Number.NaN)).toBeNull();
  });

  it('reads ISO dates', () => {
    expect(normalizeDate('2025-03-14')).toBe('2025-03-14');
    expect(normalizeDate('2025-3-4')).toBe('2025-03-04');
    expect(normalizeDate('2025/03/14')).toBe('2025-03-14');
    expect(normalizeDate('2025-03-14T22:30:00Z')).toBe('2025-03-14');
  });

  it('reads US numeric dates by default', () => {
    expect(normalizeDate('3/14/2025')).toBe('2025-03-14');
    expect(normalizeDate('03/04/2025')).toBe('2025-03-04');
    expect(normalizeDate('3/14/25')).toBe('2025-03-14');
    expect(normalizeDate('3/14/85')).toBe('1985-03-14');
  });

  it('reads day first when asked, or when the first number cannot be a month', () => {
    expect(normalizeDate('03/04/2025', { dayFirst: true })).toBe('2025-04-03');
    expect(normalizeDate('03/04/2025', { dayFirst: false })).toBe('2025-03-04');
    expect(normalizeDate('14/03/2025')).toBe('2025-03-14');
    expect(normalizeDate('14.03.2025')).toBe('2025-03-14');
    expect(normalizeDate('3/14/2025', { dayFirst: true })).toBe('2025-03-14');
  });

  it('reads written-out dates', () => {
    expect(normalizeDate('14 Mar 2025')).toBe('2025-03-14');
    expect(normalizeDate('14 March 2025')).toBe('2025-03-14');
    expect(normalizeDate('March 14th, 2025')).toBe('2025-03-14');
    expect(normalizeDate('Mar. 14, 2025')).toBe('2025-03-14');
    expect(normalizeDate('Fri, 14 Mar 2025')).toBe('2025-03-14');
    expect(normalizeDate('1st Sept 2025')).toBe('2025-09-01');
  });

  it('keeps text that is not a date, cleaned', () => {
    expect(normalizeDate('2025-02-30')).toBe('2025-02-30');
    expect(normalizeDate('13/13/2025')).toBe('13/13/2025');
    expect(normalizeDate('14 Smarch 2025')).toBe('14 Smarch 2025');
    expect(normalizeDate('  next   week ')).toBe('next week');
    expect(normalizeDate('N/A')).toBeNull();
    expect(normalizeDate('')).toBeNull();
  });
});

describe('normalizeDateTime', () => {
  it('converts zone offsets to UTC, with or without a colon', () => {
    expect(normalizeDateTime('2025-03-14T10:00:00+02:00')).toBe('2025-03-14T08:00:00.000Z');
    expect(normalizeDateTime('2025-03-14T10:00:00+0200')).toBe('2025-03-14T08:00:00.000Z');
    expect(normalizeDateTime('2025-03-14 10:00 -05:30')).toBe('2025-03-14T15:30:00.000Z');
    expect(normalizeDateTime('2025-03-14T10:00:00Z')).toBe('2025-03-14T10:00:00.000Z');
    expect(normalizeDateTime('2025-03-14T10:00:00.5z')).toBe('2025-03-14T10:00:00.500Z');
  });

  it('reads a time without a zone as UTC', () => {
    expect(normalizeDateTime('2025-03-14 10:00')).toBe('2025-03-14T10:00:00.000Z');
  });

  it('reads epoch milliseconds and Sheets serials', () => {
    expect(normalizeDateTime(Date.UTC(2025, 2, 14, 10))).toBe('2025-03-14T10:00:00.000Z');
    expect(normalizeDateTime(String(Date.UTC(2025, 2, 14, 10)))).toBe('2025-03-14T10:00:00.000Z');
    expect(normalizeDateTime(45000.5)).toBe('2023-03-15T12:00:00.000Z');
  });

  it('keeps a number that is no instant in 0000–9999 as text (used to throw RangeError)', () => {
    expect(normalizeDateTime(500_000_000)).toBe('500000000');
    expect(normalizeDateTime('99999999999999999999')).toBe('99999999999999999999');
  });

  it('makes a date without a time midnight UTC', () => {
    expect(normalizeDateTime('2025-03-14')).toBe('2025-03-14T00:00:00.000Z');
    expect(normalizeDateTime('14 Mar 2025')).toBe('2025-03-14T00:00:00.000Z');
    expect(normalizeDateTime('03/04/2025', { dayFirst: true })).toBe('2025-04-03T00:00:00.000Z');
  });

  it('keeps a Date and drops an invalid one', () => {
    expect(normalizeDateTime(new Date(Date.UTC(2025, 2, 14, 10, 30)))).toBe('2025-03-14T10:30:00.000Z');
    expect(normalizeDateTime(new Date(Number.NaN))).toBeNull();
  });

  it('keeps text that is not a date', () => {
    expect(normalizeDateTime('soon')).toBe('soon');
  });

  it('keeps an impossible day as text (used to roll over to "2025-03-02T10:00:00.000Z")', () => {
    expect(normalizeDateTime('2025-02-30 10:00')).toBe('2025-02-30 10:00');
    expect(normalizeDateTime('2025-02-29T10:00:00Z')).toBe('2025-02-29T10:00:00Z');
    expect(normalizeDateTime('2024-02-29T10:00:00Z')).toBe('2024-02-29T10:00:00.000Z');
  });
});

describe('isIsoDate', () => {
  it('tells dates from kept text', () => {
    expect(isIsoDate('2025-03-14')).toBe(true);
    expect(isIsoDate('2025-3-14')).toBe(false);
    expect(isIsoDate('2025-03-14T00:00:00.000Z')).toBe(false);
  });
});
