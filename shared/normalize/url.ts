import { emailDomain } from './email.ts';
import { cleanText, isBlank } from './text.ts';

/** Canonical URL: trimmed; what the user typed is otherwise kept (paths and schemes matter to them). */
export function normalizeUrl(value: string): string | null {
  if (isBlank(value)) return null;
  return cleanText(value);
}

/**
 * The host of a URL, lower-cased and without `www.`: "https://WWW.Acme.com/about" → "acme.com".
 * Accepts bare hosts ("acme.com") and email addresses (the part after @).
 */
export function domainOf(value: string): string | undefined {
  const text = cleanText(value).toLowerCase();
  if (!text) return undefined;
  if (text.includes('@') && !text.includes('/')) return emailDomain(text)?.replace(/^www\./, '');
  const host = text
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/^[^/@]*@/, '')
    .split(/[/?#]/, 1)[0]
    ?.replace(/:\d+$/, '')
    .replace(/\.+$/, '')
    .replace(/^www\d?\./, '');
  return host?.includes('.') && !/\s/.test(host) ? host : undefined;
}

/** Comparison key for URLs: host (no www) plus path without a trailing slash; scheme is ignored. */
export function urlKey(value: string): string {
  const text = cleanText(value);
  const host = domainOf(text);
  if (!host) return text.toLowerCase();
  const rest = text.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^[^/?#]*/, '');
  return host + rest.replace(/\/+$/, '');
}
