import pg from 'pg';
import type { Logger } from '../../shared/logger.ts';
import type { TokenCipher } from '../crypto.ts';
import { decodeChangeEvent, deliverChangeEvent, encodeChangeEvent } from '../events.ts';
import { KeyedMutex } from '../mutex.ts';
import { applyPendingMigrations } from '../sql/migrations.ts';
import { SqlStore } from '../sql/store.ts';
import type { ChangeEvent } from '../types.ts';
import { POSTGRES_TYPES, PostgresDatabase } from './database.ts';
import { NotificationListener } from './listener.ts';
import { lockMigrations, withAdvisoryLock } from './locks.ts';

/** NOTIFY channel of change events; every instance on the database listens on it. */
export const CHANGE_CHANNEL = 'session_tracker_changes';
export const APPLICATION_NAME = 'session-tracker';
const QUERY_POOL_SIZE = 10;
/** Connections that may hold advisory locks at once; more `withLock` calls queue for one. */
const LOCK_POOL_SIZE = 10;

type Listener = (event: ChangeEvent) => void;

/**
 * TrackerStore on PostgreSQL, for one or more tracker instances sharing one database. Locks are
 * advisory locks and change events travel by NOTIFY, so both reach every instance.
 */
export class PostgresStore extends SqlStore {
  readonly kind = 'postgres' as const;
  readonly #connectionString: string;
  readonly #pool: pg.Pool;
  /**
   * Lock holders wait on their own pool, so a task that queries while holding a lock always
   * finds a query connection, even when every lock connection is taken.
   */
  readonly #lockPool: pg.Pool;
  /** Tasks of this instance on one key queue here, so they take one lock connection at a time. */
  readonly #localLocks = new KeyedMutex();
  readonly #listeners = new Set<Listener>();
  #notifications: NotificationListener | undefined;
  #notificationsStarting: Promise<void> | undefined;
  #closed = false;

  private constructor(
    connectionString: string,
    pool: pg.Pool,
    lockPool: pg.Pool,
    cipher: TokenCipher,
    logger: Logger,
  ) {
    super(new PostgresDatabase(pool), cipher, logger);
    this.#connectionString = connectionString;
    this.#pool = pool;
    this.#lockPool = lockPool;
  }

  /** Creates the pools; connections open on first use. Does not migrate. */
  static open(connectionString: string, cipher: TokenCipher, logger: Logger): PostgresStore {
    const pool = createPool(connectionString, QUERY_POOL_SIZE, APPLICATION_NAME, logger);
    const lockPool = createPool(
      connectionString,
      LOCK_POOL_SIZE,
      `${APPLICATION_NAME}-lock`,
      logger,
    );
    return new PostgresStore(connectionString, pool, lockPool, cipher, logger);
  }

  async migrate(): Promise<void> {
    const client = await this.#pool.connect();
    let failure: Error | undefined;
    try {
      await client.query('BEGIN');
      await lockMigrations(client);
      await applyPendingMigrations(new PostgresDatabase(client), POSTGRES_TYPES, this.logger);
      await client.query('COMMIT');
    } catch (error) {
      failure = error as Error;
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release(failure);
    }
  }

  // NOTE: a task that takes a second lock needs a second lock connection. If every lock
  // connection is held by such a task, they all wait for each other, so keep tasks flat.
  async withLock<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.#localLocks.run(key, () =>
      withAdvisoryLock(this.#lockPool, key, task, this.logger),
    );
  }

  async publish(event: ChangeEvent): Promise<void> {
    const payload = encodeChangeEvent(event);
    await this.#pool.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, payload]);
  }

  async subscribe(listener: Listener): Promise<() => Promise<void>> {
    await this.#startNotifications();
    this.#listeners.add(listener);
    return async () => {
      this.#listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    await this.#notificationsStarting?.catch(() => undefined);
    await this.#notifications?.stop();
    await Promise.all([this.#pool.end(), this.#lockPool.end()]);
  }

  /** Starts the LISTEN connection once; a failed start is retried by the next subscriber. */
  async #startNotifications(): Promise<void> {
    if (this.#closed) throw new Error('The store is closed; open a new one to subscribe');
    if (!this.#notificationsStarting) {
      const notifications = new NotificationListener({
        connectionString: this.#connectionString,
        channel: CHANGE_CHANNEL,
        applicationName: `${APPLICATION_NAME}-listener`,
        logger: this.logger,
        onPayload: (payload) => this.#onPayload(payload),
      });
      this.#notifications = notifications;
      this.#notificationsStarting = notifications.start().catch((error: unknown) => {
        this.#notifications = undefined;
        this.#notificationsStarting = undefined;
        throw error;
      });
    }
    await this.#notificationsStarting;
  }

  #onPayload(payload: string): void {
    let event: ChangeEvent;
    try {
      event = decodeChangeEvent(payload);
    } catch (error) {
      this.logger.warn({ err: error, channel: CHANGE_CHANNEL }, 'Ignored a malformed change event');
      return;
    }
    deliverChangeEvent(this.#listeners, event, (error) =>
      this.logger.error({ err: error }, 'A change event listener failed'),
    );
  }
}

function createPool(
  connectionString: string,
  max: number,
  applicationName: string,
  logger: Logger,
): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, application_name: applicationName });
  // Without a listener, an error on an idle connection (a server restart) would end the process.
  pool.on('error', (error) => {
    logger.error({ err: error, pool: applicationName }, 'An idle PostgreSQL connection failed');
  });
  return pool;
}
