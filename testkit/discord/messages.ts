import type { ApiObject } from './fixtures.ts';
import { errors } from './http.ts';
import { imageSize } from './images.ts';
import type { UploadedFile } from './multipart.ts';
import { snowflake } from './snowflake.ts';

export const FLAG_EPHEMERAL = 1 << 6;
export const FLAG_LOADING = 1 << 7;

export interface StoredAttachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  data: Buffer;
  url: string;
  description?: string;
}

export type MessageKind = 'original' | 'followup' | 'channel' | 'external';

/** A message as the loopback stores it: the API object the bot gets back plus the raw bytes. */
export interface MessageView {
  id: string;
  channelId: string;
  kind: MessageKind;
  interactionId?: string;
  content: string;
  embeds: ApiObject[];
  components: ApiObject[];
  flags: number;
  ephemeral: boolean;
  /** True while a deferred reply still shows "Bot is thinking…". */
  loading: boolean;
  attachments: StoredAttachment[];
  /** The JSON Discord returns for this message (what discord.js builds its Message from). */
  api: ApiObject;
  editCount: number;
  deleted: boolean;
  /**
   * Who Discord notified when the message was created: user ids, plus 'everyone' and
   * 'role:<id>', as its content and `allowed_mentions` decide. Edits notify nobody (a deferred
   * reply's mentions never ping), nor do ephemeral or loading messages.
   */
  pinged: string[];
}

export interface CreateMessage {
  kind: MessageKind;
  channelId: string;
  payload: ApiObject;
  uploads: UploadedFile[];
  interaction?: ApiObject;
  /** 20 for a slash-command reply, 0 (default) otherwise. */
  type?: number;
}

/** Holds every message the bot created, so later clicks and edits see its current state. */
export class MessageStore {
  private readonly byId = new Map<string, MessageView>();
  readonly all: MessageView[] = [];

  constructor(
    private readonly baseUrl: () => string,
    private readonly author: ApiObject,
  ) {}

  get(id: string): MessageView | undefined {
    return this.byId.get(id);
  }

  require(id: string): MessageView {
    const message = this.byId.get(id);
    if (!message || message.deleted) throw errors.unknownMessage();
    return message;
  }

  create(input: CreateMessage): MessageView {
    const id = snowflake();
    const view: MessageView = {
      id,
      channelId: input.channelId,
      kind: input.kind,
      interactionId: input.interaction?.id,
      content: '',
      embeds: [],
      components: [],
      flags: 0,
      ephemeral: false,
      loading: false,
      attachments: [],
      api: {
        id,
        channel_id: input.channelId,
        type: input.type ?? 0,
        author: this.author,
        timestamp: new Date().toISOString(),
        edited_timestamp: null,
        tts: false,
        mention_everyone: false,
        mentions: [],
        mention_roles: [],
        pinned: false,
        ...(input.interaction ? interactionFields(input.interaction) : {}),
      },
      editCount: 0,
      deleted: false,
      pinged: [],
    };
    this.apply(view, input.payload, input.uploads, true);
    if (!view.ephemeral && !view.loading) view.pinged = pingedBy(view.content, input.payload.allowed_mentions);
    this.byId.set(id, view);
    this.all.push(view);
    return view;
  }

  /** Remembers a message the test made up (e.g. a button message not posted by the bot). */
  adopt(api: ApiObject): MessageView {
    const known = this.byId.get(api.id);
    if (known) return known;
    const view: MessageView = {
      id: api.id,
      channelId: api.channel_id,
      kind: 'external',
      content: api.content ?? '',
      embeds: api.embeds ?? [],
      components: api.components ?? [],
      flags: api.flags ?? 0,
      ephemeral: Boolean((api.flags ?? 0) & FLAG_EPHEMERAL),
      loading: false,
      attachments: [],
      api: { ...api },
      editCount: 0,
      deleted: false,
      pinged: [],
    };
    this.byId.set(view.id, view);
    return view;
  }

  /** PATCH semantics: fields present replace, fields absent stay. */
  edit(id: string, payload: ApiObject, uploads: UploadedFile[]): MessageView {
    const view = this.require(id);
    const wasLoading = view.loading;
    this.apply(view, payload, uploads, false);
    view.editCount++;
    // The first edit of a deferred reply is its first real content, not an "(edited)" message.
    if (!wasLoading) view.api.edited_timestamp = new Date().toISOString();
    return view;
  }

  delete(id: string): MessageView {
    const view = this.require(id);
    view.deleted = true;
    return view;
  }

  findAttachment(id: string): StoredAttachment | undefined {
    for (const message of this.all) {
      const found = message.attachments.find((a) => a.id === id);
      if (found) return found;
    }
    return undefined;
  }

  private apply(view: MessageView, payload: ApiObject, uploads: UploadedFile[], creating: boolean): void {
    if ('content' in payload || creating) view.content = payload.content ?? '';
    if ('embeds' in payload || creating) view.embeds = payload.embeds ?? [];
    if ('components' in payload || creating) view.components = payload.components ?? [];
    if (creating) {
      view.flags = payload.flags ?? 0;
    } else {
      // Ephemerality is fixed at creation; an edit can only change the other flags.
      const requested = 'flags' in payload && payload.flags != null ? payload.flags : view.flags;
      view.flags = (view.flags & FLAG_EPHEMERAL) | (requested & ~FLAG_EPHEMERAL & ~FLAG_LOADING);
    }
    view.ephemeral = Boolean(view.flags & FLAG_EPHEMERAL);
    view.loading = Boolean(view.flags & FLAG_LOADING);
    view.attachments = this.resolveAttachments(view, payload.attachments, uploads, creating);
    Object.assign(view.api, {
      content: view.content,
      embeds: view.embeds,
      components: view.components,
      flags: view.flags,
      attachments: view.attachments.map((a) => this.attachmentJson(a, view.ephemeral)),
    });
  }

  /**
   * Discord's rule: an `attachments` array lists what the message keeps — existing ones by id,
   * new uploads by their `files[n]` index. Without the array, existing ones stay and uploads add.
   */
  private resolveAttachments(view: MessageView, entries: ApiObject[] | undefined | null, uploads: UploadedFile[], creating: boolean): StoredAttachment[] {
    const existing = creating ? [] : view.attachments;
    const pending = new Map(uploads.map((u) => [u.index, u]));
    const result: StoredAttachment[] = [];
    if (Array.isArray(entries)) {
      for (const entry of entries) {
        const id = String(entry.id);
        const kept = existing.find((a) => a.id === id);
        const upload = kept ? undefined : pending.get(Number(id));
        if (kept) {
          result.push({ ...kept, ...(entry.description ? { description: entry.description } : {}) });
        } else if (upload) {
          pending.delete(upload.index);
          result.push(this.storeUpload(view, upload, entry));
        } else {
          throw errors.invalidForm({
            attachments: { _errors: [{ code: 'ATTACHMENT_NOT_FOUND', message: `Unknown attachment ${id}` }] },
          });
        }
      }
    } else {
      result.push(...existing);
    }
    // Uploads no entry mentioned are still attached, as Discord does.
    for (const upload of pending.values()) result.push(this.storeUpload(view, upload, {}));
    return result;
  }

  private storeUpload(view: MessageView, upload: UploadedFile, entry: ApiObject): StoredAttachment {
    const id = snowflake();
    const filename = entry.filename ?? upload.filename;
    return {
      id,
      filename,
      contentType: upload.contentType,
      size: upload.data.length,
      data: upload.data,
      url: `${this.baseUrl()}/attachments/${view.channelId}/${id}/${encodeURIComponent(filename)}`,
      ...(entry.description ? { description: entry.description } : {}),
    };
  }

  private attachmentJson(a: StoredAttachment, ephemeral: boolean): ApiObject {
    const size = a.contentType.startsWith('image/') ? imageSize(a.data) : null;
    return {
      id: a.id,
      filename: a.filename,
      size: a.size,
      url: a.url,
      proxy_url: a.url,
      content_type: a.contentType,
      ...(size ?? {}),
      ...(a.description ? { description: a.description } : {}),
      ...(ephemeral ? { ephemeral: true } : {}),
    };
  }
}

/**
 * Discord's rule for who a new message notifies: the mentions in its content, filtered by
 * `allowed_mentions` when given (`parse` lets a kind through wholesale, `users`/`roles` list
 * the ids allowed; a listed id not in the content pings nobody). Absent: everything parses.
 */
export function pingedBy(content: string, allowed: ApiObject | null | undefined): string[] {
  const users = [...content.matchAll(/<@!?(\d{15,21})>/g)].map((m) => m[1]!);
  const roles = [...content.matchAll(/<@&(\d{15,21})>/g)].map((m) => m[1]!);
  const everyone = /@(everyone|here)/.test(content);
  const parse: string[] = allowed ? (allowed.parse ?? []) : ['users', 'roles', 'everyone'];
  const userIds: string[] = allowed?.users ?? [];
  const roleIds: string[] = allowed?.roles ?? [];
  const out = new Set<string>();
  for (const id of users) if (parse.includes('users') || userIds.includes(id)) out.add(id);
  for (const id of roles) if (parse.includes('roles') || roleIds.includes(id)) out.add(`role:${id}`);
  if (everyone && parse.includes('everyone')) out.add('everyone');
  return [...out];
}

function interactionFields(interaction: ApiObject): ApiObject {
  const user = interaction.member?.user ?? interaction.user;
  return {
    webhook_id: interaction.application_id,
    application_id: interaction.application_id,
    interaction_metadata: {
      id: interaction.id,
      type: interaction.type,
      user,
      authorizing_integration_owners: interaction.authorizing_integration_owners,
      ...(interaction.data?.name ? { name: interaction.data.name } : {}),
    },
    // Deprecated by Discord but discord.js still reads it for Message#interaction.
    interaction: {
      id: interaction.id,
      type: interaction.type,
      name: interaction.data?.name ?? interaction.data?.custom_id ?? '',
      user,
    },
  };
}

/** Deep copy for event logs, so later edits don't rewrite history. Buffers are shared (immutable by convention). */
export function snapshot(view: MessageView): MessageView {
  return {
    ...view,
    embeds: structuredClone(view.embeds),
    components: structuredClone(view.components),
    attachments: view.attachments.map((a) => ({ ...a })),
    api: structuredClone(view.api),
  };
}
