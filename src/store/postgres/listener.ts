import pg from 'pg';
import type { Logger } from '../../shared/logger.ts';

const FIRST_RETRY_DELAY_MS = 100;
const MAX_RETRY_DELAY_MS = 10_000;

export interface NotificationListenerOptions {
  connectionString: string;
  channel: string;
  applicationName: string;
  logger: Logger;
  onPayload: (payload: string) => void;
}

/**
 * Holds one dedicated connection that LISTENs on a channel. When the connection fails it logs,
 * waits (100 ms, doubling up to 10 s) and connects again until it succeeds or `stop` is called.
 *
 * NOTE: notifications sent while the connection is down are lost, because PostgreSQL queues
 * them only for sessions that are listening at the time.
 */
export class NotificationListener {
  readonly #options: NotificationListenerOptions;
  #client: pg.Client | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #failures = 0;
  #stopped = false;

  constructor(options: NotificationListenerOptions) {
    this.#options = options;
  }

  /** Connects and starts listening; rejects if the first connection fails. */
  async start(): Promise<void> {
    await this.#connect();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    const client = this.#client;
    this.#client = undefined;
    if (client) await client.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    const { connectionString, channel, applicationName, onPayload } = this.#options;
    const client = new pg.Client({ connectionString, application_name: applicationName });
    client.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) onPayload(message.payload);
    });
    client.on('error', (error) => this.#onConnectionLost(client, error));
    client.on('end', () => this.#onConnectionLost(client, new Error('the connection ended')));

    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      // Not awaited: ending a client whose connection failed may never settle.
      client.removeAllListeners('end');
      client.end().catch(() => undefined);
      throw error;
    }
    if (this.#stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
  }

  #onConnectionLost(client: pg.Client, error: Error): void {
    if (this.#stopped || this.#client !== client) return;
    this.#client = undefined;
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    this.#options.logger.warn(
      { err: error, channel: this.#options.channel },
      'Lost the change notification connection; reconnecting',
    );
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#stopped) return;
    const delay = Math.min(FIRST_RETRY_DELAY_MS * 2 ** this.#failures, MAX_RETRY_DELAY_MS);
    this.#retryTimer = setTimeout(() => void this.#reconnect(), delay);
  }

  async #reconnect(): Promise<void> {
    try {
      await this.#connect();
    } catch (error) {
      this.#failures += 1;
      this.#options.logger.warn(
        { err: error, channel: this.#options.channel, attempt: this.#failures },
        'Failed to reconnect the change notification connection; retrying',
      );
      this.#scheduleReconnect();
      return;
    }
    if (this.#stopped) return;
    this.#options.logger.info(
      { channel: this.#options.channel, failedAttempts: this.#failures },
      'Reconnected the change notification connection',
    );
    this.#failures = 0;
  }
}
