import { createAvatar } from '@dicebear/core';
import { lorelei } from '@dicebear/collection';
import sharp from 'sharp';
const parts: Record<string, string[]> = {
  hair: Array.from({ length: 48 }, (_, i) => `variant${String(i + 1).padStart(2, '0')}`),
  eyes: Array.from({ length: 24 }, (_, i) => `variant${String(i + 1).padStart(2, '0')}`),
  mouth: [
    ...Array.from({ length: 18 }, (_, i) => `happy${String(i + 1).padStart(2, '0')}`),
    ...Array.from({ length: 9 }, (_, i) => `sad${String(i + 1).padStart(2, '0')}`),
  ],
  glasses: ['variant01', 'variant02', 'variant03', 'variant04', 'variant05'],
  earrings: ['variant01', 'variant02', 'variant03'],
  head: ['variant01', 'variant02', 'variant03', 'variant04'],
  eyebrows: Array.from({ length: 13 }, (_, i) => `variant${String(i + 1).padStart(2, '0')}`),
};
const cell = 128,
  cols = 8;
for (const [part, vs] of Object.entries(parts)) {
  const rows = Math.ceil(vs.length / cols);
  let body = '';
  vs.forEach((v, i) => {
    const opts: Record<string, unknown> = {
      seed: 'x',
      hair: ['variant01'],
      hairColor: ['6b3f23'],
      skinColor: ['f5d0b0'],
      eyesColor: ['2050c0'],
      backgroundColor: ['e0e0e0'],
      eyes: ['variant01'],
      mouth: ['happy01'],
      eyebrows: ['variant01'],
      head: ['variant01'],
      nose: ['variant01'],
      glassesProbability: 0,
      earringsProbability: 0,
      frecklesProbability: 0,
      hairAccessoriesProbability: 0,
      beardProbability: 0,
    };
    opts[part] = [v];
    if (part === 'glasses') opts.glassesProbability = 100;
    if (part === 'earrings') {
      opts.earringsProbability = 100;
      opts.earringsColor = ['d0a000'];
    }
    let svg = createAvatar(lorelei, opts).toString();
    svg = svg.replace('<svg ', `<svg x="${(i % cols) * cell}" y="${Math.floor(i / cols) * (cell + 20)}" width="${cell}" height="${cell}" `);
    body += `${svg}<text x="${(i % cols) * cell + 4}" y="${Math.floor(i / cols) * (cell + 20) + cell + 15}" font-size="14" font-family="sans-serif">${v}</text>`;
  });
  const full = `<svg xmlns="http://www.w3.org/2000/svg" width="${cols * cell}" height="${rows * (cell + 20)}"><rect width="100%" height="100%" fill="white"/>${body}</svg>`;
  await sharp(Buffer.from(full)).png().toFile(`docs/lorelei/${part}.png`);
  console.log(part);
}
