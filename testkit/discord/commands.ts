import type { ApiObject } from './fixtures.ts';
import { errors } from './http.ts';
import { snowflake } from './snowflake.ts';

/** Discord's rules for a command definition that a wrong payload breaks quietly elsewhere. */
function checkDefinition(d: ApiObject, i: number, global: boolean): void {
  const problems: Record<string, { _errors: Array<{ code: string; message: string }> }> = {};
  const add = (path: string, message: string) => {
    problems[`${i}.${path}`] = { _errors: [{ code: 'INVALID_COMMAND', message }] };
  };
  const type = d.type ?? 1;
  const name = String(d.name ?? '');
  if (type === 1 && !/^[-_\p{Ll}\p{Lo}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u.test(name))
    add('name', 'Slash command names are 1–32 lowercase letters, digits, - or _');
  if (type !== 1) {
    if (name.length < 1 || name.length > 32) add('name', 'Context menu names are 1–32 characters');
    if (d.description) add('description', 'Context menu commands have no description');
    if (d.options?.length) add('options', 'Context menu commands have no options');
  }
  for (const [locale, localized] of Object.entries((d.name_localizations ?? {}) as Record<string, string>)) {
    if (localized.length < 1 || localized.length > 32) add(`name_localizations.${locale}`, 'Names are 1–32 characters');
  }
  const installs: unknown[] | undefined = d.integration_types;
  if (installs && (installs.length === 0 || installs.some((t) => t !== 0 && t !== 1))) add('integration_types', 'Integration types are 0 (guild) and 1 (user)');
  const contexts: unknown[] | undefined | null = d.contexts;
  if (contexts && (contexts.length === 0 || contexts.some((c) => c !== 0 && c !== 1 && c !== 2))) add('contexts', 'Contexts are 0, 1 and 2');
  // Discord documents both as "only for globally-scoped commands".
  if (!global && installs?.includes(1)) add('integration_types', 'A guild command cannot be installed on a user');
  if (Object.keys(problems).length) throw errors.invalidForm(problems);
}

/** Application commands the bot registered, global and per guild, as Discord would store them. */
export class CommandRegistry {
  global: ApiObject[] = [];
  readonly guilds = new Map<string, ApiObject[]>();
  /** Every bulk overwrite received, in order (tests can check the bot registers once at start-up). */
  readonly puts: Array<{ guildId?: string; commands: ApiObject[] }> = [];

  constructor(private readonly applicationId: string) {}

  list(guildId?: string): ApiObject[] {
    return guildId ? (this.guilds.get(guildId) ?? []) : this.global;
  }

  /** PUT semantics: replaces the whole set, keeping ids of commands whose name survives. */
  overwrite(definitions: ApiObject[], guildId?: string): ApiObject[] {
    definitions.forEach((d, i) => checkDefinition(d, i, !guildId));
    const previous = this.list(guildId);
    const stored = definitions.map((d) => this.materialise(d, guildId, previous.find((p) => p.name === d.name && (p.type ?? 1) === (d.type ?? 1))?.id));
    if (guildId) this.guilds.set(guildId, stored);
    else this.global = stored;
    this.puts.push({ guildId, commands: stored });
    return stored;
  }

  create(definition: ApiObject, guildId?: string): ApiObject {
    checkDefinition(definition, 0, !guildId);
    const rest = this.list(guildId).filter((c) => c.name !== definition.name);
    const previous = this.list(guildId).find((c) => c.name === definition.name);
    const stored = this.materialise(definition, guildId, previous?.id);
    const next = [...rest, stored];
    if (guildId) this.guilds.set(guildId, next);
    else this.global = next;
    return stored;
  }

  remove(id: string, guildId?: string): boolean {
    const list = this.list(guildId);
    const next = list.filter((c) => c.id !== id);
    if (guildId) this.guilds.set(guildId, next);
    else this.global = next;
    return next.length !== list.length;
  }

  /** Guild commands shadow global ones of the same name and type (1 slash, 2 user, 3 message), as in the Discord client. */
  lookup(name: string, guildId?: string, type = 1): ApiObject | undefined {
    const match = (c: ApiObject) => c.name === name && (c.type ?? 1) === type;
    return (guildId ? this.list(guildId).find(match) : undefined) ?? this.global.find(match);
  }

  private materialise(d: ApiObject, guildId: string | undefined, id?: string): ApiObject {
    return {
      type: 1,
      description: '',
      default_member_permissions: null,
      nsfw: false,
      ...d,
      id: id ?? snowflake(),
      application_id: this.applicationId,
      version: snowflake(),
      ...(guildId ? { guild_id: guildId } : {}),
    };
  }
}
