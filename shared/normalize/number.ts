import { cleanText, isBlank } from './text.ts';

const SCALE: Record<string, number> = { k: 1e3, m: 1e6, mm: 1e6, bn: 1e9, b: 1e9 };

/**
 * A number from what people type: "$1,200.50" → 1200.5, "1.200,50 €" → 1200.5, "(300)" → -300,
 * "45%" → 45, "1.2M" → 1200000. Returns the cleaned text when it is not a number, so nothing is lost;
 * check `typeof result === 'number'`.
 */
export function normalizeNumber(value: string | number): number | string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (isBlank(value)) return null;
  const text = cleanText(value);
  const m =
    /^(\()?\s*([-+])?\s*[^\d\s.,()+-]{0,3}\s*([-+])?\s*([\d.,' ]*\d(?:[.,]\d*)?)\s*(k|mm|m|bn|b)?\s*[^\d\s.,()]{0,3}\s*(\))?$/i.exec(
      text,
    );
  if (!m?.[4] || Boolean(m[1]) !== Boolean(m[6])) return text;
  const negative = Boolean(m[1]) || m[2] === '-' || m[3] === '-';
  const digits = parseDigits(m[4].replace(/[' ]/g, ''));
  if (digits === undefined) return text;
  const scaled = digits * (m[5] ? (SCALE[m[5].toLowerCase()] ?? 1) : 1);
  // Scaling by k/M can leave float noise (1.2 * 1e6); round to the precision the input had.
  const rounded = Number(scaled.toPrecision(15));
  return negative ? -rounded : rounded;
}

/** Reads digit groups with either separator convention; the last separator wins as the decimal point. */
function parseDigits(text: string): number | undefined {
  const lastDot = text.lastIndexOf('.');
  const lastComma = text.lastIndexOf(',');
  let normalized: string;
  if (lastDot >= 0 && lastComma >= 0) {
    const decimal = lastDot > lastComma ? '.' : ',';
    const group = decimal === '.' ? ',' : '.';
    normalized = text.split(group).join('').replace(decimal, '.');
  } else if (lastComma >= 0) {
    // "1,200" and "1,200,000" are thousands; "12,5" is a decimal comma.
    normalized = /^\d{1,3}(,\d{3})+$/.test(text) ? text.replace(/,/g, '') : text.replace(',', '.');
  } else if (/^\d{1,3}(\.\d{3}){2,}$/.test(text)) {
    normalized = text.replace(/\./g, '');
  } else {
    normalized = text;
  }
  if (!/^\d*\.?\d+$|^\d+\.$/.test(normalized)) return undefined;
  const parsed = Number(normalized);
  return Number.isFinite(parsed) ? parsed : undefined;
}
