/**
 * A PostgreSQL server that hangs (SIGSTOP: connections stay open, nothing answers) rather than
 * goes down: the client's own timers turn every statement — on a pooled connection, on a new
 * one, inside a transaction — into StoreError('db_not_answering'), and the pool works again
 * once the server goes on (SIGCONT). Short timeouts here; the defaults are 5 s / 10 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.ts';
import { StoreError } from '../../src/store/errors.ts';
import { openPostgres } from '../../src/store/postgres.ts';
import { postgresTestsEnabled, TestPostgres } from '../../testkit/postgres.ts';

describe.runIf(postgresTestsEnabled())('a hung PostgreSQL server', () => {
  let pg: TestPostgres;
  let db: Db;

  beforeAll(async () => {
    pg = await TestPostgres.start();
    db = await openPostgres(pg.createDatabase('hung'), { poolSize: 2, connectTimeoutMs: 400, statementTimeoutMs: 400 });
    await db.run('CREATE TABLE t (v integer)');
  }, 60_000);
  afterAll(async () => {
    pg?.resumeServer();
    await db?.close();
    await pg?.destroy();
  });

  const notAnswering = (p: Promise<unknown>) => expect(p).rejects.toSatisfy((e) => e instanceof StoreError && e.code === 'db_not_answering');

  it('GIVEN the server stopped (SIGSTOP) THEN statements, new connections and transactions fail as "not answering", nothing half-written, and all works after SIGCONT', async () => {
    await db.get('SELECT 1'); // a pooled, idle connection
    pg.pauseServer();
    try {
      // Each of these waited until SIGCONT before the client had timeouts of its own.
      await notAnswering(db.get('SELECT 1'));
      await notAnswering(db.run('INSERT INTO t (v) VALUES (1)'));
      await notAnswering(Promise.all([db.get('SELECT 1'), db.get('SELECT 2'), db.get('SELECT 3')])); // more than the pool holds
      await notAnswering(
        db.transaction(async (tx) => {
          await tx.run('INSERT INTO t (v) VALUES (2)');
        }, 'key'),
      );
    } finally {
      pg.resumeServer();
    }
    await expect.poll(() => db.get<{ one: number }>('SELECT 1 AS one').catch(() => undefined), { timeout: 15_000, interval: 100 }).toEqual({ one: 1 });
    await db.transaction(async (tx) => {
      await tx.run('INSERT INTO t (v) VALUES (3)');
    }, 'key');
    // Neither the timed-out insert nor the transaction left anything; the later one committed.
    // (The plain insert may have reached the server before it stopped: it is allowed to have landed, not to be half-written.)
    const rows = await db.all<{ v: number }>('SELECT v FROM t WHERE v <> 1 ORDER BY v');
    expect(rows).toEqual([{ v: 3 }]);
  }, 60_000);

  it('GIVEN the server stopped THEN closing the store leaves no socket open (they would keep the process from exiting)', async () => {
    const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    const before = sockets();
    const other = await openPostgres(pg.url('hung'), { connectTimeoutMs: 400, statementTimeoutMs: 400 });
    await other.get('SELECT 1');
    expect(sockets()).toBeGreaterThan(before);
    pg.pauseServer();
    try {
      await other.close();
      // Before: its connection stayed open, waiting for the server's goodbye, until SIGCONT.
      expect(sockets()).toBeLessThanOrEqual(before);
    } finally {
      pg.resumeServer();
    }
  }, 60_000);
});
