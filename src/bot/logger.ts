/**
 * pino logger for the bot. Secrets never reach a log line: the bot token is redacted by
 * path, and interaction tokens — which sit inside webhook URLs of discord.js errors — are
 * cut out of every serialised error.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

const REDACT = [
  'token',
  '*.token',
  'DISCORD_TOKEN',
  '*.DISCORD_TOKEN',
  'config.DISCORD_TOKEN',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
];

/** Interaction webhook/callback URLs carry the interaction token as a path segment. */
export function scrubTokens(text: string): string {
  return text
    .replace(/(\/webhooks\/\d+\/)[^/?\s"']+/g, '$1:token')
    .replace(/(\/interactions\/\d+\/)[^/?\s"']+/g, '$1:token')
    .replace(/\b(Bot|Bearer)\s+[\w.-]{20,}/g, '$1 :token');
}

/** Errors as plain objects: name, message, code, status, url and stack — all scrubbed. */
export function serializeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: scrubTokens(String(err)) };
  const e = err as Error & { code?: unknown; status?: unknown; method?: unknown; url?: unknown; cause?: unknown };
  return {
    type: e.name,
    message: scrubTokens(e.message),
    ...(e.code !== undefined ? { code: e.code } : {}),
    ...(typeof e.status === 'number' ? { status: e.status } : {}),
    ...(typeof e.method === 'string' ? { method: e.method } : {}),
    ...(typeof e.url === 'string' ? { url: scrubTokens(e.url) } : {}),
    ...(e.stack ? { stack: scrubTokens(e.stack) } : {}),
    ...(e.cause !== undefined ? { cause: serializeError(e.cause) } : {}),
  };
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { app: 'gff-bot' },
    redact: { paths: REDACT, censor: '[redacted]' },
    serializers: { err: serializeError, error: serializeError },
  };
  return destination ? pino(options, destination) : pino(options);
}
