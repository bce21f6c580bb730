/**
 * `npm run start:sharded`: the bot as several shard processes under discord.js's
 * ShardingManager, each one src/bot.ts as `npm start` runs it. GFF_SHARD_COUNT (auto, or a
 * number) and GFF_SHARD_IDS (the shards this host runs, e.g. 0-3; default all) choose them;
 * docs/deploy.md tells how to run it.
 */
import { fileURLToPath } from 'node:url';
import { shardMain } from './bot/shard-main.ts';

process.exitCode = await shardMain(fileURLToPath(new URL('./bot.ts', import.meta.url)));
