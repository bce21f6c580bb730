/**
 * Copies every favourite, stored picture (gacha buttons) and morph chain from one store to
 * another, ids kept: the way from the SQLite file to a PostgreSQL server when a bot grows past
 * one process (docs/deploy.md). Stop the bot first; the target must be a new, empty database.
 *
 *   npm run store:copy -- --from var/gff.db --to postgres://user:password@host:5432/gff
 */
import { existsSync } from 'node:fs';
import { copyStore, openDatabase, redactUrl, StoreError } from '../src/store/index.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const shown = (target: string) => (target.includes('://') ? redactUrl(target) : target);

async function main(): Promise<number> {
  const from = arg('from');
  const to = arg('to');
  if (!from || !to) {
    process.stderr.write('usage: npm run store:copy -- --from <sqlite file | postgres://…> --to <postgres://… | sqlite file>\n');
    return 2;
  }
  if (from === to) {
    process.stderr.write('store:copy: --from and --to are the same database\n');
    return 2;
  }
  // openDatabase would create a missing SQLite file: a typo must not copy an empty store.
  if (!from.includes('://') && !existsSync(from)) {
    process.stderr.write(`store:copy: there is no database file "${from}"\n`);
    return 2;
  }
  const source = await openDatabase(from);
  try {
    const target = await openDatabase(to);
    try {
      const counts = await copyStore(source, target, (table, rows) => process.stdout.write(`${table}: ${rows} rows\n`));
      process.stdout.write(
        `copied ${shown(from)} → ${shown(to)}: ${counts.favourites} favourites, ${counts.gacha_results} stored pictures, ${counts.morph_state} morph chains, ${counts.user_settings} users’ settings, ${counts.gift_offers} gift offers\n`,
      );
      return 0;
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

try {
  process.exitCode = await main();
} catch (e) {
  process.stderr.write(`store:copy: ${e instanceof StoreError || e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
