/**
 * The lines `npm run bench:bot` prints, from its measurements: kept apart from the bench so
 * their format is tested (tests/cli/bench-bot-lines.test.ts) without timing anything.
 */

/** The p-quantile (0…1) of ascending `sorted` by the nearest-rank rule; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

const ascending = (values: readonly number[]) => [...values].sort((a, b) => a - b);
const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : '—');

export interface BurstResult {
  /** Finish times (ms from sending) of the single-picture requests answered. */
  singles: readonly number[];
  /** Finish times of the grids answered. */
  grids: readonly number[];
  /** Interactions sent, all kinds. */
  sent: number;
}

/** `burst: single-picture p50 A ms p99 B ms; grids p99 C ms; answered N/N` */
export function burstLine(r: BurstResult): string {
  const singles = ascending(r.singles);
  const grids = ascending(r.grids);
  const answered = singles.length + grids.length;
  return `burst: single-picture p50 ${ms(percentile(singles, 0.5))} ms p99 ${ms(percentile(singles, 0.99))} ms; grids p99 ${ms(percentile(grids, 0.99))} ms; answered ${answered}/${r.sent}`;
}

export interface ThroughputResult {
  users: number;
  /** Images the bot delivered per second in the phase. */
  botImagesPerSecond: number;
  /** The generator's own images/s, measured in the same run. */
  generatorImagesPerSecond: number;
  /** Finish times of the phase's interactions. */
  latencies: readonly number[];
}

/** `20 users: bot 124.0 images/s = 51 % of the generator's own 244.0 in this run; p50 1413 ms p99 1641 ms` */
export function throughputLine(r: ThroughputResult): string {
  const sorted = ascending(r.latencies);
  const share = (100 * r.botImagesPerSecond) / r.generatorImagesPerSecond;
  return (
    `${r.users} users: bot ${r.botImagesPerSecond.toFixed(1)} images/s = ${Number.isFinite(share) ? share.toFixed(0) : '—'} % of the generator's own ` +
    `${r.generatorImagesPerSecond.toFixed(1)} in this run; p50 ${ms(percentile(sorted, 0.5))} ms p99 ${ms(percentile(sorted, 0.99))} ms`
  );
}

/** Before and after differing by more than this share of their mean, a run's share is flagged. */
const DRIFT_LIMIT = 0.1;

/**
 * The generator alone, before and after the users' phases, and the bot's CPU an image against
 * the generator's: on a shared host whose speed swings from minute to minute the ratio of CPU
 * times (both measured in this process) is steadier than the ratio of images/s, and a run whose
 * before and after differ by more than DRIFT_LIMIT says so.
 */
export function generatorLine(g: { before: number; after: number; generatorCpuMsPerImage: number; botCpuMsPerImage: number }): string {
  const drift = Math.abs(g.before - g.after) / ((g.before + g.after) / 2);
  const cpu = g.botCpuMsPerImage / g.generatorCpuMsPerImage;
  return (
    `generator alone, batch 32: ${g.before.toFixed(1)} images/s before the phases, ${g.after.toFixed(1)} after` +
    (drift > DRIFT_LIMIT ? ` (${(100 * drift).toFixed(0)} % apart: the host's speed changed during this run, so its share is unsteady)` : '') +
    `; ${g.generatorCpuMsPerImage.toFixed(1)} cpu ms/image, the bot's ${g.botCpuMsPerImage.toFixed(1)} = ${Number.isFinite(cpu) ? cpu.toFixed(2) : '—'}× (rendering, REST and the in-process loopback)`
  );
}

export interface StageTimes {
  /** Tiles in each picture. */
  tiles: number;
  /** Per picture, ms: generator (the batch's wall time), compose (tiles and labels), PNG encode, and the rest of the round trip (REST upload, store, discord.js). */
  generator: number;
  compose: number;
  encode: number;
  rest: number;
}

/** One line: per tile, each stage and what lies outside the generator as a share of it; `clock` names the time (cpu, wall). */
export function stagesLine(s: StageTimes, clock: 'cpu' | 'wall'): string {
  const per = (v: number) => (v / s.tiles).toFixed(2);
  const outside = s.compose + s.encode + s.rest;
  return (
    `per picture (${s.tiles}-tile /gacha, ${clock} ms a tile): generator ${per(s.generator)}; outside it ${per(outside)} = ` +
    `${((100 * outside) / s.generator).toFixed(0)} % of the generator's (compose and labels ${per(s.compose)}, PNG encode ${per(s.encode)}, upload and store ${per(s.rest)})`
  );
}
