import { randomBytes } from 'node:crypto';

let last = 0n;

/**
 * A new job id: a UUIDv7 whose 48-bit millisecond timestamp and 12-bit counter never go backwards in
 * this process. pg-boss orders the jobs of one key by `created_on`, then by `id`; `created_on` is the
 * database clock, which on PGlite ticks once per millisecond, so jobs sent one after another share it
 * and only the id says which was sent first. A random UUID there would run them in random order.
 */
export function nextJobId(): string {
  const now = BigInt(Date.now()) << 12n;
  // Same millisecond (or the clock stepped back): count on from the last id instead.
  last = now > last ? now : last + 1n;
  const milliseconds = last >> 12n;
  const counter = Number(last & 0xfffn);
  const bytes = randomBytes(16);
  for (let i = 0; i < 6; i++) bytes[i] = Number((milliseconds >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
