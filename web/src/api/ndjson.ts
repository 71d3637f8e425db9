import { ApiError, INVALID_RESPONSE, send } from './http.ts';
import type { RevokeStreamEnd, RevokeStreamEvent } from './types.ts';

/** Yields each line of a newline-delimited JSON body as soon as the line is complete. */
export async function* readNdjsonLines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';

  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffered += decoder.decode(value, { stream: !done });

      let newline = buffered.indexOf('\n');
      while (newline !== -1) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line !== '') yield line;
        newline = buffered.indexOf('\n');
      }

      if (done) break;
    }
  } finally {
    reader.releaseLock();
  }

  const last = buffered.trim();
  if (last !== '') yield last;
}

/**
 * Posts to a revocation route that streams its progress as NDJSON, calls `onEvent` for each event
 * and returns the final `end` event.
 */
export async function streamRevocation(
  path: string,
  body: unknown,
  onEvent: (event: RevokeStreamEvent) => void,
  signal?: AbortSignal,
): Promise<RevokeStreamEnd> {
  const response = await send(path, {
    method: 'POST',
    body,
    accept: 'application/x-ndjson',
    signal,
  });
  if (!response.body) throw streamBroken();

  for await (const line of readNdjsonLines(response.body)) {
    const event = parseEvent(line);
    onEvent(event);
    if (event.type === 'end') return event;
  }
  throw streamBroken();
}

function parseEvent(line: string): RevokeStreamEvent {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new ApiError(
      INVALID_RESPONSE,
      200,
      'The tracker sent a progress line that is not JSON. Reload the page to see what is left.',
      { cause: error },
    );
  }

  // A failure after the stream has started cannot change the HTTP status, so it arrives as a line.
  const failure = (value as { error?: { code?: unknown; message?: unknown } }).error;
  if (typeof failure?.code === 'string' && typeof failure.message === 'string') {
    throw new ApiError(failure.code, 200, failure.message);
  }
  return value as RevokeStreamEvent;
}

function streamBroken(): ApiError {
  return new ApiError(
    INVALID_RESPONSE,
    200,
    'The tracker closed the connection before the revocation finished. Reload the page to see what is left, then try again.',
  );
}
