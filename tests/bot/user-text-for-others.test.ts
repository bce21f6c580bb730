import { describe, expect, it } from 'vitest';
import { plainUserText, quotedForOthers } from '../../src/commands/shared/user-text.ts';

describe('user text shown to others', () => {
  it('GIVEN markdown, a masked link and a mention THEN each is escaped to show as typed', () => {
    expect(plainUserText('**Rin** [click](https://e.vil) <@123> <#456>')).toBe('\\*\\*Rin\\*\\* \\[click](https://e.vil) \\<@123> \\<#456>');
  });

  it('GIVEN bidi controls and zero-width spaces THEN they are removed; joiners in emoji stay', () => {
    expect(plainUserText('a\u202eb\u2066c\u200bd\ufeffe')).toBe('abcde');
    expect(plainUserText('👩\u200d👩\u200d👧')).toBe('👩\u200d👩\u200d👧');
  });

  it('GIVEN no name THEN nothing; a name THEN quoted with a leading space', () => {
    expect(quotedForOthers(null)).toBe('');
    expect(quotedForOthers('Aoi')).toBe(' “Aoi”');
  });
});
