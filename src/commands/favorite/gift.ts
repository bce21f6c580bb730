/**
 * /favorite give slot: to: — a copy of one of your favourites offered to another user, and the
 * offer's Accept/Decline buttons. The offer is a row in the store (GiftsRepo); the buttons name
 * its id, so any shard or a restarted bot answers them, and only the receiver's clicks count.
 *
 * Who is pinged: the offer is a new message (a follow-up: mentions in an edited deferred reply
 * never notify) that lets exactly the receiver's mention through; an accepted gift pings the
 * giver once; every other message here pings nobody (the client's default, parse: []).
 */
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  InteractionContextType,
  MessageFlags,
  type ChatInputCommandInteraction,
  type MessageActionRowComponentBuilder,
  type MessageComponentInteraction,
  time,
  TimestampStyles,
  userMention,
} from 'discord.js';
import type { ComponentHandler } from '../../bot/command.ts';
import type { BotContext } from '../../bot/context.ts';
import { customId } from '../../bot/custom-id.ts';
import { Refusal } from '../../bot/refusal.ts';
import { clip, filesOf } from '../../bot/respond.ts';
import { requireModel } from '../../core/catalog.ts';
import { generate } from '../../core/generate.ts';
import { shareCodeOf } from '../../core/girl.ts';
import { translator, type Translate } from '../../i18n/index.ts';
import type { GiftOffer, OfferResult } from '../../store/index.ts';
import { favouriteGirl, loadFavourite, quotedName } from '../shared/favourites.ts';
import { tagsText } from '../shared/tag-names.ts';

const ACCEPT = 'gift-accept';
const DECLINE = 'gift-decline';

/** "in 24 hours", as each reader's client shows it. */
const when = (ms: number) => time(Math.ceil(ms / 1000), TimestampStyles.RelativeTime);
/** A date and time ("7 December 2026 21:10"), in each reader's time zone. */
const at = (ms: number) => time(Math.ceil(ms / 1000), TimestampStyles.ShortDateTime);

/** The refusal for an offer the store would not make. */
function refusalOf(result: Exclude<OfferResult, { ok: true }>, receiverId: string, ctx: BotContext): Refusal {
  const receiver = userMention(receiverId);
  switch (result.code) {
    case 'self':
      return new Refusal('gift.error.self');
    case 'no_favourite':
      // Removed between reading her and offering her (another click, another shard).
      return new Refusal('fav.already_removed');
    case 'blocked':
      return new Refusal('gift.error.blocked', { receiver, count: ctx.gifts.limits.blockAfterDeclines });
    case 'too_many_pending':
      return new Refusal('gift.error.pending', { limit: result.limit });
    case 'too_many_recent':
      return new Refusal('gift.error.recent', { limit: result.limit, when: when(Date.now() + result.retryAfterMs) });
    case 'already_offered':
      return new Refusal('gift.error.already', { receiver, until: at(result.offer.expiresAt) });
  }
}

export async function give(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = translator(interaction.locale);
  const giver = interaction.user.id;
  const to = interaction.options.getUser('to', true);
  if (to.id === giver) throw new Refusal('gift.error.self');
  if (to.bot) throw new Refusal('gift.error.bot');
  // Only the giver and the bot are in the bot's DM: the receiver could never see the buttons.
  if (interaction.context === InteractionContextType.BotDM) throw new Refusal('gift.error.dm', { receiver: userMention(to.id) });
  const fav = await loadFavourite(ctx, giver, interaction.options.getInteger('slot', true));
  const girl = favouriteGirl(ctx, fav); // refuses a girl whose model is gone: she could not be drawn for the receiver
  const offered = await ctx.gifts.offer(giver, fav.id, to.id);
  if (!offered.ok) throw refusalOf(offered, to.id, ctx);
  const offer = offered.offer;
  let delivered = false;
  try {
    const drawing = generate(ctx.core(interaction.attachmentSizeLimit, interaction.user.id), { code: shareCodeOf(girl) });
    drawing.catch(() => undefined); // awaited below; a failure before then must not count as unhandled
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const picture = await drawing;
    const vocab = requireModel(ctx.runtime.catalog, girl.modelId).vocabulary;
    const content = tr('gift.offer', {
      receiver: userMention(to.id),
      giver: userMention(giver),
      name: quotedName(fav),
      tags: tagsText(vocab, girl.tags, tr),
      expires: when(offer.expiresAt),
    });
    const sent = await interaction.followUp({
      content: clip(content),
      files: filesOf(picture.attachments),
      components: [offerButtons(offer.id, tr)],
      allowedMentions: { users: [to.id] },
    });
    if (sent.flags.has(MessageFlags.Ephemeral)) {
      // Discord made the offer private (a server that denies this app "Use External Apps"):
      // the receiver can never see its buttons, so it goes, and the giver is told why.
      await interaction.deleteReply(sent).catch(() => undefined);
      await ctx.gifts.withdraw(giver, offer.id);
      await interaction.editReply({ content: tr('gift.error.private_here', { receiver: userMention(to.id) }) });
      return;
    }
    delivered = true;
    const waiting = (await ctx.gifts.pendingFrom(giver)).length;
    await interaction.editReply({
      content: tr('gift.offered', {
        slot: fav.index,
        name: quotedName(fav),
        receiver: userMention(to.id),
        until: at(offer.expiresAt),
        pending: waiting,
        max: ctx.gifts.limits.maxPending,
      }),
    });
  } catch (e) {
    // Delivered: the offer stands, whatever became of the giver's private confirmation.
    if (delivered) return void ctx.log.warn({ err: e, offer: offer.id }, 'gift offered, but its confirmation to the giver failed');
    // Not delivered (drawing failed, Discord refused the message): the offer goes, so it
    // neither counts against the giver's limit nor waits for an answer nobody can give.
    await ctx.gifts.withdraw(giver, offer.id).catch((err: unknown) => ctx.log.warn({ err, offer: offer.id }, 'could not withdraw an undelivered gift offer'));
    throw e;
  }
}

function offerButtons(offerId: number, tr: Translate): ActionRowBuilder<MessageActionRowComponentBuilder> {
  return new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(customId('favorite', ACCEPT, offerId))
      .setStyle(ButtonStyle.Success)
      .setEmoji('🎁')
      .setLabel(tr('gift.accept_button')),
    new ButtonBuilder()
      .setCustomId(customId('favorite', DECLINE, offerId))
      .setStyle(ButtonStyle.Secondary)
      .setLabel(tr('gift.decline_button')),
  );
}

/** Mentions of both sides, for texts that name them (never pinging: the client's default). */
const sides = (offer: GiftOffer) => ({ giver: userMention(offer.giverId), receiver: userMention(offer.receiverId) });

/** The offer message's final text once the gift is settled; its buttons go. */
function settledText(offer: GiftOffer, tr: Translate): string {
  if (offer.status === 'accepted') return tr('gift.settled.accepted', sides(offer));
  if (offer.status === 'declined') return tr('gift.settled.declined', sides(offer));
  return tr('gift.settled.expired', sides(offer));
}

/** A click that changes nothing: a private word to the clicker, the offer message as it was. */
const tell = (interaction: MessageComponentInteraction, content: string) => interaction.reply({ content, flags: MessageFlags.Ephemeral });

const offerIdOf = (arg: string | undefined) => (/^\d{1,15}$/.test(arg ?? '') ? Number(arg) : Number.NaN);

export const giftComponents: Record<string, ComponentHandler> = {
  async [ACCEPT](interaction, [arg], ctx) {
    const tr = translator(interaction.locale);
    const result = await ctx.gifts.accept(interaction.user.id, offerIdOf(arg));
    if (result.ok) {
      const count = await ctx.favourites.count(interaction.user.id);
      const name = quotedName(result.offer);
      await interaction.update({
        content: tr('gift.accepted', { ...sides(result.offer), slot: result.favourite.index, name, count, limit: ctx.favourites.limit }),
        components: [],
      });
      // The giver hears of it once; nobody else is pinged. She is kept already: a ping that
      // fails is logged, not reported to the receiver as if the accept had failed.
      await interaction
        .followUp({ content: tr('gift.accepted_ping', { ...sides(result.offer), name }), allowedMentions: { users: [result.offer.giverId] } })
        .catch((err: unknown) => ctx.log.warn({ err, offer: result.offer.id }, 'gift accepted, but pinging the giver failed'));
      return;
    }
    switch (result.code) {
      case 'not_found':
        return void (await tell(interaction, tr('gift.gone')));
      case 'not_yours':
        return void (await tell(interaction, tr('gift.not_yours', sides(result.offer))));
      case 'settled':
        return void (await interaction.update({ content: settledText(result.offer, tr), components: [] }));
      case 'limit_reached':
        // The offer stays open: the receiver can make room and press Accept again.
        return void (await tell(interaction, tr('gift.full', { limit: result.limit, expires: when(result.offer.expiresAt) })));
      case 'duplicate':
        return void (await interaction.update({
          content: tr('gift.duplicate', { ...sides(result.offer), slot: result.favourite.index, name: quotedName(result.favourite) }),
          components: [],
        }));
    }
  },

  async [DECLINE](interaction, [arg], ctx) {
    const tr = translator(interaction.locale);
    const result = await ctx.gifts.decline(interaction.user.id, offerIdOf(arg));
    if (result.ok) {
      await interaction.update({ content: tr('gift.declined', sides(result.offer)), components: [] });
      const block = ctx.gifts.limits.blockAfterDeclines;
      if (result.declines >= block) {
        await interaction.followUp({
          content: tr('gift.blocked_now', { giver: userMention(result.offer.giverId), count: block }),
          flags: MessageFlags.Ephemeral,
        });
      }
      return;
    }
    if (result.code === 'not_found') return void (await tell(interaction, tr('gift.gone')));
    if (result.code === 'not_yours') return void (await tell(interaction, tr('gift.not_yours', sides(result.offer))));
    await interaction.update({ content: settledText(result.offer, tr), components: [] });
  },
};
