/**
 * Tags people know from the original (MakeGirlsMoe's labels) and from Danbooru that the
 * models here may lack. Naming one gets "not among this model's tags" rather than a
 * far-fetched "did you mean" ("blush" is not a typo of blue_hair, 赤面 not one of 赤髪).
 * Consulted only after the model's own vocabulary: a model that has "hat" draws hats.
 */
import { normalizeTag } from './vocabulary.ts';

interface ElsewhereTag {
  name: string;
  /** Japanese names and other spellings. */
  spellings: readonly string[];
}

const TAGS_ELSEWHERE: readonly ElsewhereTag[] = [
  { name: 'blush', spellings: ['blushing', '赤面', '頬染め', '照れ'] },
  { name: 'hat', spellings: ['帽子', 'cap', 'beret', 'ベレー帽'] },
  { name: 'ribbon', spellings: ['hair_ribbon', 'bow', 'hair_bow', 'リボン'] },
  { name: 'drill_hair', spellings: ['twin_drills', '縦ロール', 'ドリル'] },
  { name: 'school_uniform', spellings: ['serafuku', 'sailor_uniform', '制服', 'セーラー服'] },
  { name: 'animal_ears', spellings: ['cat_ears', 'fox_ears', 'nekomimi', 'kemonomimi', '獣耳', 'けもみみ', 'ケモミミ', '猫耳'] },
  { name: 'ahoge', spellings: ['アホ毛'] },
  { name: 'braid', spellings: ['braids', 'twin_braids', '三つ編み', 'みつあみ'] },
  { name: 'bangs', spellings: ['blunt_bangs', '前髪', 'ぱっつん'] },
  { name: 'hairband', spellings: ['headband', 'カチューシャ'] },
  { name: 'hair_ornament', spellings: ['hairclip', 'hair_clip', '髪留め', 'ヘアピン'] },
  { name: 'heterochromia', spellings: ['odd_eyes', 'オッドアイ'] },
  { name: 'tears', spellings: ['crying', '涙', '泣き顔'] },
  { name: 'fang', spellings: ['八重歯'] },
  { name: 'choker', spellings: ['チョーカー'] },
  { name: 'maid', spellings: ['maid_headdress', 'メイド'] },
  { name: 'horns', spellings: ['角'] },
  { name: 'hood', spellings: ['フード'] },
  { name: 'scarf', spellings: ['マフラー'] },
  { name: 'necktie', spellings: ['ネクタイ'] },
  { name: 'mole_under_eye', spellings: ['泣きぼくろ'] },
];

const BY_KEY = new Map<string, string>(TAGS_ELSEWHERE.flatMap((t) => [t.name, ...t.spellings].map((s) => [normalizeTag(s), t.name] as const)));

/** The usual name of a tag other models have, when `text` spells one ("赤面" → "blush"); undefined otherwise. */
export function tagElsewhere(text: string): string | undefined {
  return BY_KEY.get(normalizeTag(text));
}
