/**
 * Starting and stopping the bot: runtime, database, client and router for a given list of
 * commands. It never imports the commands themselves: src/bot.ts, the entry, passes them in.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Events, type Client } from 'discord.js';
import { databaseTarget, requireToken, type Config } from '../config.ts';
import { startRuntime, type Runtime } from '../runtime.ts';
import {
  engineOf,
  FavouritesRepo,
  GachaResultsRepo,
  GiftsRepo,
  MorphStateRepo,
  namingFile,
  openDatabase,
  RateLimitHitsRepo,
  UserSettingsRepo,
  type Db,
} from '../store/index.ts';
import { labelFontCoverage, missingFontsMessage } from '../render/fonts.ts';
import { createClient } from './client.ts';
import type { AnyCommand } from './command.ts';
import type { BotContext } from './context.ts';
import { createLogger, type Logger } from './logger.ts';
import { DEFAULT_PICTURE_SIZE, userPictureSize } from './picture-size.ts';
import { RateLimiter, SharedRateLimiter, type DrawLimiter } from './rate-limit.ts';
import { InteractionRouter } from './router.ts';
import { shardOfProcess } from './shards.ts';

export interface BotOptions {
  config: Config;
  /** REST base URL (the loopback Discord in tests); default config.DISCORD_API, else Discord. */
  restApi?: string;
  /** An already started runtime (tests share one); the bot then leaves closing it to the caller. */
  runtime?: Runtime;
  log?: Logger;
  /** The slash commands to serve (src/commands/index.ts in production). */
  commands: readonly AnyCommand[];
  /** How long stop() waits for replies in flight (default 30 s). */
  drainTimeoutMs?: number;
  /** How long a handler may go without answering before the router acknowledges for it (default 1.5 s; ack-guard.ts). */
  ackAfterMs?: number;
}

export interface Bot {
  client: Client<true>;
  ctx: BotContext;
  /** Stops taking interactions, lets replies in flight land, then closes Discord, the generator and the database. */
  stop(): Promise<void>;
}

const HOUR_MS = 3_600_000;

/**
 * The rate limit in memory for a bot that is one process; in the database when several
 * processes share it (PostgreSQL, or a shard process of npm run start:sharded).
 */
function drawLimiter(config: Config, db: Db, sharded: boolean, log: Logger): DrawLimiter {
  const windowMs = config.GFF_RATE_WINDOW_S * 1000;
  const scope = config.GFF_RATE_LIMIT_SCOPE;
  const shared = scope === 'shared' || (scope === 'auto' && (db.engine === 'postgres' || sharded));
  if (!shared) return new RateLimiter(config.GFF_RATE_LIMIT, windowMs);
  const failOpen = (e: unknown) => log.warn({ reason: (e as Error)?.message }, 'rate limit not counted: storage failed (the command goes ahead)');
  return new SharedRateLimiter(new RateLimitHitsRepo(db), config.GFF_RATE_LIMIT, windowMs, Date.now, failOpen);
}

export async function startBot(opts: BotOptions): Promise<Bot> {
  const { config } = opts;
  const token = requireToken(config);
  // In a shard process (npm run start:sharded) every line carries the shard(s) it serves.
  const shard = shardOfProcess();
  const baseLog = opts.log ?? createLogger(config.GFF_LOG_LEVEL);
  const log = shard ? baseLog.child({ shard: shard.ids }) : baseLog;
  const cleanup: (() => Promise<void> | void)[] = [];
  const closeAll = async () => {
    // Each step on its own: one that throws (synchronously or not) must not skip the rest.
    for (const step of cleanup.reverse()) {
      try {
        await step();
      } catch (err) {
        log.error({ err }, `shutdown step failed: ${(err as Error)?.message ?? String(err)}`);
      }
    }
    cleanup.length = 0;
  };
  try {
    const runtime =
      opts.runtime ??
      (await startRuntime({
        modelsDir: config.GFF_MODELS_DIR,
        defaultModelId: config.GFF_DEFAULT_MODEL,
        backend: config.GFF_BACKEND,
        ...(config.GFF_WORKERS !== undefined ? { workers: config.GFF_WORKERS } : {}),
        ...(config.GFF_MAX_BATCH !== undefined ? { maxBatch: config.GFF_MAX_BATCH } : {}),
        maxWaitMs: config.GFF_MAX_WAIT_MS,
        maxQueue: config.GFF_MAX_QUEUE,
        maxQueuePerOwner: config.GFF_MAX_QUEUE_PER_USER,
        batchTimeoutMs: config.GFF_BATCH_TIMEOUT_MS,
        pipelineDepth: config.GFF_PIPELINE_DEPTH,
        modelIdleMs: config.GFF_MODEL_IDLE_S * 1000,
        maxOtherModels: config.GFF_MAX_OTHER_MODELS,
        log: log.child({ part: 'generator' }),
      }));
    if (!opts.runtime) cleanup.push(() => runtime.close());

    const storeLog = log.child({ part: 'store' });
    const target = databaseTarget(config);
    if (engineOf(target) === 'sqlite' && target !== ':memory:') mkdirSync(dirname(target), { recursive: true });
    const db: Db = await openDatabase(target, {
      log: storeLog,
      connectTimeoutMs: config.GFF_DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: config.GFF_DB_STATEMENT_TIMEOUT_MS,
    });
    cleanup.push(() => db.close());
    const results = new GachaResultsRepo(db, { ttlMs: config.GFF_GACHA_TTL_H * HOUR_MS });
    const rateLimiter = drawLimiter(config, db, shard !== undefined, storeLog);
    const favourites = new FavouritesRepo(db, { limit: config.GFF_FAVOURITES_LIMIT });
    const gifts = new GiftsRepo(db, { favouritesLimit: favourites.limit });
    const purge = async () => {
      log.debug({ purged: await results.purgeExpired() }, 'expired gacha results purged');
      log.debug({ purged: await gifts.purgeExpired() }, 'old gift offers purged');
      await rateLimiter.sweep();
    };
    try {
      await purge(); // the first query past the header: damaged pages show here
    } catch (e) {
      throw namingFile(e, db.where);
    }
    const purgeTimer = setInterval(() => {
      purge().catch((err: unknown) => storeLog.error({ err, database: db.where }, 'purging expired gacha results failed'));
    }, HOUR_MS).unref();
    cleanup.push(() => clearInterval(purgeTimer));

    const settings = new UserSettingsRepo(db);
    const ctx: BotContext = {
      runtime,
      favourites,
      results,
      morphs: new MorphStateRepo(db),
      gifts,
      settings,
      rateLimiter,
      log,
      replyWindowMs: config.GFF_REPLY_WINDOW_MS,
      // Pictures at the user's /settings size:, else 128 px (the quickest).
      core: (limit, owner) => runtime.context(limit, owner, owner === undefined ? DEFAULT_PICTURE_SIZE : userPictureSize(settings, owner, log)),
      ...(config.GFF_STUDIO_URL ? { studioUrl: config.GFF_STUDIO_URL } : {}),
    };
    const router = new InteractionRouter(opts.commands, ctx, opts.ackAfterMs);
    const restApi = opts.restApi ?? config.DISCORD_API;
    const client = createClient(restApi ? { restApi } : {});
    cleanup.push(() => client.destroy());
    client.on(Events.InteractionCreate, (interaction) => router.handle(interaction));
    client.on(Events.Error, (err) => log.error({ err }, 'discord client error'));
    client.on(Events.Warn, (message) => log.warn({ message }, 'discord client warning'));
    client.on(Events.ShardDisconnect, (event, shard) => log.warn({ shard, code: event.code }, 'gateway disconnected'));
    client.on(Events.ShardResume, (shard, replayed) => log.info({ shard, replayed }, 'gateway resumed'));

    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(token);
    await ready;

    const model = runtime.catalog.get(runtime.catalog.defaultModelId)!;
    const stats = runtime.service.stats();
    const workers = config.GFF_WORKERS === 0 ? 0 : stats.workers.length;
    const drawing = workers ? `${workers} worker thread(s)` : 'drawing in the main thread';
    log.info(
      { user: client.user?.tag, backend: stats.backend, model: model.id, tags: model.vocabulary.size, workers, models: runtime.catalog.ids() },
      `ready: ${shard ? `shard ${shard.ids.join(', ')} of ${shard.count}, ` : ''}${stats.backend ?? '?'} backend, model ${model.id} (${model.vocabulary.size} tags), ${drawing}`,
    );

    // Labels with Japanese names or emoji need fonts the machine may lack: say so at start-up.
    const fontWarning = missingFontsMessage(await labelFontCoverage());
    if (fontWarning) log.warn({ part: 'render' }, fontWarning);

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        log.info({ pending: router.pending }, 'shutting down: finishing replies in flight');
        const drained = await router.drain(opts.drainTimeoutMs ?? 30_000);
        if (!drained) log.warn({ pending: router.pending }, 'shutdown: gave up waiting for some replies');
        await closeAll();
        log.info('stopped');
      })());
    return { client: client as Client<true>, ctx, stop };
  } catch (e) {
    await closeAll();
    throw e;
  }
}
