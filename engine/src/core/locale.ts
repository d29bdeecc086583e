/**
 * Locale fallback (BCP 47 truncation, RFC 4647 lookup): `zh-Hant-TW` → `zh-Hant-TW`, `zh-Hant`, `zh`. Underscores
 * (`zh_CN`) are accepted; an invalid tag yields an empty chain. Pure.
 */
export function localeChain(locale: string | null | undefined): string[] {
  if (typeof locale !== 'string' || locale.trim() === '') return [];
  let canonical: string;
  try {
    [canonical] = Intl.getCanonicalLocales(locale.trim().replace(/_/g, '-'));
  } catch {
    return [];
  }
  if (!canonical) return [];
  const parts = canonical.split('-');
  const chain: string[] = [];
  for (let n = parts.length; n > 0; n--) {
    // a single-letter subtag (extension) never ends a candidate
    if (parts[n - 1].length === 1) continue;
    chain.push(parts.slice(0, n).join('-'));
  }
  return chain;
}

/** The first key of `available` on the contact's chain, else `fallback` (a key of available, or null). */
export function pickLocale(locale: string | null | undefined, available: readonly string[], fallback: string | null = null): string | null {
  const byLower = new Map(available.map((k) => [k.toLowerCase(), k]));
  for (const candidate of localeChain(locale)) {
    const hit = byLower.get(candidate.toLowerCase());
    if (hit) return hit;
  }
  return fallback;
}
