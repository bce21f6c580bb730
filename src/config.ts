/**
 * Environment → typed, validated configuration (documented in .env.example). An invalid
 * value is one clear line naming the variable, never a stack trace.
 */
import { z } from 'zod';
import { BACKEND_PREFERENCES, MAX_WORKERS, type BackendPreference } from './gan/backend-plan.ts';
import { DEFAULT_MAX_OTHER_MODELS, DEFAULT_MODEL_IDLE_MS } from './gan/session-pool.ts';

/** The bound of GFF_WORKERS and of gff --workers (see backend-plan.ts). */
export { BACKEND_PREFERENCES, MAX_WORKERS };

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const schema = z.object({
  DISCORD_TOKEN: z
    .string()
    .regex(/^[\w-]+\.[\w-]+\.[\w-]+$/, 'does not look like a bot token (three dot-separated parts)')
    .optional(),
  DISCORD_APP_ID: z
    .string()
    .regex(/^\d{5,25}$/, 'must be the numeric application id')
    .optional(),
  DISCORD_GUILD_ID: z
    .string()
    .regex(/^\d{5,25}$/, 'must be a numeric guild id')
    .optional(),
  /** Base URL of Discord's REST API; only the tests' loopback Discord changes it. */
  DISCORD_API: z.string().url().optional(),
  GFF_MODELS_DIR: z.string().default('models'),
  GFF_DEFAULT_MODEL: z
    .string()
    .regex(/^[\w.-]{1,64}$/)
    .default('default'),
  /** The SQLite file (the embedded default); ignored when GFF_DATABASE_URL is set. */
  GFF_DATABASE: z.string().default('var/gff.db'),
  /** A PostgreSQL server instead, for shards or hosts that share one store (docs/deploy.md). */
  GFF_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/i, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** PostgreSQL: how long a connection attempt, and a statement, may take before the store gives up (ms). */
  GFF_DB_CONNECT_TIMEOUT_MS: int(100, 600_000).default(5000),
  GFF_DB_STATEMENT_TIMEOUT_MS: int(100, 600_000).default(10_000),
  GFF_BACKEND: z.enum(BACKEND_PREFERENCES as [BackendPreference, ...BackendPreference[]]).default('auto'),
  /** 0 = draw in the main thread; unset = defaultWorkerCount (two for ONNX Runtime on CPU, one on a GPU). */
  GFF_WORKERS: int(0, MAX_WORKERS).optional(),
  /** Images per forward pass at 64 px; a 128 px model's batches hold a quarter as many (batcher.ts). Unset: 16 shared among the workers. */
  GFF_MAX_BATCH: int(1, 256).optional(),
  GFF_MAX_WAIT_MS: int(0, 1000).default(4),
  GFF_MAX_QUEUE: int(1, 100_000).default(512),
  /** Most images one user may have waiting; past it (while some wait) the bot says so and asks them to wait. */
  GFF_MAX_QUEUE_PER_USER: int(1, 100_000).default(64),
  /** A generator worker silent this long on a batch (of ≤ 32 images) is restarted and the batch fails. */
  GFF_BATCH_TIMEOUT_MS: int(1000, 600_000).default(30_000),
  /**
   * Batches each generator worker holds at once (2: one running, the next ready); 1 = one at a time.
   * 2 because a 128 px batch (4 images, ≈ 14 ms) is shorter than the main thread's pauses (a
   * garbage collection, a PNG call): held back, the worker waited on them (README, "Speed").
   */
  GFF_PIPELINE_DEPTH: int(1, 8).default(2),
  /** Seconds a model other than the default keeps its ONNX Runtime session unused (0 = until shutdown). */
  GFF_MODEL_IDLE_S: int(0, 7 * 24 * 3600).default(DEFAULT_MODEL_IDLE_MS / 1000),
  /** Most models other than the default whose sessions a generator worker holds at once. */
  GFF_MAX_OTHER_MODELS: int(0, 64).default(DEFAULT_MAX_OTHER_MODELS),
  GFF_FAVOURITES_LIMIT: int(1, 25).default(7),
  /** Commands per user per window; 0 disables the limit. */
  GFF_RATE_LIMIT: int(0, 1000).default(6),
  GFF_RATE_WINDOW_S: int(1, 3600).default(30),
  /**
   * Where uses are counted: 'process' (memory), 'shared' (the database, one limit for every
   * process using it) or 'auto': shared with PostgreSQL or when running as a shard.
   */
  GFF_RATE_LIMIT_SCOPE: z.enum(['auto', 'process', 'shared']).default('auto'),
  /**
   * How long a picture may take before its reply shows "thinking…" and the picture is edited in
   * (respond.ts); a picture ready sooner is the reply itself, one request to Discord instead of
   * two. 0 = always "thinking…" first. At most 1200: the router acknowledges at 1500 (ack-guard.ts).
   */
  GFF_REPLY_WINDOW_MS: int(0, 1200).default(1000),
  /** How long gacha buttons keep working. */
  GFF_GACHA_TTL_H: int(1, 24 * 365).default(24 * 7),
  /** The web studio's address (npm run build:web, served anywhere): replies get an "Open in studio" link. */
  GFF_STUDIO_URL: z.string().url().optional(),
  GFF_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings (KEY= in a .env file) mean "not set".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const r = schema.safeParse(cleaned);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const key = String(issue.path[0]);
  // Secrets stay out of logs: the token, and the URL's password.
  const shown = key === 'DISCORD_TOKEN' || key === 'GFF_DATABASE_URL' ? '(hidden)' : JSON.stringify(env[key]);
  throw new ConfigError(`Configuration error: ${key}=${shown} ${issue.message}.`);
}

/** Where the store lives: the PostgreSQL URL when one is set, else the SQLite file. */
export function databaseTarget(config: Config): string {
  return config.GFF_DATABASE_URL ?? config.GFF_DATABASE;
}

/** The bot token, or ConfigError saying it is missing. */
export function requireToken(config: Config): string {
  if (!config.DISCORD_TOKEN) throw new ConfigError('Configuration error: DISCORD_TOKEN is not set (see .env.example).');
  return config.DISCORD_TOKEN;
}

/** The same, for commands that need to talk to Discord. */
export function requireDiscord(config: Config, needGuild = false): { token: string; appId: string; guildId?: string } {
  requireToken(config);
  if (!config.DISCORD_APP_ID) throw new ConfigError('Configuration error: DISCORD_APP_ID is not set (see .env.example).');
  if (needGuild && !config.DISCORD_GUILD_ID) throw new ConfigError('Configuration error: DISCORD_GUILD_ID is not set.');
  return { token: requireToken(config), appId: config.DISCORD_APP_ID, ...(config.DISCORD_GUILD_ID ? { guildId: config.DISCORD_GUILD_ID } : {}) };
}
