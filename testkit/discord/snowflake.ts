// Discord ids encode their creation time (ms since 2015-01-01 << 22); discord.js derives
// `createdTimestamp` from them, so fake ids must follow the same layout to look sane.
export const DISCORD_EPOCH = 1_420_070_400_000n;

let increment = 0n;

export function snowflake(at: number = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n) | increment).toString();
}

export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}
