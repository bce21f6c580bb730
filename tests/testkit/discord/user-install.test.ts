/** The loopback speaking user installs and context menus, as Discord does. */
import { afterEach, describe, expect, it } from 'vitest';
import { DiscordAPIError, MessageFlags, REST, Routes } from 'discord.js';
import { CONTEXT, INTEGRATION } from '../../../testkit/discord/index.ts';
import { startHarness, type Harness } from './harness.ts';

const SLASH = { name: 'draw', description: 'Draw', integration_types: [0, 1], contexts: [0, 1, 2] };

describe('user installs and context menus in the loopback', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const put = (body: unknown[], guildId?: string) => {
    const rest = new REST({ api: h!.loop.restApi }).setToken(h!.loop.token);
    const app = h!.loop.fixtures.application.id;
    return rest.put(guildId ? Routes.applicationGuildCommands(app, guildId) : Routes.applicationCommands(app), { body });
  };

  it('GIVEN a private channel THEN the bot gets context 2, the user install as owner, no guild and no member; in a foreign guild, context 0 without the bot', async () => {
    h = await startHarness();
    await put([SLASH]);
    const seen: unknown[] = [];
    h.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      seen.push({ context: i.context, guild: i.guildId, member: i.member === null, owners: i.authorizingIntegrationOwners.toJSON(), channel: i.channelId });
      await i.reply('ok');
    });
    const alice = h.loop.fixtures.users.alice;
    const group = h.loop.sendCommand({ name: 'draw', privateChannel: true });
    await group.finalMessage();
    expect(group.payload.channel.type).toBe(3);
    const foreign = h.loop.sendCommand({ name: 'draw', userInstall: true });
    await foreign.finalMessage();
    expect(seen).toEqual([
      { context: CONTEXT.PRIVATE_CHANNEL, guild: null, member: true, owners: { [INTEGRATION.USER_INSTALL]: alice.id }, channel: group.payload.channel.id },
      {
        context: CONTEXT.GUILD,
        guild: h.loop.fixtures.foreignGuild.guild.id,
        member: false,
        owners: { [INTEGRATION.USER_INSTALL]: alice.id },
        channel: h.loop.fixtures.foreignGuild.channel.id,
      },
    ]);
  });

  it('GIVEN commands Discord would not offer there THEN sending them fails: guild commands, no user-install type, a context left out', async () => {
    h = await startHarness();
    await put([{ name: 'local', description: 'Local' }], h.loop.fixtures.guild.id);
    await put([
      { name: 'server-only', description: 'Guild install only' },
      { name: 'no-groups', description: 'Not in group DMs', integration_types: [0, 1], contexts: [0, 1] },
    ]);
    expect(() => h!.loop.sendCommand({ name: 'local', privateChannel: true })).toThrow(/guild command/);
    expect(() => h!.loop.sendCommand({ name: 'server-only', userInstall: true })).toThrow(/integration_types are \[0\]/);
    expect(() => h!.loop.sendCommand({ name: 'no-groups', privateChannel: true })).toThrow(/context 2/);
    expect(() => h!.loop.sendCommand({ name: 'no-groups', dm: true, userInstall: true })).not.toThrow();
  });

  it('GIVEN bad definitions THEN registration is refused with 50035: a described context menu, user install on a guild command, unknown contexts', async () => {
    h = await startHarness();
    await expect(put([{ name: 'Open', type: 3, description: 'no' }])).rejects.toMatchObject({ code: 50035 });
    await expect(put([SLASH], h.loop.fixtures.guild.id)).rejects.toMatchObject({ code: 50035 });
    await expect(put([{ ...SLASH, contexts: [3] }])).rejects.toMatchObject({ code: 50035 });
    await expect(put([{ name: 'Bad Name', description: 'x' }])).rejects.toBeInstanceOf(DiscordAPIError);
    expect(await put([SLASH, { name: 'Open this girl', type: 3 }, { name: 'Favourites', type: 2 }])).toHaveLength(3);
  });

  it('GIVEN forceEphemeral THEN replies, deferred replies and follow-ups all come out ephemeral, whatever the bot asked', async () => {
    h = await startHarness();
    h.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      if (i.commandName === 'defer') {
        await i.deferReply();
        await i.editReply('later');
      } else {
        await i.reply('public?');
      }
      await i.followUp('and this?');
    });
    for (const name of ['reply', 'defer']) {
      const rec = h.loop.sendCommand({ name, userInstall: true, forceEphemeral: true });
      await rec.waitFor((e) => e.kind === 'followup');
      expect(rec.ephemeral).toBe(false); // what the bot asked for
      expect(h.loop.message(rec.originalMessageId!)!.ephemeral).toBe(true);
      expect(rec.followUps.map((m) => m.ephemeral)).toEqual([true]);
    }
    const normal = h.loop.sendCommand({ name: 'reply' });
    await normal.waitFor((e) => e.kind === 'followup');
    expect([h.loop.message(normal.originalMessageId!)!.ephemeral, ...normal.followUps.map((m) => m.ephemeral)]).toEqual([false, false]);
  });

  it("GIVEN a bot that posts to a user install's channel THEN 403 Missing Access, and requestsBeyondInteractions lists the call", async () => {
    h = await startHarness();
    h.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.reply({ content: 'ok', flags: MessageFlags.Ephemeral });
      await h!.client.rest.post(Routes.channelMessages(i.channelId), { body: { content: 'outside' } });
    });
    const mark = h.loop.requests.length;
    h.loop.sendCommand({ name: 'post', privateChannel: true });
    await expect.poll(() => h!.handlerErrors.length).toBe(1);
    expect(h.handlerErrors[0]).toMatchObject({ code: 50001, status: 403 });
    expect(h.loop.requestsBeyondInteractions(mark).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      expect.stringMatching(/^POST \/channels\/\d+\/messages 403$/),
    ]);
  });

  it('GIVEN message and user commands THEN discord.js reads the target message and user from the payload', async () => {
    h = await startHarness();
    const seen: string[] = [];
    h.onInteraction(async (i) => {
      if (i.isMessageContextMenuCommand()) seen.push(`message ${i.commandName}: ${i.targetMessage.content} by ${i.targetMessage.author.username}`);
      if (i.isUserContextMenuCommand()) seen.push(`user ${i.commandName}: ${i.targetUser.username} in context ${i.context}`);
      if (i.isRepliable()) await i.reply({ content: 'seen', flags: MessageFlags.Ephemeral });
    });
    const written = h.loop.userMessage({ content: 'hello there' });
    await h.loop.sendMessageCommand({ name: 'Open', message: written }).finalMessage();
    await h.loop.sendUserCommand({ name: 'Favourites', target: h.loop.fixtures.users.bob, privateChannel: true }).finalMessage();
    expect(seen).toEqual(['message Open: hello there by bob', `user Favourites: bob in context ${CONTEXT.PRIVATE_CHANNEL}`]);
  });
});
