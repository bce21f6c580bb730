/**
 * The V8 heap setting the bot runs with: `npm start`, each shard process of
 * `npm run start:sharded` and `npm run bench:bot` pass it to node. It has to be on node's
 * command line: V8 reads it when it makes the main thread's heap (setting it later reaches
 * only worker threads), and NODE_OPTIONS refuses it.
 *
 * Why (issue 33): the bot's main thread keeps a live heap of 30–40 MB, and V8 left so little
 * room above it that a new marking began as soon as the last mark-compact ended — 14 in 200
 * /gacha replies at 20 users (`--trace-incremental-marking`: "Start (task)" at 32 MB of a
 * 55–63 MB limit). Each marks the whole heap, mostly on V8's helper threads: 1.2–1.6 CPU s in
 * every 10 s, on a 2-core host where ONNX Runtime wants every cycle. A 128 MB floor under the
 * old generation lets garbage gather first: one mark-compact in those 200 replies, the helper
 * threads at 0.6 CPU s in 10 s, and the bot drew 6–11 % more images a second beside the same
 * generator speed (README, "Speed"). It costs 12–14 MiB of peak RSS in the generator's
 * process (`npm run bench:rss`, 25 s of drawing) and nothing measurable in the bot's.
 */
export const BOT_HEAP_FLAGS: readonly string[] = ['--initial-old-space-size=128'];

/** What to tell an operator whose bot was started without BOT_HEAP_FLAGS; undefined when it was. */
export function heapFlagsWarning(execArgv: readonly string[] = process.execArgv): string | undefined {
  const missing = BOT_HEAP_FLAGS.filter((flag) => !execArgv.includes(flag));
  if (missing.length === 0) return undefined;
  return (
    `node was started without ${missing.join(' ')}: under load the bot spends ~10 % of its CPU on garbage collection instead of pictures. ` +
    `Start it with \`npm start\`, or pass the flag to node (docs/deploy.md).`
  );
}
