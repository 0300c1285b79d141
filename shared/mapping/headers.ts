import { foldKey } from '../normalize/index.ts';

/**
 * The key headers are recognised by: case, accents, spaces and punctuation do not count, so "E-mail",
 * "e mail" and "EMAIL" share one key. Letters of any script survive, so non-Latin headers never collapse
 * into one empty key.
 */
export function headerKey(header: string): string {
  return foldKey(header).replace(/[^\p{L}\p{N}]+/gu, '');
}

/**
 * The key two mapped headers are compared by when looking for duplicates. Stricter than `headerKey`:
 * "Phone (work)" and "Phone work" are different columns a user may really have, but "Email " and
 * "email" are the same column typed twice.
 */
export function sameColumnKey(header: string): string {
  return foldKey(header).replace(/\s+/g, '');
}

/**
 * True for Rowbridge's own hidden row-id column ("Rowbridge ID", "Rowbridge ID (do not edit)"): it carries
 * identity, not data, so it is never mapped to a field.
 */
export function isRowIdHeader(header: string): boolean {
  return headerKey(header).startsWith('rowbridgeid');
}
