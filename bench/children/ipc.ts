/**
 * The child side of bench/lib/child-process.ts: reads the input, reports `ready` once started,
 * runs named handlers on request and closes on `stop`.
 */

export interface ChildService {
  /** Sent to the parent with the ready message. */
  ready: unknown;
  handlers: Record<string, (argument: unknown) => Promise<unknown>>;
  close(): Promise<void>;
}

type ParentMessage =
  { type: 'request'; id: number; name: string; argument: unknown } | { type: 'stop' };

export function readChildInput<T>(): T {
  const text = process.env.BENCH_CHILD_INPUT;
  if (text === undefined)
    throw new Error(
      'BENCH_CHILD_INPUT is missing: start this script through bench/lib/child-process.ts.',
    );
  return JSON.parse(text) as T;
}

/** Starts the service and serves the parent's requests until it sends `stop` or disconnects. */
export async function serveParent(start: () => Promise<ChildService>): Promise<void> {
  let service: ChildService;
  try {
    service = await start();
  } catch (error) {
    console.error(error);
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }

  const stop = async () => {
    await service.close().catch((error: unknown) => console.error(error));
    process.exit(0);
  };
  process.on('disconnect', () => void stop());
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stop') {
      void stop();
      return;
    }
    const handler = service.handlers[message.name];
    if (!handler) {
      send({ type: 'reply', id: message.id, error: `No handler named ${message.name}.` });
      return;
    }
    handler(message.argument).then(
      (value) => send({ type: 'reply', id: message.id, value }),
      (error: unknown) =>
        send({
          type: 'reply',
          id: message.id,
          error: error instanceof Error ? error.message : String(error),
        }),
    );
  });
  send({ type: 'ready', value: service.ready });
}

function send(message: unknown): void {
  process.send?.(message);
}
