import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  DiscordAPIError,
  ModalBuilder,
  StringSelectMenuBuilder,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import { CALLBACK } from '../../../testkit/discord/index.ts';
import { startHarness, type Harness } from './harness.ts';

describe('autocomplete, select menus and modals', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.handlerErrors.length = 0;
  });

  it('GIVEN autocomplete on a focused option THEN respond() with 25 choices is recorded', async () => {
    let focused: unknown;
    h.onInteraction(async (i) => {
      if (!i.isAutocomplete()) return;
      focused = i.options.getFocused(true);
      const typed = String(i.options.getFocused());
      await i.respond(Array.from({ length: 25 }, (_, n) => ({ name: `${typed} ${n}`, value: `${typed}-${n}` })));
    });
    const record = h.loop.sendAutocomplete({ name: 'draw', options: { count: 2 }, focused: 'tags', value: 'blu' });
    await record.waitForCallback();

    expect(focused).toMatchObject({ name: 'tags', value: 'blu', focused: true });
    expect(record.callbackType).toBe(CALLBACK.AUTOCOMPLETE);
    expect(record.autocompleteChoices).toHaveLength(25);
    expect(record.autocompleteChoices?.[0]).toEqual({ name: 'blu 0', value: 'blu-0' });
  });

  it('GIVEN 26 autocomplete choices THEN Discord rejects them with 50035', async () => {
    h.onInteraction(async (i) => {
      if (!i.isAutocomplete()) return;
      await i.respond(Array.from({ length: 26 }, (_, n) => ({ name: `c${n}`, value: `c${n}` })));
    });
    const record = h.loop.sendAutocomplete({ name: 'draw', focused: 'tags' });
    await expect.poll(() => h.handlerErrors.length).toBe(1);
    expect(h.handlerErrors[0]).toBeInstanceOf(DiscordAPIError);
    expect(h.handlerErrors[0]).toMatchObject({ code: 50035 });
    expect(record.acknowledged).toBe(false);
  });

  it('GIVEN a select option described in 101 characters THEN Discord rejects the message with 50035', async () => {
    h.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      const options = [{ label: 'one', value: '1', description: 'x'.repeat(101) }];
      await i.reply({ content: 'pick', components: [{ type: 1, components: [{ type: 3, custom_id: 'pick', options }] }] });
    });
    const record = h.loop.sendCommand({ name: 'menu' });
    await expect.poll(() => h.handlerErrors.length).toBe(1);
    expect(h.handlerErrors[0]).toMatchObject({ code: 50035 });
    expect(record.acknowledged).toBe(false);
  });

  it('GIVEN a registered command THEN option types follow its definition (number stays a number)', async () => {
    await h.client.application.commands.set([
      {
        name: 'morph',
        description: 'Morph two favourites',
        options: [
          { type: 10, name: 'amount', description: 'How far', required: true },
          { type: 4, name: 'steps', description: 'Frames', required: true },
        ],
      },
    ]);
    let values: unknown;
    h.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      values = [i.commandId, i.options.getNumber('amount'), i.options.getInteger('steps')];
      await i.reply('ok');
    });
    await h.loop.sendCommand({ name: 'morph', options: { amount: 1, steps: 8 } }).finalMessage();
    expect(values).toEqual([h.loop.commands.global[0]!.id, 1, 8]);
  });

  it('GIVEN a string select THEN the chosen values reach the handler and deferUpdate + editReply land on that message', async () => {
    let values: string[] = [];
    h.onInteraction(async (i) => {
      if (i.isChatInputCommand()) {
        const menu = new StringSelectMenuBuilder()
          .setCustomId('slot')
          .setMinValues(1)
          .setMaxValues(2)
          .addOptions([1, 2, 3].map((n) => ({ label: `Slot ${n}`, value: String(n) })));
        await i.reply({ content: 'choose', components: [new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(menu)] });
      } else if (i.isStringSelectMenu()) {
        values = i.values;
        await i.deferUpdate();
        await i.editReply({ content: `slots ${i.values.join('+')}`, components: [] });
      }
    });
    const reply = await h.loop.sendCommand({ name: 'favourites' }).finalMessage();
    expect(() => h.loop.selectMenu({ customId: 'slot', values: ['9'], message: reply })).toThrow(/no option/);

    const select = h.loop.selectMenu({ customId: 'slot', values: ['1', '3'], message: reply });
    const edited = await select.finalMessage();
    expect(values).toEqual(['1', '3']);
    expect(select.callbackType).toBe(CALLBACK.DEFER_UPDATE);
    expect(edited.id).toBe(reply.id);
    expect(edited.content).toBe('slots 1+3');
  });

  it('GIVEN a button that opens a modal THEN submitModal delivers the fields', async () => {
    let name: string | undefined;
    h.onInteraction(async (i) => {
      if (i.isChatInputCommand()) {
        const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder().setCustomId('rename').setLabel('Rename').setStyle(ButtonStyle.Primary),
        );
        await i.reply({ content: 'favourite #1', components: [row] });
      } else if (i.isButton()) {
        const input = new TextInputBuilder().setCustomId('name').setLabel('Name').setStyle(TextInputStyle.Short);
        await i.showModal(
          new ModalBuilder().setCustomId('rename-modal').setTitle('Rename').addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(input)),
        );
      } else if (i.isModalSubmit()) {
        name = i.fields.getTextInputValue('name');
        await i.reply({ content: `renamed to ${name}` });
      }
    });
    const reply = await h.loop.sendCommand({ name: 'favourites' }).finalMessage();
    const click = h.loop.clickButton({ customId: 'rename', message: reply });
    await click.waitForCallback();
    expect(click.modal?.custom_id).toBe('rename-modal');

    const submitted = await h.loop.submitModal({ from: click, fields: { name: 'Aiko' } }).finalMessage();
    expect(name).toBe('Aiko');
    expect(submitted.content).toBe('renamed to Aiko');
  });

  it('GIVEN a disabled button THEN clickButton refuses like the Discord client would', async () => {
    h.onInteraction(async (i) => {
      if (!i.isChatInputCommand()) return;
      const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId('next').setLabel('Next').setStyle(ButtonStyle.Primary).setDisabled(true),
      );
      await i.reply({ content: 'last page', components: [row] });
    });
    const reply = await h.loop.sendCommand({ name: 'favourites' }).finalMessage();
    expect(() => h.loop.clickButton({ customId: 'next', message: reply })).toThrow(/disabled/);
  });

  it('GIVEN a button posted in a DM THEN the click comes from the same DM channel', async () => {
    const seen: Array<[boolean, string | null]> = [];
    h.onInteraction(async (i) => {
      if (i.isChatInputCommand()) {
        const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder().setCustomId('again').setLabel('Again').setStyle(ButtonStyle.Primary),
        );
        seen.push([i.inGuild(), i.channelId]);
        await i.reply({ content: 'in your DMs', components: [row] });
      } else if (i.isButton()) {
        seen.push([i.inGuild(), i.channelId]);
        await i.update({ content: 'again!' });
      }
    });
    const reply = await h.loop.sendCommand({ name: 'draw', dm: true }).finalMessage();
    await h.loop.clickButton({ customId: 'again', message: reply }).finalMessage();
    expect(seen).toEqual([
      [false, reply.channelId],
      [false, reply.channelId],
    ]);
  });
});
