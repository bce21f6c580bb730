#!/usr/bin/python3
"""
Writes src/render/glyph-widths.ts: how wide the label fonts draw each character, so that
labels can be cut without measuring them (src/render/text.ts). Reads the advance widths
(hmtx) of the fonts the labels name, in pango's fallback order: DejaVu Sans (Bold for bold
text), IPAGothic, Symbola. A character none of them has is drawn by pango as a hex box
("tofu"): 0.71 em in the BMP, 0.99 em above it (measured). Widths are kept per block of 16
code points as the block's widest character, rounded up, so estimates err on the wide side.

Usage (Debian, fonts-dejavu-core fonts-ipafont-gothic fonts-symbola):
    /usr/bin/python3 tools/label-glyph-widths.py > src/render/glyph-widths.ts
Standard library only.
"""
import math
import struct

def u16(d, at):
    return struct.unpack('>H', d[at:at + 2])[0]


def cmap_format4(d, sub, cmap):
    seg_x2 = u16(d, sub + 6)
    n = seg_x2 // 2
    ends = struct.unpack('>%dH' % n, d[sub + 14:sub + 14 + seg_x2])
    starts_at = sub + 16 + seg_x2
    starts = struct.unpack('>%dH' % n, d[starts_at:starts_at + seg_x2])
    deltas_at = starts_at + seg_x2
    deltas = struct.unpack('>%dh' % n, d[deltas_at:deltas_at + seg_x2])
    offsets_at = deltas_at + seg_x2
    offsets = struct.unpack('>%dH' % n, d[offsets_at:offsets_at + seg_x2])
    for k in range(n):
        for c in range(starts[k], ends[k] + 1):
            if c == 0xFFFF:
                continue
            if offsets[k] == 0:
                g = (c + deltas[k]) & 0xFFFF
            else:
                g = u16(d, offsets_at + 2 * k + offsets[k] + 2 * (c - starts[k]))
                g = (g + deltas[k]) & 0xFFFF if g else 0
            if g:
                cmap.setdefault(c, g)


def cmap_format12(d, sub, cmap):
    groups = struct.unpack('>I', d[sub + 12:sub + 16])[0]
    for i in range(groups):
        first, last, gid = struct.unpack('>III', d[sub + 16 + 12 * i:sub + 28 + 12 * i])
        for c in range(first, last + 1):
            cmap[c] = gid + (c - first)


def load(path):
    """Advance width in em of every code point the font maps, from its cmap (formats 4, 12) and hmtx."""
    d = open(path, 'rb').read()
    tables = {}
    for i in range(u16(d, 4)):
        tag, _, off, length = struct.unpack('>4sIII', d[12 + 16 * i:28 + 16 * i])
        tables[tag.decode('latin1')] = off
    units = u16(d, tables['head'] + 18)
    metrics = u16(d, tables['hhea'] + 34)
    advances = [u16(d, tables['hmtx'] + 4 * i) for i in range(metrics)]
    cmap_at = tables['cmap']
    subtables = {}
    for i in range(u16(d, cmap_at + 2)):
        platform, encoding, off = struct.unpack('>HHI', d[cmap_at + 4 + 8 * i:cmap_at + 12 + 8 * i])
        subtables[(platform, encoding, u16(d, cmap_at + off))] = cmap_at + off
    cmap = {}
    for key, sub in subtables.items():
        if key[2] == 12:
            cmap_format12(d, sub, cmap)
            break
    for key, sub in subtables.items():
        if key[2] == 4 and key[0] == 3:
            cmap_format4(d, sub, cmap)
            break
    return {c: advances[min(g, metrics - 1)] / units for c, g in cmap.items()}


FONTS = '/usr/share/fonts/'
REGULAR = load(FONTS + 'truetype/dejavu/DejaVuSans.ttf')
BOLD = load(FONTS + 'truetype/dejavu/DejaVuSans-Bold.ttf')
FALLBACK = [load(FONTS + 'opentype/ipafont-gothic/ipag.ttf'), load(FONTS + 'truetype/ancient-scripts/Symbola_hint.ttf')]
# pango emboldens a fallback font that has no bold face: a little wider.
SYNTHETIC_BOLD = 1.06
TOFU_BMP = 0.71
TOFU_ABOVE = 0.99
BLOCK = 16
FIRST = 0x80
LAST = 0x1FFFF


def width(c, bold):
    first = BOLD if bold else REGULAR
    if c in first:
        return first[c]
    for f in FALLBACK:
        if c in f:
            return f[c] * (SYNTHETIC_BOLD if bold else 1.0)
    return TOFU_BMP if c <= 0xFFFF else TOFU_ABOVE


def blocks():
    runs = []
    for start in range(FIRST, LAST + 1, BLOCK):
        cps = range(start, start + BLOCK)
        value = tuple(math.ceil(max(width(c, b) for c in cps) * 100 - 1e-9) for b in (False, True))
        if runs and runs[-1][1] == value:
            continue
        runs.append((start, value))
    return runs


# Titles are laid out piece by piece (src/render/title-pieces.ts): the code points whose exact
# DejaVu Sans Bold advance is listed for that.
EXACT = list(range(0x20, 0x7F)) + list(range(0xA0, 0x100)) + [0x2013, 0x2014, 0x2026]


def exact_bold_advances():
    """(code point, advance in 1/2048 em): exact for DejaVu, whose em is 2048 units."""
    return [(c, round(BOLD[c] * 2048)) for c in EXACT if c in BOLD]


def main():
    runs = blocks()
    print('/**')
    print(' * Written by tools/label-glyph-widths.py: do not edit. Widest advance (hundredths of an em,')
    print(' * rounded up) of each run of code points from U+0080 on, regular and bold, in the label')
    print(' * fonts (DejaVu Sans, IPAGothic, Symbola, a hex box for what none has). A run lasts until')
    print(' * the next start; three numbers per run: start (hex), regular, bold.')
    print(' */')
    print('export const GLYPH_WIDTH_RUNS =')
    parts = []
    for start, (r, b) in runs:
        parts.append('%x %d %d' % (start, r, b))
    text = ','.join(parts)
    chunks = [text[i:i + 110] for i in range(0, len(text), 110)]
    print(' +\n'.join("  '%s'" % c for c in chunks) + ';')
    print('')
    print('/**')
    print(' * Exact advances of DejaVu Sans Bold (the titles\' face) in 1/2048 em, for the code points')
    print(' * titles are laid out piece by piece with: "hex units" pairs.')
    print(' */')
    print('export const TITLE_BOLD_ADVANCES =')
    text = ','.join('%x %d' % cu for cu in exact_bold_advances())
    chunks = [text[i:i + 110] for i in range(0, len(text), 110)]
    print(' +\n'.join("  '%s'" % c for c in chunks) + ';')


if __name__ == '__main__':
    main()
