/**
 * Tag input for the page: the bot's parser (Danbooru names, spaces or hyphens, Japanese
 * names and aliases, "did you mean") behind a text field, and the original's grouped
 * checkboxes kept in step with it.
 */
import { h, clear } from './dom.ts';
import { groupLabel, lang, t } from './i18n.ts';
import { parseTags, unknownTagsMessage, type TagEntry, type TagVocabulary } from './shared.ts';

export interface ParsedTags {
  ok: boolean;
  names: string[];
  vector: Float32Array;
  /** Shown under the field: unknown words with suggestions, then group notes. */
  message: string;
}

export function tagLabel(e: TagEntry): string {
  return lang() === 'ja' && e.ja ? e.ja : e.name.replace(/_/g, ' ');
}

export function parseTagText(vocab: TagVocabulary, text: string): ParsedTags {
  const r = parseTags(vocab, text);
  const lines: string[] = [];
  if (!r.ok) {
    // t() without values leaves the {placeholders} in: unknownTagsMessage fills them.
    lines.push(
      unknownTagsMessage(r.unknown, {
        typo: t('tags.unknown'),
        typoWithSuggestions: t('tags.didYouMean'),
        elsewhere: t('tags.elsewhere'),
        elsewhereNamed: t('tags.elsewhereNamed'),
        invisible: t('tags.invisible'),
        more: t('tags.more'),
      }),
    );
  }
  for (const w of r.warnings) lines.push(w.message);
  return { ok: r.ok, names: r.tags, vector: vocab.toVector(r.tags), message: lines.join('\n') };
}

/** A text field that parses as you type, with its feedback line. */
export class TagField {
  readonly input: HTMLInputElement;
  readonly feedback: HTMLElement;
  readonly el: HTMLElement;
  onChange: (p: ParsedTags) => void = () => {};

  constructor(
    private readonly vocab: TagVocabulary,
    opts: { label: string; placeholder: string; value?: string; testid?: string },
  ) {
    this.input = h('input', { type: 'text', placeholder: opts.placeholder, value: opts.value ?? '', 'data-testid': opts.testid, spellcheck: 'false', autocomplete: 'off' });
    this.feedback = h('div', { class: 'feedback', role: 'status' });
    this.input.addEventListener('input', () => this.onChange(this.update()));
    this.el = h('label', { class: 'tagfield' }, h('span', { class: 'label' }, opts.label), this.input, this.feedback);
  }

  update(): ParsedTags {
    const p = parseTagText(this.vocab, this.input.value);
    this.feedback.textContent = p.message;
    this.feedback.classList.toggle('bad', !p.ok);
    return p;
  }

  get value(): ParsedTags {
    return this.update();
  }
}

/** The gacha's tag picker: a TagField above checkboxes grouped like the original's. */
export class TagPicker {
  readonly el: HTMLElement;
  readonly field: TagField;
  private readonly boxes = new Map<string, HTMLInputElement>();
  onChange: () => void = () => {};

  constructor(private readonly vocab: TagVocabulary) {
    this.field = new TagField(vocab, { label: t('tags.typed'), placeholder: t('tags.placeholder'), testid: 'tag-text' });
    this.field.onChange = (p) => {
      const want = new Set(p.names);
      for (const [name, box] of this.boxes) box.checked = want.has(name);
      this.onChange();
    };
    const groups = h('div', { class: 'groups' });
    for (const { group, entries } of vocab.groups()) {
      const set = h('fieldset', { class: `group group-${group}` }, h('legend', {}, groupLabel(group)));
      for (const e of entries) {
        const box = h('input', { type: 'checkbox', value: e.name, 'data-tag': e.name });
        box.addEventListener('change', () => this.fromBoxes());
        this.boxes.set(e.name, box);
        set.append(h('label', { class: 'check', title: lang() === 'ja' ? e.name : e.ja }, box, h('span', {}, tagLabel(e))));
      }
      groups.append(set);
    }
    const clearButton = h('button', { type: 'button', class: 'ghost', onclick: () => this.set([]) }, t('tags.clear'));
    this.el = h('div', { class: 'picker' }, h('div', { class: 'picker-top' }, this.field.el, clearButton), h('p', { class: 'hint' }, t('tags.unticked')), groups);
  }

  private fromBoxes(): void {
    const names = this.vocab.entries.filter((e) => this.boxes.get(e.name)?.checked).map((e) => e.name);
    this.field.input.value = names.join(', ');
    this.field.update();
    this.onChange();
  }

  set(names: readonly string[]): void {
    for (const [name, box] of this.boxes) box.checked = names.includes(name);
    this.fromBoxes();
  }

  get value(): ParsedTags {
    return this.field.value;
  }
}

export function tagNamesLine(vocab: TagVocabulary, vector: ArrayLike<number>): string {
  const parts: string[] = [];
  for (const e of vocab.entries) {
    const v = vector[e.index] ?? 0;
    if (v >= 0.995) parts.push(tagLabel(e));
    else if (v > 0.005) parts.push(`${tagLabel(e)}×${v.toFixed(2)}`);
  }
  return parts.join(', ') || '—';
}

export { clear };
