import { describe, expect, it } from 'vitest';
import { slotsChoices } from '../../src/commands/shared/autocomplete.ts';
import type { Favourite } from '../../src/store/index.ts';

const fav = (index: number, name: string | null, tags: string[]): Favourite => ({
  id: 100 + index,
  index,
  userId: 'u',
  modelId: 'default',
  z: new Float32Array(2),
  tags: Object.fromEntries(tags.map((t) => [t, 1])),
  name,
  createdAt: 0,
});
const favourites = [
  fav(1, 'Alice', ['blonde_hair']),
  fav(2, null, ['red_hair']),
  fav(3, 'Beth', ['blue_hair']),
  fav(4, null, ['smile']),
  fav(5, 'Cleo', ['glasses']),
];
const values = (typed: string) => slotsChoices(favourites, typed).map((c) => c.value);

describe('/blend slots autocomplete', () => {
  it('GIVEN nothing typed THEN each favourite is offered as the first one', () => {
    expect(slotsChoices(favourites, '')[0]).toEqual({ name: '1 · Alice', value: '1' });
    expect(values('')).toEqual(['1', '2', '3', '4', '5']);
  });

  it('GIVEN numbers typed THEN they stay and each other favourite is offered next; two or more typed come first as they are', () => {
    expect(values('1 ')).toEqual(['1 2', '1 3', '1 4', '1 5']);
    expect(values('1 3')).toEqual(['1 3']);
    expect(slotsChoices(favourites, '1,3')[0]).toEqual({ name: '1 3 · Alice + Beth', value: '1 3' });
    expect(values('1 3 ')).toEqual(['1 3', '1 3 2', '1 3 4', '1 3 5']);
  });

  it('GIVEN part of a name or tag THEN only matching favourites are offered', () => {
    expect(values('1 cle')).toEqual(['1 5']);
    expect(values('smi')).toEqual(['4']);
  });

  it('GIVEN four chosen, repeats or slots she does not have THEN no fifth is offered and the bad ones are dropped', () => {
    expect(values('1 2 3 4 ')).toEqual(['1 2 3 4']);
    expect(values('1 1 9 ')).toEqual(['1 2', '1 3', '1 4', '1 5']);
    expect(slotsChoices([], '1 2')).toEqual([]);
  });
});
