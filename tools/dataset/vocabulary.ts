/**
 * The default model's tag vocabulary: Danbooru-style names in the original's groups, each
 * with its Japanese name. The order here is the order of the tag vector.
 * Written into every dataset as vocab.json, and from there into each model's tags.json.
 */
export type TagGroup = 'hair_color' | 'eye_color' | 'hairstyle' | 'expression' | 'face' | 'accessories' | 'other';

export interface TagInfo {
  name: string;
  group: TagGroup;
  ja: string;
  /** Extra spellings a user may type (Japanese variants, common English synonyms). */
  aliases?: string[];
}

export const VOCABULARY: TagInfo[] = [
  { name: 'blonde_hair', group: 'hair_color', ja: '金髪', aliases: ['blond_hair', 'yellow_hair', 'ブロンド'] },
  { name: 'brown_hair', group: 'hair_color', ja: '茶髪' },
  { name: 'black_hair', group: 'hair_color', ja: '黒髪' },
  { name: 'blue_hair', group: 'hair_color', ja: '青髪' },
  { name: 'pink_hair', group: 'hair_color', ja: 'ピンク髪', aliases: ['桃髪'] },
  { name: 'purple_hair', group: 'hair_color', ja: '紫髪' },
  { name: 'green_hair', group: 'hair_color', ja: '緑髪' },
  { name: 'red_hair', group: 'hair_color', ja: '赤髪' },
  { name: 'silver_hair', group: 'hair_color', ja: '銀髪', aliases: ['grey_hair', 'gray_hair'] },
  { name: 'white_hair', group: 'hair_color', ja: '白髪' },
  { name: 'orange_hair', group: 'hair_color', ja: 'オレンジ髪', aliases: ['橙髪'] },
  { name: 'aqua_hair', group: 'hair_color', ja: '水色髪', aliases: ['cyan_hair', 'light_blue_hair'] },
  { name: 'blue_eyes', group: 'eye_color', ja: '青目' },
  { name: 'red_eyes', group: 'eye_color', ja: '赤目' },
  { name: 'brown_eyes', group: 'eye_color', ja: '茶目' },
  { name: 'green_eyes', group: 'eye_color', ja: '緑目' },
  { name: 'purple_eyes', group: 'eye_color', ja: '紫目' },
  { name: 'yellow_eyes', group: 'eye_color', ja: '黄目', aliases: ['golden_eyes', '金目'] },
  { name: 'pink_eyes', group: 'eye_color', ja: 'ピンク目' },
  { name: 'aqua_eyes', group: 'eye_color', ja: '水色目', aliases: ['cyan_eyes', 'light_blue_eyes'] },
  { name: 'short_hair', group: 'hairstyle', ja: 'ショートヘア', aliases: ['ショート'] },
  { name: 'medium_hair', group: 'hairstyle', ja: 'セミロング', aliases: ['bob_cut', 'ボブ'] },
  { name: 'long_hair', group: 'hairstyle', ja: 'ロングヘア', aliases: ['ロング'] },
  { name: 'curly_hair', group: 'hairstyle', ja: 'くせ毛', aliases: ['wavy_hair', '巻き毛'] },
  { name: 'hair_bun', group: 'hairstyle', ja: 'お団子', aliases: ['double_bun', 'シニヨン'] },
  { name: 'ponytail', group: 'hairstyle', ja: 'ポニーテール', aliases: ['side_ponytail', 'ポニテ'] },
  { name: 'twintails', group: 'hairstyle', ja: 'ツインテール', aliases: ['twin_tails', 'low_twintails', 'ツインテ'] },
  { name: 'smile', group: 'expression', ja: '笑顔', aliases: ['smiling', 'スマイル'] },
  { name: 'open_mouth', group: 'expression', ja: '開口', aliases: ['口開け'] },
  { name: 'frown', group: 'expression', ja: 'しかめっ面', aliases: ['sad', '悲しい'] },
  { name: 'closed_eyes', group: 'expression', ja: '閉じ目', aliases: ['目閉じ'] },
  { name: 'one_eye_closed', group: 'expression', ja: 'ウインク', aliases: ['wink', 'ウィンク'] },
  { name: 'pale_skin', group: 'face', ja: '色白' },
  { name: 'tan', group: 'face', ja: '日焼け', aliases: ['tanned', 'tan_skin'] },
  { name: 'dark_skin', group: 'face', ja: '褐色', aliases: ['褐色肌'] },
  { name: 'freckles', group: 'face', ja: 'そばかす' },
  { name: 'glasses', group: 'accessories', ja: '眼鏡', aliases: ['megane', 'めがね', 'メガネ'] },
  { name: 'sunglasses', group: 'accessories', ja: 'サングラス' },
  { name: 'earrings', group: 'accessories', ja: 'イヤリング', aliases: ['ピアス'] },
  { name: 'hair_flower', group: 'accessories', ja: '髪飾り', aliases: ['flower', '花飾り'] },
  { name: 'head_tilt', group: 'other', ja: '首かしげ' },
  { name: 'white_background', group: 'other', ja: '白背景' },
  { name: 'grey_background', group: 'other', ja: '灰色背景', aliases: ['gray_background'] },
  { name: 'blue_background', group: 'other', ja: '青背景' },
  { name: 'pink_background', group: 'other', ja: 'ピンク背景' },
  { name: 'yellow_background', group: 'other', ja: '黄色背景' },
  { name: 'green_background', group: 'other', ja: '緑背景' },
  { name: 'gradient_background', group: 'other', ja: 'グラデーション背景' },
];
