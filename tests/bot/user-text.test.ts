/** Issue 30 item 7: a name inside a message is text, whatever it holds. */
import { describe, expect, it } from 'vitest';
import { plainUserText, userText } from '../../src/bot/user-text.ts';

describe('userText', () => {
  it('GIVEN masked links (two of them) THEN every bracket is escaped and no link is left to render', () => {
    expect(userText('[a](https://x.example) [b](https://y.example)')).toBe('\\[a\\](https\\://x.example) \\[b\\](https\\://y.example)');
  });

  it('GIVEN mentions and markdown THEN they are escaped', () => {
    expect(userText('<@123> @everyone **b** # h')).toBe('\\<\\@123> \\@everyone \\*\\*b\\*\\* # h');
    expect(userText('> quote')).toBe('\\> quote');
  });

  it('GIVEN bidi controls and zero-width characters THEN they are gone; an emoji’s joiner stays', () => {
    expect(userText('\u202Eevil\u200B\u2066x\u2069')).toBe('evilx');
    expect(userText('👩‍👩‍👧')).toBe('👩‍👩‍👧');
    expect(plainUserText('\u202Eevil')).toBe('evil');
  });

  it('GIVEN a right-to-left name THEN it is isolated; a left-to-right one is left as it is', () => {
    expect(userText('שלום')).toBe('\u2068שלום\u2069');
    expect(userText('Ann')).toBe('Ann');
  });
});
