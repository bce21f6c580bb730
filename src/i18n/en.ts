/**
 * English replies. Placeholders are {name}; ja.ts must have the same keys (checked by type).
 * Core error messages are English and specific; Japanese replies put a short Japanese
 * headline (error.heading.*) above the same sentence in Japanese (error-details.ts, from
 * the error's detail), so English headlines are empty.
 */
export const en = {
  /** The language itself, for helpers that pick tag names (Danbooru or Japanese). */
  'meta.lang': 'en',
  'error.unexpected': 'Sorry — something went wrong on our side while running {command}. It has been logged; please try again.',
  'error.busy': 'The girl factory is busy right now. Please try again in {seconds} s.',
  'error.rate_limited': 'Easy there: at most {limit} drawings per {window} s. Try again in {seconds} s.',
  'error.store': 'The favourites storage is not answering right now; please try again in a moment.',
  'error.store_unavailable':
    'The favourites storage is unavailable, so nothing was saved or read. Trying again will not help until the bot’s operator repairs it.',
  'error.shutting_down': 'The bot is restarting; please try again in a minute.',
  'error.gone': 'This command or button is no longer available. Try /help.',
  'error.generator': 'The image generator is out of order right now; please try again later.',
  'error.generator_restarted': 'The image generator stumbled on this picture (it stopped answering or crashed) and has been restarted; please try again.',
  'error.heading.unknown_tags': '',
  'error.heading.bad_code': '',
  'error.heading.unknown_model': '',
  'error.heading.bad_number': '',
  'error.heading.too_large': '',
  'error.result_missing': 'These buttons belong to a result that is no longer stored. Run /gacha again.',
  'error.result_expired': 'These buttons have expired. Run /gacha again.',
  'error.slot': 'A favourite number must be a whole number from 1 to {max} (got {got}).',
  'error.slots_format': 'Give {least} to {most} different favourite numbers from 1 to {max}, e.g. "1 3" (got "{got}").',
  'error.no_favourites': 'You have no favourites yet: press ⭐ under a /gacha picture, or use /favorite add.',
  'error.not_found': 'There is no favourite #{slot}: you have {count}.',
  'error.limit_reached': 'You already have {limit} favourites. Remove one with /favorite remove first.',
  'error.invalid_name': 'A name needs 1 to {max} characters, at least one of them visible (zero-width and blank characters do not count).',
  'error.model_missing': 'Favourite #{slot} was drawn by model "{model}", which this bot no longer has (models here: {models}).',
  'error.tile': 'There is no tile {tile} in this picture.',
  'error.mixed_models': 'These favourites come from different models, whose faces cannot be mixed.',
  'tags.unknown.typo': 'Unknown tag "{input}".',
  'tags.unknown.suggest': 'Unknown tag "{input}": did you mean {suggestions}?',
  'tags.unknown.elsewhere': '"{input}" is not among this model’s tags.',
  'tags.unknown.elsewhere_named': '"{input}" ({name}) is not among this model’s tags.',
  'tags.unknown.invisible': 'A tag was only invisible characters (zero-width spaces or the like): type its name.',
  'tags.unknown.more': '…and {count} more words that are not tags of this model.',
  'tags.unknown.hint': '/tags lists the tags this model knows.',

  'tiles.hint': '⭐n keeps tile n · 🔀 variations · 🔄 reroll · 📋 share codes',
  'tiles.hint_short': '⭐n keeps tile n · 📋 share codes',
  'tiles.codes_only': '📋 share codes of every tile',
  'tiles.fav_placeholder': '⭐ Keep a tile…',
  'tiles.var_placeholder': '🔀 Variations of a tile…',
  'tiles.tile': 'Tile {tile}',
  'studio.open': 'Open in studio',
  'tiles.codes_intro': 'Share codes (paste into `/generate code:` or `/favorite add code:`):',
  'tiles.codes_file': 'The share codes of all {count} tiles are in codes.txt (paste one into `/generate code:` or `/favorite add code:`).',

  'gacha.content': '🎲 **{count}** girls · seeds {first}–{last} · {tags}',
  'gacha.redo': 'Redraw: `{command}`',
  'gacha.random_tags': 'random tags',
  'gacha.warning': '⚠️ {message}',
  'variations.content': '🔀 {count} variations of {of} (σ {sigma}, noise seed {seed}); tile 1 is the original.',
  'variations.of_tile': 'tile {tile}',

  'picker.content': 'Pick tags (a menu left empty is filled at random for each girl), then press 🎲 Draw. {count} girls{seed}.',
  'picker.seed': ' from seed {seed}',
  'picker.draw': 'Draw',
  'picker.placeholder': '{group}: any',

  'fav.saved': '⭐ Saved tile {tile} as your favourite #1 ({count}/{limit}). See `/favorite list`.',
  'fav.already': '⭐ She is already your favourite #{slot}{name}. See `/favorite list`.',
  'fav.added': '⭐ Saved as your favourite #1{name} ({count}/{limit}).',
  'fav.remove_confirm': 'Remove favourite #{slot}{name} · {tags}? Later numbers will move up by one.',
  'fav.remove_button': 'Remove',
  'fav.keep_button': 'Keep her',
  'fav.removed': 'Removed favourite #{slot}{name}. Later numbers moved up by one.',
  'fav.add_back': '\nTo add her back: `/favorite add code:{code}`',
  'fav.kept': 'Kept favourite #{slot}{name}.',
  'fav.already_removed': 'That favourite is already gone.',
  'fav.renamed': 'Favourite #{slot} is now called **{name}**.',
  'fav.list_title': 'Your favourites ({count}/{limit})',
  'fav.list_footer': 'Newest first. /favorite show slot:n draws one large; /morph, /blend and /restyle use these numbers.',
  'fav.codes_in_file': 'The share codes are in codes.txt.',
  'fav.show': '💖 Favourite #{slot}{name} · {tags}{model}\nShare code: `{code}`',
  'fav.model': ' · model {model}',
  'fav.missing_model': '(model "{model}" is not installed here)',

  'generate.content': '🎨 {what} · {tags}\nShare code: `{code}`',
  'generate.seed': 'seed {seed}',
  'generate.code': 'from a share code',

  'restyle.content': '🎨 Restyle: columns {columns}; rows {rows}.',
  'restyle.random': 'random columns: seeds {first}–{last}',
  'restyle.random_one': 'random column: seed {seed}',
  'restyle.no_tags': '(no tags)',

  'morph.content': '🔁 Morph of #{slot}{name}: {from} → {to} in {steps} steps. The next /morph of this favourite starts from {to}.',
  'morph.chain_moved_on': '⚠️ Another morph of her finished while this one was drawing, so her chain goes on from {to}, not from here.',
  'tiles.no_buttons': '⚠️ No buttons under this picture: the favourites storage cannot be reached right now, so it could not be kept for ⭐ 🔀 🔄.',
  'morph.code': 'Her share code: `{code}`',

  'blend.content': '🌀 Blend of {names} ({shape}).',
  'blend.strip': '{steps} steps',
  'blend.grid': '{side}×{side} grid',

  'tags.title': 'Tags of model {model} ({count})',
  'tags.footer': 'Type them comma-separated in any tags option (English or Japanese); autocomplete helps.',

  'help.title': 'Girl Friend Factory',
  'help.body': [
    '`/gacha tags: count: seed: psi:` a grid of new girls (no tags: a tag picker; psi below 1: more typical faces). ' +
      'Buttons: ⭐n keep, 🔀 variations, 🔄 reroll, 📋 codes.',
    '`/generate code: | seed: tags:` one girl, large.',
    '`/favorite add | list | show | remove | rename` your {limit} favourites.',
    '`/restyle tags1: tags2: tags3:` your favourites (and random girls) redrawn with other tags.',
    '`/morph slot: to: steps:` one favourite morphing towards other tags; morphs chain.',
    '`/blend slots:"1 3" steps:` favourites blended: 2 as a strip, 3–4 as a grid.',
    '`/tags` every tag, with Japanese names.',
    'Some faces come out strange: rare seeds are often the broken ones.',
  ].join('\n'),

  'group.hair_color': 'Hair colour',
  'group.eye_color': 'Eye colour',
  'group.hairstyle': 'Hairstyle',
  'group.expression': 'Expression',
  'group.face': 'Face',
  'group.accessories': 'Accessories',
  'group.other': 'Other',
  'group.more': 'More',
} as const;

export type MessageKey = keyof typeof en;
