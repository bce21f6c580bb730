import type { ApiObject } from './fixtures.ts';

export const COMPONENT = {
  ACTION_ROW: 1,
  BUTTON: 2,
  STRING_SELECT: 3,
  TEXT_INPUT: 4,
  USER_SELECT: 5,
  ROLE_SELECT: 6,
  MENTIONABLE_SELECT: 7,
  CHANNEL_SELECT: 8,
} as const;

const BUTTON_STYLE_LINK = 5;
const BUTTON_STYLE_PREMIUM = 6;

/** Every component in a message, through action rows and v2 containers/sections. */
export function allComponents(components: ApiObject[] | undefined): ApiObject[] {
  const out: ApiObject[] = [];
  const visit = (list: ApiObject[] | undefined) => {
    for (const c of list ?? []) {
      out.push(c);
      visit(c.components);
      if (c.accessory) visit([c.accessory]);
      if (c.component) visit([c.component]);
    }
  };
  visit(components);
  return out;
}

/**
 * The component a user could actually interact with, or an error explaining why not — the
 * same mistakes (missing, disabled, link button) that leave a real user's click dead.
 */
export function findInteractive(message: ApiObject, customId: string, wantButton: boolean): ApiObject {
  const interactive = allComponents(message.components).filter((c) => typeof c.custom_id === 'string');
  const found = interactive.find((c) => c.custom_id === customId);
  if (!found) {
    const ids = interactive.map((c) => c.custom_id).join(', ') || 'none';
    throw new Error(`Message ${message.id} has no component with custom_id "${customId}" (has: ${ids})`);
  }
  if (found.disabled) throw new Error(`Component "${customId}" on message ${message.id} is disabled`);
  const isButton = found.type === COMPONENT.BUTTON;
  if (wantButton !== isButton) {
    throw new Error(`Component "${customId}" is type ${found.type}, not a ${wantButton ? 'button' : 'select menu'}`);
  }
  if (isButton && (found.style === BUTTON_STYLE_LINK || found.style === BUTTON_STYLE_PREMIUM)) {
    throw new Error(`Button "${customId}" is a link/premium button and sends no interaction`);
  }
  return found;
}

export function checkSelection(select: ApiObject, values: string[]): void {
  const min = select.min_values ?? 1;
  const max = select.max_values ?? 1;
  if (values.length < min || values.length > max) {
    throw new Error(`Select "${select.custom_id}" takes ${min}..${max} values, got ${values.length}`);
  }
  if (select.type === COMPONENT.STRING_SELECT) {
    const offered = new Set((select.options ?? []).map((o: ApiObject) => o.value));
    const unknown = values.filter((v) => !offered.has(v));
    if (unknown.length) throw new Error(`Select "${select.custom_id}" offers no option(s) ${unknown.join(', ')}`);
  }
}
