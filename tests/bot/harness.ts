/**
 * The bot, in-process, against the loopback Discord, on a tiny random model (fast, and
 * independent of the model being trained in models/default). One runtime per test file is
 * shared by every bot the file starts, so restarts cost a client login, not a model load.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { registerCommands, startBot, type Bot, type BotOptions } from '../../src/bot.ts';
import { createLogger } from '../../src/bot/logger.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { startRuntime, type Runtime } from '../../src/runtime.ts';
import { LoopbackDiscord, type LoopbackOptions, type MessageView } from '../../testkit/discord/index.ts';
import { makeTinyModel, type TinyModelOptions } from '../../testkit/tiny-model.ts';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface World {
  dir: string;
  modelsDir: string;
  runtime: Runtime;
  loop: LoopbackDiscord;
  /** Every log line the bots wrote (JSON), for token checks. */
  logs: string[];
  config(env?: Record<string, string>): Config;
  startBot(env?: Record<string, string>, extra?: Partial<BotOptions>): Promise<Bot>;
  close(): Promise<void>;
}

export async function startWorld(opts: { loop?: LoopbackOptions; models?: string[]; modelOptions?: Record<string, TinyModelOptions> } = {}): Promise<World> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gff-bot-'));
  const modelsDir = path.join(dir, 'models');
  for (const id of opts.models ?? ['tiny']) await makeTinyModel(path.join(modelsDir, id), { id, seed: id.length, ...opts.modelOptions?.[id] });
  const runtime = await startRuntime({ modelsDir, defaultModelId: (opts.models ?? ['tiny'])[0], workers: 0 });
  const loop = await LoopbackDiscord.start(opts.loop);
  await registerCommands({ token: loop.token, appId: loop.fixtures.application.id, guildId: loop.fixtures.guild.id, api: loop.restApi });
  const logs: string[] = [];
  const bots: Bot[] = [];
  const world: World = {
    dir,
    modelsDir,
    runtime,
    loop,
    logs,
    config: (env = {}) =>
      loadConfig({
        DISCORD_TOKEN: loop.token,
        GFF_MODELS_DIR: modelsDir,
        GFF_DEFAULT_MODEL: (opts.models ?? ['tiny'])[0]!,
        GFF_DATABASE: path.join(dir, 'gff.db'),
        GFF_WORKERS: '0',
        GFF_RATE_LIMIT: '0',
        GFF_LOG_LEVEL: 'debug',
        ...env,
      }),
    async startBot(env = {}, extra = {}) {
      const log = createLogger('debug', { write: (line: string) => void logs.push(line) });
      // The generator runs in this thread (GFF_WORKERS=0) and files run side by side: a busy
      // event loop must not turn public replies into the router's private "thinking…" (it
      // acknowledges for handlers silent after 1.5 s in production). The loopback applies no
      // 3 s rule either; tests of that acknowledgement pass a short ackAfterMs.
      const bot = await startBot({ config: world.config(env), restApi: loop.restApi, runtime, log, ackAfterMs: 10_000, ...extra });
      bots.push(bot);
      return bot;
    },
    async close() {
      for (const bot of bots) await bot.stop();
      await loop.stop();
      await runtime.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return world;
}

export async function pngSize(data: Buffer): Promise<{ width: number; height: number; format: string }> {
  const meta = await sharp(data).metadata();
  return { width: meta.width!, height: meta.height!, format: meta.format! };
}

/** custom_ids of every component in a message, in order. */
export function customIds(message: MessageView): string[] {
  const out: string[] = [];
  const visit = (list: unknown[] | undefined) => {
    for (const c of (list ?? []) as { custom_id?: string; components?: unknown[] }[]) {
      if (c.custom_id) out.push(c.custom_id);
      visit(c.components);
    }
  };
  visit(message.components);
  return out;
}

export const starButtons = (m: MessageView) => customIds(m).filter((id) => id.startsWith('gacha:keep-tile:'));
export const findId = (m: MessageView, prefix: string) => {
  const id = customIds(m).find((c) => c.startsWith(prefix));
  if (!id) throw new Error(`no component ${prefix}… in ${customIds(m).join(', ')}`);
  return id;
};
