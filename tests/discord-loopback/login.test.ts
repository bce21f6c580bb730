import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from 'discord.js';
import { LoopbackDiscord, loginReady, loopbackClient } from '../support/discord/index.ts';

describe('discord.js logs in to the loopback', () => {
  let loop: LoopbackDiscord | undefined;
  let client: Client | undefined;

  afterEach(async () => {
    await client?.destroy();
    await loop?.stop();
    client = loop = undefined;
  });

  it('GIVEN the right token THEN the client reaches ready with the bot user and the guild cached', async () => {
    loop = await LoopbackDiscord.start();
    client = loopbackClient(loop);
    const ready = await loginReady(client, loop.token);

    expect(ready.user.id).toBe(loop.fixtures.bot.id);
    expect(ready.application.id).toBe(loop.fixtures.application.id);
    expect(ready.guilds.cache.has(loop.fixtures.guild.id)).toBe(true);
    expect(ready.channels.cache.has(loop.fixtures.channel.id)).toBe(true);
    expect(loop.gatewayStats.identifies).toBe(1);
    expect(loop.gatewayStats.identifyPayloads[0]?.intents).toBe(1);
    expect(loop.unhandledRequests).toEqual([]);
  });
});
