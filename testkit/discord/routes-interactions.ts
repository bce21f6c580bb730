import type { ApiObject } from './fixtures.ts';
import { errors } from './http.ts';
import { FLAG_EPHEMERAL, FLAG_LOADING, snapshot, type MessageView } from './messages.ts';
import type { UploadedFile } from './multipart.ts';
import { CALLBACK, INTERACTION, type InteractionRecord, type UploadRecord } from './record.ts';
import type { RestContext, Route, RouteRequest, RouteResult } from './rest.ts';
import { validateChoices, validateMessage, validateModal } from './validate.ts';

/** Which callback types Discord accepts for which interaction types. */
const ALLOWED: Record<number, number[]> = {
  [INTERACTION.COMMAND]: [CALLBACK.REPLY, CALLBACK.DEFER, CALLBACK.MODAL],
  [INTERACTION.COMPONENT]: [CALLBACK.REPLY, CALLBACK.DEFER, CALLBACK.DEFER_UPDATE, CALLBACK.UPDATE, CALLBACK.MODAL],
  [INTERACTION.AUTOCOMPLETE]: [CALLBACK.AUTOCOMPLETE],
  [INTERACTION.MODAL_SUBMIT]: [CALLBACK.REPLY, CALLBACK.DEFER, CALLBACK.DEFER_UPDATE, CALLBACK.UPDATE],
};

function checkUploads(record: InteractionRecord, uploads: UploadedFile[]): UploadRecord[] {
  for (const upload of uploads) {
    if (upload.data.length > record.attachmentSizeLimit) throw errors.tooLarge();
  }
  return uploads.map((u) => ({ filename: u.filename, contentType: u.contentType, size: u.data.length, data: u.data }));
}

function tokenExpired(ctx: RestContext, record: InteractionRecord): boolean {
  return record.elapsedMs > ctx.tokenLifetimeMs;
}

function recordForCallback(ctx: RestContext, id: string, token: string): InteractionRecord {
  const record = ctx.interactions.get(id);
  if (!record || record.token !== token || tokenExpired(ctx, record)) throw errors.unknownInteraction();
  return record;
}

function recordForWebhook(ctx: RestContext, applicationId: string, token: string): InteractionRecord {
  if (applicationId !== ctx.fixtures.application.id) throw errors.unknownWebhook();
  for (const record of ctx.interactions.values()) {
    if (record.token === token) {
      if (tokenExpired(ctx, record)) throw errors.invalidWebhookToken();
      return record;
    }
  }
  throw errors.invalidWebhookToken();
}

/** The message a component (or a modal opened from one) was attached to; its `@original` after 6/7. */
function componentMessage(ctx: RestContext, record: InteractionRecord): MessageView {
  const api = record.payload.message as ApiObject | undefined;
  if (!api) throw errors.invalidForm({ type: { _errors: [{ code: 'INTERACTION_NO_MESSAGE', message: 'This interaction has no message to update' }] } });
  return ctx.messages.get(api.id) ?? ctx.messages.adopt(api);
}

async function callback(req: RouteRequest, ctx: RestContext): Promise<RouteResult> {
  const record = recordForCallback(ctx, req.params.id!, req.params.token!);
  if (ctx.ackDeadlineMs !== null && record.elapsedMs > ctx.ackDeadlineMs) throw errors.unknownInteraction();
  if (record.acknowledged) throw errors.alreadyAcknowledged();
  const body = req.json ?? {};
  const type = Number(body.type);
  const data: ApiObject = body.data ?? {};
  if (!(ALLOWED[record.type] ?? []).includes(type)) {
    throw errors.invalidForm({
      type: { _errors: [{ code: 'INTERACTION_CALLBACK_TYPE_INVALID', message: `Callback type ${type} is not valid for interaction type ${record.type}` }] },
    });
  }
  const uploads = checkUploads(record, req.uploads);
  let message: MessageView | undefined;
  const channelId = record.payload.channel_id as string;
  const forced = record.forcedEphemeral ? FLAG_EPHEMERAL : 0;
  switch (type) {
    case CALLBACK.REPLY:
      validateMessage(data, { creating: true, uploads: uploads.length });
      message = ctx.messages.create({
        kind: 'original',
        channelId,
        payload: { ...data, flags: (data.flags ?? 0) | forced },
        uploads: req.uploads,
        interaction: record.payload,
        type: record.type === INTERACTION.COMMAND ? 20 : 0,
      });
      record.originalMessageId = message.id;
      break;
    case CALLBACK.DEFER:
      // Discord shows "Bot is thinking…": a real, empty message flagged LOADING (and maybe ephemeral).
      message = ctx.messages.create({
        kind: 'original',
        channelId,
        payload: { flags: ((data.flags ?? 0) & FLAG_EPHEMERAL) | forced | FLAG_LOADING },
        uploads: [],
        interaction: record.payload,
        type: record.type === INTERACTION.COMMAND ? 20 : 0,
      });
      record.originalMessageId = message.id;
      break;
    case CALLBACK.DEFER_UPDATE:
      message = componentMessage(ctx, record);
      record.originalMessageId = message.id;
      break;
    case CALLBACK.UPDATE:
      validateMessage(data, { creating: false, uploads: uploads.length });
      message = ctx.messages.edit(componentMessage(ctx, record).id, data, req.uploads);
      record.originalMessageId = message.id;
      break;
    case CALLBACK.AUTOCOMPLETE:
      validateChoices(data.choices);
      break;
    case CALLBACK.MODAL:
      validateModal(data);
      break;
  }
  record.push({ kind: 'callback', callbackType: type, payload: body, uploads, message: message && snapshot(message) });

  if (req.query.get('with_response') !== 'true') return { status: 204 };
  return {
    status: 200,
    body: {
      interaction: {
        id: record.id,
        type: record.type,
        response_message_id: message?.id,
        response_message_loading: type === CALLBACK.DEFER,
        response_message_ephemeral: message?.ephemeral ?? false,
      },
      resource: { type, ...(message && type !== CALLBACK.DEFER_UPDATE ? { message: message.api } : {}) },
    },
  };
}

function resolveMessage(ctx: RestContext, record: InteractionRecord, id: string): MessageView {
  const messageId = id === '@original' ? record.originalMessageId : id;
  if (!messageId) throw errors.unknownMessage();
  const message = ctx.messages.require(messageId);
  const belongs = messageId === record.originalMessageId || message.interactionId === record.id;
  if (!belongs) throw errors.unknownMessage();
  return message;
}

function editMessage(req: RouteRequest, ctx: RestContext): RouteResult {
  const record = recordForWebhook(ctx, req.params.app!, req.params.token!);
  const target = resolveMessage(ctx, record, req.params.message!);
  const uploads = checkUploads(record, req.uploads);
  const body = req.json ?? {};
  validateMessage(body, { creating: false, uploads: uploads.length });
  const message = ctx.messages.edit(target.id, body, req.uploads);
  record.push({ kind: 'edit', payload: body, uploads, message: snapshot(message) });
  return { status: 200, body: message.api };
}

function getMessage(req: RouteRequest, ctx: RestContext): RouteResult {
  const record = recordForWebhook(ctx, req.params.app!, req.params.token!);
  return { status: 200, body: resolveMessage(ctx, record, req.params.message!).api };
}

function deleteMessage(req: RouteRequest, ctx: RestContext): RouteResult {
  const record = recordForWebhook(ctx, req.params.app!, req.params.token!);
  const message = ctx.messages.delete(resolveMessage(ctx, record, req.params.message!).id);
  record.push({ kind: 'delete', payload: null, uploads: [], message: snapshot(message) });
  return { status: 204 };
}

function followUp(req: RouteRequest, ctx: RestContext): RouteResult {
  const record = recordForWebhook(ctx, req.params.app!, req.params.token!);
  // Before the first callback the interaction webhook does not exist yet.
  if (!record.acknowledged) throw errors.unknownWebhook();
  const uploads = checkUploads(record, req.uploads);
  const body = req.json ?? {};
  validateMessage(body, { creating: true, uploads: uploads.length });
  const message = ctx.messages.create({
    kind: 'followup',
    channelId: record.payload.channel_id,
    payload: record.forcedEphemeral ? { ...body, flags: (body.flags ?? 0) | FLAG_EPHEMERAL } : body,
    uploads: req.uploads,
    interaction: record.payload,
  });
  record.push({ kind: 'followup', payload: body, uploads, message: snapshot(message) });
  if (req.query.get('wait') !== 'true') return { status: 204 };
  return { status: 200, body: message.api };
}

export const interactionRoutes: Route[] = [
  { method: 'POST', pattern: '/interactions/:id/:token/callback', auth: false, handle: callback },
  { method: 'POST', pattern: '/webhooks/:app/:token', auth: false, handle: followUp },
  { method: 'GET', pattern: '/webhooks/:app/:token/messages/:message', auth: false, handle: getMessage },
  { method: 'PATCH', pattern: '/webhooks/:app/:token/messages/:message', auth: false, handle: editMessage },
  { method: 'DELETE', pattern: '/webhooks/:app/:token/messages/:message', auth: false, handle: deleteMessage },
];
