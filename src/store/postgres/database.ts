import type pg from 'pg';
import type { ColumnTypes, SqlDatabase } from '../sql/database.ts';

/**
 * PostgreSQL column types. TIMESTAMPTZ keeps microseconds, so JavaScript's milliseconds
 * round-trip exactly, and the `pg` driver returns it as a Date.
 */
export const POSTGRES_TYPES: ColumnTypes = {
  text: 'TEXT',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMPTZ',
  json: 'JSONB',
  identity: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
  tableOptions: '',
};

/** Runs the shared SQL on a pool (one connection per query) or on one checked-out client. */
export class PostgresDatabase implements SqlDatabase {
  readonly #queryable: pg.Pool | pg.PoolClient;

  constructor(queryable: pg.Pool | pg.PoolClient) {
    this.#queryable = queryable;
  }

  async query<Row = Record<string, unknown>>(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<Row[]> {
    const values = params.map((value) => (value === undefined ? null : value));
    const result = await this.#queryable.query(sql, values);
    return result.rows as Row[];
  }
}
