import { cleanText, foldKey, isBlank } from './text.ts';

/** Canonical company name as stored: cleaned, case kept. Matching goes through `companyKey`. */
export function normalizeCompany(value: string): string | null {
  return isBlank(value) ? null : cleanText(value);
}

/**
 * Legal-form words, compared after dots are removed ("G.m.b.H." → "gmbh", "S.A." → "sa"). Only trailing
 * ones are dropped, so "Co-operative Bank" and "Limited Editions Ltd" keep their meaning.
 */
const LEGAL_SUFFIXES = new Set([
  'inc',
  'incorporated',
  'llc',
  'llp',
  'lp',
  'ltd',
  'limited',
  'corp',
  'corporation',
  'co',
  'company',
  'plc',
  'gmbh',
  'mbh',
  'ag',
  'kg',
  'ug',
  'ohg',
  'ev',
  'sa',
  'sas',
  'sarl',
  'srl',
  'spa',
  'sl',
  'sau',
  'bv',
  'nv',
  'ab',
  'as',
  'asa',
  'oy',
  'oyj',
  'aps',
  'pty',
  'pte',
  'pvt',
  'kk',
  'kft',
  'sp',
  'zoo',
  'doo',
  'sro',
]);

/**
 * Comparison key for company names: case, accents and punctuation ignored, "&" read as "and", a leading
 * "The" and trailing legal forms (with an "&" or "and" before one, as in "& Co.") dropped. "ACME, Inc."
 * = "Acme Inc" = "acme" = "The Acme Company Ltd".
 * The first word always stays, so a name made only of such words is never empty ("The Company" → "the").
 */
export function companyKey(value: string): string {
  const words = foldKey(value)
    .replace(/&/g, ' and ')
    .replace(/(?<=\b\p{L})\.(?=\p{L}\b)/gu, '')
    .replace(/\./g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  let end = words.length;
  while (end > 1 && LEGAL_SUFFIXES.has(words[end - 1] ?? '')) {
    end -= 1;
    // "Merck & Co., Inc.": the "&" before a legal form belongs to it.
    if (end > 1 && words[end - 1] === 'and') end -= 1;
  }
  let start = 0;
  while (end - start > 1 && words[start] === 'the') start += 1;
  return words.slice(start, end).join(' ');
}
