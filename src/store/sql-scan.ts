/**
 * Just enough of SQLite's lexer to find where statements start in a migration file:
 * comments, string literals and quoted identifiers are skipped, and a CREATE TRIGGER's
 * BEGIN … END body (with CASE … END inside) counts as part of its statement.
 */

/** Words and semicolons of `sql`, upper-cased, outside comments, strings and quoted names. */
function tokens(sql: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (c === '-' && sql[i + 1] === '-') {
      const e = sql.indexOf('\n', i);
      i = e < 0 ? n : e + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const e = sql.indexOf('*/', i + 2);
      i = e < 0 ? n : e + 2;
    } else if (c === "'" || c === '"' || c === '`' || c === '[') {
      const close = c === '[' ? ']' : c;
      let j = i + 1;
      for (;;) {
        const e = sql.indexOf(close, j);
        if (e < 0) {
          j = n;
          break;
        }
        if (close !== ']' && sql[e + 1] === close) {
          j = e + 2; // doubled quote inside
          continue;
        }
        j = e + 1;
        break;
      }
      out.push('"'); // a literal or quoted name: never a keyword
      i = j;
    } else if (c === ';') {
      out.push(';');
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$]/.test(sql[j]!)) j++;
      out.push(sql.slice(i, j).toUpperCase());
      i = j;
    } else {
      i++;
    }
  }
  return out;
}

/** The first keyword of each statement, in order (e.g. ["CREATE", "INSERT", "COMMIT"]). */
export function statementKeywords(sql: string): string[] {
  const t = tokens(sql);
  const firsts: string[] = [];
  let i = 0;
  while (i < t.length) {
    if (t[i] === ';') {
      i++;
      continue;
    }
    firsts.push(t[i]!);
    const isTrigger = t[i] === 'CREATE' && (t[i + 1] === 'TRIGGER' || ((t[i + 1] === 'TEMP' || t[i + 1] === 'TEMPORARY') && t[i + 2] === 'TRIGGER'));
    if (isTrigger) {
      // Up to the BEGIN of its body, then to the END that closes it (CASE … END nest).
      while (i < t.length && t[i] !== 'BEGIN') i++;
      i++;
      let cases = 0;
      while (i < t.length) {
        if (t[i] === 'CASE') cases++;
        else if (t[i] === 'END') {
          if (cases === 0) break;
          cases--;
        }
        i++;
      }
    }
    while (i < t.length && t[i] !== ';') i++;
  }
  return firsts;
}

/** Statements that manage the transaction, which the migration runner owns. */
export const TRANSACTION_KEYWORDS = new Set(['BEGIN', 'COMMIT', 'END', 'ROLLBACK', 'SAVEPOINT', 'RELEASE']);

/** The first transaction statement in `sql`, or undefined. */
export function findTransactionStatement(sql: string): string | undefined {
  return statementKeywords(sql).find((k) => TRANSACTION_KEYWORDS.has(k));
}
