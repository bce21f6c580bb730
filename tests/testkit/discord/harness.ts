import type { Client, Interaction } from 'discord.js';
import { LoopbackDiscord, loginReady, loopbackClient, type LoopbackOptions } from '../../../testkit/discord/index.ts';

/** One loopback + logged-in client per test file; each test swaps in its own handler. */
export interface Harness {
  loop: LoopbackDiscord;
  client: Client<true>;
  /** Errors thrown by handlers, so a test can assert none happened (or the expected one did). */
  handlerErrors: unknown[];
  onInteraction(handler: (interaction: Interaction) => Promise<void> | void): void;
  close(): Promise<void>;
}

export async function startHarness(options: LoopbackOptions = {}, clientOptions = {}): Promise<Harness> {
  const loop = await LoopbackDiscord.start(options);
  const client = await loginReady(loopbackClient(loop, clientOptions), loop.token);
  let current: (interaction: Interaction) => Promise<void> | void = () => {};
  const harness: Harness = {
    loop,
    client,
    handlerErrors: [],
    onInteraction(handler) {
      current = handler;
    },
    async close() {
      await client.destroy();
      await loop.stop();
    },
  };
  client.on('interactionCreate', async (interaction) => {
    try {
      await current(interaction);
    } catch (error) {
      harness.handlerErrors.push(error);
    }
  });
  return harness;
}

/** A real PNG with noisy pixels, so every byte value occurs and corruption would show. */
export async function noisyPng(width = 64, height = 48): Promise<Buffer> {
  const sharp = (await import('sharp')).default;
  return sharp({ create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
    .png()
    .toBuffer();
}
