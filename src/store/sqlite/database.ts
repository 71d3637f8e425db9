import type BetterSqlite3 from 'better-sqlite3';
import type { ColumnTypes, SqlDatabase } from '../sql/database.ts';

/**
 * SQLite column types. Times are INTEGER milliseconds since the Unix epoch, which keeps
 * millisecond precision and compares as numbers; booleans are 0 or 1; JSON is TEXT.
 */
export const SQLITE_TYPES: ColumnTypes = {
  text: 'TEXT',
  boolean: 'INTEGER',
  timestamp: 'INTEGER',
  json: 'TEXT',
  identity: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  tableOptions: ' STRICT',
};

interface PreparedQuery {
  statement: BetterSqlite3.Statement;
  /** For each `?` in order, the index of the `$n` parameter that it replaced. */
  parameterOrder: number[];
}

/**
 * Runs the shared SQL on a better-sqlite3 handle. Each call runs synchronously, so a statement
 * completes before `query` returns its promise.
 */
export class SqliteDatabase implements SqlDatabase {
  readonly handle: BetterSqlite3.Database;
  readonly #prepared = new Map<string, PreparedQuery>();

  constructor(handle: BetterSqlite3.Database) {
    this.handle = handle;
  }

  async query<Row = Record<string, unknown>>(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<Row[]> {
    const { statement, parameterOrder } = this.#prepare(sql);
    const values = parameterOrder.map((index) => encodeValue(params[index]));
    if (statement.reader) return statement.all(...values) as Row[];
    statement.run(...values);
    return [];
  }

  #prepare(sql: string): PreparedQuery {
    let prepared = this.#prepared.get(sql);
    if (!prepared) {
      const parameterOrder: number[] = [];
      const rewritten = sql.replace(/\$(\d+)/g, (_, digits: string) => {
        parameterOrder.push(Number(digits) - 1);
        return '?';
      });
      prepared = { statement: this.handle.prepare(rewritten), parameterOrder };
      this.#prepared.set(sql, prepared);
    }
    return prepared;
  }
}

function encodeValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}
