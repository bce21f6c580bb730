import type { ApiObject } from './fixtures.ts';
import { snowflake } from './snowflake.ts';

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
    const previous = this.list(guildId);
    const stored = definitions.map((d) => this.materialise(d, guildId, previous.find((p) => p.name === d.name)?.id));
    if (guildId) this.guilds.set(guildId, stored);
    else this.global = stored;
    this.puts.push({ guildId, commands: stored });
    return stored;
  }

  create(definition: ApiObject, guildId?: string): ApiObject {
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

  /** Guild commands shadow global ones of the same name, as in the Discord client. */
  lookup(name: string, guildId?: string): ApiObject | undefined {
    return (guildId ? this.list(guildId).find((c) => c.name === name) : undefined) ?? this.global.find((c) => c.name === name);
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
