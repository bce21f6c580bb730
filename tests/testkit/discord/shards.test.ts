/**
 * Several shard sessions on one loopback: each discord.js client identifies as one shard of
 * two, receives only its own guild (READY and GUILD_CREATE), and interactions go to the shard
 * that owns their guild — shard 0 for DMs — as Discord routes them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, Interaction } from 'discord.js';
import { WebSocket } from 'ws';
import { LoopbackDiscord, loginReady, loopbackClient, shardOfGuild } from '../../../testkit/discord/index.ts';

describe('the loopback with two shard sessions', () => {
  let loop: LoopbackDiscord;
  const clients: Client<true>[] = [];
  /** Which shard's client saw each interaction id. */
  const seenBy = new Map<string, number>();

  beforeAll(async () => {
    loop = await LoopbackDiscord.start({ guildCount: 3, recommendedShards: 2 });
    for (const shard of [0, 1]) {
      const client = loopbackClient(loop, { shards: [shard], shardCount: 2 });
      client.on('interactionCreate', async (i: Interaction) => {
        seenBy.set(i.id, shard);
        if (i.isChatInputCommand())
          await i.reply({ content: `shard ${shard}`, components: [{ type: 1, components: [{ type: 2, style: 1, custom_id: 'again', label: 'again' }] }] });
        else if (i.isButton()) await i.reply(`button on shard ${shard}`);
      });
      clients.push(await loginReady(client, loop.token));
    }
  });
  afterAll(async () => {
    for (const client of clients) await client.destroy();
    await loop.stop();
  });

  it('GIVEN guild fixtures THEN guild k lies on shard k % n for counts 1 to 10', () => {
    for (const n of [1, 2, 3, 4, 5, 7, 10]) {
      expect(loop.fixtures.guilds.map((g) => shardOfGuild(g.guild.id, n))).toEqual([0, 1, 2].map((k) => k % n));
    }
    expect(loop.fixtures.guilds[0]!.guild).toBe(loop.fixtures.guild);
  });

  it('GIVEN GET /gateway/bot THEN it recommends the configured shard count and names the gateway', async () => {
    const res = await fetch(`${loop.restApi}/v10/gateway/bot`, { headers: { authorization: `Bot ${loop.token}` } });
    expect(await res.json()).toMatchObject({ url: loop.gatewayUrl, shards: 2 });
  });

  it('GIVEN two clients as shards 0 and 1 of 2 THEN each identified with its shard and caches only the guilds it owns', () => {
    expect(loop.liveShards).toEqual([0, 1]);
    expect(loop.gatewayStats.identifyPayloads.map((d) => d.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    const [g0, g1, g2] = loop.fixtures.guilds.map((g) => g.guild.id);
    expect([...clients[0]!.guilds.cache.keys()].sort()).toEqual([g0, g2].sort());
    expect([...clients[1]!.guilds.cache.keys()]).toEqual([g1]);
  });

  it('GIVEN commands in each guild and in a DM THEN the owning shard gets each one (shard 0 for the DM)', async () => {
    const [a, b, c] = loop.fixtures.guilds;
    const inA = loop.sendCommand({ name: 'where', guild: a!.guild });
    const inB = loop.sendCommand({ name: 'where', guild: b!.guild.id });
    const inC = loop.sendCommand({ name: 'where', guild: c!.guild });
    const dm = loop.sendCommand({ name: 'where', dm: true });
    expect((await inA.finalMessage()).content).toBe('shard 0');
    expect((await inB.finalMessage()).content).toBe('shard 1');
    expect((await inC.finalMessage()).content).toBe('shard 0');
    expect((await dm.finalMessage()).content).toBe('shard 0');
    expect(inB.payload.guild_id).toBe(b!.guild.id);
    expect(inB.payload.channel_id).toBe(b!.channel.id);
  });

  it('GIVEN a click on a message in the second guild THEN it happens in that guild and reaches shard 1', async () => {
    const posted = await loop.sendCommand({ name: 'where', guild: loop.fixtures.guilds[1]!.guild }).finalMessage();
    const click = loop.clickButton({ customId: 'again', message: posted });
    expect((await click.finalMessage()).content).toBe('button on shard 1');
    expect(click.payload.guild_id).toBe(loop.fixtures.guilds[1]!.guild.id);
    expect(seenBy.get(click.id)).toBe(1);
  });

  it('GIVEN a guild the loopback does not have THEN sendCommand says which guilds exist', () => {
    expect(() => loop.sendCommand({ name: 'where', guild: '42' })).toThrow(/not one of the loopback's guilds/);
  });

  it('GIVEN an IDENTIFY whose shard count disagrees with the live shards, or an impossible shard THEN the gateway closes with 4010', async () => {
    const closeCode = (shard: unknown) =>
      new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(`${loop.gatewayUrl}?v=10&encoding=json`);
        ws.on('message', (raw) => {
          if (JSON.parse(raw.toString()).op === 10) ws.send(JSON.stringify({ op: 2, d: { token: loop.token, intents: 1, properties: {}, shard } }));
        });
        ws.on('close', (code) => resolve(code));
        ws.on('error', reject);
      });
    expect(await closeCode([2, 3])).toBe(4010);
    expect(await closeCode([2, 2])).toBe(4010);
    expect(loop.liveShards).toEqual([0, 1]);
  });
});
