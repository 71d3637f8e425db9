import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DATABASE_FILE } from '../../../src/idp/store/database.ts';
import type { Stack } from '../../helpers/stack.ts';

/**
 * Read-only access to the embedded server's delegations table, so tests can check the API's
 * answers against the rows themselves rather than against another API call.
 */
export class DelegationOracle {
  readonly #db: Database.Database;

  constructor(stack: Stack) {
    this.#db = new Database(join(stack.config.idp.dataDir, DATABASE_FILE), {
      readonly: true,
      fileMustExist: true,
    });
  }

  /** Counts rows matching a WHERE clause over the columns owner, client_id, status and expires (epoch seconds). */
  count(where: string, ...params: unknown[]): number {
    return (
      this.#db
        .prepare(`SELECT count(*) AS total FROM delegations WHERE ${where}`)
        .get(...params) as { total: number }
    ).total;
  }

  /** Counts the distinct owners of the rows matching a WHERE clause. */
  countOwners(where: string, ...params: unknown[]): number {
    const row = this.#db
      .prepare(`SELECT count(DISTINCT owner) AS total FROM delegations WHERE ${where}`)
      .get(...params);
    return (row as { total: number }).total;
  }

  /** Returns the status of the delegation with this delegation id (SCIM externalId). */
  statusOf(delegationId: string): string | undefined {
    const row = this.#db
      .prepare('SELECT status FROM delegations WHERE id = ?')
      .get(delegationId) as { status: string } | undefined;
    return row?.status;
  }

  close(): void {
    this.#db.close();
  }
}
