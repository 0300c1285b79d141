import { describe, expect, it } from 'vitest';
import { normalizeNumber } from './number.ts';

describe('normalizeNumber', () => {
  it('reads currency and thousands separators', () => {
    expect(normalizeNumber('$1,200.50')).toBe(1200.5);
    expect(normalizeNumber('1.200,50 €')).toBe(1200.5);
    expect(normalizeNumber('1,200')).toBe(1200);
    expect(normalizeNumber('1,200,000')).toBe(1_200_000);
    expect(normalizeNumber('1.234.567')).toBe(1_234_567);
    expect(normalizeNumber("1'200.50")).toBe(1200.5);
    expect(normalizeNumber('1 200,50')).toBe(1200.5);
    expect(normalizeNumber('USD 99')).toBe(99);
    expect(normalizeNumber('£0.99')).toBe(0.99);
  });

  it('reads a decimal comma', () => {
    expect(normalizeNumber('12,5')).toBe(12.5);
    expect(normalizeNumber('0,75')).toBe(0.75);
  });

  it('reads negatives', () => {
    expect(normalizeNumber('(300)')).toBe(-300);
    expect(normalizeNumber('($1,200)')).toBe(-1200);
    expect(normalizeNumber('-$5')).toBe(-5);
    expect(normalizeNumber('$-5')).toBe(-5);
    expect(normalizeNumber('- 5')).toBe(-5);
    expect(normalizeNumber('+5')).toBe(5);
  });

  it('reads a percentage as the number written', () => {
    expect(normalizeNumber('45%')).toBe(45);
    expect(normalizeNumber('12.5 %')).toBe(12.5);
  });

  it('scales k, M, mm and bn', () => {
    expect(normalizeNumber('1.2M')).toBe(1_200_000);
    expect(normalizeNumber('€ 3.5k')).toBe(3500);
    expect(normalizeNumber('2mm')).toBe(2_000_000);
    expect(normalizeNumber('£1.5bn')).toBe(1_500_000_000);
    expect(normalizeNumber('0.1k')).toBe(100);
  });

  it('keeps text that is not a number, cleaned', () => {
    expect(normalizeNumber('abc')).toBe('abc');
    expect(normalizeNumber('  about   5 ')).toBe('about 5');
    expect(normalizeNumber('(300')).toBe('(300');
    expect(normalizeNumber('1.2.3')).toBe('1.2.3');
    expect(normalizeNumber('1e5')).toBe('1e5');
  });

  it('passes numbers through and drops NaN, infinities and blanks', () => {
    expect(normalizeNumber(42)).toBe(42);
    expect(normalizeNumber(-0.5)).toBe(-0.5);
    expect(normalizeNumber(Number.NaN)).toBeNull();
    expect(normalizeNumber(Number.POSITIVE_INFINITY)).toBeNull();
    expect(normalizeNumber('')).toBeNull();
    expect(normalizeNumber('N/A')).toBeNull();
    expect(normalizeNumber('-')).toBeNull();
  });
});
