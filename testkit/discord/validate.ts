import { COMPONENT, allComponents } from './components.ts';
import type { ApiObject } from './fixtures.ts';
import { DiscordHttpError, errors } from './http.ts';

// Discord answers a bad payload with 50035 and an `errors` tree; we keep a flat
// `{path: {_errors: [...]}}` which is enough for DiscordAPIError to print something useful.
type Problems = Record<string, { _errors: Array<{ code: string; message: string }> }>;

const IS_COMPONENTS_V2 = 1 << 15;

function add(problems: Problems, path: string, code: string, message: string): void {
  const entry = problems[path] ?? { _errors: [] };
  problems[path] = entry;
  entry._errors.push({ code, message });
}

function throwIf(problems: Problems): void {
  if (Object.keys(problems).length) throw errors.invalidForm(problems);
}

/** Limits a message payload must respect (content, embeds, rows, buttons, custom ids). */
export function validateMessage(payload: ApiObject, options: { creating: boolean; uploads: number }): void {
  const problems: Problems = {};
  const content: unknown = payload.content;
  if (typeof content === 'string' && content.length > 2000) {
    add(problems, 'content', 'BASE_TYPE_MAX_LENGTH', 'Must be 2000 or fewer in length.');
  }
  const embeds: ApiObject[] = payload.embeds ?? [];
  if (embeds.length > 10) add(problems, 'embeds', 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
  embeds.forEach((e, i) => {
    if ((e.title ?? '').length > 256) add(problems, `embeds.${i}.title`, 'BASE_TYPE_MAX_LENGTH', 'Must be 256 or fewer in length.');
    if ((e.description ?? '').length > 4096) {
      add(problems, `embeds.${i}.description`, 'BASE_TYPE_MAX_LENGTH', 'Must be 4096 or fewer in length.');
    }
  });
  validateComponents(problems, payload.components, Boolean((payload.flags ?? 0) & IS_COMPONENTS_V2));
  validateAllowedMentions(problems, payload.allowed_mentions);
  throwIf(problems);
  if (options.creating) {
    const empty =
      !content &&
      embeds.length === 0 &&
      (payload.components ?? []).length === 0 &&
      (payload.attachments ?? []).length === 0 &&
      options.uploads === 0 &&
      (payload.sticker_ids ?? []).length === 0 &&
      !payload.poll;
    if (empty) throw new DiscordHttpError(400, 50006, 'Cannot send an empty message');
  }
}

/** Discord refuses a kind both parsed wholesale and listed by id, and lists of more than 100 ids. */
function validateAllowedMentions(problems: Problems, allowed: ApiObject | null | undefined): void {
  if (!allowed) return;
  const parse: string[] = allowed.parse ?? [];
  for (const kind of ['users', 'roles'] as const) {
    const ids: unknown[] = allowed[kind] ?? [];
    if (parse.includes(kind) && ids.length > 0) {
      add(problems, `allowed_mentions.${kind}`, 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', `parse:["${kind}"] and ${kind}: [ids] are mutually exclusive.`);
    }
    if (ids.length > 100) add(problems, `allowed_mentions.${kind}`, 'BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer in length.');
  }
}

function validateComponents(problems: Problems, components: ApiObject[] | undefined, v2: boolean): void {
  if (!components) return;
  if (!v2) {
    if (components.length > 5) add(problems, 'components', 'BASE_TYPE_MAX_LENGTH', 'Must be 5 or fewer in length.');
    components.forEach((row, i) => {
      if (row.type !== COMPONENT.ACTION_ROW) {
        add(problems, `components.${i}.type`, 'UNION_TYPE_CHOICES', 'Top-level components must be action rows.');
        return;
      }
      const inner: ApiObject[] = row.components ?? [];
      if (inner.length < 1 || inner.length > 5) {
        add(problems, `components.${i}.components`, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 5 in length.');
      }
      if (inner.some((c) => c.type !== COMPONENT.BUTTON) && inner.length > 1) {
        add(problems, `components.${i}.components`, 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'A select menu fills its row.');
      }
    });
  }
  const seen = new Set<string>();
  for (const c of allComponents(components)) {
    const path = `components.custom_id(${c.custom_id ?? c.type})`;
    if (typeof c.custom_id === 'string') {
      if (c.custom_id.length < 1 || c.custom_id.length > 100) {
        add(problems, path, 'BASE_TYPE_BAD_LENGTH', 'custom_id must be between 1 and 100 in length.');
      }
      if (seen.has(c.custom_id)) add(problems, path, 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated');
      seen.add(c.custom_id);
    }
    if (c.type === COMPONENT.BUTTON) {
      const needsId = c.style !== 5 && c.style !== 6;
      if (needsId && typeof c.custom_id !== 'string') add(problems, path, 'BUTTON_COMPONENT_CUSTOM_ID_REQUIRED', 'A custom id is required');
      if (c.style === 5 && !c.url) add(problems, path, 'BUTTON_COMPONENT_URL_REQUIRED', 'A url is required');
      if ((c.label ?? '').length > 80) add(problems, path, 'BASE_TYPE_MAX_LENGTH', 'Label must be 80 or fewer in length.');
    }
    if (c.type === COMPONENT.STRING_SELECT) {
      const n = (c.options ?? []).length;
      if (n < 1 || n > 25) add(problems, path, 'BASE_TYPE_BAD_LENGTH', 'Options must be between 1 and 25 in length.');
      if ((c.placeholder ?? '').length > 150) add(problems, path, 'BASE_TYPE_MAX_LENGTH', 'Placeholder must be 150 or fewer in length.');
      (c.options ?? []).forEach((o: ApiObject, i: number) => {
        for (const field of ['label', 'value', 'description'] as const) {
          const text = o[field];
          if (text === undefined && field === 'description') continue;
          if (typeof text !== 'string' || text.length < 1 || text.length > 100) {
            add(problems, `${path}.options.${i}.${field}`, 'BASE_TYPE_BAD_LENGTH', `Option ${field} must be between 1 and 100 in length.`);
          }
        }
      });
    }
  }
}

export function validateChoices(choices: unknown): void {
  const problems: Problems = {};
  if (!Array.isArray(choices)) {
    add(problems, 'data.choices', 'BASE_TYPE_REQUIRED', 'This field is required');
  } else {
    if (choices.length > 25) add(problems, 'data.choices', 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
    choices.forEach((c: ApiObject, i) => {
      const name = String(c?.name ?? '');
      if (name.length < 1 || name.length > 100) {
        add(problems, `data.choices.${i}.name`, 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
      }
      if (typeof c?.value === 'string' && c.value.length > 100) {
        add(problems, `data.choices.${i}.value`, 'BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer in length.');
      }
    });
  }
  throwIf(problems);
}

export function validateModal(data: ApiObject | undefined): void {
  const problems: Problems = {};
  if (!data?.custom_id || data.custom_id.length > 100) add(problems, 'data.custom_id', 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
  if (!data?.title || data.title.length > 45) add(problems, 'data.title', 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 45 in length.');
  const n = (data?.components ?? []).length;
  if (n < 1 || n > 5) add(problems, 'data.components', 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 5 in length.');
  throwIf(problems);
}
