import { describe, expect, it } from 'vitest';
import { DiscordHttpError } from '../../../testkit/discord/http.ts';
import { parseBody } from '../../../testkit/discord/multipart.ts';

/** The body and content type undici writes for a FormData, as discord.js's REST sends it. */
async function encoded(form: FormData): Promise<{ type: string; raw: Buffer }> {
  const req = new Request('http://loopback.invalid/', { method: 'POST', body: form });
  return { type: req.headers.get('content-type')!, raw: Buffer.from(await req.arrayBuffer()) };
}

describe('the loopback Discord reads multipart bodies as undici writes them', () => {
  it('GIVEN files whose bytes hold line breaks and dashes, odd names and payload_json THEN every part comes back exact', async () => {
    const { type: probe } = await encoded(new FormData());
    const boundary = /boundary=(.+)$/.exec(probe)![1]!;
    // Bytes that look like a delimiter without being one: CR LF, dashes, a boundary-like prefix.
    const tricky = Buffer.concat([Buffer.from(`\r\n--\r\n--${boundary.slice(0, -1)}x\r\n\r\n`), Buffer.from([0, 255, 13, 10, 45, 45])]);
    const png = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 2654435761) >>> 24));
    const form = new FormData();
    form.append('files[0]', new Blob([png], { type: 'image/png' }), 'gacha.png');
    form.append('files[2]', new Blob([tricky]), 'a "quoted"\nname ✿.bin');
    form.append('payload_json', JSON.stringify({ content: 'hi --', attachments: [{ id: 0 }, { id: 2 }] }));
    form.append('file', new Blob([Buffer.from('plain')], { type: 'text/plain' }), 'notes.txt');
    const { type, raw } = await encoded(form);
    const body = await parseBody(type, raw);
    expect(body.json).toEqual({ content: 'hi --', attachments: [{ id: 0 }, { id: 2 }] });
    expect(body.files.map((f) => [f.field, f.index, f.filename, f.contentType])).toEqual([
      ['files[0]', 0, 'gacha.png', 'image/png'],
      ['files[2]', 2, 'a "quoted"\nname ✿.bin', 'application/octet-stream'],
      ['file', 3, 'notes.txt', 'text/plain'],
    ]);
    expect(body.files[0]!.data.equals(png)).toBe(true);
    expect(body.files[1]!.data.equals(tricky)).toBe(true);
    expect(body.files[2]!.data.toString()).toBe('plain');
  });

  it('GIVEN a truncated, unbounded or non-JSON body THEN a 400 as Discord answers, not a crash', async () => {
    const form = new FormData();
    form.append('payload_json', '{"content":"x"}');
    form.append('files[0]', new Blob([Buffer.from('data')]), 'a.png');
    const { type, raw } = await encoded(form);
    await expect(parseBody(type, raw.subarray(0, raw.length - 20))).rejects.toMatchObject({ status: 400, code: 50035 });
    await expect(parseBody('multipart/form-data', raw)).rejects.toThrow(/no boundary/);
    await expect(parseBody(type, Buffer.from('hello'))).rejects.toBeInstanceOf(DiscordHttpError);
    const bad = new FormData();
    bad.append('payload_json', '{not json');
    const b = await encoded(bad);
    await expect(parseBody(b.type, b.raw)).rejects.toMatchObject({ status: 400, code: 50109 });
    await expect(parseBody('application/json', Buffer.from('{"a":1}'))).resolves.toEqual({ json: { a: 1 }, files: [] });
  });
});
