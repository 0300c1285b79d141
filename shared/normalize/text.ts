/**
 * Text helpers shared by every normaliser. All of them are idempotent: applying one to its own output
 * changes nothing, which the property tests in `normalize.test.ts` check.
 */

/** Values people type into a cell to mean "nothing here". Compared after `foldKey`. */
const PLACEHOLDERS = new Set([
  '',
  '-',
  '--',
  '---',
  '?',
  'n/a',
  'na',
  'n.a.',
  'none',
  'null',
  'nil',
  'undefined',
  'unknown',
  'tbd',
  'tba',
  'x',
  'no email',
  'no phone',
  '#n/a',
  '#ref!',
  '#value!',
  '#error!',
]);

/** Printable ASCII words separated by single spaces: already clean, and NFC/NFD leave it unchanged. */
const PLAIN_ASCII = /^[!-~]+(?: [!-~]+)*$/;

/**
 * ZWNJ/ZWJ that join nothing: at either end, next to whitespace, or before a combining mark (where it
 * would block NFC). https://www.unicode.org/reports/tr31/#Layout_and_Format_Control_Characters
 */
const STRAY_JOINERS =
  /^[\u200C\u200D]+|[\u200C\u200D]+$|(?<=[\s\u00A0\u2000-\u200A\u202F\u205F\u3000])[\u200C\u200D]+|[\u200C\u200D]+(?=[\s\u00A0\u2000-\u200A\u202F\u205F\u3000\p{M}])/gu;

const PLACEHOLDER_MAX = Math.max(...[...PLACEHOLDERS].map((text) => text.length));

/** Trim, turn every run of whitespace (including no-break and zero-width spaces) into one space, NFC. */
export function cleanText(value: string): string {
  // Most cells are plain ASCII; skipping Unicode normalisation for them halves matching time.
  if (PLAIN_ASCII.test(value)) return value;
  // Zero-width characters go first: one between a letter and its accent would otherwise block NFC.
  // Joiners (ZWNJ, ZWJ) are spelling inside a word, though: Persian writes "می‌خواهم" with a ZWNJ and
  // emoji sequences (👩‍💻) hold together with a ZWJ, so they go only where they join nothing.
  return value
    .replace(/[\u200B\uFEFF]/g, '')
    .replace(STRAY_JOINERS, '')
    .normalize('NFC')
    .replace(/[\s\u00A0\u2000-\u200A\u202F\u205F\u3000]+/g, ' ')
    .trim();
}

/** True for blanks and for the placeholders people type instead of leaving a cell empty. */
export function isBlank(value: string): boolean {
  if (PLAIN_ASCII.test(value))
    return value.length <= PLACEHOLDER_MAX && PLACEHOLDERS.has(value.toLowerCase());
  return PLACEHOLDERS.has(cleanText(value).toLowerCase());
}

/**
 * Letters that do not decompose under NFD but that people write without their accent. Lower case only:
 * `foldKey` lower-cases before it folds.
 */
const FOLDS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

/**
 * A comparison key: case-insensitive and accent-insensitive ("José" and "JOSE" share one key).
 * Used for equality only, never stored in place of what the user typed.
 */
export function foldKey(value: string): string {
  if (PLAIN_ASCII.test(value)) return value.toLowerCase();
  // Lower-case before folding, so "Ð" and "Þ" fold like "ð" and "þ"; a dropped mark that stood alone
  // between spaces ("a \u0301 b") must not leave two spaces behind.
  // Joiners change how a word looks, not which word it is: "می‌خواهم" and "میخواهم" share one key.
  return cleanText(value)
    .replace(/[\u200C\u200D]/g, '')
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (ch) => FOLDS[ch] ?? ch)
    .replace(/ {2,}/g, ' ')
    .trim();
}
