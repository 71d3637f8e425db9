import { PassThrough } from 'node:stream';
import type { FastifyReply } from 'fastify';

/** A newline-delimited JSON response body, written line by line after the headers went out. */
export class NdjsonStream {
  readonly #stream = new PassThrough();

  /** Sends the response headers with the stream as body; lines follow as they are written. */
  constructor(reply: FastifyReply) {
    reply.type('application/x-ndjson; charset=utf-8').send(this.#stream);
  }

  write(line: Record<string, unknown>): void {
    this.#stream.write(`${JSON.stringify(line)}\n`);
  }

  end(): void {
    this.#stream.end();
  }
}
