import countries from 'i18n-iso-countries';
import de from 'i18n-iso-countries/langs/de.json' with { type: 'json' };
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import es from 'i18n-iso-countries/langs/es.json' with { type: 'json' };
import fr from 'i18n-iso-countries/langs/fr.json' with { type: 'json' };
import { memoize } from './memo.ts';
import { isRegion, type Region } from './phone.ts';
import { cleanText, foldKey, isBlank } from './text.ts';

for (const locale of [en, de, fr, es]) countries.registerLocale(locale);

/** Names people use that are not (or not only) a country's official name in the registered locales. */
const ALIASES: Record<string, Region> = {
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  'northern ireland': 'GB',
  britain: 'GB',
  'great britain': 'GB',
  uk: 'GB',
  'u.k.': 'GB',
  holland: 'NL',
  korea: 'KR',
  'south korea': 'KR',
  america: 'US',
  'united states of america': 'US',
  usa: 'US',
  'u.s.': 'US',
  'u.s.a.': 'US',
  us: 'US',
  uae: 'AE',
  czechia: 'CZ',
  türkiye: 'TR',
  turkiye: 'TR',
};

/**
 * Every country name (official and alternative, in the registered languages) folded to lower case
 * without accents, built once on first use: the library's own look-up strips accents from every name on
 * every call (~230 µs), too slow for a column of 50,000 cells.
 */
let names: Map<string, Region> | undefined;
function namesIndex(): Map<string, Region> {
  if (!names) {
    names = new Map();
    for (const locale of ['es', 'fr', 'de', 'en']) {
      for (const [code, spellings] of Object.entries(countries.getNames(locale, { select: 'all' }))) {
        if (!isRegion(code)) continue;
        for (const spelling of spellings) names.set(foldKey(spelling), code);
      }
    }
  }
  return names;
}

/**
 * The ISO 3166 alpha-2 region of a country cell: a code ("GB", "GBR"), an English, German, French or
 * Spanish name ("Germany", "Deutschland", "Allemagne"), or a common alias ("UK", "England", "Holland").
 */
export const countryToRegion: (value: string) => Region | undefined = memoize(lookUpRegion);

function lookUpRegion(value: string): Region | undefined {
  if (isBlank(value)) return undefined;
  const text = cleanText(value);
  const alias = ALIASES[foldKey(text)] ?? ALIASES[text.toLowerCase()];
  if (alias) return alias;
  const upper = text.toUpperCase();
  if (upper.length === 2 && isRegion(upper)) return upper;
  if (upper.length === 3) {
    const fromAlpha3 = countries.alpha3ToAlpha2(upper);
    if (fromAlpha3 && isRegion(fromAlpha3)) return fromAlpha3;
  }
  return namesIndex().get(foldKey(text));
}

/** Canonical country: what the user typed, cleaned. Equality goes through `countryKey`. */
export function normalizeCountry(value: string): string | null {
  return isBlank(value) ? null : cleanText(value);
}

/** "UK", "United Kingdom" and "GB" share one key; unknown names compare accent- and case-insensitively. */
export function countryKey(value: string): string {
  return countryToRegion(value) ?? foldKey(value);
}
