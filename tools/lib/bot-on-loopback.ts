/**
 * The real bot (startBot) logged in to the loopback Discord, for the walkthrough and the
 * bot benchmark: on models/default when it exists, else on a random model made on the fly
 * (the caller prints the note saying which).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { registerCommands, startBot, type Bot } from '../../src/bot.ts';
import { createLogger } from '../../src/bot/logger.ts';
import { loadConfig } from '../../src/config.ts';
import { LoopbackDiscord } from '../../testkit/discord/index.ts';
import { makeTinyModel, type TinyModelOptions } from '../../testkit/tiny-model.ts';

export interface BotOnLoopback {
  loop: LoopbackDiscord;
  bot: Bot;
  /** Which model is drawing, in words. */
  note: string;
  close(): Promise<void>;
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

export async function botOnLoopback(opts: {
  fallback: TinyModelOptions;
  fallbackNote: string;
  env?: Record<string, string>;
  /** Serve this model instead of models/default (a folder of models and the id in it). */
  model?: { modelsDir: string; id: string };
}): Promise<BotOnLoopback> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'gff-loopback-bot-'));
  let modelsDir = 'models';
  let modelId = 'default';
  let note = 'model models/default';
  if (opts.model) {
    modelsDir = opts.model.modelsDir;
    modelId = opts.model.id;
    note = `model ${path.join(modelsDir, modelId)}`;
  } else if (!(await exists('models/default/card.json'))) {
    modelsDir = path.join(tmp, 'models');
    modelId = 'tiny';
    await makeTinyModel(path.join(modelsDir, modelId), { id: modelId, ...opts.fallback });
    note = `models/default not found: ${opts.fallbackNote}`;
  }
  const loop = await LoopbackDiscord.start();
  await registerCommands({ token: loop.token, appId: loop.fixtures.application.id, guildId: loop.fixtures.guild.id, api: loop.restApi });
  const config = loadConfig({
    DISCORD_TOKEN: loop.token,
    GFF_MODELS_DIR: modelsDir,
    GFF_DEFAULT_MODEL: modelId,
    GFF_DATABASE: path.join(tmp, 'gff.db'),
    GFF_RATE_LIMIT: '0',
    GFF_LOG_LEVEL: 'warn',
    ...opts.env,
  });
  const bot = await startBot({ config, restApi: loop.restApi, log: createLogger(config.GFF_LOG_LEVEL, process.stderr) });
  return {
    loop,
    bot,
    note,
    async close() {
      await bot.stop();
      await loop.stop();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}
