/**
 * A small message table for replies in English and Japanese, chosen from the Discord
 * client's language (`interaction.locale`); every other locale gets English.
 */
import { en, type MessageKey } from './en.ts';
import { ja } from './ja.ts';

export type { MessageKey } from './en.ts';
export type Lang = 'en' | 'ja';
export type Vars = Record<string, string | number>;
export type Translate = (key: MessageKey, vars?: Vars) => string;

export function langOf(locale: string | null | undefined): Lang {
  return locale?.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

export function t(lang: Lang, key: MessageKey, vars: Vars = {}): string {
  const template: string = (lang === 'ja' ? ja : en)[key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** `t` bound to one interaction's language. */
export function translator(locale: string | null | undefined): Translate {
  const lang = langOf(locale);
  return (key, vars) => t(lang, key, vars);
}

/** The display name of a tag group ("hair_color" → "Hair colour" / "髪の色"). */
export function groupName(lang: Lang, group: string): string {
  const key = `group.${group}` as MessageKey;
  return key in en ? t(lang, key) : group.replace(/_/g, ' ');
}
