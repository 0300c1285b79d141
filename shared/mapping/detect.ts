import { CANONICAL_FIELD_NAMES, CANONICAL_FIELDS, type CanonicalField, type FieldKey } from '../fields.ts';
import { cleanText } from '../normalize/index.ts';
import { headerKey, isRowIdHeader } from './headers.ts';
import { HEADER_SYNONYMS } from './synonyms.ts';

/** How a header was recognised: its field's key or label, a known synonym, or not at all. */
export type DetectConfidence = 'exact' | 'synonym' | 'none';

/** One sheet column and the field it was recognised as. `field` is absent when it was not recognised. */
export interface DetectedColumn {
  readonly index: number;
  readonly header: string;
  readonly field?: FieldKey;
  readonly confidence: DetectConfidence;
}

interface Match {
  readonly field: CanonicalField;
  readonly confidence: 'exact' | 'synonym';
}

const EXACT = new Map<string, CanonicalField>();
const SYNONYMS = new Map<string, CanonicalField>();
for (const field of CANONICAL_FIELD_NAMES) {
  EXACT.set(headerKey(field), field);
  EXACT.set(headerKey(CANONICAL_FIELDS[field].label), field);
  for (const synonym of HEADER_SYNONYMS[field]) SYNONYMS.set(headerKey(synonym), field);
}

function matchHeader(header: string): Match | undefined {
  if (cleanText(header) === '' || isRowIdHeader(header)) return undefined;
  const key = headerKey(header);
  const exact = EXACT.get(key);
  if (exact) return { field: exact, confidence: 'exact' };
  const synonym = SYNONYMS.get(key);
  return synonym ? { field: synonym, confidence: 'synonym' } : undefined;
}

const RANK = { exact: 2, synonym: 1 } as const;

/** Index of the best match for a field: exact beats synonym, then the left-most wins. */
function bestIndex(matches: readonly (Match | undefined)[], field: CanonicalField): number | undefined {
  let best: number | undefined;
  matches.forEach((match, index) => {
    if (match?.field !== field) return;
    const current = best === undefined ? undefined : matches[best];
    if (!current || RANK[match.confidence] > RANK[current.confidence]) best = index;
  });
  return best;
}

/**
 * Recognises the canonical field behind each sheet header, ignoring case, accents, spacing and punctuation
 * and knowing common synonyms ("E-mail", "Company Name", "Surname").
 *
 * Each field is assigned once: an exact match beats a synonym, then the left-most column wins; the other
 * candidates stay unmapped so the user decides. A sheet without a phone column gets its mobile column as
 * `phone`, because for most outreach lists the mobile number is the only number. Blank headers and the
 * hidden "Rowbridge ID" column are never mapped.
 *
 * @example
 * detectColumns(['E-mail', 'Company Name', 'Mobile']).map((c) => c.field); // ['email', 'company', 'phone']
 */
export function detectColumns(headers: readonly string[]): DetectedColumn[] {
  const matches = headers.map(matchHeader);
  if (bestIndex(matches, 'phone') === undefined) {
    const mobile = bestIndex(matches, 'mobile');
    if (mobile !== undefined) matches[mobile] = { field: 'phone', confidence: 'synonym' };
  }
  const winners = new Set(CANONICAL_FIELD_NAMES.map((field) => bestIndex(matches, field)));
  return headers.map((header, index) => {
    const match = matches[index];
    if (match && winners.has(index))
      return { index, header, field: match.field, confidence: match.confidence };
    return { index, header, confidence: 'none' };
  });
}
