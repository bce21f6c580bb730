import type { ApiObject } from './fixtures.ts';
import { DiscordHttpError } from './http.ts';

export interface UploadedFile {
  /** Form field name as sent, e.g. `files[0]`. */
  field: string;
  /** The n of `files[n]`: attachment entries in `payload_json` refer to uploads by it. */
  index: number;
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface ParsedBody {
  json: ApiObject | null;
  files: UploadedFile[];
}

/**
 * Parses a JSON or multipart/form-data request body. Multipart goes through the WHATWG
 * `Response#formData()` built into Node 20 (undici): it handles boundaries, quoting and binary
 * data correctly, which a hand-written splitter would have to re-learn.
 */
export async function parseBody(contentType: string | undefined, raw: Buffer): Promise<ParsedBody> {
  if (raw.length === 0) return { json: null, files: [] };
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) return parseMultipart(contentType!, raw);
  try {
    return { json: JSON.parse(raw.toString('utf8')) as ApiObject, files: [] };
  } catch {
    throw new DiscordHttpError(400, 50109, 'The request body contains invalid JSON.');
  }
}

async function parseMultipart(contentType: string, raw: Buffer): Promise<ParsedBody> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
  } catch (error) {
    throw new DiscordHttpError(400, 50035, `Invalid multipart body: ${(error as Error).message}`);
  }
  let json: ApiObject | null = null;
  const files: UploadedFile[] = [];
  let nextIndex = 0;
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') {
      if (field === 'payload_json') json = JSON.parse(value) as ApiObject;
      continue;
    }
    // Discord accepts `files[n]` and also bare `file`/`fileN` names; n keeps uploads addressable.
    const numbered = /\[(\d+)\]$/.exec(field) ?? /(\d+)$/.exec(field);
    const index = numbered ? Number(numbered[1]) : nextIndex;
    nextIndex = Math.max(nextIndex, index + 1);
    files.push({
      field,
      index,
      filename: value.name,
      contentType: value.type || 'application/octet-stream',
      data: Buffer.from(await value.arrayBuffer()),
    });
  }
  return { json, files };
}
