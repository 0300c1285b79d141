import { describe, expect, it } from 'vitest';
import { cleanText, foldKey, isBlank } from './text.ts';

describe('cleanText', () => {
  it('leaves clean ASCII alone', () => {
    expect(cleanText('Ann Lee')).toBe('Ann Lee');
    expect(cleanText('a@b.com')).toBe('a@b.com');
  });

  it('trims and turns every run of whitespace into one space', () => {
    expect(cleanText('  Ann \t\n Lee  ')).toBe('Ann Lee');
    expect(cleanText('Ann\u00A0Lee')).toBe('Ann Lee');
    expect(cleanText('Ann\u2009\u3000Lee\u202F')).toBe('Ann Lee');
  });

  it('removes zero-width characters', () => {
    expect(cleanText('\uFEFFAnn\u200B Lee\u200D')).toBe('Ann Lee');
  });

  it('keeps joiners that are spelling: Persian ZWNJ, emoji ZWJ sequences (were stripped)', () => {
    expect(cleanText('می\u200Cخواهم')).toBe('می\u200Cخواهم');
    expect(cleanText('Ann \u{1F469}\u200D\u{1F4BB}')).toBe('Ann \u{1F469}\u200D\u{1F4BB}');
    expect(cleanText('\u{1F3F3}\uFE0F\u200D\u{1F308} team')).toBe('\u{1F3F3}\uFE0F\u200D\u{1F308} team');
  });

  it('drops joiners that join nothing, and one before an accent still composes', () => {
    expect(cleanText('\u200DAnn \u200C Lee\u200C')).toBe('Ann Lee');
    expect(cleanText('Jose\u200D\u0301')).toBe('Jos\u00E9');
  });

  it('composes to NFC', () => {
    expect(cleanText('Jose\u0301')).toBe('Jos\u00E9');
  });

  it('composes across a zero-width character (was "Jose\\u0301" until cleaned again)', () => {
    expect(cleanText('Jose\u200B\u0301')).toBe('Jos\u00E9');
  });
});

describe('foldKey and joiners', () => {
  it('gives a word with and without its ZWNJ one key', () => {
    expect(foldKey('می\u200Cخواهم')).toBe(foldKey('میخواهم'));
  });
});

describe('isBlank', () => {
  it('is true for empty cells and placeholders, in any case and spacing', () => {
    for (const blank of [
      '',
      ' ',
      '\u00A0',
      '-',
      '--',
      '?',
      'N/A',
      'n/a',
      'NA',
      'none',
      'NULL',
      'TBD',
      '#N/A',
      ' n/a ',
    ]) {
      expect(isBlank(blank), JSON.stringify(blank)).toBe(true);
    }
  });

  it('is false for values', () => {
    for (const value of ['0', 'Ann', 'n/a please call', 'nan', '-5']) {
      expect(isBlank(value), value).toBe(false);
    }
  });
});

describe('foldKey', () => {
  it('ignores case and accents', () => {
    expect(foldKey('José')).toBe('jose');
    expect(foldKey('JOSE')).toBe('jose');
    expect(foldKey('Ærøskøbing')).toBe('aeroskobing');
    expect(foldKey('Straße')).toBe('strasse');
    expect(foldKey('İstanbul')).toBe('istanbul');
  });

  it('folds capital letters whose lower case folds (was "ða a" until folded again)', () => {
    expect(foldKey('Ða a ')).toBe('da a');
    expect(foldKey('Þ')).toBe('th');
  });

  it('leaves no double space where a lone accent was dropped (was "a  b")', () => {
    expect(foldKey('a \u0301 b')).toBe('a b');
  });

  it('keeps the words and their order', () => {
    expect(foldKey('  Ann   Lee ')).toBe('ann lee');
    expect(foldKey('Lee Ann')).not.toBe(foldKey('Ann Lee'));
  });
});
