/**
 * Favourites in the browser's localStorage: seven slots, newest first, each a share code
 * (the bot's format, so a code copied here works in /favorite add) and an optional name.
 */
export const FAVOURITES_MAX = 7;
const KEY = 'gff.favourites.v1';

export interface Favourite {
  code: string;
  name: string;
  /** ms since epoch. */
  added: number;
}

export type AddResult = 'added' | 'already' | 'full';

export class FavouriteStore {
  constructor(private readonly storage: Storage = localStorage) {}

  list(): Favourite[] {
    try {
      const raw = JSON.parse(this.storage.getItem(KEY) ?? '[]') as unknown;
      if (!Array.isArray(raw)) return [];
      return raw
        .filter((f): f is Favourite => typeof f?.code === 'string')
        .map((f) => ({ code: f.code, name: typeof f.name === 'string' ? f.name : '', added: Number(f.added) || 0 }))
        .slice(0, FAVOURITES_MAX);
    } catch {
      return [];
    }
  }

  private save(list: Favourite[]): void {
    this.storage.setItem(KEY, JSON.stringify(list));
  }

  add(code: string, name = ''): AddResult {
    const list = this.list();
    if (list.some((f) => f.code === code)) return 'already';
    if (list.length >= FAVOURITES_MAX) return 'full';
    this.save([{ code, name, added: Date.now() }, ...list]);
    return 'added';
  }

  remove(index: number): Favourite | undefined {
    const list = this.list();
    const [gone] = list.splice(index, 1);
    this.save(list);
    return gone;
  }

  rename(index: number, name: string): void {
    const list = this.list();
    if (!list[index]) return;
    list[index] = { ...list[index], name: name.slice(0, 64) };
    this.save(list);
  }
}
