/**
 * Where a message holds girls, for "Open this girl": share codes written anywhere in it
 * (content, embeds, link buttons — a studio link carries one as `#g=<code>`), and, on the
 * bot's own pictures, the stored picture their buttons name. The pictures themselves carry
 * no code (plain PNGs with generic names), so a picture of the bot's is known by its buttons:
 * their custom_ids hold the stored picture's id (stored-pictures.ts); one posted without
 * buttons (storage down) is found only by the code its text may hold.
 */
import type { Message } from 'discord.js';
import { parseCustomId } from '../../bot/custom-id.ts';
import { UserError } from '../../core/errors.ts';
import { girlFromCode, type Girl } from '../../core/girl.ts';
import type { ModelCatalog } from '../../core/catalog.ts';
import { LEGACY_TILE_ACTIONS, TILE_ACTIONS } from './tile-buttons.ts';

/** The tile actions whose first argument is a stored picture's id. */
const PICTURE_ACTIONS: ReadonlySet<string> = new Set([...Object.values(TILE_ACTIONS), ...Object.keys(LEGACY_TILE_ACTIONS)]);
const PICTURE_ID = /^[A-Za-z0-9_-]{6,16}$/;
/** Base64url runs long enough to be a code; each is then checked (a code ends in a CRC-32). */
const CODE_CANDIDATE = /[A-Za-z0-9_-]{16,}/g;
/** A message holds at most ~6000 characters of text; more candidates than this are not girls. */
const MAX_CANDIDATES = 50;

export interface GirlsInMessage {
  /** The stored picture this bot message's buttons name, if it is one of the bot's. */
  pictureId?: string;
  /** Girls of share codes found in it, in order, each once. */
  girls: Girl[];
  /** A code this bot could read but whose model it lacks: why nothing opened, when nothing else did. */
  unknownModel?: UserError;
}

/** Every piece of text a message shows: content, embeds, and the URLs of its link buttons. */
function textsOf(message: Message): string[] {
  const texts = [message.content];
  for (const e of message.embeds) {
    texts.push(e.title ?? '', e.description ?? '', e.url ?? '', e.footer?.text ?? '');
    for (const f of e.fields) texts.push(f.name, f.value);
  }
  for (const row of message.components) {
    for (const c of 'components' in row ? row.components : []) {
      const url = (c as { url?: string | null }).url;
      if (url) texts.push(url);
    }
  }
  return texts;
}

/** The stored picture named by the buttons of a message the app itself posted. */
function pictureIdOf(message: Message, appId: string): string | undefined {
  const fromApp = message.author?.id === appId || message.applicationId === appId;
  if (!fromApp) return undefined;
  for (const row of message.components) {
    for (const c of 'components' in row ? row.components : []) {
      const id = (c as { customId?: string | null }).customId;
      if (!id) continue;
      const { command, action, args } = parseCustomId(id);
      if (command === 'gacha' && PICTURE_ACTIONS.has(action) && PICTURE_ID.test(args[0] ?? '')) return args[0];
    }
  }
  return undefined;
}

export function girlsInMessage(message: Message, appId: string, catalog: ModelCatalog): GirlsInMessage {
  const found: GirlsInMessage = { girls: [] };
  const pictureId = pictureIdOf(message, appId);
  if (pictureId) found.pictureId = pictureId;
  const seen = new Set<string>();
  for (const text of textsOf(message)) {
    for (const [candidate] of text.matchAll(CODE_CANDIDATE)) {
      if (seen.has(candidate) || seen.size >= MAX_CANDIDATES) continue;
      seen.add(candidate);
      try {
        found.girls.push(girlFromCode(catalog, candidate));
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        // Not a code (most words and ids are not); a real code of a model this bot lacks is worth saying.
        if (e.code === 'unknown_model') found.unknownModel ??= e;
      }
    }
  }
  return found;
}
