/**
 * The shape of a command module (src/commands/<name>.ts): its builder, what a slash command
 * does, and the handlers of its own autocomplete and components. Component custom_ids are
 * "<command>:<action>:<args…>", so the router finds the module by the first part.
 */
import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
  StringSelectMenuInteraction,
} from 'discord.js';
import type { BotContext } from './context.ts';

/** The components this bot sends: buttons and string select menus. */
export type ComponentInteraction = ButtonInteraction | StringSelectMenuInteraction;

export type ComponentHandler = (interaction: ComponentInteraction, args: string[], ctx: BotContext) => Promise<void>;

export interface Command {
  data: { readonly name: string; toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody };
  execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void>;
  /** Keyed by the custom_id's action part. */
  components?: Readonly<Record<string, ComponentHandler>>;
}
