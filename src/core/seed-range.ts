/**
 * Consecutive seeds as words: "42", "42–50". Seeds count on modulo 2^32, so a run that starts
 * near the top wraps to 0: "4294967295, 0–1" says so instead of "4294967295–1".
 */
export function seedRangeText(seeds: readonly number[]): string {
  const first = seeds[0];
  if (first === undefined) return '';
  const last = seeds[seeds.length - 1]!;
  if (seeds.length === 1) return String(first);
  if (last >= first) return `${first}–${last}`;
  const top = 0xffffffff;
  const before = first === top ? String(top) : `${first}–${top}`;
  const after = last === 0 ? '0' : `0–${last}`;
  return `${before}, ${after}`;
}
