import { Client, GatewayIntentBits, type ClientOptions } from 'discord.js';
import type { LoopbackDiscord } from './loopback.ts';

/** A real discord.js Client pointed at the loopback (REST base and, via /gateway/bot, the WebSocket). */
export function loopbackClient(loop: LoopbackDiscord, options: Partial<ClientOptions> = {}): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    ...options,
    rest: { ...options.rest, api: loop.restApi },
  });
}

/** Logs in and waits for discord.js's own `clientReady`, so handlers can rely on `client.user`. */
export async function loginReady(client: Client, token: string): Promise<Client<true>> {
  const ready = new Promise<void>((resolve) => client.once('clientReady', () => resolve()));
  await client.login(token);
  await ready;
  return client as Client<true>;
}
