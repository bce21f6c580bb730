/**
 * Tag weights as stored: a JSON object {tag_name: weight}, keys sorted, zero weights left
 * out (absent = 0 = tag off). Weights are 1 for ticked tags and fractional in between
 * after morphs; any finite number is kept as is.
 */
import { z } from 'zod';
import { StoreError } from './errors.ts';

export type TagWeights = Record<string, number>;

const tagName = z.string().min(1).max(64);
const tagWeights = z.record(tagName, z.number().finite());

export function encodeTags(tags: TagWeights): string {
  const parsed = tagWeights.safeParse(tags);
  if (!parsed.success) {
    throw new StoreError('invalid_input', `tags must map names (1–64 chars) to finite numbers: ${parsed.error.issues[0]?.message}`);
  }
  const entries = Object.entries(parsed.data)
    .filter(([, w]) => w !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(Object.fromEntries(entries));
}

/** Parses a stored tags column; a malformed value means a damaged row, so it throws. */
export function decodeTags(json: string): TagWeights {
  return tagWeights.parse(JSON.parse(json));
}
