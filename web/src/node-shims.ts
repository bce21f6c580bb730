/**
 * The one Node global that the shared share-code module uses: Buffer, for base64url only.
 * esbuild injects this wherever a bundled module names `Buffer`, so the page does not ship
 * a whole Buffer polyfill. Only what share-code.ts calls is implemented.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

class BufferShim extends Uint8Array {
  static override from(input: unknown, encoding?: unknown): BufferShim {
    if (typeof input === 'string') {
      if (encoding !== 'base64url') throw new Error(`Buffer shim: unsupported encoding ${String(encoding)}`);
      return BufferShim.fromBase64url(input);
    }
    const bytes = input as ArrayLike<number>;
    const out = new BufferShim(bytes.length);
    out.set(bytes);
    return out;
  }

  /** Like Node: characters outside the alphabet are skipped, trailing partial bits dropped. */
  private static fromBase64url(text: string): BufferShim {
    const out: number[] = [];
    let acc = 0;
    let bits = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const v = c < 128 ? LOOKUP[c]! : -1;
      if (v < 0) continue;
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out.push((acc >> bits) & 0xff);
      }
    }
    return BufferShim.from(out);
  }

  override toString(encoding?: string): string {
    if (encoding !== 'base64url') throw new Error(`Buffer shim: unsupported encoding ${String(encoding)}`);
    let s = '';
    let i = 0;
    for (; i + 2 < this.length; i += 3) {
      const n = (this[i]! << 16) | (this[i + 1]! << 8) | this[i + 2]!;
      s += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
    }
    const rest = this.length - i;
    if (rest === 1) {
      const n = this[i]! << 16;
      s += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!;
    } else if (rest === 2) {
      const n = (this[i]! << 16) | (this[i + 1]! << 8);
      s += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]!;
    }
    return s;
  }
}

export { BufferShim as Buffer };
