/**
 * Remembers a pure string function's answers, forgetting all of them once `limit` are held. Sheets repeat
 * values (one company, one country, many rows) and some look-ups are costly: a phone parse is ~15 µs, a
 * country name scans every name in four languages.
 */
export function memoize<T>(compute: (key: string) => T, limit = 20_000): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    if (cache.has(key)) return cache.get(key) as T;
    if (cache.size >= limit) cache.clear();
    const value = compute(key);
    cache.set(key, value);
    return value;
  };
}
