import { cleanText, foldKey, isBlank } from './text.ts';

/** Canonical person name: trimmed, spaces collapsed, NFC. Case is kept: it is what the user typed. */
export function normalizeName(value: string): string | null {
  return isBlank(value) ? null : cleanText(value);
}

/**
 * Comparison key for person names: case- and accent-insensitive, apostrophes and dots dropped, hyphens
 * read as spaces ("O'Brien" = "OBrien", "Jean-Luc" = "jean luc", "José" = "JOSE").
 */
export function nameKey(value: string): string {
  return foldKey(value)
    .replace(/['’`´.]/g, '')
    .replace(/[-‐‑–—_]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Salutations and post-nominals that are not part of who someone is. */
const HONORIFICS = /^(mr|mrs|ms|miss|mx|dr|prof|sir|dame|herr|frau|mme|mlle|m)\s+/;
const SUFFIXES = /\s+(jr|sr|ii|iii|iv|phd|md|esq|mba)$/;

/**
 * A name key without a leading salutation ("dr jane" → "jane"); a lone word is kept, since "Mr" might be
 * all a cell says.
 */
export function withoutHonorific(key: string): string {
  const match = HONORIFICS.exec(key);
  return match && key.length > match[0].length ? key.slice(match[0].length) : key;
}

/**
 * Splits a full name into first and last: "Smith, John" → John / Smith; "Dr. Ann-Marie van der Berg" →
 * Ann-Marie / van der Berg (lower-case particles stay with the surname). Salutations and post-nominals are
 * dropped, also after a comma ("John Smith, Jr.", "Smith, John Jr.").
 */
export function splitFullName(value: string): { first: string; last: string } {
  let words = cleanText(value).split(' ');
  const key = (word: string | undefined) => nameKey((word ?? '').replace(/,+$/, ''));
  while (words.length > 1 && HONORIFICS.test(`${key(words[0])} `)) words = words.slice(1);
  while (words.length > 1 && SUFFIXES.test(` ${key(words.at(-1))}`)) words = words.slice(0, -1);
  const text = words.join(' ').replace(/,+$/, '');
  const comma = text.indexOf(',');
  if (comma > 0) return { first: text.slice(comma + 1).trim(), last: text.slice(0, comma).trim() };
  words = text.split(' ');
  if (words.length === 1) return { first: words[0] ?? '', last: '' };
  let split = words.length - 1;
  while (
    split > 1 &&
    /^(van|von|de|der|den|del|della|di|da|du|la|le|dos|das|bin|al|ter|ten)$/.test(words[split - 1] ?? '')
  ) {
    split -= 1;
  }
  return { first: words.slice(0, split).join(' '), last: words.slice(split).join(' ') };
}
