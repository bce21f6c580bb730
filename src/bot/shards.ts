/**
 * Sharding without processes: the settings (GFF_SHARD_COUNT, GFF_SHARD_IDS), the plan of which
 * shards this host starts, the shard a child process is (from the variables discord.js's
 * ShardingManager gives it) and the environment each child gets. The process wiring is in
 * shard-fleet.ts and shard-main.ts.
 */
import { z } from 'zod';
import { ConfigError } from '../config.ts';
import { defaultWorkerCount, ortMayUseCuda, type BackendName } from '../gan/backend-plan.ts';

/** Far above any bot's shard count; it only keeps a typo from expanding into millions of ids. */
export const MAX_SHARDS = 65_536;

export interface ShardSettings {
  /** 'auto': the count Discord recommends (GET /gateway/bot) at start-up. */
  count: number | 'auto';
  /** The shard ids this host runs, ascending; undefined: all of them. */
  ids?: readonly number[];
}

const schema = z
  .object({
    GFF_SHARD_COUNT: z
      .string()
      .default('auto')
      .transform((text, ctx) => {
        const v = text.trim().toLowerCase();
        if (v === 'auto') return 'auto' as const;
        const n = /^\d+$/.test(v) ? Number(v) : Number.NaN;
        if (!(n >= 1 && n <= MAX_SHARDS)) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be auto or a whole number of shards from 1 to ${MAX_SHARDS}` });
          return z.NEVER;
        }
        return n;
      }),
    GFF_SHARD_IDS: z.string().optional(),
  })
  .transform((raw, ctx): ShardSettings => {
    if (raw.GFF_SHARD_IDS === undefined) return { count: raw.GFF_SHARD_COUNT };
    const problem = (message: string) => {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['GFF_SHARD_IDS'], message });
      return z.NEVER;
    };
    // Guilds are split by (id >> 22) % count: ids only mean something for a count every host
    // agrees on, and Discord's recommendation can change between two hosts' start-ups.
    if (raw.GFF_SHARD_COUNT === 'auto')
      return problem('needs a fixed GFF_SHARD_COUNT (with auto, hosts starting at different times may split guilds differently)');
    const ids = parseShardIds(raw.GFF_SHARD_IDS, raw.GFF_SHARD_COUNT);
    return typeof ids === 'string' ? problem(ids) : { count: raw.GFF_SHARD_COUNT, ids };
  });

/**
 * "0,2-4" → [0, 2, 3, 4]: ids and inclusive ranges, comma separated, each below `count` and
 * named once. Returns the ids ascending, or what is wrong, in words.
 */
export function parseShardIds(text: string, count: number): number[] | string {
  const seen = new Set<number>();
  for (const part of text.split(',').map((p) => p.trim())) {
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
    if (!m)
      return part === ''
        ? 'has an empty entry (use ids and ranges like 0,2-4)'
        : `has "${part}", which is not a shard id or range (use ids and ranges like 0,2-4)`;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) return `has the range ${part}, which runs backwards`;
    if (to >= count) return `names shard ${to}, but GFF_SHARD_COUNT=${count} has shards 0–${count - 1}`;
    for (let id = from; id <= to; id++) {
      if (seen.has(id)) return `names shard ${id} twice`;
      seen.add(id);
    }
  }
  return [...seen].sort((a, b) => a - b);
}

/** GFF_SHARD_COUNT and GFF_SHARD_IDS from the environment, or ConfigError with one line naming the variable. */
export function loadShardSettings(env: NodeJS.ProcessEnv = process.env): ShardSettings {
  // Empty strings (KEY= in a .env file) mean "not set", as in loadConfig.
  const pick = (key: string) => (env[key] === undefined || env[key] === '' ? {} : { [key]: env[key] });
  const r = schema.safeParse({ ...pick('GFF_SHARD_COUNT'), ...pick('GFF_SHARD_IDS') });
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const key = String(issue.path[0]);
  throw new ConfigError(`Configuration error: ${key}=${JSON.stringify(env[key])} ${issue.message}.`);
}

/** What GET /gateway/bot says (the fields the plan needs). */
export interface GatewayBotInfo {
  shards: number;
  session_start_limit: { total: number; remaining: number; reset_after: number; max_concurrency: number };
}

export interface ShardPlan {
  count: number;
  /** The shards this host starts, ascending. */
  ids: number[];
  /** True when the count is Discord's recommendation. */
  recommended: boolean;
}

/** Settings + Discord's answer → the shards to start here; ConfigError when Discord would refuse them today. */
export function planShards(settings: ShardSettings, gateway: GatewayBotInfo): ShardPlan {
  const recommended = settings.count === 'auto';
  const count = settings.count === 'auto' ? Math.max(1, gateway.shards) : settings.count;
  const ids = settings.ids ? [...settings.ids] : Array.from({ length: count }, (_, i) => i);
  const limit = gateway.session_start_limit;
  // discord.js refuses to connect past this limit; say so once here instead of once per shard.
  if (limit.remaining < ids.length) {
    const hours = Math.ceil(limit.reset_after / 3_600_000);
    throw new ConfigError(
      `Discord allows this bot ${limit.remaining} more gateway session start(s) (of ${limit.total} a day, renewed in about ${hours} h): fewer than the ${ids.length} shard(s) to start here.`,
    );
  }
  return { count, ids, recommended };
}

/** The shard(s) this process is, when a ShardingManager started it; undefined otherwise. */
export interface ShardIdentity {
  ids: number[];
  count: number;
}

/**
 * Read as discord.js's Client reads them (SHARDING_MANAGER, SHARDS as JSON, SHARD_COUNT), so the
 * logger can carry the shard before the client exists.
 */
export function shardOfProcess(env: NodeJS.ProcessEnv = process.env): ShardIdentity | undefined {
  if (!env.SHARDING_MANAGER || env.SHARDS === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(env.SHARDS);
  } catch {
    return undefined;
  }
  const ids = (Array.isArray(parsed) ? parsed : [parsed]).filter((n): n is number => Number.isInteger(n) && n >= 0);
  const count = Number(env.SHARD_COUNT);
  if (!ids.length || !Number.isInteger(count) || count < 1) return undefined;
  return { ids, count };
}

/**
 * The environment of each shard process: this process's, plus the generator's share of the host
 * — each shard draws with its own generator, and by default each would size its pool as if it
 * had every core. Where they are not set: GFF_WORKERS, the default pool for the shard's share of
 * the cores (defaultWorkerCount: two ONNX Runtime workers need two cores), and GFF_ORT_THREADS,
 * that share divided among its workers.
 */
export function shardChildEnv(base: NodeJS.ProcessEnv, shardsOnHost: number, cores: number, backend: BackendName = 'onnxruntime'): NodeJS.ProcessEnv {
  const share = Math.max(1, Math.floor(cores / Math.max(1, shardsOnHost)));
  const env = { ...base };
  if (!base.GFF_WORKERS) env.GFF_WORKERS = String(defaultWorkerCount(backend, share, ortMayUseCuda(base)));
  if (!base.GFF_ORT_THREADS) env.GFF_ORT_THREADS = String(Math.max(1, Math.floor(share / Math.max(1, Number(env.GFF_WORKERS) || 1))));
  return env;
}

/** Crashes further back than this no longer lengthen a shard's respawn delay. */
export const CRASH_MEMORY_MS = 10 * 60_000;

/**
 * How long to wait before respawning a shard that crashed after it was ready, given the times of
 * its crashes (this one included): 1 s, doubling with each crash in the last ten minutes, at most
 * a minute — so a shard that keeps crashing does not spin, and one crash a day costs a second.
 */
export function respawnDelayMs(crashes: readonly number[], now: number): number {
  const recent = crashes.filter((t) => now - t < CRASH_MEMORY_MS).length;
  return Math.min(60_000, 1000 * 2 ** Math.max(0, recent - 1));
}
