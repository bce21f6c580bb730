import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.ts';
import { storeFailureKind } from '../../src/store/failure.ts';
import { isNotAnswering, redactUrl } from '../../src/store/postgres.ts';

const pgError = (code: string) => Object.assign(new Error('x'), { code, severity: 'ERROR' });

describe('store failures by what a user can do about them', () => {
  it('GIVEN SQLite, PostgreSQL and store errors THEN busy passes, unavailable needs the operator, the rest are bugs', () => {
    expect(storeFailureKind(Object.assign(new Error('x'), { code: 'SQLITE_BUSY_SNAPSHOT' }))).toBe('busy');
    expect(storeFailureKind(Object.assign(new Error('x'), { code: 'SQLITE_FULL' }))).toBe('unavailable');
    expect(storeFailureKind(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }))).toBe('other');
    expect(storeFailureKind(pgError('40P01'))).toBe('busy'); // deadlock
    expect(storeFailureKind(pgError('53100'))).toBe('unavailable'); // disk full
    expect(storeFailureKind(pgError('25006'))).toBe('unavailable'); // read-only transaction
    expect(storeFailureKind(pgError('23505'))).toBe('other'); // unique violation: a bug
    expect(storeFailureKind(new StoreError('db_not_answering', 'down'))).toBe('busy');
    expect(storeFailureKind(new StoreError('db_unavailable', 'gone'))).toBe('unavailable');
    expect(storeFailureKind(new StoreError('invalid_input', 'bug'))).toBe('other');
    expect(storeFailureKind(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBeUndefined();
    expect(storeFailureKind(new Error('plain'))).toBeUndefined();
  });

  it('GIVEN connection failures THEN they read as "not answering"; statement errors do not', () => {
    expect(isNotAnswering(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isNotAnswering(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isNotAnswering(pgError('57P01'))).toBe(true); // admin shutdown
    expect(
      isNotAnswering(new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' }), Object.assign(new Error('b'), { code: 'ECONNREFUSED' })])),
    ).toBe(true);
    expect(isNotAnswering(pgError('23505'))).toBe(false);
    // The client's own timers, for a server that hangs: a statement, and a connection attempt.
    expect(isNotAnswering(new Error('Query read timeout'))).toBe(true);
    expect(isNotAnswering(new Error('timeout expired'))).toBe(true);
  });

  it('GIVEN a URL with a password THEN messages show it without', () => {
    expect(redactUrl('postgres://bot:hunter2@db.example:5432/gff')).toBe('postgres://bot@db.example:5432/gff');
    expect(redactUrl('not a url')).not.toContain('not a url');
  });
});
