/**
 * The shape of a command module (src/commands/<name>.ts): its builder, what a slash command
 * does, and the handlers of its own autocomplete and components. Component custom_ids are
 * "<command>:<action>:<args…>", so the router finds the module by the first part.
 */
import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  ContextMenuCommandInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
  RESTPostAPIContextMenuApplicationCommandsJSONBody,
  StringSelectMenuInteraction,
} from 'discord.js';
import type { BotContext } from './context.ts';

/** The components this bot sends: buttons and string select menus. */
export type ComponentInteraction = ButtonInteraction | StringSelectMenuInteraction;

export type ComponentHandler = (interaction: ComponentInteraction, args: string[], ctx: BotContext) => Promise<void>;

/**
 * A check the router runs before a handler, declared by the command (as Sapphire's
 * preconditions). 'drawLimit': the handler draws, so it counts against the user's drawing
 * rate limit; the use is given back when the handler ends without having started to draw
 * (refused, bad input, a menu shown instead of a picture).
 */
export type Precondition = 'drawLimit';

export interface Preconditions {
  /** The slash command: all of it, or per subcommand name. */
  execute?: readonly Precondition[] | Readonly<Record<string, readonly Precondition[]>>;
  /** Per component action (the custom_id's second part). */
  components?: Readonly<Record<string, readonly Precondition[]>>;
}

export interface Command {
  data: { readonly name: string; toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody };
  execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void>;
  /** Keyed by the custom_id's action part. */
  components?: Readonly<Record<string, ComponentHandler>>;
  preconditions?: Preconditions;
}

/**
 * A right-click command (Apps → name) on a message or a user. Its name is shown to people
 * (spaces and capitals allowed), so its components' custom_ids start with a short
 * `customIdPrefix` instead, which the router finds it by.
 */
export interface ContextMenuCommand {
  data: { readonly name: string; toJSON(): RESTPostAPIContextMenuApplicationCommandsJSONBody };
  readonly customIdPrefix: string;
  executeContextMenu(interaction: ContextMenuCommandInteraction, ctx: BotContext): Promise<void>;
  components?: Readonly<Record<string, ComponentHandler>>;
  preconditions?: { execute?: readonly Precondition[]; components?: Readonly<Record<string, readonly Precondition[]>> };
}

/** Everything the bot registers and routes: slash commands and context menus. */
export type AnyCommand = Command | ContextMenuCommand;

export function isContextMenu(command: AnyCommand): command is ContextMenuCommand {
  return 'executeContextMenu' in command;
}
