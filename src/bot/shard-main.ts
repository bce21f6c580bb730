/**
 * `npm run start:sharded`: .env → environment → settings and token checked once here (one line
 * and exit 2, before any shard starts) → GET /gateway/bot (the count Discord recommends, and
 * how many sessions it lets the bot start today; a rejected token is one line and exit 1) →
 * this host's shard processes, each running src/bot.ts as `npm start` does → SIGINT/SIGTERM:
 * every shard finishes its replies in flight and stops, then exit 0; a second signal forces.
 * The same when the process that started this one (npm, tsx) is gone (parent-watch.ts).
 */
import os from 'node:os';
import { REST, Routes } from 'discord.js';
import { ConfigError, loadConfig, requireToken } from '../config.ts';
import { plannedBackend } from '../gan/backend-plan.ts';
import { createLogger } from './logger.ts';
import { loadDotEnv, startFailure } from './main.ts';
import { startedByWrapper, watchParent } from './parent-watch.ts';
import { ShardStartError, startShards } from './shard-fleet.ts';
import { loadShardSettings, planShards, shardChildEnv, type GatewayBotInfo, type ShardPlan } from './shards.ts';

const EXIT_CONFIG = 2;
const EXIT_START = 1;

const say = (line: string) => process.stderr.write(`gff-bot: ${line}\n`);

/** GET /gateway/bot on the configured API base (discord.js's own fetchRecommendedShardCount always asks discord.com). */
export async function fetchGatewayBot(token: string, api?: string): Promise<GatewayBotInfo> {
  // No sweeper timers: this client makes one request, and they would keep the process alive.
  const rest = new REST({ ...(api ? { api } : {}), hashSweepInterval: 0, handlerSweepInterval: 0 }).setToken(token);
  return (await rest.get(Routes.gatewayBot())) as GatewayBotInfo;
}

/** `bot` is the path of the bot's entry (src/bot.ts) each shard process runs. */
export async function shardMain(bot: string): Promise<number> {
  // Its wrapper (npm, tsx) killed outright sends no signal on: the shards are stopped as on
  // SIGTERM rather than left running with this manager under PID 1. Watched from the first
  // moment, so that a wrapper killed while the shards start is not missed.
  const parent: { gone?: string; whenGone: (reason: string) => void } = {
    whenGone: (reason) => {
      parent.gone = reason;
    },
  };
  const unwatch = watchParent((reason) => parent.whenGone(reason), { intervalMs: startedByWrapper() ? 1000 : 0 });
  try {
    return await run(bot, parent);
  } finally {
    unwatch();
  }
}

async function run(bot: string, parent: { gone?: string; whenGone: (reason: string) => void }): Promise<number> {
  let settings: ReturnType<typeof loadShardSettings>;
  let config: ReturnType<typeof loadConfig>;
  let token: string;
  try {
    loadDotEnv();
    config = loadConfig();
    token = requireToken(config);
    settings = loadShardSettings();
  } catch (e) {
    say((e as Error).message);
    return EXIT_CONFIG;
  }
  const log = createLogger(config.GFF_LOG_LEVEL).child({ part: 'shards' });

  let plan: ShardPlan;
  try {
    plan = planShards(settings, await fetchGatewayBot(token, config.DISCORD_API));
  } catch (e) {
    say(e instanceof ConfigError ? e.message : startFailure(e));
    return EXIT_START;
  }
  log.info(
    { count: plan.count, ids: plan.ids, recommended: plan.recommended },
    `${plan.count} shard(s) in all${plan.recommended ? ' (as Discord recommends)' : ''}; this host runs ${plan.ids.join(', ')}`,
  );

  const fleet = startShards({
    file: bot,
    count: plan.count,
    ids: plan.ids,
    token,
    env: shardChildEnv(process.env, plan.ids.length, os.availableParallelism(), plannedBackend(config.GFF_BACKEND)),
    log,
  });
  fleet.ready.catch((e: unknown) => {
    if (e instanceof ShardStartError) say(e.message);
  });

  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return fleet.kill();
    signalled = true;
    say(`${signal}: each shard finishes its replies in flight, then stops (again to force)`);
    fleet.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const onParentGone = (reason: string) => {
    if (signalled) return;
    signalled = true;
    say(`${reason}: each shard finishes its replies in flight, then stops`);
    fleet.stop();
  };
  parent.whenGone = onParentGone;
  if (parent.gone !== undefined) onParentGone(parent.gone);
  try {
    const code = await fleet.done;
    if (code === 0) log.info('stopped');
    return code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
