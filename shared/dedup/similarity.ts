import { distance } from 'fastest-levenshtein';
import type { Identity } from './identity.ts';
import { areNicknames } from './nicknames.ts';

/** Mailbox-style addresses shared by a team: one address does not make two people one. */
const ROLE_LOCAL_PARTS = new Set([
  'info',
  'sales',
  'contact',
  'hello',
  'office',
  'admin',
  'support',
  'team',
  'enquiries',
  'inquiries',
  'marketing',
  'hr',
  'jobs',
  'careers',
  'billing',
  'accounts',
  'help',
  'mail',
  'noreply',
  'no-reply',
  'reception',
  'general',
  'service',
  'hi',
  'bookings',
  'orders',
]);

export function isRoleAddress(email: string): boolean {
  return ROLE_LOCAL_PARTS.has(email.slice(0, email.lastIndexOf('@')));
}

function overlaps(a: readonly string[], b: readonly string[]): boolean {
  return a.some((item) => b.includes(item));
}

/** Both sides have values and none is shared: the identifier says "different". */
export function disagree(a: readonly string[], b: readonly string[]): boolean {
  return a.length > 0 && b.length > 0 && !overlaps(a, b);
}

/**
 * Two addresses that are one typo apart at the same domain ("jonh@acme.com", "john@acme.com") are more
 * likely one mistyped address than two people: they do not count as disagreeing. They never match as
 * tier 1 either; only an identical address does.
 */
function nearlySameAddress(a: string, b: string): boolean {
  const [atA, atB] = [a.lastIndexOf('@'), b.lastIndexOf('@')];
  if (a.slice(atA) !== b.slice(atB) || Math.min(atA, atB) < 4) return false;
  return distance(a.slice(0, atA), b.slice(0, atB)) <= 1;
}

/** Like `disagree` for mailboxes, but a one-letter typo at the same domain is not a different person. */
export function emailsDisagree(a: readonly string[], b: readonly string[]): boolean {
  if (!disagree(a, b)) return false;
  return !a.some((x) => b.some((y) => nearlySameAddress(x, y)));
}

/**
 * How many typos a name of this length may carry and still be the same name. The brief's rule is
 * Levenshtein ≤ 2; on short names two edits turn one real name into another ("Li Wu" → "Al Wu"), so
 * shorter names get less room.
 */
export function typoAllowance(length: number): number {
  if (length >= 8) return 2;
  if (length >= 4) return 1;
  return 0;
}

/** Edit distance between full names, also trying the two parts swapped ("Smith John" vs "John Smith"). */
export function nameDistance(a: Identity, b: Identity): number {
  const direct = distance(a.fullName, b.fullName);
  if (direct === 0 || a.swappedName === a.fullName) return direct;
  return Math.min(direct, distance(a.swappedName, b.fullName));
}

/** Whether full names are within the typo allowance; the length check spares most distance computations. */
function withinTypos(a: Identity, b: Identity): boolean {
  const allowance = typoAllowance(Math.min(a.fullName.length, b.fullName.length));
  return Math.abs(a.fullName.length - b.fullName.length) <= allowance && nameDistance(a, b) <= allowance;
}

/** Given names compared by their first word: "John A." and "John" are one given name. */
function givenNamesCompatible(a: string, b: string): boolean {
  if (!a || !b || a === b) return true;
  const x = a.split(' ', 1)[0] ?? a;
  const y = b.split(' ', 1)[0] ?? b;
  if (x === y || areNicknames(x, y)) return true;
  if (x.length === 1 || y.length === 1) return x[0] === y[0];
  return distance(x, y) <= typoAllowance(Math.min(x.length, y.length));
}

/**
 * True when two records' names could belong to one person: a typo apart (see `typoAllowance`), a short
 * form ("Bob"/"Robert"), an initial ("J. Smith"), or one side has no name at all. Used to keep a shared
 * phone line or a team inbox from merging different people.
 */
export function namesCompatible(a: Identity, b: Identity): boolean {
  if (!a.fullName || !b.fullName) return true;
  if (withinTypos(a, b)) return true;
  // One side knows only part of the name ("Bob" vs "Bob Stone"): compare the parts both have.
  if (!a.last || !b.last) return Boolean(a.first && b.first) && givenNamesCompatible(a.first, b.first);
  const lastOk = distance(a.last, b.last) <= typoAllowance(Math.min(a.last.length, b.last.length));
  return lastOk && givenNamesCompatible(a.first, b.first);
}

/**
 * Tier 3 name rule: person names within the typo allowance, or the same surname with a short form of
 * the same given name. Both records need a first and a last name: "John" at Acme and "John" at Acme are
 * not enough to call them one person.
 */
export function namesMatch(a: Identity, b: Identity): boolean {
  if (!a.first || !a.last || !b.first || !b.last) return false;
  if (withinTypos(a, b)) return true;
  return (
    areNicknames(a.first, b.first) &&
    distance(a.last, b.last) <= typoAllowance(Math.min(a.last.length, b.last.length))
  );
}

/** A tie-breaker among candidates of one tier: how much else agrees (0 = nothing known). */
export function supportScore(a: Identity, b: Identity): number {
  let score = 0;
  if (a.fullName && b.fullName) score += a.fullName === b.fullName ? 3 : namesCompatible(a, b) ? 2 : -3;
  if (a.company && a.company === b.company) score += 2;
  if (overlaps(a.domains, b.domains)) score += 1;
  if (overlaps(a.phones, b.phones)) score += 2;
  return score;
}
