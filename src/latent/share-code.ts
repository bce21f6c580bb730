/**
 * Share codes: a girl — (model id, z, tag vector) — as compact base64url text that users
 * paste into commands. About 296 characters for z of 100 and 48 binary tags.
 *
 * Layout (bytes):
 *   0      format version (1)
 *   1      tag encoding: 0 dense (1 byte per tag), 1 bitmap (0/1 tags only), 2 sparse pairs
 *   …      varint id length, id (UTF-8), varint zDim, varint numTags
 *   …      z as float16 little-endian (2 · zDim bytes)
 *   …      tags, quantised to 0..255 (value·255 rounded) in the chosen encoding
 *   last 4 CRC-32 (IEEE) of all preceding bytes, little-endian
 * Every future version must keep the trailing CRC-32, so a damaged code is always told
 * apart from a newer one.
 */
import { errorDetail, ShareCodeError } from './errors.ts';
import { decodeFloat16, encodeFloat16 } from './float16.ts';

export const SHARE_CODE_VERSION = 1;

/**
 * Longest text read as a share code: a model id of 255 bytes, z of 1024 and 512 dense tags
 * come to about 3,500 characters; anything longer is not a code (and is not decoded).
 */
export const MAX_SHARE_CODE_LENGTH = 4096;

/**
 * What a user copies around a code, taken off: the backticks of a reply (`code`, or the whole
 * line "Share code: `code`"), quotes, angle brackets, spoiler bars, zero-width characters, and
 * a studio link (…#g=<code>). Whitespace inside is dropped later (chat wraps long codes).
 */
export function unwrapShareCode(text: string): string {
  let s = String(text)
    .replace(/[\u200B-\u200D\u2060\uFEFF]/g, '')
    .trim();
  // A studio link: the code is its #g= fragment (percent-escapes undone where they parse).
  const link = /#g=([^\s&`'"<>]*)/.exec(s);
  if (link) {
    try {
      s = decodeURIComponent(link[1]!);
    } catch {
      s = link[1]!;
    }
  }
  // Text around a `quoted` code (a whole reply line): the quoted part.
  const quoted = /`+\s*([A-Za-z0-9_\-\s]{16,})\s*`+/.exec(s);
  if (quoted) s = quoted[1]!;
  return s.replace(/^[\s`'"“”‘’「」『』<>|]+|[\s`'"“”‘’「」『』<>|.,;]+$/g, '');
}

export interface ShareCodeData {
  modelId: string;
  z: Float32Array;
  /** Values in [0, 1]; they come back within 1/255 (exactly for 0 and 1). */
  tags: Float32Array;
}

export interface ShareCodeExpectation {
  zDim: number;
  numTags: number;
  /** When given, a code made for another model is rejected with 'wrong_model'. */
  modelId?: string;
}

enum TagMode {
  Dense = 0,
  Bitmap = 1,
  Sparse = 2,
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3, as zlib). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

class ByteWriter {
  private readonly bytes: number[] = [];
  byte(b: number): void {
    this.bytes.push(b & 0xff);
  }
  varint(n: number): void {
    do {
      let b = n & 0x7f;
      n = Math.floor(n / 128);
      if (n > 0) b |= 0x80;
      this.byte(b);
    } while (n > 0);
  }
  raw(data: Uint8Array): void {
    for (const b of data) this.bytes.push(b);
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

class ByteReader {
  private pos = 0;
  constructor(private readonly bytes: Uint8Array) {}
  private need(n: number): void {
    if (this.pos + n > this.bytes.length) throw cutShort();
  }
  byte(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }
  varint(): number {
    let n = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      const b = this.byte();
      n += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return n;
    }
    throw new ShareCodeError('corrupt', 'This share code is damaged (a length field is invalid).', undefined, errorDetail('code.length_field'));
  }
  raw(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  get remaining(): number {
    return this.bytes.length - this.pos;
  }
}

function cutShort(): ShareCodeError {
  return new ShareCodeError('bad_length', 'This share code is incomplete; copy the whole code and try again.', undefined, errorDetail('code.incomplete'));
}

/** A tag value in [0, 1] → its byte in a share code (value·255 rounded, clamped; NaN → 0). */
export function quantiseTag(v: number): number {
  return Math.min(255, Math.max(0, Math.round(v * 255))) || 0;
}

/** A tag value moved onto the 1/255 grid a share code keeps it on. */
export function onTagGrid(v: number): number {
  return quantiseTag(v) / 255;
}

function encodeTags(tags: Float32Array): { mode: TagMode; data: Uint8Array } {
  const q = Array.from(tags, quantiseTag);
  const dense = { mode: TagMode.Dense, data: Uint8Array.from(q) };
  const sparse = new ByteWriter();
  const nonzero = q.map((v, i) => [i, v] as const).filter(([, v]) => v !== 0);
  sparse.varint(nonzero.length);
  for (const [i, v] of nonzero) {
    sparse.varint(i);
    sparse.byte(v);
  }
  const options = [dense, { mode: TagMode.Sparse, data: sparse.finish() }];
  if (q.every((v) => v === 0 || v === 255)) {
    const bitmap = new Uint8Array(Math.ceil(q.length / 8));
    q.forEach((v, i) => {
      if (v === 255) bitmap[i >> 3]! |= 1 << (i & 7);
    });
    options.push({ mode: TagMode.Bitmap, data: bitmap });
  }
  return options.reduce((a, b) => (b.data.length < a.data.length ? b : a));
}

function decodeTags(r: ByteReader, mode: number, numTags: number): Float32Array {
  const out = new Float32Array(numTags);
  if (mode === TagMode.Dense) {
    r.raw(numTags).forEach((v, i) => (out[i] = v / 255));
  } else if (mode === TagMode.Bitmap) {
    const bits = r.raw(Math.ceil(numTags / 8));
    for (let i = 0; i < numTags; i++) out[i] = (bits[i >> 3]! >> (i & 7)) & 1;
  } else if (mode === TagMode.Sparse) {
    const count = r.varint();
    if (count > numTags) throw new ShareCodeError('corrupt', 'This share code is damaged (too many tags).', undefined, errorDetail('code.too_many_tags'));
    for (let k = 0; k < count; k++) {
      const i = r.varint();
      const v = r.byte();
      if (i >= numTags)
        throw new ShareCodeError('corrupt', 'This share code is damaged (a tag index is out of range).', undefined, errorDetail('code.tag_index'));
      out[i] = v / 255;
    }
  } else {
    throw new ShareCodeError('corrupt', 'This share code is damaged (unknown tag encoding).', undefined, errorDetail('code.tag_encoding'));
  }
  return out;
}

export function encodeShareCode(data: ShareCodeData): string {
  const id = new TextEncoder().encode(data.modelId);
  if (id.length === 0 || id.length > 255) throw new RangeError(`model id must be 1–255 bytes, got ${id.length}`);
  for (const v of data.z) if (!Number.isFinite(v)) throw new RangeError('z must hold finite numbers');
  const tags = encodeTags(data.tags);
  const w = new ByteWriter();
  w.byte(SHARE_CODE_VERSION);
  w.byte(tags.mode);
  w.varint(id.length);
  w.raw(id);
  w.varint(data.z.length);
  w.varint(data.tags.length);
  w.raw(encodeFloat16(data.z));
  w.raw(tags.data);
  const body = w.finish();
  const out = new Uint8Array(body.length + 4);
  out.set(body);
  new DataView(out.buffer).setUint32(body.length, crc32(body), true);
  return Buffer.from(out).toString('base64url');
}

interface Header {
  reader: ByteReader;
  mode: number;
  modelId: string;
  zDim: number;
  numTags: number;
}

/** Checks text, checksum and version, and reads the header (model id and widths). */
function readHeader(code: string): Header {
  if (String(code).length > MAX_SHARE_CODE_LENGTH) {
    throw new ShareCodeError('corrupt', `That is too long for a share code (${String(code).length} characters; codes have at most ${MAX_SHARE_CODE_LENGTH}).`);
  }
  const text = unwrapShareCode(code).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9_-]*$/.test(text)) {
    throw new ShareCodeError('corrupt', 'That is not a share code: it contains characters a code never has.', undefined, errorDetail('code.not_a_code'));
  }
  if (text.length % 4 === 1 || text.length < 16) throw cutShort();
  const bytes = new Uint8Array(Buffer.from(text, 'base64url'));
  // Base64 ignores the unused low bits of the last character: insist on the canonical text,
  // so that no character of a code can change without the code being rejected.
  if (Buffer.from(bytes).toString('base64url') !== text) {
    throw new ShareCodeError('corrupt', 'This share code is damaged (its last character is wrong); copy it again.', undefined, errorDetail('code.last_char'));
  }
  const body = bytes.subarray(0, bytes.length - 4);
  const stored = new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 4, true);
  if (crc32(body) !== stored) {
    throw new ShareCodeError(
      'corrupt',
      'This share code is damaged or incomplete (checksum mismatch); copy it again.',
      undefined,
      errorDetail('code.checksum'),
    );
  }
  const reader = new ByteReader(body);
  const version = reader.byte();
  if (version !== SHARE_CODE_VERSION) {
    throw new ShareCodeError(
      'unsupported_version',
      `This share code has format version ${version}; this bot reads version ${SHARE_CODE_VERSION}. Update the bot or ask for a new code.`,
      undefined,
      errorDetail('code.version', { version, supported: SHARE_CODE_VERSION }),
    );
  }
  const mode = reader.byte();
  let modelId: string;
  try {
    modelId = new TextDecoder('utf-8', { fatal: true }).decode(reader.raw(reader.varint()));
  } catch (e) {
    if (e instanceof ShareCodeError) throw e;
    throw new ShareCodeError('corrupt', 'This share code is damaged (unreadable model id).', undefined, errorDetail('code.model_id'));
  }
  return { reader, mode, modelId, zDim: reader.varint(), numTags: reader.varint() };
}

/**
 * The model a code was made with and its widths, without decoding z and tags: lets a
 * caller with several models pick the one to decode with. Throws like decodeShareCode.
 */
export function peekShareCode(code: string): { modelId: string; zDim: number; numTags: number } {
  const { modelId, zDim, numTags } = readHeader(code);
  return { modelId, zDim, numTags };
}

/**
 * Reads a share code back. Whitespace (line breaks from chat) is ignored. Throws
 * ShareCodeError: 'corrupt' (not a code, or damaged), 'bad_length' (cut short, or made for a
 * model with another z/tag width), 'unsupported_version', 'wrong_model'.
 */
export function decodeShareCode(code: string, expect: ShareCodeExpectation): ShareCodeData {
  const { reader: r, mode, modelId, zDim, numTags } = readHeader(code);
  if (expect.modelId !== undefined && modelId !== expect.modelId) {
    throw new ShareCodeError(
      'wrong_model',
      `This share code was made with model "${modelId}", not "${expect.modelId}".`,
      modelId,
      errorDetail('code.wrong_model', { model: modelId, expected: expect.modelId }),
    );
  }
  if (zDim !== expect.zDim || numTags !== expect.numTags) {
    throw new ShareCodeError(
      'bad_length',
      `This share code holds z of ${zDim} and ${numTags} tags; model "${modelId}" needs z of ${expect.zDim} and ${expect.numTags} tags.`,
      modelId,
      errorDetail('code.sizes', { zDim, numTags, model: modelId, wantZ: expect.zDim, wantTags: expect.numTags }),
    );
  }
  const z = decodeFloat16(r.raw(2 * zDim));
  const tags = decodeTags(r, mode, numTags);
  if (r.remaining !== 0) throw new ShareCodeError('bad_length', 'This share code has extra data at its end.', undefined, errorDetail('code.extra_data'));
  if (!z.every(Number.isFinite))
    throw new ShareCodeError('corrupt', 'This share code is damaged (z is not finite).', undefined, errorDetail('code.z_not_finite'));
  return { modelId, z, tags };
}
