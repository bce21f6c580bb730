/**
 * Girl Friend Factory — the studio: the bundled model drawing in the browser. Gacha with
 * grouped tags, favourites in localStorage (as the bot's share codes), live morph and
 * blend, attribute change, variations, downloads; #g=<code> opens a girl.
 */
import { Engine, ModelLoadFailure, BACKENDS, type BackendName, type Face } from './engine.ts';
import { FavouriteStore, FAVOURITES_MAX } from './favourites.ts';
import { h, clear } from './dom.ts';
import { lang, pickLang, setLang, t, type Key } from './i18n.ts';
import { saveCarried, takeCarried, type Carried } from './carry.ts';
import { apngBlob, canvasBlob, download, faceCanvas, gifBlob, gridCanvas, paint, stripCanvas } from './pictures.ts';
import {
  ShareCodeError,
  bilinear,
  decodeShareCode,
  encodeShareCode,
  fillSetsAtRandom,
  mergeTags,
  interpolateSteps,
  lerp,
  peekShareCode,
  seedToZ,
  slerp,
  truncate,
  variations,
  codedParts,
  partVariations,
} from './shared.ts';
import { TagField, TagPicker, tagNamesLine } from './tags-ui.ts';

interface Girl {
  z: Float32Array;
  tags: Float32Array;
  seed?: number;
}

/** What tests and the benchmark read (window.gffStudio). */
interface StudioProbe {
  ready: boolean;
  error: string | null;
  backend: BackendName | null;
  firstFaceMs: number | null;
  draws: number;
  /** Milliseconds from slider input to the face painted, per live step. */
  liveSteps: number[];
  /** Live draws in flight or waiting (0 when every slider's face is up to date). */
  liveBusy: number;
}
const probe: StudioProbe = { ready: false, error: null, backend: null, firstFaceMs: null, draws: 0, liveSteps: [], liveBusy: 0 };
(globalThis as unknown as { gffStudio: StudioProbe }).gffStudio = probe;

const params = new URLSearchParams(location.search);
/** localStorage: the picture size chosen with the size select (a model family's, card.json sizes). */
const PX_KEY = 'gff.px';
setLang(pickLang(location.search, navigator.languages ?? [navigator.language]));
document.documentElement.lang = lang();
document.title = t('title');

const root = document.getElementById('app')!;
const banner = h('div', { class: 'banner', role: 'alert', hidden: true, 'data-testid': 'banner' });
const toast = h('div', { class: 'toast', role: 'status', 'aria-live': 'polite' });

function showError(message: string, hint?: string): void {
  clear(banner);
  banner.append(h('strong', {}, message), ...(hint ? [h('p', {}, hint)] : []), h('button', { class: 'ghost', onclick: () => (banner.hidden = true) }, '×'));
  banner.hidden = false;
}

function say(message: string): void {
  toast.textContent = message;
  toast.classList.add('on');
  setTimeout(() => toast.classList.remove('on'), 2600);
}

/**
 * Which of `n` girls a picker at place `i` starts on (the pad's corners are places 0–3: ↖ ↗ ↙ ↘).
 * Each place its own girl while there are enough; two girls alternate (⭐1 ⭐2 ⭐1 ⭐2, so each
 * is at two corners and opposite corners differ, not ⭐1 ⭐2 ⭐2 ⭐2); with three the last
 * takes the fourth corner too.
 */
function defaultChoice(i: number, n: number): number {
  if (n <= 0) return 0;
  if (i < n) return i;
  return n === 2 ? i % 2 : n - 1;
}

function codeErrorText(e: unknown, have: string): string {
  if (e instanceof ShareCodeError) {
    return t(`err.code.${e.code}` as Key, { detail: e.message, model: e.modelId ?? '?', have });
  }
  return t('err.code.corrupt', { detail: (e as Error).message });
}

async function main(): Promise<void> {
  const loading = h('div', { class: 'loading', 'data-testid': 'loading' }, h('div', { class: 'spinner' }), t('loading'));
  root.append(banner, loading, toast);
  const requested = params.get('backend');
  const base = params.get('model') ?? 'models/default/';
  const backend = BACKENDS.includes(requested as BackendName) ? (requested as BackendName) : undefined;
  // The picture size: ?px=, else the one chosen before (the size select), else the model's own.
  const px = Number(params.get('px') ?? localStorage.getItem(PX_KEY)) || undefined;
  let engine: Engine;
  try {
    try {
      engine = await Engine.load(base, { backend, px });
    } catch (e) {
      if (px === undefined) throw e;
      // The other size's model is not there: the page draws at the model's own size, and says so.
      localStorage.removeItem(PX_KEY);
      engine = await Engine.load(base, { backend });
      showError(t('err.px', { px, detail: (e as Error).message, size: engine.size }));
    }
  } catch (e) {
    loading.remove();
    const hint = e instanceof ModelLoadFailure ? t(`err.model.${e.hint}` as Key) : t('err.model.files');
    probe.error = (e as Error).message;
    showError(t('err.model', { detail: (e as Error).message }), hint);
    return;
  }
  loading.remove();
  probe.backend = engine.backend;
  new Studio(engine).start();
}

class Studio {
  private readonly model;
  private readonly vocab;
  private readonly favs = new FavouriteStore();
  private current: Girl | null = null;
  private readonly size: number;
  private readonly panels = new Map<string, HTMLElement>();
  private readonly tabs = new Map<string, HTMLButtonElement>();
  /** Per panel: what redraws it when favourites or the current girl change. */
  private readonly refreshers: { panel: string; fn: () => void }[] = [];
  private readonly dirty = new Set<string>();
  private building = '';
  private visible = '';

  constructor(private readonly engine: Engine) {
    this.model = engine.model;
    this.vocab = engine.model.vocabulary;
    this.size = engine.size;
  }

  codeOf(g: Girl): string {
    return encodeShareCode({ modelId: this.model.id, z: g.z, tags: g.tags });
  }

  /** Decodes a code for this model; throws ShareCodeError (wrong_model for another model's). */
  girlOf(code: string): Girl {
    const { modelId } = peekShareCode(code);
    // A code made under one of the model's former ids (card.json formerIds) is still this model's.
    if (modelId !== this.model.id && !this.model.formerIds.includes(modelId)) throw new ShareCodeError('wrong_model', `made with model "${modelId}"`, modelId);
    const d = decodeShareCode(code, { zDim: this.model.zDim, numTags: this.vocab.size, modelId });
    return { z: d.z, tags: d.tags };
  }

  async draw(girls: readonly Girl[]): Promise<Face[]> {
    try {
      const faces = await this.engine.draw(girls);
      probe.draws += faces.length;
      if (faces.length && probe.firstFaceMs === null) {
        requestAnimationFrame(() => {
          if (probe.firstFaceMs === null) probe.firstFaceMs = performance.now();
          performance.mark('gff-first-face');
        });
      }
      return faces;
    } catch (e) {
      showError(t('err.draw', { detail: (e as Error).message }));
      throw e;
    }
  }

  start(): void {
    const header = h(
      'header',
      {},
      h('div', { class: 'brand' }, h('h1', {}, 'Girl Friend Factory', h('span', { class: 'studio' }, lang() === 'ja' ? 'スタジオ' : 'studio')), h('p', { class: 'tagline' }, t('tagline'))),
      h(
        'div',
        { class: 'meta' },
        h('span', { 'data-testid': 'backend' }, t('backend', { backend: this.engine.backend, model: this.model.name, size: this.size })),
        ...this.sizeSelect(),
        h('button', { class: 'ghost', 'data-testid': 'lang', onclick: () => this.switchLang() }, t('lang')),
      ),
    );
    const nav = h('nav', { role: 'tablist' });
    const main = h('main', {});
    const girlPanel = this.buildGirlPanel();
    root.append(header, girlPanel, nav, main, h('footer', {}, t('san'), ' · ', h('a', { href: 'https://www.dicebear.com/styles/lorelei/' }, 'DiceBear lorelei (CC0)')));
    const sections: [string, Key, () => HTMLElement][] = [
      ['gacha', 'tab.gacha', () => this.buildGacha()],
      ['favourites', 'tab.favourites', () => this.buildFavourites()],
      ['morph', 'tab.morph', () => this.buildMorph()],
      ['blend', 'tab.blend', () => this.buildBlend()],
      ['restyle', 'tab.restyle', () => this.buildRestyle()],
      ['variations', 'tab.variations', () => this.buildVariations()],
    ];
    for (const [id, key, build] of sections) {
      this.building = id;
      this.dirty.add(id);
      const el = build();
      const b = h('button', { role: 'tab', 'data-tab': id, onclick: () => this.show(id) }, t(key));
      this.tabs.set(id, b);
      nav.append(b);
      el.classList.add('panel');
      el.dataset['panel'] = id;
      this.panels.set(id, el);
      main.append(el);
    }
    this.show(this.carried && this.panels.has(this.carried.tab) ? this.carried.tab : 'gacha');
    window.addEventListener('hashchange', () => this.openFromHash());
    this.openFromHash();
    probe.ready = true;
  }

  /** State saved by switchLang before the reload (taken once, at start). */
  private readonly carried = takeCarried();
  /** The gacha's state now, for switchLang. */
  private gachaState: () => Omit<Carried, 'tab'> = () => ({ tags: '', base: null, count: 9, psi: 1 });

  /**
   * A picture-size select where the model's family draws several sizes (card.json sizes): the
   * choice is kept and the page reloads drawing with that size's model, the girls unchanged.
   */
  private sizeSelect(): HTMLElement[] {
    const sizes = this.engine.sizes;
    if (sizes.length < 2) return [];
    const select = h(
      'select',
      { 'data-testid': 'px', 'aria-label': t('px.label'), title: t('px.note', { px: this.size }) },
      sizes.map((px) => h('option', { value: String(px) }, `${px} px`)),
    );
    select.value = String(this.size);
    select.addEventListener('change', () => {
      localStorage.setItem(PX_KEY, select.value);
      this.reloadKeepingState('px');
    });
    return [select];
  }

  /** Reloads the page with the gacha's tags and grid and the open tab carried over; `param` leaves the address (it would override the choice just stored). */
  private reloadKeepingState(param: 'lang' | 'px'): void {
    saveCarried({ ...this.gachaState(), tab: this.visible });
    const url = new URL(location.href);
    if (url.searchParams.has(param)) {
      url.searchParams.delete(param);
      history.replaceState(null, '', url);
    }
    location.reload();
  }

  /** The words change, nothing else: tags, the grid and the tab come back after the reload. */
  private switchLang(): void {
    localStorage.setItem('gff.lang', lang() === 'ja' ? 'en' : 'ja');
    this.reloadKeepingState('lang');
  }

  show(id: string): void {
    this.visible = id;
    for (const [k, el] of this.panels) el.hidden = k !== id;
    for (const [k, b] of this.tabs) b.setAttribute('aria-selected', String(k === id));
    if (this.dirty.delete(id)) for (const r of this.refreshers) if (r.panel === id) r.fn();
  }

  /** Favourites or the current girl changed: redraw the visible panel, the others when shown. */
  private refresh(): void {
    for (const id of this.panels.keys()) this.dirty.add(id);
    this.show(this.visible);
  }

  private onRefresh(fn: () => void): void {
    this.refreshers.push({ panel: this.building, fn });
  }

  // ── the current girl ───────────────────────────────────────────────────────────────
  private girlCanvas!: HTMLCanvasElement;
  private girlTags!: HTMLElement;
  private girlCode!: HTMLTextAreaElement;
  private girlPanel!: HTMLElement;

  private buildGirlPanel(): HTMLElement {
    this.girlCanvas = faceCanvas(null, this.size, 'face big');
    this.girlCanvas.dataset['testid'] = 'girl-canvas';
    this.girlTags = h('p', { class: 'tags-line' });
    this.girlCode = h('textarea', { readonly: true, rows: 3, class: 'code', 'data-testid': 'girl-code' });
    this.girlPanel = h(
      'section',
      { class: 'girl card', hidden: true, 'data-testid': 'girl' },
      this.girlCanvas,
      h(
        'div',
        { class: 'girl-info' },
        h('h2', {}, t('girl.title')),
        this.girlTags,
        h('label', { class: 'label' }, t('girl.code')),
        this.girlCode,
        h(
          'div',
          { class: 'actions' },
          h('button', { 'data-testid': 'girl-keep', onclick: () => this.current && this.keep(this.current) }, t('girl.keep')),
          h('button', { onclick: () => this.copyCode() }, t('girl.copy')),
          h('button', { onclick: () => this.show('morph') }, t('girl.morph')),
          h('button', { onclick: () => (this.show('variations'), this.rollVariations()) }, t('girl.variations')),
          h('button', { onclick: async () => download(await canvasBlob(gridCanvas([this.girlFace!], 1, 256, 0)), 'girl.png') }, t('girl.download')),
          h('button', { class: 'ghost', onclick: () => this.closeGirl() }, t('girl.close')),
        ),
      ),
    );
    return this.girlPanel;
  }

  private girlFace: Face | null = null;

  async open(g: Girl): Promise<void> {
    this.current = g;
    const code = this.codeOf(g);
    history.replaceState(null, '', `#g=${code}`);
    this.girlCode.value = code;
    this.girlTags.textContent = tagNamesLine(this.vocab, g.tags);
    this.girlPanel.hidden = false;
    const [face] = await this.draw([g]);
    this.girlFace = face!;
    paint(this.girlCanvas, face!);
    this.refresh();
  }

  private closeGirl(): void {
    this.girlPanel.hidden = true;
    history.replaceState(null, '', location.pathname + location.search);
  }

  private openFromHash(): void {
    const m = /^#g=(.*)$/.exec(location.hash);
    if (!m) return;
    try {
      // A malformed escape ("#g=%") is read as it stands: the code check then says what is wrong.
      let code = m[1]!;
      try {
        code = decodeURIComponent(code);
      } catch {
        /* not URI-encoded */
      }
      void this.open(this.girlOf(code));
    } catch (e) {
      showError(codeErrorText(e, this.model.id));
    }
  }

  private async copyCode(): Promise<void> {
    this.girlCode.select();
    try {
      await navigator.clipboard.writeText(this.girlCode.value);
    } catch {
      document.execCommand('copy');
    }
    say(t('girl.copied'));
  }

  keep(g: Girl): void {
    const r = this.favs.add(this.codeOf(g));
    say(r === 'added' ? t('fav.added') : r === 'already' ? t('fav.already') : t('fav.full', { max: FAVOURITES_MAX }));
    this.refresh();
  }

  // ── gacha ──────────────────────────────────────────────────────────────────────────
  private buildGacha(): HTMLElement {
    const picker = new TagPicker(this.vocab);
    const count = h('select', { 'data-testid': 'gacha-count' }, ...[4, 9, 16, 25].map((n) => h('option', { value: n, selected: n === 9 }, String(n))));
    const psiLabel = h('span', {}, t('gacha.psi', { psi: '1.00' }));
    const psi = h('input', { type: 'range', min: 0.3, max: 1.5, step: 0.05, value: 1, title: t('gacha.psiHint') });
    psi.addEventListener('input', () => (psiLabel.textContent = t('gacha.psi', { psi: Number(psi.value).toFixed(2) })));
    const grid = h('div', { class: 'grid', 'data-testid': 'gacha-grid' });
    const caption = h('p', { class: 'hint' });
    let shown: number | null = null;
    this.gachaState = () => ({ tags: picker.field.input.value, base: shown, count: Number(count.value), psi: Number(psi.value) });
    const roll = async (from?: number) => {
      const p = picker.value;
      if (!p.ok) return;
      const n = Number(count.value);
      const base = from ?? crypto.getRandomValues(new Uint32Array(1))[0]! % (0xffffffff - 25);
      const girls: Girl[] = Array.from({ length: n }, (_, i) => {
        const seed = base + i;
        const z = seedToZ(seed, this.model.zDim);
        return { seed, z: Number(psi.value) === 1 ? z : truncate(z, Number(psi.value)), tags: fillSetsAtRandom(this.model, p.vector, seed) };
      });
      const faces = await this.draw(girls);
      clear(grid);
      grid.style.setProperty('--cols', String(Math.ceil(Math.sqrt(n))));
      girls.forEach((g, i) => grid.append(this.tile(g, faces[i]!, `#${i + 1}`)));
      caption.textContent = t('gacha.seeds', { first: base, last: base + n - 1 });
      shown = base;
    };
    const rollButton = h('button', { class: 'primary', 'data-testid': 'roll', onclick: () => roll() }, '🎲 ', t('gacha.roll'));
    picker.field.input.addEventListener('keydown', (e) => e.key === 'Enter' && void roll());
    const carried = this.carried;
    if (carried) {
      // Back from a language switch: the same tags and the same girls, not a new roll.
      picker.field.input.value = carried.tags;
      picker.field.onChange(picker.field.update());
      if ([...count.options].some((o) => Number(o.value) === carried.count)) count.value = String(carried.count);
      psi.value = String(carried.psi);
      psi.dispatchEvent(new Event('input'));
    }
    const carriedBase = carried?.base ?? undefined;
    const fitsGrid = carriedBase !== undefined && carriedBase <= 0xffffffff - Number(count.value);
    queueMicrotask(() => void roll(fitsGrid ? carriedBase : undefined));
    return h(
      'section',
      { class: 'gacha' },
      h('div', { class: 'side card' }, picker.el),
      h('div', { class: 'stage' }, h('div', { class: 'controls' }, rollButton, h('label', {}, t('gacha.count'), ' ', count), h('label', { class: 'psi' }, psiLabel, psi)), grid, caption),
    );
  }

  /** A clickable face with a keep button. */
  private tile(g: Girl, face: Face, label: string): HTMLElement {
    const c = faceCanvas(face, this.size);
    c.addEventListener('click', () => void this.open(g));
    c.title = t('tile.open');
    return h('figure', { class: 'tile' }, c, h('figcaption', {}, h('span', {}, label), h('button', { class: 'small', 'data-testid': 'keep', onclick: () => this.keep(g) }, '⭐')));
  }

  // ── favourites ─────────────────────────────────────────────────────────────────────
  /** Favourites that decode for this model, with their slot index and label. */
  private favouriteGirls(): { girl: Girl; label: string; key: string }[] {
    const out: { girl: Girl; label: string; key: string }[] = [];
    this.favs.list().forEach((f, i) => {
      try {
        out.push({ girl: this.girlOf(f.code), label: f.name || `⭐${i + 1}`, key: f.code });
      } catch {
        /* shown as broken in the list */
      }
    });
    return out;
  }

  /** Girls to pick from in morph, blend and variations: the current girl, then favourites. */
  private choices(): { girl: Girl; label: string; key: string }[] {
    const favs = this.favouriteGirls();
    const cur = this.current;
    if (cur) {
      const code = this.codeOf(cur);
      if (!favs.some((f) => f.key === code)) return [{ girl: cur, label: t('current'), key: code }, ...favs];
    }
    return favs;
  }

  private buildFavourites(): HTMLElement {
    const list = h('div', { class: 'favs', 'data-testid': 'favs' });
    const status = h('p', { class: 'hint' });
    const importBox = h('textarea', { rows: 3, class: 'code', 'data-testid': 'import-text', placeholder: 'AQIH…' });
    const exportBox = h('textarea', { rows: 4, class: 'code', readonly: true, hidden: true, 'data-testid': 'export-text' });
    const doImport = () => {
      const codes = importBox.value.split(/\s*\n\s*|\s+(?=AQ)/).map((s) => s.trim()).filter(Boolean);
      let n = 0;
      const problems: string[] = [];
      for (const code of codes) {
        try {
          const g = this.girlOf(code);
          const r = this.favs.add(this.codeOf(g));
          if (r === 'added') n++;
          else problems.push(r === 'full' ? t('fav.full', { max: FAVOURITES_MAX }) : t('fav.already'));
        } catch (e) {
          problems.push(codeErrorText(e, this.model.id));
        }
      }
      if (problems.length) showError(problems.join('\n'));
      else banner.hidden = true;
      if (n) {
        say(t('fav.imported', { n }));
        importBox.value = '';
      }
      this.refresh();
    };
    const render = async () => {
      const favs = this.favs.list();
      clear(list);
      status.textContent = favs.length ? t('fav.count', { n: favs.length, max: FAVOURITES_MAX }) : t('fav.empty');
      const decoded = favs.map((f) => {
        try {
          return this.girlOf(f.code);
        } catch (e) {
          return e as Error;
        }
      });
      const ok = decoded.filter((d): d is Girl => !(d instanceof Error));
      const faces = await this.draw(ok);
      let k = 0;
      favs.forEach((f, i) => {
        const d = decoded[i]!;
        const face = d instanceof Error ? null : faces[k++]!;
        const c = faceCanvas(face, this.size);
        if (!(d instanceof Error)) c.addEventListener('click', () => void this.open(d));
        const name = h('input', { type: 'text', value: f.name, placeholder: `⭐${i + 1}`, 'aria-label': t('fav.name'), 'data-testid': 'fav-name' });
        name.addEventListener('change', () => (this.favs.rename(i, name.value), this.refresh()));
        list.append(
          h(
            'div',
            { class: 'fav card', 'data-testid': 'fav' },
            c,
            h(
              'div',
              { class: 'fav-info' },
              name,
              d instanceof Error ? h('p', { class: 'bad' }, codeErrorText(d, this.model.id)) : h('p', { class: 'tags-line' }, tagNamesLine(this.vocab, d.tags)),
              h('input', { class: 'code', readonly: true, value: f.code, onfocus: (e: Event) => (e.target as HTMLInputElement).select() }),
              h(
                'div',
                { class: 'actions' },
                d instanceof Error ? null : h('button', { class: 'small', onclick: () => void this.open(d) }, t('tile.open')),
                h(
                  'button',
                  {
                    class: 'small ghost',
                    onclick: () => {
                      const gone = this.favs.remove(i);
                      if (gone) say(t('fav.removed', { code: gone.code.slice(0, 24) + '…' }));
                      this.refresh();
                    },
                  },
                  t('fav.remove'),
                ),
              ),
            ),
          ),
        );
      });
    };
    this.onRefresh(() => void render());
    return h(
      'section',
      {},
      status,
      list,
      h(
        'div',
        { class: 'card io' },
        h('label', { class: 'label' }, t('fav.import')),
        importBox,
        h(
          'div',
          { class: 'actions' },
          h('button', { 'data-testid': 'import', onclick: doImport }, t('fav.importButton')),
          h(
            'button',
            {
              class: 'ghost',
              onclick: () => {
                const text = this.favs.list().map((f) => f.code).join('\n');
                exportBox.value = text;
                exportBox.hidden = false;
                download(new Blob([text + '\n'], { type: 'text/plain' }), 'favourites.txt');
              },
            },
            t('fav.export'),
          ),
        ),
        exportBox,
        h('p', { class: 'hint' }, t('fav.exportHint')),
      ),
    );
  }

  /** A <select> of choices() that keeps its selection across refreshes. */
  private girlSelect(testid: string, preferIndex: number, onPick: () => void): { el: HTMLSelectElement; girl: () => Girl | null } {
    const el = h('select', { 'data-testid': testid });
    let options: { girl: Girl; key: string; label: string }[] = [];
    let picked = '';
    const fill = () => {
      options = this.choices();
      clear(el);
      for (const o of options) el.append(h('option', { value: o.key }, o.label));
      if (options.length === 0) el.append(h('option', { value: '' }, t('none')));
      el.value = options.some((o) => o.key === picked) ? picked : (options[defaultChoice(preferIndex, options.length)]?.key ?? '');
    };
    el.addEventListener('change', () => {
      picked = el.value;
      onPick();
    });
    this.onRefresh(() => {
      fill();
      onPick();
    });
    return { el, girl: () => options.find((o) => o.key === el.value)?.girl ?? null };
  }

  /**
   * Live drawing for a slider: at most one draw in flight; while it runs, only the latest
   * request waits. Each painted step records input→paint time in gffStudio.liveSteps.
   */
  private live(canvas: HTMLCanvasElement, make: () => Girl | null): () => void {
    let busy = false;
    let pending: number | null = null;
    const run = async (since: number) => {
      busy = true;
      probe.liveBusy++;
      try {
        const g = make();
        if (g) {
          const [face] = await this.draw([g]);
          paint(canvas, face!);
          probe.liveSteps.push(performance.now() - since);
        }
      } finally {
        busy = false;
        probe.liveBusy--;
        if (pending !== null) {
          const p = pending;
          pending = null;
          void run(p);
        }
      }
    };
    return () => {
      const now = performance.now();
      if (busy) pending = pending ?? now;
      else void run(now);
    };
  }

  // ── morph ──────────────────────────────────────────────────────────────────────────
  private buildMorph(): HTMLElement {
    let from: Float32Array | null = null;
    let fromKey = '';
    const canvas = faceCanvas(null, this.size, 'face big');
    canvas.dataset['testid'] = 'morph-canvas';
    const fromLine = h('p', { class: 'tags-line' });
    const to = new TagField(this.vocab, { label: t('morph.to'), placeholder: t('morph.toPlaceholder'), testid: 'morph-to' });
    const slider = h('input', { type: 'range', min: 0, max: 1000, value: 0, class: 'wide', 'data-testid': 'morph-slider' });
    const tLabel = h('output', {}, '0.00');
    const strip = h('div', { class: 'strip' });
    let frames: Face[] = [];
    const pick = this.girlSelect('morph-girl', 0, () => {
      const g = pick.girl();
      const key = g ? this.codeOf(g) : '';
      if (key !== fromKey) {
        fromKey = key;
        from = g ? Float32Array.from(g.tags) : null;
        slider.value = '0';
      }
      update();
    });
    // As the bot's /morph: groups the target does not name keep her own values (issue 10.9).
    const target = () => {
      const p = to.value;
      return p.ok && p.names.length && from ? mergeTags(this.model, from, p.names) : null;
    };
    const at = (): Girl | null => {
      const g = pick.girl();
      if (!g || !from) return null;
      const tv = target() ?? from;
      const tt = Number(slider.value) / 1000;
      tLabel.textContent = tt.toFixed(2);
      return { z: g.z, tags: lerp(from, tv, tt) };
    };
    const drawLive = this.live(canvas, at);
    slider.addEventListener('input', drawLive);
    const drawStrip = async () => {
      const g = pick.girl();
      const tv = target();
      clear(strip);
      frames = [];
      if (!g || !from || !tv) return;
      const steps = interpolateSteps(from, tv, 7, 'lerp').map((tags) => ({ z: g.z, tags }));
      frames = await this.draw(steps);
      frames.forEach((f, i) => {
        const c = faceCanvas(f, this.size);
        c.addEventListener('click', () => void this.open(steps[i]!));
        strip.append(h('figure', { class: 'tile' }, c, h('figcaption', {}, `${i + 1}/7`)));
      });
    };
    const update = () => {
      fromLine.textContent = from ? tagNamesLine(this.vocab, from) : '—';
      drawLive();
      void drawStrip();
    };
    let timer = 0;
    to.onChange = () => {
      clearTimeout(timer);
      timer = window.setTimeout(update, 250);
    };
    const chain = () => {
      const tv = target();
      if (!tv || !from) return say(t('morph.needTarget'));
      from = Float32Array.from(tv);
      to.input.value = '';
      slider.value = '0';
      update();
    };
    return h(
      'section',
      { class: 'morph' },
      h(
        'div',
        { class: 'side card' },
        h('label', { class: 'label' }, t('morph.girl')),
        pick.el,
        h('label', { class: 'label' }, t('morph.from')),
        fromLine,
        to.el,
        h('button', { class: 'ghost', onclick: chain }, t('morph.chain')),
      ),
      h(
        'div',
        { class: 'stage' },
        canvas,
        h('label', { class: 'slider' }, t('morph.slider'), ' ', slider, tLabel),
        h('h3', {}, t('morph.strip')),
        strip,
        h(
          'div',
          { class: 'actions' },
          h('button', { onclick: async () => download(await canvasBlob(gridCanvas([await this.faceOf(at())], 1, 256, 0)), 'morph-frame.png') }, t('dl.png')),
          h('button', { onclick: async () => frames.length && download(await canvasBlob(stripCanvas(frames)), 'morph.png') }, t('dl.strip')),
          h('button', { onclick: () => frames.length && download(gifBlob(frames, 250), 'morph.gif') }, t('dl.gif')),
          h('button', { 'data-testid': 'morph-apng', onclick: async () => frames.length && download(await apngBlob(frames, 250), 'morph-animated.png') }, t('dl.apng')),
        ),
      ),
    );
  }

  private async faceOf(g: Girl | null): Promise<Face> {
    if (!g) throw new Error('no girl');
    return (await this.draw([g]))[0]!;
  }

  // ── blend ──────────────────────────────────────────────────────────────────────────
  private buildBlend(): HTMLElement {
    const need = h('p', { class: 'hint' }, t('blend.need'));
    const canvas = faceCanvas(null, this.size, 'face big');
    canvas.dataset['testid'] = 'blend-canvas';
    const slider = h('input', { type: 'range', min: 0, max: 1000, value: 500, class: 'wide', 'data-testid': 'blend-slider' });
    const strip = h('div', { class: 'strip' });
    let frames: Face[] = [];
    const redraw = () => {
      need.hidden = this.choices().length >= 2;
      drawTwo();
      void drawStrip();
    };
    const a = this.girlSelect('blend-a', 0, redraw);
    const b = this.girlSelect('blend-b', 1, redraw);
    const two = (): Girl | null => {
      const ga = a.girl();
      const gb = b.girl();
      if (!ga || !gb) return null;
      return { z: slerp(ga.z, gb.z, Number(slider.value) / 1000), tags: ga.tags };
    };
    const drawTwo = this.live(canvas, two);
    slider.addEventListener('input', drawTwo);
    const drawStrip = async () => {
      const ga = a.girl();
      const gb = b.girl();
      clear(strip);
      frames = [];
      if (!ga || !gb) return;
      const girls = interpolateSteps(ga.z, gb.z, 7, 'slerp').map((z) => ({ z, tags: ga.tags }));
      frames = await this.draw(girls);
      frames.forEach((f, i) => {
        const c = faceCanvas(f, this.size);
        c.addEventListener('click', () => void this.open(girls[i]!));
        strip.append(h('figure', { class: 'tile' }, c, h('figcaption', {}, i === 0 ? 'A' : i === 6 ? 'B' : `${i + 1}/7`)));
      });
    };

    // Four girls on a pad: corners TL, TR, BL, BR; bilinear in z under the first one's tags.
    const sel = [0, 1, 2, 3].map((i) => this.girlSelect(`pad-${i}`, i, () => padChanged()));
    const padChanged = () => {
      drawFour();
      void corners();
    };
    const padCanvas = faceCanvas(null, this.size, 'face big');
    padCanvas.dataset['testid'] = 'pad-canvas';
    const knob = h('div', { class: 'knob' });
    const pad = h('div', { class: 'pad', 'data-testid': 'pad', title: t('blend.padHint') }, knob);
    const cornerEls = [0, 1, 2, 3].map((i) => h('div', { class: `corner c${i}` }));
    pad.append(...cornerEls);
    let uv = [0.5, 0.5] as [number, number];
    const four = (): Girl | null => {
      const gs = sel.map((s) => s.girl());
      if (gs.some((g) => !g)) return null;
      const [g0, g1, g2, g3] = gs as Girl[];
      return { z: bilinear([g0!.z, g1!.z, g2!.z, g3!.z], uv[0], uv[1]), tags: g0!.tags };
    };
    const drawFour = this.live(padCanvas, four);
    const corners = async () => {
      const gs = sel.map((s) => s.girl());
      if (gs.some((g) => !g)) return;
      const faces = await this.draw(gs as Girl[]);
      cornerEls.forEach((el, i) => {
        clear(el);
        el.append(faceCanvas(faces[i]!, this.size, 'face mini'));
      });
    };
    const move = (e: PointerEvent) => {
      const r = pad.getBoundingClientRect();
      uv = [Math.min(1, Math.max(0, (e.clientX - r.left) / r.width)), Math.min(1, Math.max(0, (e.clientY - r.top) / r.height))];
      knob.style.left = `${uv[0] * 100}%`;
      knob.style.top = `${uv[1] * 100}%`;
      drawFour();
    };
    pad.addEventListener('pointerdown', (e) => {
      pad.setPointerCapture(e.pointerId);
      move(e);
    });
    pad.addEventListener('pointermove', (e) => e.buttons && move(e));

    return h(
      'section',
      { class: 'blend' },
      need,
      h(
        'div',
        { class: 'card' },
        h('h3', {}, t('blend.two')),
        h(
          'div',
          { class: 'duo' },
          canvas,
          h(
            'div',
            { class: 'duo-right' },
            h('div', { class: 'controls' }, 'A ', a.el, ' B ', b.el),
            h('label', { class: 'slider' }, 'A ', slider, ' B'),
            strip,
            h(
              'div',
              { class: 'actions' },
              h('button', { onclick: async () => download(await canvasBlob(gridCanvas([await this.faceOf(two())], 1, 256, 0)), 'blend-frame.png') }, t('dl.png')),
              h('button', { onclick: async () => frames.length && download(await canvasBlob(stripCanvas(frames)), 'blend.png') }, t('dl.strip')),
              h('button', { onclick: () => frames.length && download(gifBlob(frames, 250), 'blend.gif') }, t('dl.gif')),
              h('button', { onclick: async () => frames.length && download(await apngBlob(frames, 250), 'blend-animated.png') }, t('dl.apng')),
            ),
          ),
        ),
      ),
      h(
        'div',
        { class: 'card' },
        h('h3', {}, t('blend.four')),
        h('div', { class: 'controls' }, ...sel.map((s, i) => h('label', {}, ['↖', '↗', '↙', '↘'][i], ' ', s.el))),
        h('div', { class: 'padrow' }, pad, padCanvas),
        h('p', { class: 'hint' }, t('blend.padHint')),
      ),
    );
  }

  // ── attribute change ───────────────────────────────────────────────────────────────
  private buildRestyle(): HTMLElement {
    const rows = h('div', { class: 'rows' });
    const fields: TagField[] = [];
    const addRow = (value = '') => {
      const f = new TagField(this.vocab, { label: `${fields.length + 1}`, placeholder: t('tags.placeholder'), value, testid: 'restyle-row' });
      fields.push(f);
      rows.append(f.el);
    };
    addRow('blonde_hair, long_hair, smile');
    addRow('pink_hair, twintails, blue_background');
    addRow('black_hair, glasses, hair_bun');
    const columns = h('input', { type: 'number', min: 1, max: 10, value: 6, 'data-testid': 'restyle-columns' });
    const table = h('div', { class: 'restyle-grid', 'data-testid': 'restyle-grid' });
    let last: Face[] = [];
    let lastCols = 0;
    const run = async () => {
      const favs = this.favouriteGirls();
      const n = Math.min(10, Math.max(1, Number(columns.value) || 6, favs.length));
      const base = crypto.getRandomValues(new Uint32Array(1))[0]! % (0xffffffff - 10);
      const cols = [...favs.slice(0, n).map((f) => ({ z: f.girl.z, label: f.label })), ...Array.from({ length: Math.max(0, n - favs.length) }, (_, i) => ({ z: seedToZ(base + i, this.model.zDim), label: t('restyle.random') }))];
      const sets = fields.map((f) => f.value).filter((p) => p.ok && p.names.length);
      const girls = sets.flatMap((p) => cols.map((c) => ({ z: c.z, tags: p.vector })));
      const faces = await this.draw(girls);
      last = faces;
      lastCols = cols.length;
      clear(table);
      table.style.setProperty('--cols', String(cols.length));
      table.append(h('div', {}), ...cols.map((c) => h('div', { class: 'collabel' }, c.label)));
      sets.forEach((p, r) => {
        table.append(h('div', { class: 'rowlabel' }, tagNamesLine(this.vocab, p.vector)));
        cols.forEach((_, c) => {
          const k = r * cols.length + c;
          const cv = faceCanvas(faces[k]!, this.size);
          cv.addEventListener('click', () => void this.open(girls[k]!));
          table.append(cv);
        });
      });
    };
    return h(
      'section',
      { class: 'restyle' },
      h('p', { class: 'hint' }, t('restyle.hint')),
      h('div', { class: 'card' }, h('label', { class: 'label' }, t('restyle.rows')), rows, h('div', { class: 'controls' }, h('button', { class: 'ghost', onclick: () => addRow() }, t('restyle.addRow')), h('label', {}, t('restyle.columns'), ' ', columns), h('button', { class: 'primary', 'data-testid': 'restyle-run', onclick: run }, '▶'))),
      table,
      h('div', { class: 'actions' }, h('button', { onclick: async () => last.length && download(await canvasBlob(gridCanvas(last, lastCols, 128)), 'restyle.png') }, t('dl.png'))),
    );
  }

  // ── variations ─────────────────────────────────────────────────────────────────────
  private varGrid!: HTMLElement;
  private varSigma!: HTMLInputElement;
  private varFaces: Face[] = [];

  /** σ set on the slider: noise on her whole z. Until then, on a model with coded parts, each tile redraws one part. */
  private varBySigma = false;

  /** What variations by part need of the model: its card's coded parts, z size and tags. */
  private get codedModel() {
    return { card: this.engine.card, zDim: this.model.zDim, vocabulary: this.vocab };
  }

  private buildVariations(): HTMLElement {
    const coded = codedParts(this.codedModel) !== undefined;
    this.varBySigma = !coded;
    this.varGrid = h('div', { class: 'grid', 'data-testid': 'var-grid' });
    const sigmaText = () => t('var.sigma', { sigma: Number(this.varSigma.value).toFixed(2) });
    const label = h('span', { 'data-testid': 'var-mode' }, coded ? t('var.byPart') : t('var.sigma', { sigma: '0.35' }));
    const toParts: HTMLButtonElement = h(
      'button',
      {
        class: 'ghost',
        hidden: true,
        'data-testid': 'var-parts',
        onclick: () => {
          this.varBySigma = false;
          label.textContent = t('var.byPart');
          toParts.hidden = true;
          void this.rollVariations();
        },
      },
      t('var.toParts'),
    );
    this.varSigma = h('input', { type: 'range', min: 0.05, max: 1.5, step: 0.05, value: 0.35, 'data-testid': 'var-sigma' });
    this.varSigma.addEventListener('input', () => {
      this.varBySigma = true;
      toParts.hidden = !coded;
      label.textContent = sigmaText();
    });
    this.varSigma.addEventListener('change', () => void this.rollVariations());
    return h(
      'section',
      {},
      h('p', { class: 'hint' }, t(coded ? 'var.hintParts' : 'var.hint')),
      h(
        'div',
        { class: 'controls' },
        h('button', { class: 'primary', 'data-testid': 'var-again', onclick: () => void this.rollVariations() }, '🔀 ', t('var.again')),
        h('label', { class: 'psi' }, label, this.varSigma),
        toParts,
      ),
      this.varGrid,
      h('div', { class: 'actions' }, h('button', { onclick: async () => this.varFaces.length && download(await canvasBlob(gridCanvas(this.varFaces, 3, 128)), 'variations.png') }, t('dl.png'))),
    );
  }

  async rollVariations(): Promise<void> {
    const g = this.current;
    clear(this.varGrid);
    if (!g) {
      this.varGrid.append(h('p', { class: 'hint' }, t('var.none')));
      return;
    }
    const seed = crypto.getRandomValues(new Uint32Array(1))[0]!;
    // As the bot's 🔀: one part per tile on a model with coded parts, unless σ was set.
    const byPart = this.varBySigma ? [] : partVariations(this.codedModel, g, 8, seed);
    const zs = byPart.length > 0 ? byPart.map((v) => v.z) : variations(g.z, Number(this.varSigma.value), 8, seed);
    const girls: Girl[] = [g, ...zs.map((z) => ({ z, tags: g.tags }))];
    this.varFaces = await this.draw(girls);
    this.varGrid.style.setProperty('--cols', '3');
    const label = (i: number) => (i === 0 ? '★' : byPart.length > 0 ? `${i + 1} · ${t(`part.${byPart[i - 1]!.part}`)}` : `${i + 1}`);
    girls.forEach((v, i) => this.varGrid.append(this.tile(v, this.varFaces[i]!, label(i))));
  }
}

void main();
