/** Discord's limits that the commands work within (the API documents them; the loopback Discord enforces them). */

/** Autocomplete: at most 25 choices, each name and value at most 100 characters. */
export const AUTOCOMPLETE_LIMITS = { choices: 25, length: 100 } as const;

/** Most choices one autocomplete answer may hold. */
export const MAX_CHOICES = AUTOCOMPLETE_LIMITS.choices;

/** Longest name or value of one autocomplete choice. */
export const CHOICE_MAX_LENGTH = AUTOCOMPLETE_LIMITS.length;
