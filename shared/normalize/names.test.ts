import { describe, expect, it } from 'vitest';
import { nameKey, normalizeName, splitFullName } from './names.ts';

describe('normalizeName', () => {
  it('trims, collapses spaces and keeps case', () => {
    expect(normalizeName('  Ann   Lee ')).toBe('Ann Lee');
    expect(normalizeName('Ann\u00A0\tLee')).toBe('Ann Lee');
    expect(normalizeName('ann LEE')).toBe('ann LEE');
  });

  it('composes to NFC', () => {
    const decomposed = 'Jose\u0301';
    expect(decomposed).toHaveLength(5);
    const normalized = normalizeName(decomposed);
    expect(normalized).toBe('Jos\u00E9');
    expect(normalized).toBe('José');
    expect(normalized).toHaveLength(4);
  });

  it('composes across a zero-width space (was left decomposed until normalised again)', () => {
    expect(normalizeName('Jose\u200B\u0301')).toBe('José');
  });

  it('returns null for blanks and placeholders', () => {
    expect(normalizeName('')).toBeNull();
    expect(normalizeName('   ')).toBeNull();
    expect(normalizeName('N/A')).toBeNull();
    expect(normalizeName('-')).toBeNull();
  });
});

describe('nameKey', () => {
  it('ignores case and accents', () => {
    expect(nameKey('José')).toBe(nameKey('JOSE'));
    expect(nameKey('José')).toBe('jose');
    expect(nameKey('Jose\u0301')).toBe('jose');
    expect(nameKey('Müller')).toBe(nameKey('Muller'));
    expect(nameKey('Zoë Ñúñez')).toBe('zoe nunez');
  });

  it('folds letters that do not decompose', () => {
    expect(nameKey('Søren')).toBe(nameKey('Soren'));
    expect(nameKey('Łukasz')).toBe(nameKey('Lukasz'));
    expect(nameKey('Straße')).toBe(nameKey('strasse'));
    expect(nameKey('STRAẞE')).toBe('strasse');
    expect(nameKey('Ægir')).toBe('aegir');
    expect(nameKey('Đorđe')).toBe('dorde');
  });

  it('folds the capital forms too (Ð and Þ used to keep their lower-case letter: "ða", then "da")', () => {
    expect(nameKey('Ða')).toBe('da');
    expect(nameKey('ÞÓR')).toBe('thor');
    expect(nameKey('Þór')).toBe(nameKey('thor'));
  });

  it('drops apostrophes and dots, reads hyphens as spaces', () => {
    expect(nameKey("O'Brien")).toBe(nameKey('OBrien'));
    expect(nameKey('O’Brien')).toBe('obrien');
    expect(nameKey('Jean-Luc')).toBe(nameKey('jean luc'));
    expect(nameKey('Jean–Luc')).toBe('jean luc');
    expect(nameKey('J. R. R.')).toBe('j r r');
  });

  it('leaves no double space where a lone accent was dropped', () => {
    expect(nameKey('Ann \u0301 Lee')).toBe('ann lee');
    expect(nameKey('\u0301 Ann')).toBe('ann');
  });

  it('tells different names apart', () => {
    expect(nameKey('Ann')).not.toBe(nameKey('Anne'));
    expect(nameKey('Jean Luc')).not.toBe(nameKey('Jeanluc'));
  });
});

describe('splitFullName', () => {
  it('reads "Last, First"', () => {
    expect(splitFullName('Smith, John')).toEqual({ first: 'John', last: 'Smith' });
    expect(splitFullName('de la Cruz, Juan')).toEqual({ first: 'Juan', last: 'de la Cruz' });
    expect(splitFullName('Smith,John')).toEqual({ first: 'John', last: 'Smith' });
  });

  it('drops salutations and keeps lower-case particles with the surname', () => {
    expect(splitFullName('Dr. Ann-Marie van der Berg')).toEqual({ first: 'Ann-Marie', last: 'van der Berg' });
    expect(splitFullName('Prof. Dr. Hans Müller')).toEqual({ first: 'Hans', last: 'Müller' });
    expect(splitFullName('Ludwig van Beethoven')).toEqual({ first: 'Ludwig', last: 'van Beethoven' });
  });

  it('drops post-nominals', () => {
    expect(splitFullName('John Smith Jr.')).toEqual({ first: 'John', last: 'Smith' });
    expect(splitFullName('John Smith PhD')).toEqual({ first: 'John', last: 'Smith' });
  });

  it('drops post-nominals after a comma (used to leave "Smith," or swap the names)', () => {
    expect(splitFullName('John Smith, Jr.')).toEqual({ first: 'John', last: 'Smith' });
    expect(splitFullName('Smith, John Jr.')).toEqual({ first: 'John', last: 'Smith' });
    expect(splitFullName('Smith, Jr.')).toEqual({ first: 'Smith', last: '' });
  });

  it('puts all but the last word in the first name', () => {
    expect(splitFullName('Mary Ann Smith')).toEqual({ first: 'Mary Ann', last: 'Smith' });
  });

  it('reads a single word as a first name', () => {
    expect(splitFullName('Madonna')).toEqual({ first: 'Madonna', last: '' });
    expect(splitFullName('  Madonna ')).toEqual({ first: 'Madonna', last: '' });
    expect(splitFullName('Mr Bean')).toEqual({ first: 'Bean', last: '' });
    expect(splitFullName('')).toEqual({ first: '', last: '' });
  });
});
