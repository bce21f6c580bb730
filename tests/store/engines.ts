/**
 * The store's contract tests run once per engine: SQLite always, PostgreSQL where a private
 * server can be started (testkit/postgres.ts; skipped with a note otherwise, a failure under
 * GFF_REQUIRE_POSTGRES=1 as in CI). Each test gets a database of its own.
 */
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Db, Engine } from '../../src/store/index.ts';
import { postgresTestsEnabled, TestPostgres } from '../../testkit/postgres.ts';
import { tempDir } from './helpers.ts';

/** The engines this run tests. */
export function enginesUnderTest(): Engine[] {
  return postgresTestsEnabled() ? ['sqlite', 'postgres'] : ['sqlite'];
}

export interface EngineFixture {
  readonly engine: Engine;
  /** A new, empty database: a SQLite file in a temp folder, or a database on the file's server. */
  newTarget(): string;
  /** The private server (PostgreSQL only), for tests that stop and start it. */
  readonly server: TestPostgres | undefined;
}

/** Call inside a describe: starts the engine's server for the block and cleans up after it. */
export function engineFixture(engine: Engine): EngineFixture {
  let pg: TestPostgres | undefined;
  let tmp: ReturnType<typeof tempDir> | undefined;
  let n = 0;
  beforeAll(async () => {
    tmp = tempDir();
    if (engine === 'postgres') pg = await TestPostgres.start();
  }, 60_000);
  afterAll(async () => {
    await pg?.destroy();
    tmp?.cleanup();
  });
  return {
    engine,
    newTarget: () => {
      n++;
      return engine === 'postgres' ? pg!.createDatabase(`t${n}`) : join(tmp!.dir, `t${n}.db`);
    },
    get server() {
      return pg;
    },
  };
}

/** Makes the next writes of `op` on `table` fail inside the database, after every check in the code passed. */
export async function failWrites(db: Db, table: string, op: 'INSERT' | 'UPDATE OF name', name: string): Promise<void> {
  if (db.engine === 'sqlite') {
    await db.run(`CREATE TEMP TRIGGER ${name} BEFORE ${op} ON ${table} BEGIN SELECT RAISE(ABORT, 'simulated failure'); END`);
    return;
  }
  await db.run(`CREATE OR REPLACE FUNCTION gff_fail() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'simulated failure'; END $$ LANGUAGE plpgsql`);
  await db.run(`CREATE TRIGGER ${name} BEFORE ${op} ON ${table} FOR EACH ROW EXECUTE FUNCTION gff_fail()`);
}

export async function dropFailure(db: Db, table: string, name: string): Promise<void> {
  await db.run(db.engine === 'sqlite' ? `DROP TRIGGER ${name}` : `DROP TRIGGER ${name} ON ${table}`);
}
