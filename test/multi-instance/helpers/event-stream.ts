import type { ChangeEvent } from '../../../src/store/types.ts';
import type { TestBrowser } from '../../helpers/test-browser.ts';
import { SERVED_BY_HEADER } from './round-robin-proxy.ts';

/** How long `next` waits for a matching event before it fails instead of hanging the test. */
const DEFAULT_WAIT_MS = 10_000;

interface Waiter {
  predicate: (event: ChangeEvent) => boolean;
  resolve: (event: ChangeEvent) => void;
}

/**
 * One open GET /api/events stream of a test browser, read in the background. Every `change`
 * event is kept in `events`, in arrival order.
 */
export class EventStream {
  readonly events: ChangeEvent[] = [];
  /** Index of the instance that serves the stream, from the proxy's response header. */
  readonly servedBy: number;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #waiters = new Set<Waiter>();
  #ended = false;

  private constructor(reader: ReadableStreamDefaultReader<Uint8Array>, servedBy: number) {
    this.#reader = reader;
    this.servedBy = servedBy;
    void this.#read();
  }

  /**
   * Opens the stream and resolves once the response has arrived. The tracker subscribes before
   * it sends the response, so every event published after this resolves is delivered.
   */
  static async open(browser: TestBrowser): Promise<EventStream> {
    const response = await browser.fetch('/api/events', {
      headers: { accept: 'text/event-stream' },
    });
    if (response.status !== 200 || !response.body) {
      throw new Error(`GET /api/events returned ${response.status}: ${await response.text()}`);
    }
    return new EventStream(
      response.body.getReader(),
      Number(response.headers.get(SERVED_BY_HEADER)),
    );
  }

  /**
   * Resolves with the first event, received so far or later, that matches `predicate`.
   * Rejects when the stream ends or after `waitMs` without one.
   */
  async next(
    predicate: (event: ChangeEvent) => boolean,
    waitMs = DEFAULT_WAIT_MS,
  ): Promise<ChangeEvent> {
    const seen = this.events.find(predicate);
    if (seen) return seen;
    if (this.#ended) throw new Error(`The event stream ended; received: ${this.describe()}`);

    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve: (event) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve(event);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(
          new Error(`No matching change event within ${waitMs} ms; received: ${this.describe()}`),
        );
      }, waitMs);
      this.#waiters.add(waiter);
    });
  }

  async close(): Promise<void> {
    await this.#reader.cancel().catch(() => undefined);
  }

  describe(): string {
    return this.events.length === 0
      ? '(none)'
      : this.events.map((event) => JSON.stringify(event)).join(', ');
  }

  async #read(): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await this.#reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          this.#receive(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // Cancelled by close(), or the server went away: both end the stream.
    }
    this.#ended = true;
  }

  /** Parses one SSE block (WHATWG HTML, "Server-sent events"); comment lines start with ':'. */
  #receive(block: string): void {
    const lines = block.split('\n');
    const type = lines
      .find((line) => line.startsWith('event:'))
      ?.slice('event:'.length)
      .trim();
    const data = lines
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice('data:'.length).trimStart())
      .join('\n');
    if (type !== 'change' || data === '') return;

    const event = JSON.parse(data) as ChangeEvent;
    this.events.push(event);
    for (const waiter of [...this.#waiters]) {
      if (waiter.predicate(event)) waiter.resolve(event);
    }
  }
}
