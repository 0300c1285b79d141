import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A new per-spreadsheet secret: 256 random bits, base64url. The add-on keeps it in the document's
 * properties and sends it with every call, so only people who can open the sheet can act for it.
 */
export function newSheetSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * What is stored instead of the secret. A plain SHA-256 is enough: the secret is 256 random bits, so
 * there is nothing to brute-force that a slow hash would protect.
 */
export function hashSheetSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares a presented secret with the stored hash in constant time. */
export function sheetSecretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSheetSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
