import { cleanText, isBlank } from './text.ts';

/** A pragmatic address check: one @, a dotted domain, no spaces. Full RFC 5322 is not what users type. */
const EMAIL_SHAPE = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:".]{2,}$/;

/**
 * Canonical email: trimmed, `mailto:` and a display name (`Ann <ann@x.com>`) removed, lower-cased.
 * Returns `null` for a blank cell, or one holding nothing else ("mailto:", "<N/A>"). An address that
 * does not look valid is kept (lower-cased) so nothing typed is lost; `isValidEmail` tells the caller to
 * flag it.
 */
export function normalizeEmail(value: string): string | null {
  if (isBlank(value)) return null;
  let text = cleanText(value);
  const bracketed = /<([^<>]+)>/.exec(text);
  if (bracketed?.[1]) text = bracketed[1];
  text = text.replace(/^(?:\s*mailto:)+/i, '');
  // People paste addresses with trailing punctuation from prose ("ann@x.com;" or "ann@x.com .").
  text = text.replace(/[.,;:\s]+$/, '').trim();
  // Lower-casing can leave accents out of canonical order ("İ̧" → "i̧̇"); NFC puts them back.
  return isBlank(text) ? null : text.toLowerCase().normalize('NFC');
}

export function isValidEmail(value: string): boolean {
  return EMAIL_SHAPE.test(value);
}

/** Every address in a cell that may hold several ("a@x.com; b@y.com"), normalised, without repeats. */
export function splitEmails(value: string): string[] {
  if (!/[;,\s]/.test(value.trim())) {
    const email = normalizeEmail(value);
    return email && isValidEmail(email) ? [email] : [];
  }
  const found = new Set<string>();
  for (const part of value.split(/[;,\n\s]+|\s+or\s+/i)) {
    const email = normalizeEmail(part);
    if (email && isValidEmail(email)) found.add(email);
  }
  return [...found];
}

/** The domain of an email address, or `undefined` when there is no usable one. */
export function emailDomain(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  if (at < 1) return undefined;
  const domain = email
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.+$/, '');
  return domain.includes('.') ? domain : undefined;
}
