/**
 * The one query function that the shared store code needs from a database driver. SQL is
 * written once with PostgreSQL's `$1` placeholders; the SQLite adapter rewrites them.
 *
 * Parameters are JavaScript values (string, number, boolean, Date, null or undefined). Each
 * adapter encodes them for its column types (see ColumnTypes), and rows come back with the
 * driver's own representation, which the read helpers below turn into JavaScript values.
 */
export interface SqlDatabase {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

/** Column types of one dialect, so that both schemas are written from one definition. */
export interface ColumnTypes {
  text: string;
  boolean: string;
  /** A point in time with at least millisecond precision. */
  timestamp: string;
  json: string;
  /** An integer primary key that the database assigns in increasing order. */
  identity: string;
  /** Appended to every CREATE TABLE. */
  tableOptions: string;
}

export function readDate(value: unknown, column: string): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number' || typeof value === 'bigint') return new Date(Number(value));
  throw new TypeError(
    `Invalid value in column ${column}: expected a timestamp, got ${typeof value}`,
  );
}

export function readOptionalDate(value: unknown, column: string): Date | undefined {
  return value === null || value === undefined ? undefined : readDate(value, column);
}

export function readBoolean(value: unknown): boolean {
  return value === true || value === 1 || value === 1n;
}

/** Returns the parsed JSON of a TEXT (SQLite) or JSONB (PostgreSQL) column. */
export function readJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** Returns the value of a 64-bit id column, which PostgreSQL's driver returns as a string. */
export function readId(value: unknown, column: string): number {
  const id = Number(value);
  if (!Number.isSafeInteger(id)) {
    throw new TypeError(
      `Invalid value in column ${column}: ${String(value)} is not a safe integer`,
    );
  }
  return id;
}

export function readOptionalText(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}
