import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CommandRegistry } from './commands.ts';
import type { FaultInjector } from './faults.ts';
import type { ApiObject, Fixtures } from './fixtures.ts';
import { DiscordHttpError, errors, matchPath, readBody, sendJson } from './http.ts';
import type { MessageStore } from './messages.ts';
import { parseBody, type UploadedFile } from './multipart.ts';
import type { InteractionRecord } from './record.ts';
import { interactionRoutes } from './routes-interactions.ts';
import { miscRoutes } from './routes-misc.ts';

export interface RestContext {
  token: string;
  checkAuth: boolean;
  fixtures: Fixtures;
  /** `http://127.0.0.1:PORT` */
  origin(): string;
  gatewayUrl(): string;
  /** GET /gateway/bot's `shards`: the shard count Discord recommends. */
  recommendedShards: number;
  interactions: Map<string, InteractionRecord>;
  messages: MessageStore;
  commands: CommandRegistry;
  faults: FaultInjector;
  requests: RequestLogEntry[];
  /** Channels the bot cannot see (a user install's: a guild it is not in, a private channel): 403 Missing Access. */
  hiddenChannels: Set<string>;
  /** Channels the bot may post in by id (the guild channel and DM channels seen so far). */
  channels: Map<string, ApiObject>;
  /** Reject callbacks later than this (Discord: 3000 ms); null = only record the time. */
  ackDeadlineMs: number | null;
  /** Interaction webhook token lifetime (Discord: 15 min). */
  tokenLifetimeMs: number;
}

export interface RouteRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  json: ApiObject | null;
  uploads: UploadedFile[];
}

export interface RouteResult {
  status: number;
  body?: unknown;
}

export interface Route {
  method: string;
  pattern: string;
  /** Bot-token routes; interaction callbacks and webhooks authenticate by their path token. */
  auth: boolean;
  handle: (req: RouteRequest, ctx: RestContext) => RouteResult | Promise<RouteResult>;
}

export interface RequestLogEntry {
  method: string;
  /** Path relative to `/api/v10`, without the query string. */
  path: string;
  query: string;
  status: number;
  /** True when a `failNext` fault produced the response. */
  injected: boolean;
  /** True when no route matched: the loopback lacks something the bot asked for. */
  unhandled: boolean;
  /** Discord error code or message for non-2xx answers. */
  error?: string;
}

const API_PREFIX = /^\/api(?:\/v\d+)?(?=\/)/;

export function createRestHandler(ctx: RestContext): (req: IncomingMessage, res: ServerResponse) => void {
  const routes: Route[] = [...interactionRoutes, ...miscRoutes];
  return (req, res) => {
    handle(ctx, routes, req, res).catch((error: unknown) => {
      // A bug in the loopback itself: answer 500 so the client fails loudly rather than hangs.
      if (!res.headersSent) sendJson(res, 500, { message: String((error as Error)?.stack ?? error), code: 0 });
    });
  };
}

async function handle(ctx: RestContext, routes: Route[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://loopback');
  const method = (req.method ?? 'GET').toUpperCase();
  const raw = await readBody(req);

  const attachment = matchPath('/attachments/:channel/:id/:filename', url.pathname);
  if (attachment && method === 'GET') return serveAttachment(ctx, attachment.id!, res);

  const path = url.pathname.replace(API_PREFIX, '');
  const entry: RequestLogEntry = { method, path, query: url.search, status: 0, injected: false, unhandled: false };
  ctx.requests.push(entry);
  const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    entry.status = status;
    if (status >= 400) entry.error = String((body as ApiObject)?.code ?? (body as ApiObject)?.message ?? status);
    sendJson(res, status, body, headers);
  };

  const fault = ctx.faults.take(method, path);
  if (fault) {
    entry.injected = true;
    return reply(fault.status, fault.body, fault.headers);
  }

  let route: Route | undefined;
  let params: Record<string, string> | null = null;
  for (const candidate of routes) {
    params = candidate.method === method ? matchPath(candidate.pattern, path) : null;
    if (params) {
      route = candidate;
      break;
    }
  }
  if (!route || !params || !API_PREFIX.test(url.pathname)) {
    entry.unhandled = true;
    return reply(404, errors.notFound().body);
  }
  try {
    if (route.auth && ctx.checkAuth && req.headers.authorization !== `Bot ${ctx.token}`) throw errors.unauthorized();
    const { json, files } = await parseBody(req.headers['content-type'], raw);
    const result = await route.handle({ method, path, params, query: url.searchParams, json, uploads: files }, ctx);
    reply(result.status, result.body ?? null);
  } catch (error) {
    if (error instanceof DiscordHttpError) return reply(error.status, error.body);
    throw error;
  }
}

function serveAttachment(ctx: RestContext, id: string, res: ServerResponse): void {
  const found = ctx.messages.findAttachment(id);
  if (!found) {
    sendJson(res, 404, errors.notFound().body);
    return;
  }
  res.writeHead(200, { 'content-type': found.contentType, 'content-length': found.size }).end(found.data);
}
