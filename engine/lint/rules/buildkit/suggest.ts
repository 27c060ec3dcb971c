import leven from 'leven';

/**
 * BuildKit's suggest.Search: the closest option within edit distance 2, none when the name
 * itself is an option; case-insensitive search answers in the casing of the name asked for.
 */
export function suggestName(name: string, options: Iterable<string>, caseSensitive = true): string {
  const wanted = caseSensitive ? name : name.toLowerCase();
  let match = '';
  let best = 3;
  for (const option of options) {
    const candidate = caseSensitive ? option : option.toLowerCase();
    if (candidate === wanted) return '';
    const distance = leven(wanted, candidate);
    if (distance < best) {
      best = distance;
      match = caseSensitive ? candidate : matchCase(candidate, name);
    }
  }
  return match;
}

function matchCase(value: string, original: string): string {
  if (original === original.toLowerCase()) return value.toLowerCase();
  if (original === original.toUpperCase()) return value.toUpperCase();
  return value;
}
