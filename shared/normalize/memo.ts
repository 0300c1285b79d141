/**
 * Remembers a pure string function's answers, forgetting all of them once `limit` are held. Sheets repeat
 * values (one company, one country, many rows) and some look-ups are costly: a phone parse is ~15 µs, a
 * country name scans every name in four languages. The limit is sized for a 50,000-row sheet's distinct
 * companies and websites: a cache that fills and clears on every sheet would only cost time.
 */
export function memoize<T>(compute: (key: string) => T, limit = 100_000): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    const known = cache.get(key);
    if (known !== undefined || cache.has(key)) return known as T;
    if (cache.size >= limit) cache.clear();
    const value = compute(key);
    cache.set(key, value);
    return value;
  };
}
