/**
 * The body of a reply to an expected error, in the user's language. Errors of the inner rooms
 * carry an ErrorDetail (a sentence key and values) beside their English message; Japanese
 * replies say the sentence from i18n's table, and unknown tags are listed with i18n's words.
 * English replies use each error's own message, which says the same.
 */
import type { UserError } from '../core/errors.ts';
import { unknownTagsMessage, type UnknownTag, type UnknownTagWording } from '../core/tags-input.ts';
import type { ErrorDetail } from '../latent/errors.ts';
import { ERROR_DETAILS_JA, FIELD_NAMES_JA } from '../i18n/error-details.ts';
import { t, type Lang } from '../i18n/index.ts';

function fill(template: string, vars: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, k: string) => (k in vars ? String(vars[k]) : whole));
}

/** An error's message in `lang`: its detail's sentence where the language has one, else the message itself. */
export function detailText(e: Error & { detail?: ErrorDetail }, lang: Lang): string {
  if (lang !== 'ja' || e.detail === undefined) return e.message;
  const template = ERROR_DETAILS_JA[e.detail.key];
  if (template === undefined) return e.message;
  const vars = { ...e.detail.vars };
  if (typeof vars.what === 'string') vars.what = FIELD_NAMES_JA[vars.what] ?? vars.what;
  return fill(template, vars);
}

function unknownTagWording(lang: Lang): UnknownTagWording {
  return {
    typo: t(lang, 'tags.unknown.typo'),
    typoWithSuggestions: t(lang, 'tags.unknown.suggest'),
    elsewhere: t(lang, 'tags.unknown.elsewhere'),
    elsewhereNamed: t(lang, 'tags.unknown.elsewhere_named'),
    invisible: t(lang, 'tags.unknown.invisible'),
    more: t(lang, 'tags.unknown.more'),
  };
}

/** Unknown words of typed tags in `lang`, a few lines however much was typed, and where the tags are listed. */
export function unknownTagsText(unknown: readonly UnknownTag[], lang: Lang): string {
  const hint = unknown.some((u) => u.reason !== 'invisible') ? `\n${t(lang, 'tags.unknown.hint')}` : '';
  return unknownTagsMessage(unknown, unknownTagWording(lang)) + hint;
}

export function userErrorText(e: UserError, lang: Lang): string {
  return e.unknownTags !== undefined && e.unknownTags.length > 0 ? unknownTagsText(e.unknownTags, lang) : detailText(e, lang);
}
