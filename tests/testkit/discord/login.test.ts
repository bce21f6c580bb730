import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from 'discord.js';
import { LoopbackDiscord, loginReady, loopbackClient } from '../../../testkit/discord/index.ts';

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

describe('login failures and gateway housekeeping', () => {
  let loop: LoopbackDiscord | undefined;
  let client: Client | undefined;

  afterEach(async () => {
    await client?.destroy();
    await loop?.stop();
    client = loop = undefined;
  });

  it('GIVEN a wrong token THEN REST answers 401 and login rejects with TokenInvalid', async () => {
    loop = await LoopbackDiscord.start();
    client = loopbackClient(loop);
    await expect(client.login('not-the-token')).rejects.toMatchObject({ code: 'TokenInvalid' });
    expect(loop.gatewayStats.connections).toBe(0);
  });

  it('GIVEN a wrong token and REST auth off THEN the gateway closes 4004 and login rejects without hanging', async () => {
    loop = await LoopbackDiscord.start({ checkRestAuth: false });
    client = loopbackClient(loop);
    const disconnected = new Promise<number>((resolve) => client!.once('shardDisconnect', (e) => resolve(e.code)));
    await expect(client.login('not-the-token')).rejects.toThrow(/Authentication failed/);
    expect(await disconnected).toBe(4004);
    expect(loop.gatewayStats.identifies).toBe(0);
  });

  it('GIVEN a short heartbeat interval THEN every heartbeat is ACKed and the connection stays up', async () => {
    loop = await LoopbackDiscord.start({ heartbeatIntervalMs: 40 });
    client = loopbackClient(loop);
    await loginReady(client, loop.token);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(loop.gatewayStats.heartbeats).toBeGreaterThanOrEqual(3);
    expect(loop.gatewayStats.connections).toBe(1);
    expect(client.ws.ping).toBeGreaterThanOrEqual(0);
  });

  it('GIVEN the bot registers commands globally and per guild THEN the loopback stores them with ids', async () => {
    loop = await LoopbackDiscord.start();
    client = loopbackClient(loop);
    const ready = await loginReady(client, loop.token);
    const global = await ready.application.commands.set([
      { name: 'draw', description: 'Draw a girl', options: [{ type: 3, name: 'tags', description: 'Tags' }] },
    ]);
    await ready.application.commands.set([{ name: 'admin', description: 'Admin' }], loop.fixtures.guild.id);

    expect(global.first()?.id).toBe(loop.commands.global[0]?.id);
    expect(loop.commands.global.map((c) => c.name)).toEqual(['draw']);
    expect(loop.commands.list(loop.fixtures.guild.id).map((c) => c.name)).toEqual(['admin']);
    expect(loop.commands.puts).toHaveLength(2);
  });

  it('GIVEN announceGuild false THEN READY carries no guilds and the client is ready anyway', async () => {
    loop = await LoopbackDiscord.start({ announceGuild: false });
    client = loopbackClient(loop);
    const ready = await loginReady(client, loop.token);
    expect(ready.guilds.cache.size).toBe(0);
  });
});
