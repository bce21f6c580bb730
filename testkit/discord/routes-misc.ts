import type { ApiObject } from './fixtures.ts';
import { DiscordHttpError, errors } from './http.ts';
import { snapshot } from './messages.ts';
import type { RestContext, Route, RouteRequest, RouteResult } from './rest.ts';
import { validateMessage } from './validate.ts';

const ok = (body: unknown): RouteResult => ({ status: 200, body });

function gatewayBot(_req: RouteRequest, ctx: RestContext): RouteResult {
  return ok({
    url: ctx.gatewayUrl(),
    // What ShardingManager's totalShards: 'auto' asks for (LoopbackOptions.recommendedShards).
    shards: ctx.recommendedShards,
    // discord.js refuses to connect when `remaining` is below the shard count.
    session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
  });
}

function checkApp(req: RouteRequest, ctx: RestContext): void {
  if (req.params.app !== ctx.fixtures.application.id) throw errors.notFound();
}

/** One of the fixture guilds, or 404 as Discord answers for a guild the bot is not in. */
function checkGuild(req: RouteRequest, ctx: RestContext): ApiObject {
  const found = ctx.fixtures.guilds.find((g) => g.guild.id === req.params.guild);
  if (!found) throw errors.notFound();
  return found.guild;
}

function guildOf(req: RouteRequest, ctx: RestContext): string | undefined {
  checkApp(req, ctx);
  if (req.params.guild === undefined) return undefined;
  return checkGuild(req, ctx).id;
}

const commandRoutes = (prefix: string): Route[] => [
  { method: 'GET', pattern: `${prefix}/commands`, auth: true, handle: (req, ctx) => ok(ctx.commands.list(guildOf(req, ctx))) },
  {
    method: 'PUT',
    pattern: `${prefix}/commands`,
    auth: true,
    handle: (req, ctx) => ok(ctx.commands.overwrite(Array.isArray(req.json) ? req.json : [], guildOf(req, ctx))),
  },
  {
    method: 'POST',
    pattern: `${prefix}/commands`,
    auth: true,
    handle: (req, ctx) => ({ status: 201, body: ctx.commands.create(req.json ?? {}, guildOf(req, ctx)) }),
  },
  {
    method: 'DELETE',
    pattern: `${prefix}/commands/:command`,
    auth: true,
    handle: (req, ctx) => {
      if (!ctx.commands.remove(req.params.command!, guildOf(req, ctx))) throw errors.notFound();
      return { status: 204 };
    },
  },
];

function channel(req: RouteRequest, ctx: RestContext) {
  const found = ctx.channels.get(req.params.channel!);
  if (!found) throw errors.unknownChannel();
  if (ctx.hiddenChannels.has(found.id)) throw errors.missingAccess();
  return found;
}

function postChannelMessage(req: RouteRequest, ctx: RestContext): RouteResult {
  const target = channel(req, ctx);
  const body = req.json ?? {};
  for (const upload of req.uploads) {
    // Bot-posted channel messages have the basic 10 MiB limit.
    if (upload.data.length > 10 * 1024 * 1024) throw errors.tooLarge();
  }
  validateMessage(body, { creating: true, uploads: req.uploads.length });
  const message = ctx.messages.create({ kind: 'channel', channelId: target.id, payload: body, uploads: req.uploads });
  return ok(snapshot(message).api);
}

function channelMessage(req: RouteRequest, ctx: RestContext) {
  channel(req, ctx);
  const message = ctx.messages.require(req.params.message!);
  if (message.channelId !== req.params.channel || message.ephemeral) throw errors.unknownMessage();
  return message;
}

export const miscRoutes: Route[] = [
  { method: 'GET', pattern: '/gateway', auth: false, handle: (_req, ctx) => ok({ url: ctx.gatewayUrl() }) },
  { method: 'GET', pattern: '/gateway/bot', auth: true, handle: gatewayBot },
  { method: 'GET', pattern: '/users/@me', auth: true, handle: (_req, ctx) => ok(ctx.fixtures.bot) },
  { method: 'GET', pattern: '/applications/@me', auth: true, handle: (_req, ctx) => ok(ctx.fixtures.application) },
  { method: 'GET', pattern: '/oauth2/applications/@me', auth: true, handle: (_req, ctx) => ok(ctx.fixtures.application) },
  ...commandRoutes('/applications/:app'),
  ...commandRoutes('/applications/:app/guilds/:guild'),
  {
    method: 'GET',
    pattern: '/guilds/:guild',
    auth: true,
    handle: (req, ctx) => ok(checkGuild(req, ctx)),
  },
  { method: 'GET', pattern: '/channels/:channel', auth: true, handle: (req, ctx) => ok(channel(req, ctx)) },
  { method: 'POST', pattern: '/channels/:channel/messages', auth: true, handle: postChannelMessage },
  { method: 'GET', pattern: '/channels/:channel/messages/:message', auth: true, handle: (req, ctx) => ok(channelMessage(req, ctx).api) },
  {
    method: 'PATCH',
    pattern: '/channels/:channel/messages/:message',
    auth: true,
    handle: (req, ctx) => {
      const message = channelMessage(req, ctx);
      // Interaction responses belong to the app's webhook, not the bot user.
      if (message.kind !== 'channel') throw new DiscordHttpError(403, 50005, 'Cannot edit a message authored by another user');
      validateMessage(req.json ?? {}, { creating: false, uploads: req.uploads.length });
      return ok(ctx.messages.edit(message.id, req.json ?? {}, req.uploads).api);
    },
  },
  {
    method: 'DELETE',
    pattern: '/channels/:channel/messages/:message',
    auth: true,
    handle: (req, ctx) => {
      ctx.messages.delete(channelMessage(req, ctx).id);
      return { status: 204 };
    },
  },
];
