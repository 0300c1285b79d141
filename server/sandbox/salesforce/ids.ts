/**
 * Salesforce record ids: a 3-character key prefix naming the object (`00Q` Lead, `003` Contact, ...), then
 * the record's part, 15 case-sensitive characters in all, and a 3-character suffix that makes the 18-character
 * form case-insensitive: for each 5-character chunk, a bit per upper-case letter, as one of `A-Z0-5`.
 * https://help.salesforce.com/s/articleView?id=000385008 (15- and 18-character ids)
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The 3-character checksum of a 15-character id. */
function suffixOf(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let bits = 0;
    for (let i = 0; i < 5; i += 1) {
      const char = id15.charAt(chunk * 5 + i);
      if (char >= 'A' && char <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX.charAt(bits);
  }
  return suffix;
}

/** The `n`-th id with `prefix`, in its 18-character form. */
export function makeId(prefix: string, n: number): string {
  let part = '';
  for (let rest = n; rest > 0; rest = Math.floor(rest / 62)) part = BASE62.charAt(rest % 62) + part;
  const id15 = `${prefix}8d${part.padStart(10, '0')}`;
  return id15 + suffixOf(id15);
}

/** A 15- or 18-character id in its 18-character form; undefined when it cannot be an id. */
export function toId18(value: string): string | undefined {
  if (/^[a-zA-Z0-9]{15}$/.test(value)) return value + suffixOf(value);
  if (/^[a-zA-Z0-9]{18}$/.test(value)) {
    // The suffix is case-insensitive; the first 15 characters are not.
    const id15 = value.slice(0, 15);
    return suffixOf(id15) === value.slice(15).toUpperCase() ? id15 + suffixOf(id15) : undefined;
  }
  return undefined;
}
