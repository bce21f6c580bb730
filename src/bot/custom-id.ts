/**
 * custom_id scheme: "<command>:<action>:<arg>:<arg>…", ≤ 100 characters. Arguments are
 * short ids (a stored gacha result's 12-character id, a tile number), never user text.
 */
export const CUSTOM_ID_MAX = 100;

export function customId(command: string, action: string, ...args: (string | number)[]): string {
  const id = [command, action, ...args].join(':');
  if (id.length > CUSTOM_ID_MAX) throw new RangeError(`custom_id too long (${id.length}): ${id}`);
  return id;
}

export function parseCustomId(id: string): { command: string; action: string; args: string[] } {
  const [command = '', action = '', ...args] = id.split(':');
  return { command, action, args };
}
