/**
 * The page's state carried across the reload that switching language needs: the tags typed
 * or ticked, the gacha's grid (its first seed, size and ψ) and the open tab. Kept in
 * sessionStorage for that one reload and taken back once, so that 日本語 / English changes
 * the words and nothing else. What fails to read back is dropped: the page then starts fresh.
 */
export interface Carried {
  tags: string;
  /** The grid's first seed, or null before the first roll finished. */
  base: number | null;
  count: number;
  psi: number;
  tab: string;
}

const KEY = 'gff.carry.v1';

export function saveCarried(state: Carried, storage: Storage = sessionStorage): void {
  try {
    storage.setItem(KEY, JSON.stringify(state));
  } catch {
    /* storage full or disabled: the switch then starts fresh, as it did before */
  }
}

/** The state saved just before this load, once; null when there is none or it does not read back. */
export function takeCarried(storage: Storage = sessionStorage): Carried | null {
  let raw: string | null;
  try {
    raw = storage.getItem(KEY);
    storage.removeItem(KEY);
  } catch {
    return null;
  }
  if (raw === null) return null;
  try {
    const v = JSON.parse(raw) as Partial<Carried>;
    const seed = v.base;
    if (typeof v.tags !== 'string' || typeof v.count !== 'number' || typeof v.psi !== 'number' || typeof v.tab !== 'string') return null;
    if (seed !== null && !(typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) return null;
    return { tags: v.tags.slice(0, 2000), base: seed ?? null, count: v.count, psi: v.psi, tab: v.tab };
  } catch {
    return null;
  }
}
