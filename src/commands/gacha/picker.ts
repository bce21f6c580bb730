/**
 * The tag picker shown by /gacha without tags: the original's checkboxes as select menus,
 * one per tag group (≤ 25 options each; groups past the fourth share the fourth menu),
 * plus a 🎲 Draw button — 5 rows, Discord's maximum. The selection lives in the message
 * itself (options marked `default`), so Draw reads it back from the message it is on:
 * nothing to store, and nothing lost on a restart.
 */
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  StringSelectMenuBuilder,
  type APIActionRowComponent,
  type APIComponentInActionRow,
  type Message,
  type MessageActionRowComponentBuilder,
} from 'discord.js';
import type { TagEntry, TagVocabulary } from '../../tags/vocabulary.ts';
import { customId } from '../../bot/custom-id.ts';
import { groupName, t, type Lang } from '../../i18n/index.ts';
import type { Reply } from '../../bot/respond.ts';

const MAX_MENUS = 4;
const MAX_OPTIONS = 25;

interface Menu {
  groups: string[];
  entries: TagEntry[];
}

/** The vocabulary's groups packed into at most four menus of at most 25 tags. */
export function pickerMenus(vocab: TagVocabulary): Menu[] {
  const groups = vocab.groups();
  const own = groups.length <= MAX_MENUS ? groups : groups.slice(0, MAX_MENUS - 1);
  const rest = groups.slice(own.length);
  const menus: Menu[] = own.map((g) => ({ groups: [g.group], entries: g.entries }));
  if (rest.length) menus.push({ groups: rest.map((g) => g.group), entries: rest.flatMap((g) => g.entries) });
  return menus.map((m) => ({ ...m, entries: m.entries.slice(0, MAX_OPTIONS) }));
}

export interface PickerState {
  count: number;
  seed?: number;
  psi?: number;
  selected: ReadonlySet<string>;
}

const seedArg = (seed: number | undefined) => (seed === undefined ? '-' : String(seed));
/** The draw settings every picker custom_id carries: count, seed, ψ ('-' = default). */
const stateArgs = (state: PickerState) => [state.count, seedArg(state.seed), state.psi === undefined ? '-' : String(state.psi)];

export function pickerMessage(vocab: TagVocabulary, lang: Lang, state: PickerState): Reply {
  const rows = pickerMenus(vocab).map((menu, index) => {
    const label = menu.groups.map((g) => groupName(lang, g)).join(' / ');
    const select = new StringSelectMenuBuilder()
      .setCustomId(customId('gacha', 'pick', index, ...stateArgs(state)))
      .setPlaceholder(t(lang, 'picker.placeholder', { group: label }).slice(0, 150))
      .setMinValues(0)
      .setMaxValues(menu.entries.length)
      .addOptions(
        menu.entries.map((e) => ({
          label: (lang === 'ja' && e.ja ? e.ja : e.name.replace(/_/g, ' ')).slice(0, 100),
          description: (lang === 'ja' ? e.name : e.ja || e.name).slice(0, 100),
          value: e.name,
          default: state.selected.has(e.name),
        })),
      );
    return new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(select);
  });
  const draw = new ButtonBuilder()
    .setCustomId(customId('gacha', 'draw', ...stateArgs(state)))
    .setLabel(t(lang, 'picker.draw'))
    .setEmoji('🎲')
    .setStyle(ButtonStyle.Primary);
  rows.push(new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(draw));
  const seed = (state.seed === undefined ? '' : t(lang, 'picker.seed', { seed: state.seed })) + (state.psi === undefined ? '' : `, ψ ${state.psi}`);
  return { content: t(lang, 'picker.content', { count: state.count, seed }), components: rows };
}

/** Parses the count/seed/ψ arguments the picker's custom_ids carry (pickers sent before ψ have none). */
export function pickerArgs(count: string | undefined, seed: string | undefined, psi?: string): { count: number; seed?: number; psi?: number } {
  const n = Number(count);
  const s = seed === undefined || seed === '-' ? undefined : Number(seed);
  const p = psi === undefined || psi === '-' ? undefined : Number(psi);
  return {
    count: Number.isInteger(n) ? n : 9,
    ...(s !== undefined && Number.isInteger(s) ? { seed: s } : {}),
    ...(p !== undefined && Number.isFinite(p) ? { psi: p } : {}),
  };
}

/**
 * The tags ticked on a picker message: every select's default options, except the menu
 * `changing` (its custom_id), whose new values come with the interaction.
 */
export function selectedTags(message: Message, changing?: { customId: string; values: readonly string[] }): Set<string> {
  const out = new Set<string>();
  for (const row of message.components) {
    const json = row.toJSON() as APIActionRowComponent<APIComponentInActionRow>;
    for (const c of json.components ?? []) {
      if (c.type !== 3) continue; // string select
      if (changing && c.custom_id === changing.customId) changing.values.forEach((v) => out.add(v));
      else for (const o of c.options) if (o.default) out.add(o.value);
    }
  }
  return out;
}
