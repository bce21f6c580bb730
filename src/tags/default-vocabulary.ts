/**
 * The default model's tag vocabulary: Danbooru-style names in the original's groups, each
 * with its Japanese name. The order here is the order of the tag vector.
 * Written into every dataset as vocab.json, and from there into each model's tags.json.
 */
import type { KnownTagGroup } from './vocabulary.ts';

export interface TagInfo {
  name: string;
  group: KnownTagGroup;
  ja: string;
  /** Extra spellings a user may type (Japanese variants, common English synonyms). */
  aliases?: string[];
  /**
   * Tags sharing an `exclusive` set are alternatives: a training image has at most one of
   * them (and nearly always one). A gacha that names none of a set draws one by frequency (MakeGirlsMoe's
   * "random" label state) instead of leaving the set empty, which no training image was.
   */
  exclusive?: string;
  /**
   * Tags sharing an `optionalSet` are alternatives a face may also go without: one skin tone
   * of three, or none (the lorelei default, 40 % of the data). A gacha that names none of the
   * set draws one of them, or none, by frequency (core/tags-input.ts, fill version 2).
   */
  optionalSet?: string;
}

export const VOCABULARY: TagInfo[] = [
  { name: 'blonde_hair', group: 'hair_color', ja: '金髪', aliases: ['blond_hair', 'yellow_hair', 'ブロンド'], exclusive: 'hair_color' },
  { name: 'brown_hair', group: 'hair_color', ja: '茶髪', exclusive: 'hair_color' },
  { name: 'black_hair', group: 'hair_color', ja: '黒髪', exclusive: 'hair_color' },
  { name: 'blue_hair', group: 'hair_color', ja: '青髪', exclusive: 'hair_color' },
  { name: 'pink_hair', group: 'hair_color', ja: 'ピンク髪', aliases: ['桃髪'], exclusive: 'hair_color' },
  { name: 'purple_hair', group: 'hair_color', ja: '紫髪', exclusive: 'hair_color' },
  { name: 'green_hair', group: 'hair_color', ja: '緑髪', exclusive: 'hair_color' },
  { name: 'red_hair', group: 'hair_color', ja: '赤髪', exclusive: 'hair_color' },
  { name: 'silver_hair', group: 'hair_color', ja: '銀髪', aliases: ['grey_hair', 'gray_hair'], exclusive: 'hair_color' },
  { name: 'white_hair', group: 'hair_color', ja: '白髪', exclusive: 'hair_color' },
  { name: 'orange_hair', group: 'hair_color', ja: 'オレンジ髪', aliases: ['橙髪'], exclusive: 'hair_color' },
  { name: 'aqua_hair', group: 'hair_color', ja: '水色髪', aliases: ['cyan_hair', 'light_blue_hair'], exclusive: 'hair_color' },
  { name: 'blue_eyes', group: 'eye_color', ja: '青目', exclusive: 'eye_color' },
  { name: 'red_eyes', group: 'eye_color', ja: '赤目', exclusive: 'eye_color' },
  { name: 'brown_eyes', group: 'eye_color', ja: '茶目', exclusive: 'eye_color' },
  { name: 'green_eyes', group: 'eye_color', ja: '緑目', exclusive: 'eye_color' },
  { name: 'purple_eyes', group: 'eye_color', ja: '紫目', exclusive: 'eye_color' },
  { name: 'yellow_eyes', group: 'eye_color', ja: '黄目', aliases: ['golden_eyes', '金目'], exclusive: 'eye_color' },
  { name: 'pink_eyes', group: 'eye_color', ja: 'ピンク目', exclusive: 'eye_color' },
  { name: 'aqua_eyes', group: 'eye_color', ja: '水色目', aliases: ['cyan_eyes', 'light_blue_eyes'], exclusive: 'eye_color' },
  { name: 'short_hair', group: 'hairstyle', ja: 'ショートヘア', aliases: ['ショート'], exclusive: 'hairstyle' },
  { name: 'medium_hair', group: 'hairstyle', ja: 'セミロング', aliases: ['bob_cut', 'ボブ'], exclusive: 'hairstyle' },
  { name: 'long_hair', group: 'hairstyle', ja: 'ロングヘア', aliases: ['ロング'], exclusive: 'hairstyle' },
  { name: 'curly_hair', group: 'hairstyle', ja: 'くせ毛', aliases: ['wavy_hair', '巻き毛'], exclusive: 'hairstyle' },
  { name: 'hair_bun', group: 'hairstyle', ja: 'お団子', aliases: ['double_bun', 'シニヨン'], exclusive: 'hairstyle' },
  { name: 'ponytail', group: 'hairstyle', ja: 'ポニーテール', aliases: ['side_ponytail', 'ポニテ'], exclusive: 'hairstyle' },
  { name: 'twintails', group: 'hairstyle', ja: 'ツインテール', aliases: ['twin_tails', 'low_twintails', 'ツインテ'], exclusive: 'hairstyle' },
  { name: 'smile', group: 'expression', ja: '笑顔', aliases: ['smiling', 'スマイル'], exclusive: 'mouth' },
  { name: 'open_mouth', group: 'expression', ja: '開口', aliases: ['口開け'] },
  { name: 'frown', group: 'expression', ja: 'しかめっ面', aliases: ['sad', '悲しい'], exclusive: 'mouth' },
  { name: 'closed_eyes', group: 'expression', ja: '閉じ目', aliases: ['目閉じ'] },
  { name: 'one_eye_closed', group: 'expression', ja: 'ウインク', aliases: ['wink', 'ウィンク'] },
  { name: 'pale_skin', group: 'face', ja: '色白', optionalSet: 'skin_tone' },
  { name: 'tan', group: 'face', ja: '日焼け', aliases: ['tanned', 'tan_skin'], optionalSet: 'skin_tone' },
  { name: 'dark_skin', group: 'face', ja: '褐色', aliases: ['褐色肌'], optionalSet: 'skin_tone' },
  { name: 'freckles', group: 'face', ja: 'そばかす' },
  { name: 'glasses', group: 'accessories', ja: '眼鏡', aliases: ['megane', 'めがね', 'メガネ'] },
  { name: 'sunglasses', group: 'accessories', ja: 'サングラス' },
  { name: 'earrings', group: 'accessories', ja: 'イヤリング', aliases: ['ピアス'] },
  { name: 'hair_flower', group: 'accessories', ja: '髪飾り', aliases: ['flower', '花飾り'] },
  { name: 'head_tilt', group: 'other', ja: '首かしげ' },
  { name: 'white_background', group: 'other', ja: '白背景', exclusive: 'background' },
  { name: 'grey_background', group: 'other', ja: '灰色背景', aliases: ['gray_background'], exclusive: 'background' },
  { name: 'blue_background', group: 'other', ja: '青背景', exclusive: 'background' },
  { name: 'pink_background', group: 'other', ja: 'ピンク背景', exclusive: 'background' },
  { name: 'yellow_background', group: 'other', ja: '黄色背景', exclusive: 'background' },
  { name: 'green_background', group: 'other', ja: '緑背景', exclusive: 'background' },
  { name: 'gradient_background', group: 'other', ja: 'グラデーション背景', exclusive: 'background' },
];
