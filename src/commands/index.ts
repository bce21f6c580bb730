/** Every slash command and context menu, listed explicitly (no folder scanning); the deploy script registers this list. */
import type { AnyCommand } from '../bot/command.ts';
import * as blend from './blend.ts';
import * as favorite from './favorite.ts';
import * as gacha from './gacha.ts';
import * as generate from './generate.ts';
import * as favouritesOf from './favourites-of.ts';
import * as help from './help.ts';
import * as morph from './morph.ts';
import * as openGirl from './open-girl.ts';
import * as restyle from './restyle.ts';
import * as settings from './settings.ts';
import * as tags from './tags.ts';

export const commands: readonly AnyCommand[] = [gacha, generate, favorite, restyle, morph, blend, tags, settings, help, openGirl, favouritesOf];
