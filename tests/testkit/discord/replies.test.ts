import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, DiscordAPIError, MessageFlags, Routes, type Message } from 'discord.js';
import { CALLBACK } from '../../../testkit/discord/index.ts';
import { noisyPng, startHarness, type Harness } from './harness.ts';

describe('replies, edits and attachments', () => {
  let h: Harness;
  let png: Buffer;

  beforeAll(async () => {
    h = await startHarness();
    png = await noisyPng();
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.handlerErrors.length = 0;
  });

  it('GIVEN deferReply then editReply with a PNG THEN the loopback records defer then edit with the bytes intact', async () => {
    h.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply();
      await i.editReply({ content: 'here she is', files: [{ attachment: png, name: 'x.png' }] });
    });
    const record = h.loop.sendCommand({ name: 'draw', options: { tags: 'blue hair' } });
    const message = await record.finalMessage();

    expect(record.events.map((e) => (e.kind === 'callback' ? `callback ${e.callbackType}` : e.kind))).toEqual(['callback 5', 'edit']);
    expect(record.ackMs).toBeLessThan(3000);
    expect(message.content).toBe('here she is');
    expect(message.loading).toBe(false);
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0]!.filename).toBe('x.png');
    expect(message.attachments[0]!.contentType).toBe('image/png');
    expect(Buffer.compare(message.attachments[0]!.data, png)).toBe(0);
    expect(Buffer.compare(record.edits[0]!.uploads[0]!.data, png)).toBe(0);
    expect(message.api.attachments[0]).toMatchObject({ filename: 'x.png', size: png.length, width: 64, height: 48 });
    // The URL the bot got back serves the same bytes.
    const fetched = Buffer.from(await (await fetch(message.api.attachments[0].url)).arrayBuffer());
    expect(Buffer.compare(fetched, png)).toBe(0);
    expect(h.handlerErrors).toEqual([]);
  });

  it('GIVEN a reply with buttons THEN clicking one reaches the handler with its customId and update() edits the message', async () => {
    let clicked: string | undefined;
    h.onInteraction(async (i) => {
      if (i.isChatInputCommand()) {
        const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder().setCustomId('keep:1').setLabel('Keep').setStyle(ButtonStyle.Primary),
          new ButtonBuilder().setCustomId('reroll').setLabel('Reroll').setStyle(ButtonStyle.Secondary),
        );
        await i.reply({ content: 'pick one', components: [row] });
      } else if (i.isButton()) {
        clicked = i.customId;
        expect(i.message.id).toBeDefined();
        await i.update({ content: `kept ${i.customId}`, components: [] });
      }
    });
    const command = h.loop.sendCommand({ name: 'draw' });
    const reply = await command.finalMessage();
    expect(reply.components[0]?.components).toHaveLength(2);

    const click = h.loop.clickButton({ customId: 'keep:1', message: reply });
    const updated = await click.finalMessage();

    expect(clicked).toBe('keep:1');
    expect(click.callbackType).toBe(CALLBACK.UPDATE);
    expect(updated.id).toBe(reply.id);
    expect(updated.content).toBe('kept keep:1');
    expect(h.loop.message(reply.id)?.components).toEqual([]);
    // The buttons are gone now, so a second click is impossible, as for a real user.
    expect(() => h.loop.clickButton({ customId: 'reroll', message: reply })).toThrow(/no component/);
    expect(h.handlerErrors).toEqual([]);
  });

  it('GIVEN an ephemeral reply THEN the flag is recorded on the callback and the message', async () => {
    h.onInteraction(async (i) => {
      if (i.isChatInputCommand()) await i.reply({ content: 'only you', flags: MessageFlags.Ephemeral });
    });
    const record = h.loop.sendCommand({ name: 'favourites' });
    const message = await record.finalMessage();
    expect(record.ephemeral).toBe(true);
    expect(message.ephemeral).toBe(true);
    expect(message.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
  });

  it('GIVEN an ephemeral deferReply THEN the edited reply stays ephemeral', async () => {
    h.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply({ flags: MessageFlags.Ephemeral });
      await i.editReply('done');
    });
    const message = await h.loop.sendCommand({ name: 'favourites' }).finalMessage();
    expect(message.ephemeral).toBe(true);
    expect(message.content).toBe('done');
  });

  it('GIVEN locale ja and typed options THEN interaction.locale and the option getters see them', async () => {
    let seen: unknown;
    h.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      seen = {
        locale: i.locale,
        guildLocale: i.guildLocale,
        sub: i.options.getSubcommand(),
        tags: i.options.getString('tags'),
        count: i.options.getInteger('count'),
        guild: i.guild?.id,
        channel: i.channel?.id,
        user: i.user.username,
        limit: i.attachmentSizeLimit,
      };
      await i.reply('ok');
    });
    await h.loop
      .sendCommand({ name: 'gf', subcommand: 'draw', options: { tags: 'red eyes', count: 3 }, locale: 'ja', user: h.loop.fixtures.users.bob })
      .finalMessage();
    expect(seen).toEqual({
      locale: 'ja',
      guildLocale: 'en-US',
      sub: 'draw',
      tags: 'red eyes',
      count: 3,
      guild: h.loop.fixtures.guild.id,
      channel: h.loop.fixtures.channel.id,
      user: 'bob',
      limit: 10 * 1024 * 1024,
    });
  });

  it('GIVEN a second callback for the same interaction THEN Discord code 40060 comes back', async () => {
    let second: unknown;
    h.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.reply('first');
      // discord.js blocks a second reply() itself, so go around it to reach the API.
      second = await h.client.rest
        .post(Routes.interactionCallback(i.id, i.token), { body: { type: 4, data: { content: 'again' } }, auth: false })
        .catch((e: unknown) => e);
    });
    const record = h.loop.sendCommand({ name: 'draw' });
    await record.finalMessage();
    await expect.poll(() => second).toBeInstanceOf(DiscordAPIError);
    expect((second as DiscordAPIError).code).toBe(40060);
    expect((second as DiscordAPIError).status).toBe(400);
    expect(record.events.filter((e) => e.kind === 'callback')).toHaveLength(1);
  });

  it('GIVEN an attachment over the interaction limit THEN editReply fails with 413 / 40005', async () => {
    h.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply();
      await i.editReply({ files: [{ attachment: Buffer.alloc(2048, 7), name: 'big.bin' }] });
    });
    const record = h.loop.sendCommand({ name: 'draw', attachmentSizeLimit: 1024 });
    await expect.poll(() => h.handlerErrors.length).toBe(1);
    expect(h.handlerErrors[0]).toBeInstanceOf(DiscordAPIError);
    expect(h.handlerErrors[0]).toMatchObject({ status: 413, code: 40005 });
    expect(record.edits).toHaveLength(0);
  });

  it('GIVEN follow-ups with files THEN each is recorded as its own message in order', async () => {
    h.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      await i.reply('grid coming');
      const first: Message = await i.followUp({ content: 'one', files: [{ attachment: png, name: 'a.png' }] });
      await i.followUp({ content: 'two', flags: MessageFlags.Ephemeral });
      await i.webhook.editMessage(first, { content: 'one (edited)' });
    });
    const record = h.loop.sendCommand({ name: 'draw' });
    await record.waitFor((e) => e.kind === 'edit');
    expect(record.followUps.map((m) => m.content)).toEqual(['one', 'two']);
    expect(record.followUps[1]!.ephemeral).toBe(true);
    expect(Buffer.compare(record.followUps[0]!.attachments[0]!.data, png)).toBe(0);
    expect(h.loop.message(record.followUps[0]!.id)?.content).toBe('one (edited)');
  });

  it('GIVEN a reply with withResponse THEN discord.js gets the created message back', async () => {
    let id: string | undefined;
    h.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      const response = await i.reply({ content: 'hello', withResponse: true });
      id = response.resource?.message?.id;
    });
    const message = await h.loop.sendCommand({ name: 'draw' }).finalMessage();
    await expect.poll(() => id).toBe(message.id);
  });

  it('GIVEN a DM interaction THEN the user arrives without member and inGuild() is false', async () => {
    let where: unknown;
    h.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      where = { inGuild: i.inGuild(), member: i.member, user: i.user.id };
      await i.reply('dm ok');
    });
    await h.loop.sendCommand({ name: 'draw', dm: true }).finalMessage();
    expect(where).toEqual({ inGuild: false, member: null, user: h.loop.fixtures.users.alice.id });
  });
});
