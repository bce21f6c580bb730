/**
 * Copying a whole store from one database to another (SQLite → PostgreSQL when a bot grows
 * past one process, or back), rows and ids as they are: favourites keep their ids, so the
 * buttons of old messages (which name them) and morph chains (which point at them) still work.
 * The target must be empty (freshly migrated); everything is written in one transaction, so a
 * failed copy leaves it empty. Rate-limit uses are not copied: they expire within a minute.
 * Gift offers keep their ids too (their buttons name them), and declines their counts.
 */
import type { Db, Queryable, SqlValue } from './db.ts';
import { StoreError } from './errors.ts';

/** Tables in foreign-key order (parents first), with their columns. */
const TABLES = [
  { name: 'favourites', columns: ['id', 'user_id', 'slot', 'model_id', 'z', 'tags', 'name', 'created_at'], identity: true },
  { name: 'gacha_results', columns: ['id', 'user_id', 'model_id', 'tags', 'draws', 'params', 'created_at', 'expires_at'], identity: false },
  { name: 'morph_state', columns: ['user_id', 'favourite_id', 'target_tags', 'updated_at'], identity: false },
  { name: 'user_settings', columns: ['user_id', 'favourites_public', 'picture_size', 'updated_at'], identity: false },
  {
    name: 'gift_offers',
    columns: ['id', 'giver_id', 'receiver_id', 'model_id', 'z', 'tags', 'name', 'status', 'created_at', 'expires_at', 'decided_at'],
    identity: true,
  },
  { name: 'gift_declines', columns: ['receiver_id', 'giver_id', 'declines', 'updated_at'], identity: false },
] as const;

export type CopyCounts = Record<(typeof TABLES)[number]['name'], number>;

/** Rows per INSERT … VALUES: well under both engines' limits on bound parameters. */
const CHUNK = 200;

async function insertChunk(tx: Queryable, target: Db, table: (typeof TABLES)[number], rows: Record<string, SqlValue>[]): Promise<void> {
  const placeholders = `(${table.columns.map(() => '?').join(', ')})`;
  // PostgreSQL's identity columns take given ids only when told so.
  const override = table.identity && target.engine === 'postgres' ? ' OVERRIDING SYSTEM VALUE' : '';
  const sql = `INSERT INTO ${table.name} (${table.columns.join(', ')})${override} VALUES ${rows.map(() => placeholders).join(', ')}`;
  await tx.run(sql, ...rows.flatMap((r) => table.columns.map((c) => r[c] ?? null)));
}

export async function copyStore(source: Db, target: Db, onTable?: (table: string, rows: number) => void): Promise<CopyCounts> {
  for (const table of TABLES) {
    const row = await target.get<{ n: number }>(`SELECT count(*) AS n FROM ${table.name}`);
    if (Number(row?.n ?? 0) > 0) {
      throw new StoreError('invalid_input', `The target ${target.where} already holds ${table.name} (${row!.n} rows): copy only into an empty, new database.`);
    }
  }
  const counts = { favourites: 0, gacha_results: 0, morph_state: 0, user_settings: 0, gift_offers: 0, gift_declines: 0 };
  await target.transaction(async (tx) => {
    for (const table of TABLES) {
      const rows = await source.all<Record<string, SqlValue>>(`SELECT ${table.columns.join(', ')} FROM ${table.name} ORDER BY 1`);
      for (let i = 0; i < rows.length; i += CHUNK) await insertChunk(tx, target, table, rows.slice(i, i + CHUNK));
      counts[table.name] = rows.length;
      onTable?.(table.name, rows.length);
    }
    // New rows must get ids above the copied ones (ids are never reused).
    for (const table of TABLES) {
      if (target.engine === 'postgres' && table.identity && counts[table.name] > 0) {
        await tx.get(`SELECT setval(pg_get_serial_sequence('${table.name}', 'id'), (SELECT max(id) FROM ${table.name}))`);
      }
    }
  }, 'store:copy');
  return counts;
}
