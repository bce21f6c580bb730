/**
 * Japanese for the errors that the inner rooms (latent, gan, core) throw with an ErrorDetail:
 * the key names the sentence, {vars} are the detail's values. English needs no table: each
 * error's own message is the English sentence. tests/i18n checks that every key thrown in
 * src/ is here.
 */
export const ERROR_DETAILS_JA: Readonly<Record<string, string>> = {
  'code.length_field': 'この共有コードは壊れています（長さの欄が不正です）。',
  'code.incomplete': 'この共有コードは途中で切れています。コード全体をコピーしてもう一度お試しください。',
  'code.too_many_tags': 'この共有コードは壊れています（タグが多すぎます）。',
  'code.tag_index': 'この共有コードは壊れています（タグ番号が範囲外です）。',
  'code.tag_encoding': 'この共有コードは壊れています（タグの形式が分かりません）。',
  'code.not_a_code': 'これは共有コードではありません。コードには使われない文字が入っています。',
  'code.last_char': 'この共有コードは壊れています（最後の文字が違います）。もう一度コピーしてください。',
  'code.checksum': 'この共有コードは壊れているか途中で切れています（チェックサムが合いません）。もう一度コピーしてください。',
  'code.version':
    'この共有コードは形式バージョン {version} です。このボットが読めるのはバージョン {supported} です。ボットを更新するか、新しいコードをもらってください。',
  'code.model_id': 'この共有コードは壊れています（モデル ID が読めません）。',
  'code.wrong_model': 'この共有コードはモデル「{model}」で作られたもので、「{expected}」のものではありません。',
  'code.sizes': 'この共有コードは z が {zDim} 次元・タグが {numTags} 個ですが、モデル「{model}」には z {wantZ} 次元・タグ {wantTags} 個が必要です。',
  'code.extra_data': 'この共有コードは末尾に余分なデータがあります。',
  'code.z_not_finite': 'この共有コードは壊れています（z に有限でない値があります）。',
  'model.none': 'モデル「{model}」はここにはありません（あるモデル: {models}）。',
  'model.not_here': 'この画像生成器にはモデル「{model}」がありません。',
  'model.unavailable': 'モデル「{model}」は今は描けません（読み込み時の検査に通りませんでした）。ほかのモデルの画像は描けます。',
  'model.code_unknown': 'そのコードはモデル「{model}」で作られましたが、このボットにはそのモデルがありません（あるモデル: {models}）。',
  'generator.too_many': '一度に頼める画像は {max} 枚までです（{count} 枚が頼まれました）。',
  'tags.gone': 'モデル「{model}」はタグ {tags} をもう知りません。',
  'blend.count': 'ブレンドできるのは 2〜4 人です（{count} 人が指定されました）。',
  'blend.models': 'この子たちは別々のモデルで描かれていて z の空間が合わないため、ブレンドできません。',
  'generate.nothing': '共有コードか、シード（とタグ）を指定してください。',
  'restyle.no_tags': '属性変更に使うタグを 1 組以上指定してください。',
  'restyle.rows': 'タグの組は一度に {max} 組までです（{count} 組が指定されました）。',
  'restyle.no_girls': '属性変更には女の子が 1 人以上必要です。',
  'restyle.columns': '一度に描けるのは {max} 人までです。',
  'number.whole': '{what}は {min}〜{max} の整数です。',
  'number.whole_got': '{what}は {min}〜{max} の整数です（{got} が指定されました）。',
  'number.range': '{what}は {min}〜{max} の数です（{got} が指定されました）。',
  'number.seed': 'シードは 0〜4294967295 の整数です（{got} が指定されました）。',
  'size.unknown': '{px} px という画像サイズはここにはありません（モデルが描けるのは {sizes} px）。',
  'size.not_for_model': 'この子のモデル（{model}）が描けるのは {sizes} px の画像だけで、{px} px は描けません。',
  'picture.too_large': '画像が大きすぎて送れません（いちばん小さくしても {smallest}、上限は {limit}）。枚数を減らしてください。',
};

/** Names of the numbers core checks (limits.ts's `what`), in Japanese. */
export const FIELD_NAMES_JA: Readonly<Record<string, string>> = {
  'The number of girls': '人数',
  'The number of steps': 'ステップ数',
  'The number of variations': 'バリエーションの数',
  'The number of columns': '列の数',
  'The grid size': 'グリッドの大きさ',
  'ψ (truncation)': 'ψ（切り詰め）',
  'σ (how far variations stray)': 'σ（バリエーションの離れ具合）',
};
