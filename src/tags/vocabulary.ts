/**
 * A model's tag vocabulary (from its tags.json): lookup by any spelling, tag vector
 * conversion, grouped listings. Free-text parsing and autocompletion are plain functions
 * beside it (parse.ts, autocomplete.ts) that take a vocabulary; this file imports neither.
 */

/** The groups of the default vocabulary, in listing order. Models may add others. */
export const KNOWN_GROUPS = ['hair_color', 'eye_color', 'hairstyle', 'expression', 'face', 'accessories', 'other'] as const;
export type KnownTagGroup = (typeof KNOWN_GROUPS)[number];
export type TagGroup = KnownTagGroup | (string & {});

/** One entry of tags.json, as written by the exporter. */
export interface TagSpec {
  name: string;
  group: TagGroup;
  ja?: string;
  aliases?: string[];
  /** Share of training images carrying the tag (0..1), when the exporter knew it. */
  frequency?: number;
  /** Name of the set of alternatives this tag belongs to (one hair colour, one hairstyle…). */
  exclusive?: string;
  /**
   * Exclusive sets this tag hides: no training image has it beside any tag of the set
   * (closed_eyes and sunglasses hide eye_color: an eye colour nobody can see is not tagged).
   */
  hides?: string[];
}

export interface TagEntry {
  /** Canonical name, e.g. "blonde_hair". */
  readonly name: string;
  readonly group: TagGroup;
  /** Japanese name ("" when none). */
  readonly ja: string;
  readonly aliases: readonly string[];
  readonly frequency: number;
  /** Set of alternatives this tag belongs to, if any (see TagSpec.exclusive). */
  readonly exclusive?: string;
  /** Exclusive sets this tag hides (see TagSpec.hides); empty for most tags. */
  readonly hides: readonly string[];
  /** Position in the tag vector. */
  readonly index: number;
}

/**
 * Folds the spellings users type onto one key: NFKC (full-width → ASCII, half-width kana →
 * full-width), lower case, and any run of spaces, underscores or hyphens → one "_".
 * "Blonde Hair", "blonde-hair" and "BLONDE_HAIR" all become "blonde_hair". Invisible format
 * characters (zero-width spaces and joiners, bidi controls, soft hyphens) are dropped: no
 * tag has one, and a pasted "blonde\u200b_hair" means blonde_hair.
 */
export function normalizeTag(text: string): string {
  return stripInvisible(text)
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-‐]+/gu, '_')
    .replace(/^_+|_+$/g, '');
}

const INVISIBLE = /\p{Cf}/gu;

/** `text` without invisible format characters (\p{Cf}: zero-width spaces and joiners, bidi controls, BOM). */
export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, '');
}

export interface LookupKey {
  key: string;
  entry: TagEntry;
  /** 0 canonical name, 1 Japanese name, 2 alias, 3 name without separators. */
  kind: 0 | 1 | 2 | 3;
}

export class TagVocabulary {
  readonly entries: readonly TagEntry[];
  private readonly byKey = new Map<string, LookupKey>();

  constructor(specs: readonly TagSpec[]) {
    this.entries = specs.map((s, index) => ({
      name: s.name,
      group: s.group,
      ja: s.ja ?? '',
      aliases: [...(s.aliases ?? [])],
      frequency: s.frequency ?? 0,
      ...(s.exclusive ? { exclusive: s.exclusive } : {}),
      hides: [...(s.hides ?? [])],
      index,
    }));
    const seen = new Set<string>();
    for (const e of this.entries) {
      if (seen.has(e.name)) throw new RangeError(`duplicate tag name "${e.name}"`);
      seen.add(e.name);
    }
    // Earlier kinds win on a clash: a canonical name is never shadowed by another tag's alias.
    for (const kind of [0, 1, 2, 3] as const) {
      for (const entry of this.entries) {
        const spellings = kind === 0 ? [entry.name] : kind === 1 ? [entry.ja] : kind === 2 ? entry.aliases : [entry.name.replace(/_/g, '')];
        for (const s of spellings) {
          const key = normalizeTag(s);
          if (key && !this.byKey.has(key)) this.byKey.set(key, { key, entry, kind });
        }
      }
    }
  }

  get size(): number {
    return this.entries.length;
  }

  /** The entry a spelling names (canonical, Japanese or alias, any case/separator), if any. */
  lookup(text: string): TagEntry | undefined {
    return this.byKey.get(normalizeTag(text))?.entry;
  }

  /** Every normalised spelling with its entry (for suggestion and completion search). */
  keys(): IterableIterator<LookupKey> {
    return this.byKey.values();
  }

  /** Index of a tag in the vector; throws RangeError for unknown names (programming error). */
  indexOf(name: string): number {
    const e = this.lookup(name);
    if (!e) throw new RangeError(`unknown tag "${name}"`);
    return e.index;
  }

  /**
   * The tag vector (length = size) for a list of names (each 1) or a name → weight map
   * (weights in [0, 1]; fractional weights are what morphs produce).
   */
  toVector(tags: readonly string[] | Readonly<Record<string, number>>): Float32Array {
    const v = new Float32Array(this.entries.length);
    const pairs: [string, number][] = Array.isArray(tags) ? (tags as readonly string[]).map((n) => [n, 1]) : Object.entries(tags as Record<string, number>);
    for (const [name, weight] of pairs) {
      if (!(weight >= 0 && weight <= 1)) throw new RangeError(`tag weight for "${name}" must be within [0, 1], got ${weight}`);
      v[this.indexOf(name)] = weight;
    }
    return v;
  }

  /** Names of the tags whose value is ≥ threshold, in vector order. */
  namesOf(vector: ArrayLike<number>, threshold = 0.5): string[] {
    if (vector.length !== this.entries.length) {
      throw new RangeError(`tag vector has ${vector.length} values, the vocabulary ${this.entries.length}`);
    }
    return this.entries.filter((e) => vector[e.index]! >= threshold).map((e) => e.name);
  }

  /** Entries grouped for a listing: known groups in their usual order, then any others. */
  groups(): { group: TagGroup; entries: TagEntry[] }[] {
    const map = new Map<TagGroup, TagEntry[]>();
    for (const g of KNOWN_GROUPS) map.set(g, []);
    for (const e of this.entries) {
      const list = map.get(e.group);
      if (list) list.push(e);
      else map.set(e.group, [e]);
    }
    return [...map].filter(([, list]) => list.length > 0).map(([group, entries]) => ({ group, entries }));
  }

  /** The entries as tags.json writes them (for worker messages and for tests). */
  toSpecs(): TagSpec[] {
    return this.entries.map((e) => ({
      name: e.name,
      group: e.group,
      ...(e.ja ? { ja: e.ja } : {}),
      ...(e.aliases.length ? { aliases: [...e.aliases] } : {}),
      ...(e.exclusive ? { exclusive: e.exclusive } : {}),
      ...(e.hides.length ? { hides: [...e.hides] } : {}),
      frequency: e.frequency,
    }));
  }
}
