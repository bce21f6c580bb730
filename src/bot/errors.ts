/**
 * The one place errors become replies. Expected failures (bad input, busy queue, rate
 * limit, expired buttons, storage outage) get a clear ephemeral message in the user's
 * language; anything else is logged with the command's name and the user sees a short
 * apology — never a stack trace. Reporting itself never throws.
 */
import { MessageFlags, type Interaction, type RepliableInteraction } from 'discord.js';
import { UserError } from '../core/errors.ts';
import { BusyError, GeneratorError } from '../gan/errors.ts';
import { ShareCodeError } from '../latent/errors.ts';
import { StoreError, storeFailureKind } from '../store/index.ts';
import { t, type Lang, langOf, type MessageKey } from '../i18n/index.ts';
import type { BotContext } from './context.ts';
import { detailText, userErrorText } from './error-text.ts';
import { RateLimitedError } from './rate-limit.ts';
import { Refusal } from './refusal.ts';
import { clip } from './respond.ts';

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** The message for an expected failure, or undefined for a bug/outage that must be logged. */
export function explain(e: unknown, lang: Lang): string | undefined {
  if (e instanceof Refusal) return t(lang, e.key, e.vars);
  if (e instanceof RateLimitedError) {
    return t(lang, 'error.rate_limited', { limit: e.limit, window: Math.round(e.windowMs / 1000), seconds: seconds(e.retryAfterMs) });
  }
  if (e instanceof BusyError) {
    if (e.ownQueued !== undefined) return t(lang, 'error.busy_own', { queued: e.ownQueued, seconds: seconds(e.retryAfterMs) });
    return t(lang, 'error.busy', { seconds: seconds(e.retryAfterMs) });
  }
  if (e instanceof UserError) return withHeading(lang, `error.heading.${e.code}` as MessageKey, userErrorText(e, lang));
  if (e instanceof ShareCodeError) return withHeading(lang, 'error.heading.bad_code', detailText(e, lang));
  if (e instanceof GeneratorError) {
    if (e.code === 'closed') return t(lang, 'error.shutting_down');
    // model_unavailable: one old model failed its load (the service logged why); the others draw.
    if (e.code === 'unknown_model' || e.code === 'request_too_large' || e.code === 'model_unavailable') return detailText(e, lang);
  }
  return undefined;
}

function withHeading(lang: Lang, key: MessageKey, detail: string): string {
  const heading = t(lang, key);
  return heading ? `${heading}\n${detail}` : detail;
}

export async function reportError(interaction: Interaction, e: unknown, ctx: BotContext, where: string): Promise<void> {
  const lang = langOf(interaction.locale);
  let message = explain(e, lang);
  const storeKind = message === undefined ? storeFailureKind(e) : undefined;
  if (e instanceof StoreError && (e.code === 'db_unavailable' || e.code === 'db_not_answering')) {
    // A known state of the store (file gone, server down), not a bug: one line, no stack per
    // interaction. A lost file was logged once with its cause; a server down passes.
    const unavailable = e.code === 'db_unavailable';
    const line = { command: where, user: interaction.user.id, code: e.code, ...(unavailable ? {} : { reason: e.message }) };
    ctx.log.warn(line, unavailable ? 'storage unavailable: reply refused' : 'storage not answering: reply refused');
    message = t(lang, unavailable ? 'error.store_unavailable' : 'error.store');
  } else if (storeKind !== undefined) {
    ctx.log.error({ err: e, command: where, user: interaction.user.id, kind: storeKind }, `storage failure (${storeKind})`);
    // Busy passes; a damaged, full, read-only or missing database does not.
    message = t(lang, storeKind === 'unavailable' ? 'error.store_unavailable' : 'error.store');
  } else if (message === undefined && e instanceof GeneratorError) {
    ctx.log.error({ err: e, command: where, user: interaction.user.id }, 'generator failure');
    const restarted = e.code === 'worker_timeout' || e.code === 'worker_crashed';
    message = t(lang, restarted ? 'error.generator_restarted' : 'error.generator');
  } else if (message === undefined) {
    ctx.log.error({ err: e, command: where, user: interaction.user.id }, 'command failed');
    message = t(lang, 'error.unexpected', { command: where });
  } else {
    ctx.log.debug({ command: where, user: interaction.user.id, reason: (e as Error)?.name }, 'refused');
  }
  if (interaction.isAutocomplete()) {
    if (!interaction.responded) await interaction.respond([]).catch(() => undefined);
    return;
  }
  if (interaction.isRepliable()) await tellPrivately(interaction, message, ctx);
}

/** An ephemeral message whatever state the interaction is in (fresh, deferred, replied). */
export async function tellPrivately(interaction: RepliableInteraction, content: string, ctx: BotContext): Promise<void> {
  const text = clip(content);
  try {
    if (!interaction.deferred && !interaction.replied) {
      await interaction.reply({ content: text, flags: MessageFlags.Ephemeral });
    } else if (interaction.deferred && !interaction.replied && interaction.ephemeral) {
      await interaction.editReply({ content: text, files: [], components: [], embeds: [] });
    } else {
      // A public "thinking…" placeholder would stay forever: remove it, then answer privately.
      if (interaction.deferred && !interaction.replied) await interaction.deleteReply().catch(() => undefined);
      await interaction.followUp({ content: text, flags: MessageFlags.Ephemeral });
    }
  } catch (err) {
    ctx.log.warn({ err, interaction: interaction.id }, 'could not deliver an error message');
  }
}
